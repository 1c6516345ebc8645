"""WelfareVisit (one per welfare_visit submission) and MajorChange (which makes a visit due at once)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.timeutil import utcnow

CONTACT_METHODS = ("home", "phone", "video", "not_reached")
# Phone and video visits count as visits (national guidance: home visits plus phone/video).
REACHED_METHODS = frozenset({"home", "phone", "video"})


class WelfareVisit(db.Model):
    """The schedule's view of a welfare_visit submission (the answers stay on the submission)."""

    __tablename__ = "welfare_visit"
    __table_args__ = (Index("ix_welfare_visit_resident_id_visited_at", "resident_id", "visited_at"),)

    submission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # When the worker made the visit (the phone's clock at recording), UTC.
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    how_contacted: Mapped[str] = mapped_column(String(20))
    reached: Mapped[bool] = mapped_column(Boolean)
    major_change: Mapped[bool] = mapped_column(Boolean, default=False)
    referral_needed: Mapped[bool] = mapped_column(Boolean, default=False)


class MajorChange(db.Model):
    """A major change in a resident's life (hospital, bereavement...): the next visit is due within 24 h."""

    __tablename__ = "major_change"
    __table_args__ = (Index("ix_major_change_resident_id_at", "resident_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # "visit" (recorded on a welfare visit) or "supervisor" (recorded at the desk).
    source: Mapped[str] = mapped_column(String(20))
    submission_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    note: Mapped[str | None] = mapped_column(String(500))
