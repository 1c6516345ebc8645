"""The "deadline near" sweep: one push per record at 80 % of its time, for every feature with
deadlines (cases, tasks). Each feature registers a source in create_app that claims its due rows
and returns the pushes; the sweep runs them all, the caller commits, then sends.

Each row is reminded once: a source claims it with a conditional UPDATE (… WHERE reminded IS
NULL AND version = the one read), so two sweeps running at once never both send, and a change
that starts a new clock (a dispatch, a rework) clears the mark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute

from server.extensions import db
from server.push.message import WebPush

EXTENSION = "gridwalk.reminders"
REMIND_SHARE = 0.8  # the yellow light: 80 % of the time used


@dataclass(frozen=True)
class ReminderSource:
    name: str  # what the sweep's report counts ("cases", "tasks")
    claim: Callable[[datetime], list[WebPush]]  # claim what is due at `now`; nothing committed


@dataclass
class Reminded:
    """What one sweep claimed: how many per source, and the pushes to send after the commit."""

    counts: dict[str, int] = field(default_factory=dict)
    pushes: list[WebPush] = field(default_factory=list)


def init_app(app: Flask) -> list[ReminderSource]:
    sources: list[ReminderSource] = []
    app.extensions[EXTENSION] = sources
    return sources


def claim_all(now: datetime) -> Reminded:
    """Every registered source's due reminders at `now`; the caller commits, then sends."""
    now = now.astimezone(UTC)  # compared with stored UTC times (SQLite keeps no offset)
    found = Reminded()
    for source in current_app.extensions[EXTENSION]:
        pushes = source.claim(now)
        found.counts[source.name] = len(pushes)
        found.pushes.extend(pushes)
    return found


def claim_once(model: Any, row: Any, mark: InstrumentedAttribute, now: datetime) -> bool:
    """Set the row's reminder mark if it is still unset and the row unchanged since it was read.

    Reading and claiming are separate statements: the read holds no lock (and on SQLite opens no
    transaction), and a row changed meanwhile is left for the next sweep to judge by its new clock.
    """
    result = db.session.execute(
        update(model)
        .where(model.id == row.id, mark.is_(None), model.version == row.version)
        .values({mark.key: now})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def title_prefix(deadline: datetime, now: datetime) -> str:
    # A sweep that first sees a row after its deadline should not call it "near".
    return "已超时：" if aware(deadline) < now else "即将超时："


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
