"""Task: one piece of field work assigned to a worker, done by a linked submission or an update."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.org.models import street_of_grid
from server.timeutil import utcnow

TASK_KINDS = ("visit_household", "welfare_visit", "reinspect_hazard", "check_case")
TASK_STATUSES = ("open", "done", "cancelled")


class Task(db.Model):
    __tablename__ = "task"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(30))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    street_id: Mapped[int | None] = street_of_grid()
    # The target, by kind: a household, a resident, or a case (plain ids).
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    submission_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The outbox item of the task_update that closed it (a resend is a duplicate).
    update_item_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    update_hash: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the "deadline near" push went out (server/cases/reminders.py); a new due time or
    # assignee clears it.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
