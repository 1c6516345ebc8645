"""Case (a problem to be filed, dispatched, handled and closed) and its append-only CaseEvent log."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.audit.models import append_only
from server.extensions import db
from server.org.models import coordinate, street_of_grid
from server.timeutil import utcnow

CASE_KINDS = ("hazard", "city")
# The whole loop (GB/T 30428); the transitions live in server/cases/loop.py.
CASE_STATES = (
    "reported",
    "filed",
    "returned",
    "voided",
    "merged",
    "dispatched",
    "handled",
    "checked",
    "closed",
)


class Case(db.Model):
    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_grid_id_state", "grid_id", "state"),
        Index("ix_case_street_id_created_at", "street_id", "created_at"),
        Index("ix_case_lat_lng", "lat", "lng"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(10))
    # hazard: one of the twelve focus areas; city: the top class (street_order, ...).
    category: Mapped[str] = mapped_column(String(40))
    # city: the subcategory code (street_order.unlicensed_vendor); hazard: none.
    subcategory: Mapped[str | None] = mapped_column(String(60))
    severity: Mapped[str | None] = mapped_column(String(10))
    # Immediate danger reported on the spot (hazards): the desk sees it first.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="reported")
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[dict | None] = mapped_column(JSON)
    # sha256 of the report's photos, in order (the after-photos of handling go on CaseEvents).
    photos: Mapped[list] = mapped_column(JSON, default=list)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    street_id: Mapped[int | None] = street_of_grid()
    lat: Mapped[float | None] = coordinate()
    lng: Mapped[float | None] = coordinate()
    building_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("building.id"))
    household_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("household.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    submission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("submission.id"), unique=True)
    # When the worker recorded it on the phone; created_at is when the server received it.
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Set by the loop (dispatch, rework, merge); the history itself is in CaseEvent.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    filed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The handling deadline of the current dispatch (per-step clock) and the whole-case one.
    handle_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the "deadline near" push went out for the current dispatch (server/cases/reminders.py);
    # a dispatch or rework clears it.
    deadline_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    close_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The earliest deadline still running (handling while dispatched and not handled, else
    # closing while not closed): "overdue" is overdue_at < now, one indexed comparison for the
    # lists and the sweep alike. Kept by the mapper events in cases/loop.py on every change.
    overdue_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # When the handling light turns yellow (80 % of the working time to the deadline): the
    # "deadline near" sweep's key, set on dispatch.
    remind_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case.id"))
    # The open case the reporter said this one repeats (「同一问题，补充到该案件」, offline): a merge
    # suggestion for the supervisor, never a merge by itself. No foreign key: SQLite adds the
    # column in place, keeping the table's triggers (a batch copy would drop them).
    suggested_merge_into_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class CategoryTimeLimit(db.Model):
    """An admin's handling limit for one category code (hazard code or city subcategory code);
    codes without a row use the catalogue default."""

    __tablename__ = "category_time_limit"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@append_only
class CaseEvent(db.Model):
    """One step of a case's life; the KPIs are computed from these, so they are never changed."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    photos: Mapped[list | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The outbox item that made it (case_action pushes): a resend finds it and is a duplicate.
    item_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Dispatch target and deadline of a dispatch/rework event (the KPIs read them from the log).
    department_id: Mapped[int | None] = mapped_column(Integer)
    assignee_id: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# Every photo a case uses (report, handling, check, merged-in reports): for scoped viewing and
# so the orphan prune keeps them.
case_photo = Table(
    "case_photo",
    db.metadata,
    Column("case_id", ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    Column("sha256", ForeignKey("photo.sha256"), primary_key=True, index=True),
)
