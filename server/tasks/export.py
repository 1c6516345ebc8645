"""Task lists as an Excel sheet for the desk: what, for whom, where, due when, done or not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import aliased

from server.auth.models import User
from server.cases.models import Case
from server.extensions import db
from server.i18n import msg, wants_english
from server.org.models import Grid
from server.register.models import Household, Resident
from server.tasks.models import Task
from server.tasks.service import TITLES
from server.xlsx import Column, Spreadsheet, write

_KIND_EN = {
    "visit_household": "household visit",
    "welfare_visit": "welfare visit",
    "reinspect_hazard": "hazard re-inspection",
    "check_case": "case check",
}
_STATUS_LABELS = {
    "open": {"zh": "待完成", "en": "open"},
    "done": {"zh": "已完成", "en": "done"},
    "cancelled": {"zh": "已取消", "en": "cancelled"},
}
_BATCH = 500
# A case's description can be long; the sheet shows its start, the case screen the rest.
_TARGET_CHARS = 60


def columns() -> list[Column]:
    return [
        Column(msg("任务", "Task"), 12),
        Column(msg("对象", "Target"), 28),
        Column(msg("网格编码", "Grid code"), 18),
        Column(msg("网格", "Grid"), 18),
        Column(msg("执行人", "Assignee"), 10),
        Column(msg("下达人", "Assigned by"), 10),
        Column(msg("下达时间", "Created at"), 17, "datetime"),
        Column(msg("截止时间", "Due at"), 17, "datetime"),
        Column(msg("状态", "Status"), 8),
        Column(msg("已逾期", "Overdue"), 7),
        Column(msg("完成时间", "Completed at"), 17, "datetime"),
        Column(msg("备注", "Note"), 30),
    ]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def task_rows(stmt: Select, now: datetime) -> Iterator[list[Any]]:
    """One row per task of `stmt` (a select(Task) already scoped and filtered), by due time."""
    lang = "en" if wants_english() else "zh"
    yes, no = msg("是", "yes"), msg("否", "no")
    assignee, creator = aliased(User), aliased(User)
    query = (
        stmt.add_columns(
            Grid.code,
            Grid.name,
            assignee.display_name,
            creator.display_name,
            Household.address,
            Resident.name,
            Case.description,
        )
        .join(Grid, Grid.id == Task.grid_id)
        .outerjoin(assignee, assignee.id == Task.assignee_id)
        .outerjoin(creator, creator.id == Task.created_by)
        .outerjoin(Household, Household.id == Task.household_id)
        .outerjoin(Resident, Resident.id == Task.resident_id)
        .outerjoin(Case, Case.id == Task.case_id)
        .order_by(Task.due_at, Task.id)
        .execution_options(yield_per=_BATCH)
    )
    for (
        task,
        grid_code,
        grid_name,
        assignee_name,
        creator_name,
        address,
        resident,
        case,
    ) in db.session.execute(query):
        target = address or resident or (case[:_TARGET_CHARS] if case else None)
        yield [
            TITLES[task.kind] if lang == "zh" else _KIND_EN.get(task.kind, task.kind),
            target,
            grid_code,
            grid_name,
            assignee_name,
            creator_name,
            task.created_at,
            task.due_at,
            _STATUS_LABELS[task.status][lang] if task.status in _STATUS_LABELS else task.status,
            yes if task.status == "open" and _aware(task.due_at) < now else no,
            task.completed_at,
            task.note,
        ]
        db.session.expunge(task)


def build_tasks_xlsx(stmt: Select, now: datetime) -> Spreadsheet:
    """The tasks of `stmt` as a workbook (one sheet, 任务清单)."""
    return write(msg("任务清单", "Tasks"), columns(), task_rows(stmt, now))


def filenames(today: date) -> tuple[str, str]:
    """The download's ASCII name and its Chinese one."""
    return f"gridwalk-tasks-{today:%Y%m%d}.xlsx", f"任务清单-{today:%Y%m%d}.xlsx"
