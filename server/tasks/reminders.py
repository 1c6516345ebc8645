"""The tasks' "deadline near" reminders (server.push.reminders runs the sweep): one push per open
task with 80 % of the plain time between its creation and its due time gone, to its worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.extensions import db
from server.push.message import WebPush
from server.push.reminders import REMIND_SHARE, ReminderSource, aware, claim_once, title_prefix
from server.tasks.models import Task
from server.tasks.service import TITLES


def claim(now: datetime) -> list[WebPush]:
    """Claim every task due a reminder at `now` (UTC); the caller commits, then sends."""
    return [
        task_reminder(task, now) for task in _tasks_due(now) if claim_once(Task, task, Task.reminded_at, now)
    ]


def _tasks_due(now: datetime) -> list[Task]:
    """Open tasks with 80 % of the time from creation to due gone, not reminded yet."""
    rows = db.session.scalars(
        select(Task)
        .where(Task.status == "open", Task.reminded_at.is_(None), Task.created_at <= now)
        .order_by(Task.due_at, Task.id)
    )
    return [task for task in rows if _share_used(task, now) >= REMIND_SHARE]


def _share_used(task: Task, now: datetime) -> float:
    created, due = aware(task.created_at), aware(task.due_at)
    if due <= created:
        return 1.0
    return (now - created) / (due - created)


def task_reminder(task: Task, now: datetime) -> WebPush:
    return WebPush(
        user_ids=[task.assignee_id],
        kind="deadline_near",
        title=title_prefix(task.due_at, now) + TITLES.get(task.kind, "任务"),
        url=f"/tasks/{task.id}",
        tag=f"task-{task.id}",
        data={"task_id": str(task.id)},
    )


def register(sources: list[ReminderSource]) -> None:
    sources.append(ReminderSource("tasks", claim))
