"""Request guards and response headers shared by every route: CSRF, JSON only, sizes, CSP."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

from server.auth.service import csrf_valid
from server.errors import ApiError, is_api_path
from server.i18n import msg

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Photo previews in forms are blob: URLs of the outbox's stored Blobs.
        "img-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def csrf_exempt(view):
    """Mark a view that needs no X-CSRF-Token (only login: there is no session yet)."""
    view.csrf_exempt = True
    return view


def raw_body(view):
    """Mark a view that takes a non-JSON body (photo bytes, backup files)."""
    view.raw_body = True
    return view


def _view_flag(name: str) -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, name, False))


def too_large() -> ApiError:
    return ApiError(413, "payload_too_large", msg("提交的内容太大", "The request body is too large"))


def read_body(limit: int, refusal: ApiError | None = None, cache: bool = False) -> bytes:
    """The request body, refused (413) past `limit` bytes whether or not it came with a length.

    werkzeug stops a chunked body at max_content_length without a word, so a body cut there
    would reach the parser as truncated bytes; reading one byte past the limit tells an
    over-size body from one exactly at it.
    """
    refusal = refusal or too_large()
    if (request.content_length or 0) > limit:
        raise refusal
    request.max_content_length = limit + 1
    data = request.get_data(cache=cache)
    if len(data) > limit:
        raise refusal
    return data


def guard_api_request() -> None:
    """Reject unsafe /api requests without a CSRF token, with a non-JSON body, or too big."""
    if request.method not in UNSAFE_METHODS or not is_api_path(request.path):
        return
    if request.endpoint is None:
        return  # unknown path or method: let routing answer 404/405
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding")
    if has_body and not _view_flag("raw_body"):
        if not request.is_json:
            raise ApiError(
                415,
                "unsupported_media_type",
                msg(
                    "请以 JSON 格式提交 (Content-Type: application/json)",
                    "Send JSON (Content-Type: application/json)",
                ),
            )
        if (request.content_length or 0) > current_app.config["MAX_JSON_BYTES"]:
            raise too_large()
    # Anonymous requests fall through to the view's 401, so a client knows to log in again.
    if _view_flag("csrf_exempt") or not current_user.is_authenticated:
        return
    if not csrf_valid(current_user, request.headers.get("X-CSRF-Token")):
        raise ApiError(
            403,
            "csrf_failed",
            msg("安全校验失败，请刷新后重试", "Security token missing or wrong; reload and retry"),
        )


def security_headers(response):
    """Headers every response carries; caching is left to the routes that know their content."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if is_api_path(request.path):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def register_security(app: Flask) -> None:
    """Install the guards and headers on the app."""
    app.before_request(guard_api_request)
    app.after_request(security_headers)
