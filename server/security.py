"""Request guards and response headers shared by every route: CSRF, JSON only, sizes, input
that no database can hold (NUL, nesting), CSP."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from server import jsonbody
from server.auth.service import csrf_valid
from server.errors import ApiError, is_api_path, not_found, validation_failed
from server.fields import NUL_MESSAGE
from server.i18n import field_message, msg

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


def tile_origin(url: str | None) -> str | None:
    """The CSP source of an operator's map tiles (MAP_TILE_URL): its scheme and host, a {s}
    subdomain widened to a wildcard (https://t{s}.example.cn/... → https://*.example.cn)."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "s"))
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return None
    if "{s}" in urlsplit(url).netloc:
        host = "*." + host.split(".", 1)[-1]
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def content_security_policy(tile_url: str | None = None) -> str:
    """The CSP; with a tile source, its host may serve images (and the service worker's fetches)."""
    origin = tile_origin(tile_url)
    if origin is None:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data: blob:", f"img-src 'self' data: blob: {origin}; connect-src 'self' {origin}"
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
        # On the bytes read, not the Content-Length alone: a chunked body carries none. The
        # request-wide MAX_CONTENT_LENGTH still holds when an operator set it lower.
        config = current_app.config
        read_body(
            min(config["MAX_JSON_BYTES"], config.get("MAX_CONTENT_LENGTH") or config["MAX_JSON_BYTES"]),
            cache=True,
        )
    # Anonymous requests fall through to the view's 401, so a client knows to log in again.
    if _view_flag("csrf_exempt") or not current_user.is_authenticated:
        return
    if not csrf_valid(current_user, request.headers.get("X-CSRF-Token")):
        raise ApiError(
            403,
            "csrf_failed",
            msg("安全校验失败，请刷新后重试", "Security token missing or wrong; reload and retry"),
        )


# Bodies whose list under this key is judged item by item (a bad item is one `rejected`
# result, the rest of the batch goes on): the NUL rule skips that list, the view applies it.
ITEMISED_BODIES = {"sync.push": "items"}


class BoundedJSONProvider(DefaultJSONProvider):
    """app.json: request.get_json refuses a body nested past jsonbody.MAX_DEPTH (a ValueError,
    which Flask answers 400) instead of recursing into RecursionError.

    Answers are written by orjson: a snapshot page's JSON took several times longer in the
    json module (bench/load_sync.py). Same keys in the same order, values as before (dates
    through Flask's `default`), but UTF-8 text rather than \\u escapes.
    """

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return jsonbody.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(obj)  # indented for a person reading it
        data = jsonbody.dump_bytes(obj, self.default, sort_keys=self.sort_keys) + b"\n"
        return self._app.response_class(data, mimetype=self.mimetype)


def malformed_json() -> ApiError:
    return ApiError(400, "malformed_json", msg("JSON 格式不正确", "Malformed JSON body"))


def too_deep() -> ApiError:
    return ApiError(
        400,
        "too_deep",
        msg(
            f"提交的内容嵌套超过 {jsonbody.MAX_DEPTH} 层",
            f"The JSON body nests deeper than {jsonbody.MAX_DEPTH} levels",
        ),
    )


def parse_json_body(data: bytes) -> Any:
    """A JSON body as values, or 400 malformed_json / too_deep; never a RecursionError."""
    try:
        return jsonbody.loads(data)
    except jsonbody.TooDeep:
        raise too_deep() from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, a number past int()'s digit limit
        raise malformed_json() from None


def refuse_nul(paths: list[str]) -> None:
    """422 naming every field that holds U+0000 (no PostgreSQL text can store it)."""
    if paths:
        raise validation_failed({path: [field_message(NUL_MESSAGE)] for path in paths})


def guard_api_input() -> None:
    """Refuse, for every /api request, what no view can store: NUL in the query, a path or a JSON
    body, and JSON nested past jsonbody.MAX_DEPTH (before webargs or a view parses it)."""
    if not is_api_path(request.path) or request.endpoint is None:
        return
    if any(isinstance(v, str) and "\x00" in v for v in (request.view_args or {}).values()):
        raise not_found()  # no record is named with a NUL
    query = request.args.items(multi=True)
    refuse_nul([key.replace("\x00", "\\u0000") for key, value in query if "\x00" in key + value])
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding")
    if not has_body or not request.is_json or _view_flag("raw_body"):
        return
    body = parse_json_body(request.get_data(cache=True))
    itemised = ITEMISED_BODIES.get(request.endpoint)
    if itemised and isinstance(body, dict):
        body = {key: value for key, value in body.items() if key != itemised}
    refuse_nul(jsonbody.nul_paths(body))


# A refused body is read and thrown away up to this much, so the connection stays usable for the
# phone's next request (gunicorn answers keep-alive, then drops a socket with unread body bytes);
# past it, reading would cost more than the client reconnecting, and the connection is closed.
DRAIN_MAX_BYTES = 32 * 1024 * 1024


def drain_refused_body(response):
    """After a 413: discard the rest of the body, or say the connection closes."""
    if response.status_code != 413:
        return response
    stream = request.environ.get("wsgi.input")
    length = request.content_length
    if stream is None or (length is not None and length > DRAIN_MAX_BYTES):
        response.headers["Connection"] = "close"
        return response
    drained = 0
    try:
        while drained <= DRAIN_MAX_BYTES:
            chunk = stream.read(min(65536, length - drained) if length is not None else 65536)
            if not chunk:
                break
            drained += len(chunk)
            if length is not None and drained >= length:
                break
    except (OSError, ValueError):  # the client went away meanwhile
        response.headers["Connection"] = "close"
    if drained > DRAIN_MAX_BYTES:
        response.headers["Connection"] = "close"
    return response


def security_headers(response):
    """Headers every response carries; caching is left to the routes that know their content."""
    response.headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if is_api_path(request.path):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def register_security(app: Flask) -> None:
    """Install the guards and headers on the app."""
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies:
        # Behind nginx every request comes from the proxy: believe its X-Forwarded-* headers
        # (that many hops back, no more), so limits and the audit log see the phone's address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.json = BoundedJSONProvider(app)
    app.config["CONTENT_SECURITY_POLICY"] = content_security_policy(app.config.get("MAP_TILE_URL"))
    app.before_request(guard_api_request)
    app.before_request(guard_api_input)
    app.after_request(security_headers)
    app.after_request(drain_refused_body)
