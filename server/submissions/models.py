"""Submission: one filled form, its id made on the phone; and the photos it uses."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.org.models import coordinate, street_of_grid
from server.timeutil import utcnow

# The pull feed's name for a submission (the author's own feed carries their review results).
SUBMISSION_ENTITY = "submission"
# received: stored, waiting for review; returned: sent back to the worker to fix (with a
# comment); accepted: reviewed and kept; rejected: refused with a reason; resubmitted: was
# returned and the worker sent a new submission naming it (payload.resubmits).
REVIEW_STATUSES = ("received", "returned", "accepted", "rejected", "resubmitted")

submission_photo = Table(
    "submission_photo",
    db.metadata,
    Column("submission_id", ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True),
    Column("sha256", ForeignKey("photo.sha256"), primary_key=True, index=True),
    Column("position", Integer, nullable=False),
)


class Submission(db.Model):
    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_author_id_created_at", "author_id", "created_at"),)

    # The client's UUID: a resend of the same item finds this row and is answered `duplicate`.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    template_key: Mapped[str] = mapped_column(String(50))
    template_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSON)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    street_id: Mapped[int | None] = street_of_grid()
    lat: Mapped[float | None] = coordinate()
    lng: Mapped[float | None] = coordinate()
    # Plain ids, no foreign keys: a submission queued offline outlives any register edit.
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # The resident a welfare visit was for.
    resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    device_id: Mapped[str] = mapped_column(String(64))
    location: Mapped[dict | None] = mapped_column(JSON)
    # When the worker made it (the phone's clock), stored in UTC like every time.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    review_status: Mapped[str] = mapped_column(String(20), default="received")
    # The supervisor's words when returning it (shown in 我的上报 beside the form to fix).
    review_comment: Mapped[str | None] = mapped_column(Text)
    # Bumped by every server-side change (review), so edits can say which version they saw.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # sha256 of the item's canonical JSON: tells a resend (duplicate) from a conflict.
    content_hash: Mapped[str] = mapped_column(String(64))
    # The returned submission this one fixes, and the task it completes (plain ids).
    resubmits_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
