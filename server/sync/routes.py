"""POST /sync/push, GET /sync/pull, POST /sync/import: the phone's way in and out, and the backup's."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import current_app
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from server.auth.routes import roles_required
from server.extensions import api, db
from server.push.message import WebPush
from server.push.service import send_all
from server.security import raw_body, read_body
from server.sync import pull as pull_service
from server.sync import service
from server.sync.schemas import (
    ChangeSchema,
    ImportAnswerSchema,
    PullAnswerSchema,
    PullQuerySchema,
    PushAnswerSchema,
    PushResultSchema,
    PushSchema,
)
from server.timeutil import utcnow

log = logging.getLogger(__name__)

bp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="Offline sync")


@bp.record_once
def _document_entries(state) -> None:
    """The answers' list entries are plain dicts (cheap to send); describe their shape in the OpenAPI."""
    api.schema_component("PushResult", PushResultSchema)
    api.schema_component("Change", ChangeSchema)


@bp.route("/push", methods=["POST"])
@login_required
@bp.arguments(PushSchema)
@bp.response(200, PushAnswerSchema)
def push(body):
    """Deliver outbox items (≤ 100, ≤ 1 MB); one result per item, in order."""
    # The real user, not the proxy: the push reads it for every item.
    user = current_user._get_current_object()
    pushes: list[WebPush] = []
    args = (user, body["device_id"], body.get("app_version"), body["items"], pushes)
    try:
        results = service.push(*args, optimistic=True)
    except service.BulkInsertFailed:
        # Usually a resend whose twin committed first. Nothing of this attempt stays; pushed
        # again with savepoints, the batch is answered item by item (that one: duplicate).
        log.info(
            "Optimistic push of %d items failed; pushing again item by item",
            len(body["items"]),
            exc_info=True,
        )
        db.session.rollback()
        pushes.clear()
        results = service.push(*args)
    db.session.commit()
    send_all(pushes)
    return {"results": results, "server_time": utcnow()}


@bp.route("/pull", methods=["GET"])
@login_required
@bp.arguments(PullQuerySchema, location="query")
@bp.response(200, PullAnswerSchema)
def pull(args):
    """Changes after the cursor; without one, a snapshot of everything the caller may see."""
    return pull_service.pull(current_user._get_current_object(), args.get("cursor"), args["limit"])


@bp.route("/import", methods=["POST"])
@raw_body
@roles_required("supervisor", "admin")
@bp.response(200, ImportAnswerSchema)
@bp.alt_response(422, response=HTTPStatus.UNPROCESSABLE_ENTITY.name)
@bp.doc(
    requestBody={
        "required": True,
        "description": "The backup file the PWA's 导出备份 wrote (JSON, photos as base64), sent as is",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
)
def import_backup():
    """Deliver a worker's outbox backup file as if their phone had pushed it (exactly once)."""
    # Photos travel inside the file as base64, so it may be far larger than a push.
    data = read_body(current_app.config["IMPORT_MAX_BYTES"])
    pushes: list[WebPush] = []
    answer = service.import_backup(current_user._get_current_object(), data, pushes)
    db.session.commit()
    send_all(pushes)
    return dict(answer, server_time=utcnow())
