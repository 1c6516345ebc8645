"""Tasks: a supervisor assigns, a worker lists their own (and gets them by pull)."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from server.auth.routes import roles_required
from server.cases.loop import send_pushes
from server.errors import validation_failed
from server.extensions import db
from server.i18n import msg
from server.tasks import service
from server.tasks.models import Task

bp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Tasks for grid workers")


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise validation_failed({"body": [msg("内容应为对象", "The body must be a JSON object")]})
    return body


@bp.route("", methods=["POST"])
@roles_required("supervisor", "admin")
def new():
    """Assign a task to a worker covering the target's grid, due in the future."""
    task = service.create_task(_body(), current_user)
    db.session.commit()
    send_pushes([service.task_push(task)])
    return service.task_data(task), 201


@bp.route("", methods=["GET"])
@roles_required("worker", "supervisor", "admin")
def all_tasks():
    """Own tasks (worker) or the scope's (supervisor); filters status, assignee_id, overdue=1."""
    stmt = service.visible_tasks(current_user)
    if request.args.get("status"):
        stmt = stmt.where(Task.status == request.args["status"])
    if request.args.get("assignee_id", "").isdigit():
        stmt = stmt.where(Task.assignee_id == int(request.args["assignee_id"]))
    rows = [service.task_data(t) for t in db.session.scalars(stmt.order_by(Task.due_at, Task.id).limit(500))]
    if request.args.get("overdue") in ("1", "true"):
        rows = [t for t in rows if t["overdue"]]
    return {"tasks": rows}


@bp.route("/<task_id>", methods=["GET"])
@roles_required("worker", "supervisor", "admin")
def get(task_id):
    """One task."""
    return service.task_data(service.task_or_404(current_user, task_id))


@bp.route("/<task_id>", methods=["PATCH"])
@roles_required("supervisor", "admin")
def patch(task_id):
    """Reassign, move the due time, cancel or reopen."""
    task = service.task_or_404(current_user, task_id)
    old = task.assignee_id
    service.reassign(task, _body(), current_user)
    db.session.commit()
    if task.assignee_id != old:
        send_pushes([service.task_push(task)])
    return service.task_data(task)
