"""Tasks: a supervisor assigns, a worker lists their own (and gets them by pull)."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from server import worktime as calendar
from server import xlsx
from server.audit import service as audit
from server.audit.service import export_detail
from server.auth.routes import roles_required
from server.auth.scope import Scope
from server.extensions import db
from server.push.service import send_all
from server.tasks import export, service
from server.tasks.models import Task
from server.tasks.schemas import (
    TaskCreateSchema,
    TaskListSchema,
    TaskQuerySchema,
    TaskSchema,
    TaskUpdateSchema,
)
from server.timeutil import local_date

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


@bp.route("/export.xlsx", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(TaskQuerySchema, location="query")
@bp.doc(responses={"200": {"description": "The workbook, as an attachment", "content": {xlsx.MIMETYPE: {}}}})
def export_xlsx(args):
    """The scope's tasks as an Excel workbook (任务清单), by due time; the list's filters; audited."""
    now = calendar.now()
    stmt = service.visible_tasks(current_user)
    if "status" in args:
        stmt = stmt.where(Task.status == args["status"])
    if "assignee_id" in args:
        stmt = stmt.where(Task.assignee_id == args["assignee_id"])
    if args.get("overdue"):
        stmt = stmt.where(Task.status == "open", Task.due_at < now)
    sheet = export.build_tasks_xlsx(stmt, now)
    with sheet.dropped_on_error():
        filters = {key: args.get(key) for key in ("status", "assignee_id", "overdue")}
        detail = export_detail("tasks", Scope.of(current_user), sheet.rows, filters)
        audit.record("export", current_user, "tasks", None, detail)
        db.session.commit()
    return xlsx.response(sheet, *export.filenames(local_date(now)))


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
