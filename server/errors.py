"""One JSON error envelope for every failure under /api: {"error": {code, message, fields}}."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from server.i18n import field_message, msg


class ApiError(Exception):
    """An error a caller can act on; raised anywhere in a request, rendered as the envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers or {}
        self.extra = extra


def is_api_path(path: str) -> bool:
    """/api and everything under it answers in JSON, never with the app's page."""
    return path == "/api" or path.startswith("/api/")


def not_found() -> ApiError:
    """The answer for a missing object and for one outside the caller's scope alike."""
    return ApiError(404, "not_found", msg("找不到该记录", "Not found"))


def validation_failed(fields: dict[str, Any]) -> ApiError:
    """A 422 whose field messages the worker sees next to each field."""
    return ApiError(
        422, "validation_failed", msg("提交的内容有误，请检查标出的项目", "Some fields need fixing"), fields
    )


def envelope(status: int, code: str, message: str, fields=None, headers=None, **extra):
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    response = jsonify({"error": body})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


_HTTP_CODES = {
    400: ("bad_request", "请求格式不正确", "The request is malformed"),
    401: ("unauthorized", "请先登录", "Please log in"),
    403: ("forbidden", "没有权限", "Not allowed"),
    404: ("not_found", "找不到该记录", "Not found"),
    405: ("method_not_allowed", "不支持该操作", "Method not allowed"),
    409: ("conflict", "与现有记录冲突", "Conflict with the stored record"),
    413: ("payload_too_large", "提交的内容太大", "The request body is too large"),
    415: ("unsupported_media_type", "不支持的内容类型", "Unsupported content type"),
    422: ("validation_failed", "提交的内容有误，请检查标出的项目", "Some fields need fixing"),
    429: ("rate_limited", "尝试次数过多，请稍后再试", "Too many attempts, try again later"),
    500: ("server_error", "服务器出错，记录已保留，请稍后再试", "Server error; please try again later"),
}


def _flatten_webargs(messages: Any) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {...}}); callers want fields by name."""
    if not isinstance(messages, dict):
        return {}
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict) and location in ("json", "query", "form", "headers", "files"):
            flat.update(fields)
        else:
            flat[location] = fields
    return _translate(flat)


def _translate(fields: Any) -> Any:
    if isinstance(fields, dict):
        return {k: _translate(v) for k, v in fields.items()}
    if isinstance(fields, list):
        return [_translate(v) for v in fields]
    if isinstance(fields, str):
        return field_message(fields)
    return fields


def _http_error(exc: HTTPException):
    status = exc.code or 500
    code, zh, en = _HTTP_CODES.get(status, ("http_error", exc.name, exc.name))
    message = msg(zh, en)
    fields = None
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if status == 400 and messages and "json" in messages and isinstance(messages["json"], list):
        code, message = "malformed_json", msg("JSON 格式不正确", "Malformed JSON body")
    elif messages:
        fields = _flatten_webargs(messages)
        if status == 422:
            code = "validation_failed"
    headers = {}
    response_headers = getattr(exc, "get_headers", None)
    if status in (405, 429) and response_headers:
        headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
    return envelope(status, code, message, fields, headers)


def register_error_handlers(app: Flask) -> None:
    """Render ApiError and HTTP errors as the envelope under /api; leave other paths to Flask."""

    @app.errorhandler(ApiError)
    def handle_api_error(exc: ApiError):
        return envelope(exc.status, exc.code, exc.message, exc.fields, exc.headers, **exc.extra)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        if not is_api_path(request.path):
            return exc
        return _http_error(exc)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if not is_api_path(request.path):
            return InternalServerError()
        return _http_error(InternalServerError())
