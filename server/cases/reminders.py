"""The "deadline near" sweep: one push per dispatched case and per open task at 80 % of its time.

A case counts from its handling clock (working time from dispatch to the handling deadline,
the light loop.clocks() shows: yellow from 80 %, red past 100 %); a task from plain time between
its creation and its due time. Each is reminded once: the sweep claims the row with a
conditional UPDATE (… WHERE reminded IS NULL), so two sweeps running at once never both send,
and a dispatch or rework (a new clock) clears the mark. The caller commits, then sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute

from server.auth.models import User
from server.cases import loop
from server.cases.catalogue import CITY_SUBCATEGORIES, HAZARD_CATEGORIES
from server.cases.models import Case
from server.extensions import db
from server.push.message import WebPush
from server.tasks.models import Task
from server.tasks.service import TITLES as TASK_TITLES

REMIND_SHARE = 0.8  # the yellow light: 80 % of the time used
_HAZARD_LABELS = {item["code"]: item["label"]["zh"] for item in HAZARD_CATEGORIES}


@dataclass
class Reminders:
    """What one sweep claimed: how many cases and tasks, and the pushes to send after the commit."""

    cases: int = 0
    tasks: int = 0
    pushes: list[WebPush] = field(default_factory=list)


def claim_reminders(now: datetime) -> Reminders:
    """Claim every case and task due a "deadline near" push at `now`; nothing is committed.

    Reading and claiming are separate statements: the read holds no lock (and on SQLite opens
    no transaction), and a claim only succeeds on a row still unreminded at the same version,
    so a case re-dispatched meanwhile is left for the next sweep to judge by its new clock.
    """
    now = now.astimezone(UTC)  # compared with stored UTC times (SQLite keeps no offset)
    found = Reminders()
    for case in _cases_due(now):
        if _claim(Case, case, Case.deadline_reminded_at, now):
            found.cases += 1
            found.pushes.append(case_reminder(case, now))
    for task in _tasks_due(now):
        if _claim(Task, task, Task.reminded_at, now):
            found.tasks += 1
            found.pushes.append(task_reminder(task, now))
    return found


def _cases_due(now: datetime) -> list[Case]:
    """Dispatched cases whose handling light is yellow or red and that were not reminded yet."""
    rows = db.session.scalars(
        select(Case)
        .where(
            Case.state == "dispatched",
            Case.deadline_reminded_at.is_(None),
            Case.handled_at.is_(None),
            Case.dispatched_at.is_not(None),
            Case.handle_deadline.is_not(None),
        )
        .order_by(Case.handle_deadline, Case.id)
    )
    return [case for case in rows if loop.clocks(case, now)["handle"]["light"] != "green"]


def _tasks_due(now: datetime) -> list[Task]:
    """Open tasks with 80 % of the time from creation to due gone, not reminded yet."""
    rows = db.session.scalars(
        select(Task)
        .where(Task.status == "open", Task.reminded_at.is_(None), Task.created_at <= now)
        .order_by(Task.due_at, Task.id)
    )
    return [task for task in rows if _share_used(task, now) >= REMIND_SHARE]


def _share_used(task: Task, now: datetime) -> float:
    created, due = _aware(task.created_at), _aware(task.due_at)
    if due <= created:
        return 1.0
    return (now - created) / (due - created)


def _claim(
    model: type[Case] | type[Task], row: Case | Task, mark: InstrumentedAttribute, now: datetime
) -> bool:
    """Set the row's reminder mark if it is still unset and the row unchanged since it was read."""
    result = db.session.execute(
        update(model)
        .where(model.id == row.id, mark.is_(None), model.version == row.version)
        .values({mark.key: now})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def case_reminder(case: Case, now: datetime) -> WebPush:
    """The push for a case nearing (or past) its handling deadline: its assignee, else the
    department's active handlers."""
    if case.assignee_id is not None:
        user_ids = [case.assignee_id]
    else:
        user_ids = list(
            db.session.scalars(
                select(User.id)
                .where(
                    User.department_id == case.department_id,
                    User.role == "handler",
                    User.active.is_(True),
                )
                .order_by(User.id)
            )
        )
    return WebPush(
        user_ids=user_ids,
        kind="deadline_near",
        title=_prefix(_aware(case.handle_deadline), now) + _case_label(case),
        url=f"/cases/{case.id}",
        tag=f"case-{case.id}",
        data={"case_id": str(case.id)},
    )


def task_reminder(task: Task, now: datetime) -> WebPush:
    """The push for a task nearing (or past) its due time, to its worker."""
    return WebPush(
        user_ids=[task.assignee_id],
        kind="deadline_near",
        title=_prefix(_aware(task.due_at), now) + TASK_TITLES.get(task.kind, "任务"),
        url=f"/tasks/{task.id}",
        tag=f"task-{task.id}",
        data={"task_id": str(task.id)},
    )


def _prefix(deadline: datetime, now: datetime) -> str:
    # A sweep that first sees a row after its deadline should not call it "near".
    return "已超时：" if deadline < now else "即将超时："


def _case_label(case: Case) -> str:
    """The category's zh-CN label (the city subcategory, or the hazard focus area)."""
    if case.subcategory and case.subcategory in CITY_SUBCATEGORIES:
        return CITY_SUBCATEGORIES[case.subcategory]["label"]["zh"]
    return _HAZARD_LABELS.get(case.category) or "案件"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
