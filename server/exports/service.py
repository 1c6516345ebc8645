"""Export jobs: a desk export too long to wait for runs in the background and ends with a link.

A job replays one of the features' own export routes (GET …/export.xlsx) as the user who asked,
in a request context of its own. The route keeps its filters, scope checks, masking rules and
audit row, so a file made by a job can never differ from a direct download, and no export is
written twice. create_app names the routes that may run as jobs: this framework imports no
feature. Jobs run on the push queue (`flask push-worker` with Redis, this process's threads
without); the finished file waits under instance/exports for EXPORT_KEEP_SECONDS.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

from flask import Flask, current_app
from flask_login import login_user
from sqlalchemy import delete, func, select
from werkzeug.exceptions import HTTPException

from server.auth.models import User
from server.errors import ApiError, validation_failed
from server.exports.models import ExportJob
from server.extensions import db
from server.i18n import msg
from server.push.queue import job, push_queue
from server.timeutil import aware, iso, utcnow

log = logging.getLogger(__name__)

_EXTENSION = "gridwalk.exports"
API_PREFIX = "/api/v1"
WAITING = ("queued", "running")
_ID = re.compile(r"[0-9a-f]{32}")


def init_app(app: Flask, endpoints: tuple[str, ...]) -> None:
    """The export routes (endpoint names) a job may replay; any other path is refused."""
    unknown = set(endpoints) - set(app.view_functions)
    if unknown:  # a renamed route would make its exports fail at run time, not here
        raise RuntimeError(f"export routes not found: {sorted(unknown)}")
    app.extensions[_EXTENSION] = frozenset(endpoints)


def files_dir() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "exports"


def file_path(export: ExportJob) -> Path:
    return files_dir() / f"{export.id}.bin"


def _endpoint(path: str) -> str | None:
    """The export route `path` (under /api/v1) names, if it is one jobs may run."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(API_PREFIX + path, method="GET")
    except HTTPException:
        return None
    return endpoint if endpoint in current_app.extensions[_EXTENSION] else None


def start(user: User, path: str, query: dict, language: str, remote_addr: str | None) -> ExportJob:
    """Queue an export of `path` (e.g. /cases/export.xlsx) with the screen's filters; the caller
    commits, then calls enqueue(). A path that is no export is a 422; a fourth running export 429."""
    if _endpoint(path) is None:
        raise validation_failed({"path": [msg("不能导出这个页面", "This is not an export")]})
    sweep()
    waiting = db.session.scalar(
        select(func.count()).where(ExportJob.user_id == user.id, ExportJob.state.in_(WAITING))
    )
    if waiting >= current_app.config["EXPORT_MAX_RUNNING"]:
        raise ApiError(
            429,
            "too_many_exports",
            msg(
                f"已有 {waiting} 个导出正在进行，请等它们完成后再导出",
                f"{waiting} exports are still running; wait for them to finish",
            ),
        )
    export = ExportJob(
        id=secrets.token_hex(16),
        user_id=user.id,
        path=path,
        query=query,
        language=language[:100],
        remote_addr=remote_addr,
        state="queued",
        created_at=utcnow(),
    )
    db.session.add(export)
    return export


def enqueue(export: ExportJob) -> None:
    """After the commit that stored the job."""
    push_queue().enqueue(run, export.id, timeout=current_app.config["EXPORT_TIMEOUT_SECONDS"])


def sweep() -> None:
    """Forget exports older than EXPORT_KEEP_SECONDS (files first), and fail those whose process
    died under them (still running past EXPORT_TIMEOUT_SECONDS). Part of the caller's transaction."""
    now = utcnow()
    expired = now - timedelta(seconds=current_app.config["EXPORT_KEEP_SECONDS"])
    for export_id in db.session.scalars(select(ExportJob.id).where(ExportJob.created_at < expired)):
        (files_dir() / f"{export_id}.bin").unlink(missing_ok=True)
        (files_dir() / f"{export_id}.part").unlink(missing_ok=True)
    db.session.execute(delete(ExportJob).where(ExportJob.created_at < expired))
    dead = now - timedelta(seconds=current_app.config["EXPORT_TIMEOUT_SECONDS"])
    for export in db.session.scalars(
        select(ExportJob).where(ExportJob.state.in_(WAITING), ExportJob.created_at < dead)
    ):
        _failed(
            export,
            500,
            "interrupted",
            msg("导出中断，请重新导出", "The export was interrupted; export again"),
        )


def expired(export: ExportJob) -> bool:
    return utcnow() - aware(export.created_at) > timedelta(seconds=current_app.config["EXPORT_KEEP_SECONDS"])


def _failed(export: ExportJob, status: int, code: str, message: str) -> None:
    export.state, export.finished_at = "failed", utcnow()
    export.error = {"status": status, "code": code, "message": message[:500]}


@job
def run(export_id: str) -> None:
    """Make one export's file (an RQ job, or the body of a push thread)."""
    try:
        export = db.session.get(ExportJob, export_id)
        if export is None or export.state != "queued":
            return  # already run (RQ may run a job twice after a lost worker), or forgotten
        export.state, export.started_at = "running", utcnow()
        db.session.commit()
        try:
            _make(export)
        except Exception:
            log.exception("export %s failed", export_id)
            db.session.rollback()
            export = db.session.get(ExportJob, export_id)
            _failed(
                export,
                500,
                "internal_error",
                msg("导出出错，请稍后重试", "The export failed; try again later"),
            )
        db.session.commit()
    finally:
        db.session.remove()


def _make(export: ExportJob) -> None:
    app = current_app._get_current_object()
    user = db.session.get(User, export.user_id)
    environ = {"REMOTE_ADDR": export.remote_addr or ""}
    headers = {"Accept-Language": export.language}
    with app.test_request_context(
        API_PREFIX + export.path,
        method="GET",
        query_string=export.query,
        headers=headers,
        environ_base=environ,
    ) as context:
        if user is None or not user.active:
            _failed(export, 401, "unauthorized", msg("登录已过期，请重新登录", "Please log in again"))
            return
        # The route's own checks (its role, the scope, its filters) see the user who asked.
        login_user(user)
        try:
            response = app.make_response(
                app.view_functions[context.request.endpoint](**context.request.view_args)
            )
        except Exception as exc:  # the route refused (404 scope, 422 filters) or broke: its envelope
            db.session.rollback()
            response = app.handle_user_exception(exc)
        try:
            if response.status_code != 200:
                body = (response.get_json(silent=True) or {}).get("error") or {}
                _failed(
                    export,
                    response.status_code,
                    body.get("code", "export_failed"),
                    body.get("message") or msg("导出失败", "The export failed"),
                )
                return
            _keep(export, response)
        finally:
            response.close()


def _keep(export: ExportJob, response) -> None:
    """Write the route's answer to the export's file (a .part until complete, then renamed)."""
    folder = files_dir()
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{export.id}.part"
    size = 0
    with part.open("wb") as out:
        for chunk in response.iter_encoded():
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    part.replace(file_path(export))
    export.state, export.finished_at = "done", utcnow()
    export.disposition = response.headers.get("Content-Disposition", "attachment")[:500]
    export.mimetype = (response.mimetype or "application/octet-stream")[:100]
    export.size_bytes = size


def owned_or_none(export_id: str, user: User) -> ExportJob | None:
    """The user's own export; anyone else's is as if it did not exist."""
    # Ids are 32 hex digits: anything else (a NUL PostgreSQL refuses, a long string) is no export.
    export = db.session.get(ExportJob, export_id) if _ID.fullmatch(export_id) else None
    return export if export is not None and export.user_id == user.id else None


def export_data(export: ExportJob) -> dict:
    done = export.state == "done"
    return {
        "id": export.id,
        "path": export.path,
        "query": export.query,
        "state": export.state,
        "created_at": iso(export.created_at),
        "finished_at": iso(export.finished_at),
        "size_bytes": export.size_bytes,
        "file_name": _file_name(export.disposition) if done else None,
        "download": f"{API_PREFIX}/exports/{export.id}/file" if done else None,
        "error": export.error,
    }


def _file_name(disposition: str | None) -> str | None:
    """The UTF-8 name of an RFC 6266 Content-Disposition (filename*=UTF-8''…), else the plain one."""
    if not disposition:
        return None
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename*" and value.lower().startswith("utf-8''"):
            return unquote(value[7:])
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename":
            return value.strip('"')
    return None
