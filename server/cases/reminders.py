"""The cases' "deadline near" reminders (server.push.reminders runs the sweep): one push per
dispatched case whose handling light turns yellow, the light loop.clocks() shows (working time from
dispatch to the handling deadline: yellow from 80 %, red past 100 %)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from server.auth.models import User
from server.cases import loop
from server.cases.catalogue import CITY_SUBCATEGORIES, HAZARD_CATEGORIES
from server.cases.models import Case
from server.extensions import db
from server.push.message import WebPush
from server.push.reminders import ReminderSource, claim_once, title_prefix

_HAZARD_LABELS = {item["code"]: item["label"]["zh"] for item in HAZARD_CATEGORIES}


def claim(now: datetime) -> list[WebPush]:
    """Claim every case due a reminder at `now` (UTC); the caller commits, then sends."""
    return [
        case_reminder(case, now)
        for case in _cases_due(now)
        if claim_once(Case, case, Case.deadline_reminded_at, now)
    ]


def _cases_due(now: datetime) -> list[Case]:
    """Dispatched cases whose handling light is yellow or red and that were not reminded yet.

    remind_at (indexed, set on dispatch) narrows it in the database; cases dispatched before it
    existed have none and are judged by their light alone.
    """
    rows = db.session.scalars(
        select(Case)
        .where(
            Case.state == "dispatched",
            Case.deadline_reminded_at.is_(None),
            Case.handled_at.is_(None),
            Case.dispatched_at.is_not(None),
            Case.handle_deadline.is_not(None),
            or_(Case.remind_at <= now, Case.remind_at.is_(None)),
        )
        .order_by(Case.handle_deadline, Case.id)
    )
    return [case for case in rows if loop.clocks(case, now)["handle"]["light"] != "green"]


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
        title=title_prefix(case.handle_deadline, now) + _case_label(case),
        url=f"/cases/{case.id}",
        tag=f"case-{case.id}",
        data={"case_id": str(case.id)},
    )


def _case_label(case: Case) -> str:
    """The category's zh-CN label (the city subcategory, or the hazard focus area)."""
    if case.subcategory and case.subcategory in CITY_SUBCATEGORIES:
        return CITY_SUBCATEGORIES[case.subcategory]["label"]["zh"]
    return _HAZARD_LABELS.get(case.category) or "案件"


def register(sources: list[ReminderSource]) -> None:
    sources.append(ReminderSource("cases", claim))
