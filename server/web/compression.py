"""Gzip on the wire: the PWA's files precompressed at build, and JSON answers over 1 KB."""

from __future__ import annotations

import gzip
from pathlib import Path

from flask import Flask, Response, request

# Below this a JSON answer fits in a packet or two; gzip's header and CPU would not pay off.
MIN_JSON_BYTES = 1024
# Level 6 is zlib's default: nearly level 9's size at a fraction of its time, per request.
JSON_LEVEL = 6


def accepts_gzip() -> bool:
    """Whether this request's Accept-Encoding allows gzip (q=0 refuses it)."""
    return request.accept_encodings["gzip"] > 0


def precompressed(directory: Path, name: str) -> str | None:
    """The name of the build's `.gz` twin of this file, if the build wrote one after the file.

    A twin older than its file is stale (the file was replaced without a new build: a hot fix,
    a hand-edited service worker): the file itself is sent, never yesterday's content.
    """
    twin = f"{name}.gz"
    try:
        fresh = (directory / twin).stat().st_mtime >= (directory / name).stat().st_mtime
    except (FileNotFoundError, NotADirectoryError):
        return None
    return twin if fresh and (directory / twin).is_file() else None


def compress_json(response: Response) -> Response:
    """Gzip a buffered JSON answer over MIN_JSON_BYTES for a client that accepts it.

    Files (direct passthrough), streams, 204/206/304 and answers already encoded are left alone.
    """
    if response.mimetype != "application/json" or "Content-Encoding" in response.headers:
        return response
    if response.direct_passthrough or response.is_streamed:
        return response
    if response.status_code < 200 or response.status_code in (204, 206, 304):
        return response
    # Caches must key on the header whichever way this answer goes.
    response.vary.add("Accept-Encoding")
    if not accepts_gzip():
        return response
    data = response.get_data()
    if len(data) <= MIN_JSON_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=JSON_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        # Same JSON, other bytes: a strong validator would claim byte-equality.
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    """Compress JSON answers; registered last, so it runs before the other after-request hooks."""
    app.after_request(compress_json)
