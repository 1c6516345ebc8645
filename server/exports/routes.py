"""Export jobs at the desk: ask for an export, watch it run, download the file (its owner only)."""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

from flask import current_app, request
from flask_login import current_user
from flask_smorest import Blueprint

from server.auth.routes import roles_required
from server.errors import ApiError, not_found
from server.exports import service
from server.exports.schemas import ExportJobSchema, ExportRequestSchema
from server.extensions import db
from server.i18n import msg

bp = Blueprint("exports", __name__, url_prefix="/api/v1/exports", description="Export jobs (导出)")

# Every export route is a desk route for these roles.
EXPORTERS = ("supervisor", "admin")


def _owned_or_404(export_id: str):
    export = service.owned_or_none(export_id, current_user)
    if export is None:
        raise not_found()
    return export


@bp.route("", methods=["POST"])
@roles_required(*EXPORTERS)
@bp.arguments(ExportRequestSchema)
@bp.alt_response(202, schema=ExportJobSchema, success=True)
@bp.alt_response(429, response=HTTPStatus.TOO_MANY_REQUESTS.name)
def start(body):
    """Run an export in the background: the route (e.g. /cases/export.xlsx) and the screen's filters.

    Answers 202 at once; poll GET /exports/{id} until `done` (then `download` is the file's link)
    or `failed` (then `error` is the export's own answer: a grid outside the scope is a 404 there).
    At most EXPORT_MAX_RUNNING running per user (429).
    """
    language = request.headers.get("Accept-Language", "zh-CN")
    export = service.start(current_user, body["path"], body["query"], language, request.remote_addr)
    db.session.commit()
    service.enqueue(export)
    return service.export_data(export), 202, {"Location": f"{service.API_PREFIX}/exports/{export.id}"}


@bp.route("/<export_id>", methods=["GET"])
@roles_required(*EXPORTERS)
@bp.alt_response(200, schema=ExportJobSchema, success=True)
def get(export_id: str):
    """One of the caller's exports: its state, and the link once done."""
    return service.export_data(_owned_or_404(export_id))


@bp.route("/<export_id>/file", methods=["GET"])
@roles_required(*EXPORTERS)
@bp.doc(responses={"200": {"description": "The exported file, as an attachment"}})
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
@bp.alt_response(410, response=HTTPStatus.GONE.name)
def download(export_id: str):
    """The finished export's file (the caller's own only): 409 while it runs or if it failed, 410 once gone."""
    export = _owned_or_404(export_id)
    if export.state in service.WAITING:
        raise ApiError(409, "export_running", msg("导出尚未完成，请稍候", "The export is still running"))
    if export.state == "failed":
        raise ApiError(409, "export_failed", export.error["message"])
    path = service.file_path(export)
    if export.state != "done" or service.expired(export) or not path.is_file():
        raise ApiError(
            410,
            "export_gone",
            msg("这个导出文件已不在了，请重新导出", "This export's file is gone; export again"),
        )
    return current_app.response_class(
        _chunks(path),
        mimetype=export.mimetype,
        headers={
            "Content-Disposition": export.disposition,
            "Content-Length": str(path.stat().st_size),
            "Cache-Control": "no-store",  # personal data: never in a shared cache
        },
        direct_passthrough=True,
    )


def _chunks(path: Path) -> Iterator[bytes]:
    """The file in chunks, closed when the answer is done with it (a 200,000-case sheet is tens of MB)."""
    with path.open("rb") as file:
        while chunk := file.read(64 * 1024):
            yield chunk
