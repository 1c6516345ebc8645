"""Serve pwa/dist: hashed assets cached for a year, index.html and sw.js always revalidated."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter

from server.web.compression import accepts_gzip, precompressed

bp = Blueprint("web", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class NonApiPathConverter(PathConverter):
    """A path that is never api nor starts with api/, so unknown API paths stay JSON 404s."""

    regex = r"(?!api(?:/|$))[^/].*?"


def _dist() -> Path:
    return Path(current_app.config["PWA_DIST"])


def _send(directory: Path, name: str, cache_control: str):
    twin = precompressed(directory, name)
    if twin and accepts_gzip():
        # The build's .gz twin, sent as the file it encodes (werkzeug guesses the type from `name`).
        response = send_from_directory(
            directory, twin, max_age=None, conditional=True, etag=True, download_name=Path(name).name
        )
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_from_directory(directory, name, max_age=None, conditional=True, etag=True)
    if twin:
        response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = cache_control
    if name.endswith(".webmanifest"):
        response.mimetype = "application/manifest+json"
    return response


def _shell():
    if not (_dist() / "index.html").exists():
        return (
            "The PWA is not built yet: run `make run` (or `cd pwa && npm run build`).",
            503,
            {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
        )
    return _send(_dist(), "index.html", REVALIDATE)


@bp.route("/")
def index():
    """The app shell."""
    return _shell()


@bp.route("/assets/<path:name>")
def assets(name: str):
    """Content-hashed build output: safe to cache forever."""
    return _send(_dist() / "assets", name, IMMUTABLE)


@bp.route("/<nonapi:name>")
def spa(name: str):
    """Top-level files of the build (sw.js, manifest, icons) or, for client routes, the shell."""
    path = (_dist() / name).resolve()
    # Dot folders (Vite's .vite/manifest.json) are build metadata, not part of the app.
    hidden = any(part.startswith(".") for part in name.split("/"))
    if not hidden and path.is_file() and _dist().resolve() in path.parents:
        return _send(_dist(), name, REVALIDATE)
    if "." in name.rsplit("/", 1)[-1]:
        raise NotFound()  # a missing file is a 404, not the shell
    return _shell()
