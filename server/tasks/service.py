"""Assigning tasks to workers, completing them, and what the phone is told about them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from server import worktime as calendar
from server.auth.models import User
from server.auth.scope import Scope
from server.cases.loop import case_or_404
from server.errors import not_found, validation_failed
from server.extensions import db
from server.i18n import msg
from server.push.message import WebPush
from server.register.models import Household, Resident
from server.sync.changes import change_row, record_changes
from server.tasks.models import TASK_KINDS, Task
from server.timeutil import iso, parse_time

TASK_ENTITY = "task"
TITLES = {
    "visit_household": "入户走访",
    "welfare_visit": "关爱巡访",
    "reinspect_hazard": "隐患复查",
    "check_case": "案件核查",
}
# Which target each kind needs.
TARGETS = {
    "visit_household": "household_id",
    "welfare_visit": "resident_id",
    "reinspect_hazard": "case_id",
    "check_case": "case_id",
}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def task_data(task: Task, now: datetime | None = None) -> dict[str, Any]:
    """A task as the API and the pull feed send it; overdue is computed."""
    now = now or calendar.now()
    return {
        "id": str(task.id),
        "kind": task.kind,
        "title": TITLES[task.kind],
        "grid_id": task.grid_id,
        "household_id": str(task.household_id) if task.household_id else None,
        "resident_id": str(task.resident_id) if task.resident_id else None,
        "case_id": str(task.case_id) if task.case_id else None,
        "assignee_id": task.assignee_id,
        "due_at": iso(task.due_at),
        "status": task.status,
        "overdue": task.status == "open" and _aware(task.due_at) < now,
        "submission_id": str(task.submission_id) if task.submission_id else None,
        "note": task.note,
        "created_by": task.created_by,
        "created_at": iso(task.created_at),
        "completed_at": iso(task.completed_at),
        "version": task.version,
    }


def _target_grid(kind: str, target: uuid.UUID, scope: Scope, user: User) -> int:
    """The grid of the task's target, if the supervisor may see it (404 otherwise)."""
    if kind in ("reinspect_hazard", "check_case"):
        return case_or_404(user, target, scope).grid_id
    model = Household if kind == "visit_household" else Resident
    row = db.session.get(model, target)
    if row is None or not scope.allows_grid(row.grid_id):
        raise not_found()
    return row.grid_id


def create_task(body: dict, user: User) -> Task:
    """A supervisor assigns a task; the worker must be active and cover the target's grid."""
    scope = Scope.of(user)
    errors: dict[str, list[str]] = {}
    kind = body.get("kind")
    if kind not in TASK_KINDS:
        raise validation_failed({"kind": [msg("未知的任务类别", f"kind is one of {', '.join(TASK_KINDS)}")]})
    key = TARGETS[kind]
    try:
        target = uuid.UUID(str(body.get(key)))
    except ValueError:
        target = None
    if body.get(key) is None or target is None:
        errors[key] = [msg("请选择任务对象", f"{key} is required")]
    due_at = parse_time(body.get("due_at"))
    now = calendar.now()
    if due_at is None:
        errors["due_at"] = [msg("请填写截止时间", "due_at is an ISO 8601 time with an offset")]
    elif due_at <= now:
        errors["due_at"] = [msg("截止时间不能早于现在", "due_at is in the past")]
    note = body.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > 1000):
        errors["note"] = [msg("备注最多 1000 字", "note is text of at most 1000 characters")]
    assignee_id = body.get("assignee_id")
    if not isinstance(assignee_id, int) or isinstance(assignee_id, bool):
        errors["assignee_id"] = [msg("请选择网格员", "assignee_id is required")]
    if errors:
        raise validation_failed(errors)
    grid_id = _target_grid(kind, target, scope, user)
    assignee = db.session.get(User, assignee_id)
    if assignee is None or assignee.role != "worker" or not scope.allows_grid(grid_id):
        raise not_found()
    if not assignee.active or grid_id not in {g.id for g in assignee.grids}:
        raise validation_failed(
            {
                "assignee_id": [
                    msg("该网格员已停用或不负责此网格", "The worker is inactive or does not cover this grid")
                ]
            }
        )
    task = Task(
        id=uuid.uuid4(),
        kind=kind,
        grid_id=grid_id,
        assignee_id=assignee.id,
        due_at=due_at,
        status="open",
        note=(note or "").strip() or None,
        created_by=user.id,
        created_at=now,
        version=1,
        **{key: target},
    )
    db.session.add(task)
    db.session.flush()
    record_changes([change_row(TASK_ENTITY, task.id, user_id=assignee.id)])
    return task


def task_push(task: Task) -> WebPush:
    return WebPush(
        user_ids=[task.assignee_id],
        kind="task_assigned",
        title=f"新任务：{TITLES[task.kind]}",
        url=f"/tasks/{task.id}",
        tag=f"task-{task.id}",
        data={"task_id": str(task.id)},
    )


def reassign(task: Task, body: dict, user: User) -> Task:
    """Change assignee, due time, note or status (cancelled); the old assignee's phone drops it."""
    scope = Scope.of(user)
    old = task.assignee_id
    errors: dict[str, list[str]] = {}
    if "assignee_id" in body:
        assignee = db.session.get(User, body["assignee_id"]) if isinstance(body["assignee_id"], int) else None
        if (
            assignee is None
            or assignee.role != "worker"
            or not assignee.active
            or task.grid_id not in {g.id for g in assignee.grids}
        ):
            errors["assignee_id"] = [
                msg("该网格员已停用或不负责此网格", "The worker is inactive or does not cover this grid")
            ]
        else:
            task.assignee_id = assignee.id
    if "due_at" in body:
        due = parse_time(body["due_at"])
        if due is None or due <= calendar.now():
            errors["due_at"] = [msg("截止时间不能早于现在", "due_at is in the past")]
        else:
            task.due_at = due
    if "status" in body:
        if body["status"] not in ("open", "cancelled"):
            errors["status"] = [msg("只能取消或重新打开", "status is open or cancelled")]
        else:
            task.status = body["status"]
    if errors:
        raise validation_failed(errors)
    if not scope.allows_grid(task.grid_id):
        raise not_found()
    if old != task.assignee_id or "due_at" in body or body.get("status") == "open":
        # A new worker, due time or a reopened task gets its own "deadline near" push; always
        # written, so a sweep's claim committed while this transaction ran cannot survive it.
        task.reminded_at = None
        flag_modified(task, "reminded_at")
    task.version += 1
    rows = [change_row(TASK_ENTITY, task.id, user_id=task.assignee_id)]
    if old != task.assignee_id:
        rows.append(change_row(TASK_ENTITY, task.id, op="delete", user_id=old))
    record_changes(rows)
    return task


def visible_tasks(user: User):
    """Tasks a user may see: a worker their own, a supervisor those in the scope's grids."""
    stmt = select(Task)
    if user.role == "worker":
        return stmt.where(Task.assignee_id == user.id)
    return Scope.of(user).filter_grid(stmt, Task.grid_id, Task.street_id)


def task_or_404(user: User, task_id: Any) -> Task:
    try:
        wanted = uuid.UUID(str(task_id))
    except ValueError:
        raise not_found() from None
    task = db.session.scalar(visible_tasks(user).where(Task.id == wanted))
    if task is None:
        raise not_found()
    return task


def complete(
    task: Task,
    submission_id: uuid.UUID | None,
    now: datetime,
    item_id: uuid.UUID | None = None,
    item_hash: str | None = None,
) -> None:
    """Mark a task done (by the linked submission or a task_update item) and tell the assignee."""
    task.status = "done"
    task.submission_id = submission_id or task.submission_id
    task.completed_at = now
    task.update_item_id = item_id or task.update_item_id
    task.update_hash = item_hash or task.update_hash
    task.version += 1
    record_changes([change_row(TASK_ENTITY, task.id, user_id=task.assignee_id)])
