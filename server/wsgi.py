"""The WSGI entry point for gunicorn (`server.wsgi:app`): the app, built once per worker process.

After start-up the collector is told to leave everything built so far alone (`gc.freeze`):
modules, mappers, schemas and the app live as long as the process, and a full collection
would otherwise walk all of them again each time a batch push allocates its few thousand
short-lived objects. Measured by bench/sync_push.py (about a tenth of the push's time).

A request gunicorn itself turns away before the app sees it (a request line over its 4,094
bytes: 414; headers too large: 431; a malformed request: 400) gets the API's JSON envelope
instead of gunicorn's HTML page, so every answer a client can get says what went wrong the same
way (a long filter list in a URL is the usual one). The app module is imported in each worker
before it serves, so the page is replaced where the workers write it.
"""

import gc
import json

try:
    from gunicorn import util as gunicorn_util
except ImportError:  # served by another WSGI server: its own error pages
    gunicorn_util = None

from server import create_app

# Gunicorn's status → (code, message). No request was parsed, so there is no Accept-Language
# to follow: Chinese first, then English, in one message.
_GUNICORN_ERRORS = {
    414: ("uri_too_long", "网址太长，请减少筛选条件后重试 / The address is too long: use fewer filters"),
    431: ("headers_too_large", "请求头太大 / The request headers are too large"),
}
_BAD_REQUEST = ("bad_request", "请求格式不正确 / The request is malformed")


def json_error_page(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error with the API's error envelope as the body."""
    code, message = _GUNICORN_ERRORS.get(status_int, _BAD_REQUEST)
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    gunicorn_util.write_nonblock(sock, head.encode("latin1") + body)


if gunicorn_util is not None:
    gunicorn_util.write_error = json_error_page
app = create_app()
gc.freeze()
