"""The device cookie: a phone that has logged in as a user before says so when it logs in again.

Its failed logins are then counted in a bucket of its own, apart from everyone else's guesses at
that username and from the address it shares (an office NAT, a proxy), so a stranger guessing a
worker's password cannot lock the worker's own phone out. The cookie holds the username and a
random device id, signed with SECRET_KEY; it grants nothing else (the password is still needed).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "gw_device"
PATH = "/api/v1/auth"
LIFETIME = timedelta(days=365)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="gridwalk-login-device")


def _read() -> dict | None:
    value = request.cookies.get(COOKIE)
    if not value or len(value) > 512:
        return None
    try:
        data = _serializer().loads(value, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:  # forged, altered, expired or from another deployment
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("d"), str):
        return None
    return data


def known_device(username: str) -> str | None:
    """This request's device id if its cookie says it logged in as `username` before."""
    data = _read()
    if data is None or data["u"] != username.strip().lower():
        return None
    return data["d"]


def remember_device(response: Response, username: str, lasting: bool) -> Response:
    """After a successful login: (re)issue the cookie, keeping the device id it had. Without
    "remember me" (a shared desk computer) it ends with the browser session, like the login."""
    data = _read()
    device = data["d"] if data is not None else secrets.token_urlsafe(12)
    value = _serializer().dumps({"u": username.strip().lower(), "d": device})
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(LIFETIME.total_seconds()) if lasting else None,
        path=PATH,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response
