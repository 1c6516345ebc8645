"""Every state-changing API route refuses a logged-in request without the right X-CSRF-Token."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import Rule

from server.extensions import db
from tests.factories import org_with_users

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Login has no session to take a token from yet (server/security.py: csrf_exempt).
EXEMPT = {"auth.login"}


@pytest.fixture
def admin(app, auth):
    org_with_users()
    assert auth.login("admin1").status_code == 200
    return auth


def unsafe_api_routes(app: Flask) -> list[tuple[str, str]]:
    """(method, real URL with dummy path values) for every unsafe route under /api/."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint in EXEMPT:
            continue
        for method in sorted(set(UNSAFE) & rule.methods):
            routes.append((method, _url(rule)))
    return routes


def _url(rule: Rule) -> str:
    # "1" suits every converter the API uses (int ids, string ids and hashes): no such record.
    return rule.build(dict.fromkeys(rule.arguments, "1"))[1]


def _row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_only_login_is_exempt(app):
    exempt = {name for name, view in app.view_functions.items() if getattr(view, "csrf_exempt", False)}
    assert exempt == EXEMPT


def test_the_routes_checked_are_the_real_ones(app):
    routes = unsafe_api_routes(app)
    urls = {url for _, url in routes}
    # Without these the test below could pass by checking nothing.
    assert len(routes) >= 15
    for url in ("/api/v1/auth/logout", "/api/v1/sync/push", "/api/v1/sync/import", "/api/v1/users/1"):
        assert url in urls
    assert ("DELETE", "/api/v1/push/subscriptions") in routes
    assert not any(url == "/api/v1/auth/login" for _, url in routes)


@pytest.mark.parametrize("token", [None, "forged-token", "x" * 64], ids=["missing", "forged", "long-forged"])
def test_every_unsafe_api_route_needs_the_csrf_token(app, admin, token):
    before = _row_counts()
    headers = {"X-CSRF-Token": token} if token else {}
    answers = {}
    for method, url in unsafe_api_routes(app):
        response = admin.client.open(url, method=method, json={}, headers=headers)
        body = response.get_json(silent=True) or {}
        answers[f"{method} {url}"] = (response.status_code, body.get("error", {}).get("code"))
    refused = {route: answer for route, answer in answers.items() if answer == (403, "csrf_failed")}
    assert answers == refused
    assert _row_counts() == before
    # Still logged in: the refusals were about the token, not the session.
    assert admin.client.get("/api/v1/auth/me").status_code == 200


def test_the_right_token_gets_past_the_check_on_every_route(app, admin):
    """The 403s above come from the token: with it, the same requests reach their views."""
    routes = unsafe_api_routes(app)
    # Logout last: it ends the session the other requests need.
    routes.sort(key=lambda route: route[1] == "/api/v1/auth/logout")
    for method, url in routes:
        response = admin.client.open(url, method=method, json={}, headers=admin.headers())
        body = response.get_json(silent=True) or {}
        assert body.get("error", {}).get("code") != "csrf_failed", f"{method} {url}"
        assert response.status_code != 401, f"{method} {url}"
