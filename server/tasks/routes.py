"""Tasks: a supervisor assigns, a worker lists their own (and gets them by pull)."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from server.auth.routes import roles_required
from server.extensions import db
from server.push.service import send_all
from server.tasks import service
from server.tasks.models import Task
from server.tasks.schemas import (
    TaskCreateSchema,
    TaskListSchema,
    TaskQuerySchema,
    TaskSchema,
    TaskUpdateSchema,
)

bp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Tasks for grid workers")

# The answers are service.task_data's dicts, sent as built: documented (success=True), never re-dumped.


@bp.route("", methods=["POST"])
@roles_required("supervisor", "admin")
@bp.arguments(TaskCreateSchema)
@bp.alt_response(201, schema=TaskSchema, success=True)
def new(body):
    """Assign a task to a worker covering the target's grid, due in the future."""
    task = service.create_task(body, current_user)
    db.session.commit()
    send_all([service.task_push(task)])
    return service.task_data(task), 201


@bp.route("", methods=["GET"])
@roles_required("worker", "supervisor", "admin")
@bp.arguments(TaskQuerySchema, location="query")
@bp.alt_response(200, schema=TaskListSchema, success=True)
def all_tasks(args):
    """Own tasks (worker) or the scope's (supervisor); filters status, assignee_id, overdue=1."""
    stmt = service.visible_tasks(current_user)
    if "status" in args:
        stmt = stmt.where(Task.status == args["status"])
    if "assignee_id" in args:
        stmt = stmt.where(Task.assignee_id == args["assignee_id"])
    rows = [service.task_data(t) for t in db.session.scalars(stmt.order_by(Task.due_at, Task.id).limit(500))]
    if args.get("overdue"):
        rows = [t for t in rows if t["overdue"]]
    return {"tasks": rows}


@bp.route("/<task_id>", methods=["GET"])
@roles_required("worker", "supervisor", "admin")
@bp.alt_response(200, schema=TaskSchema, success=True)
def get(task_id):
    """One task."""
    return service.task_data(service.task_or_404(current_user, task_id))


@bp.route("/<task_id>", methods=["PATCH"])
@roles_required("supervisor", "admin")
@bp.arguments(TaskUpdateSchema)
@bp.alt_response(200, schema=TaskSchema, success=True)
def patch(body, task_id):
    """Reassign, move the due time, cancel or reopen."""
    task = service.task_or_404(current_user, task_id)
    old = task.assignee_id
    service.reassign(task, body, current_user)
    db.session.commit()
    if task.assignee_id != old:
        send_all([service.task_push(task)])
    return service.task_data(task)
