"""Campaign → CampaignTarget (one per household or resident the rule matched) → CampaignEvent
(every close, follow-up, attempt and roll-call answer that reached the server)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.timeutil import utcnow

MODES = ("normal", "roll_call")
# draft: editable, no targets; launching: a job is writing targets; active; ended; cancelled.
CAMPAIGN_STATUSES = ("draft", "launching", "active", "ended", "cancelled")
# open: nothing yet; attempted: 未遇到/无法入户 at least once, retried; done: closed (once);
# unreachable: attempted MAX_ATTEMPTS times, no more retries; cancelled: removed with a reason.
TARGET_STATUSES = ("open", "attempted", "done", "unreachable", "cancelled")
EVENT_KINDS = ("close", "follow_up", "attempt", "cancel")


class Campaign(db.Model):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    # A community supervisor's campaign stays in their community; None: the whole street's.
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    template_key: Mapped[str] = mapped_column(String(50))
    template_version: Mapped[int] = mapped_column(Integer)
    form_kind: Mapped[str] = mapped_column(String(30))
    rule: Mapped[dict] = mapped_column(JSON)
    mode: Mapped[str] = mapped_column(String(20), default="normal")
    deadline_hours: Mapped[int | None] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    close_out_time: Mapped[str] = mapped_column(String(5), default="17:30")  # 日结, Shanghai HH:MM
    daily_quota: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    launch_total: Mapped[int | None] = mapped_column(Integer)
    launch_done: Mapped[int] = mapped_column(Integer, default=0)
    launched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Roll-call reminders at 50 % and 80 % of the deadline: set once each by the sweep.
    reminded_half_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_late_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CampaignTarget(db.Model):
    __tablename__ = "campaign_target"
    __table_args__ = (
        # One target per household or resident per campaign: a second launch adds no duplicate.
        UniqueConstraint("campaign_id", "subject_id", name="uq_campaign_target_subject"),
        Index("ix_campaign_target_campaign_grid_status", "campaign_id", "grid_id", "status"),
        Index("ix_campaign_target_assignee_status", "assignee_id", "status"),
        # The roll-call board's "not yet reached", per answer and tier in checklist order.
        Index(
            "ix_campaign_target_roll_call",
            "campaign_id",
            "answer",
            "care_tier",
            "grid_id",
            "building_id",
            "id",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    # The resident for a resident rule, else the household (what the unique constraint counts).
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    household_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    building_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    # The grid's worker; None while the grid has none (the board shows it).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Copied at launch for the checklist's order: high, key, general, none.
    care_tier: Mapped[str] = mapped_column(String(10), default="none")
    status: Mapped[str] = mapped_column(String(20), default="open")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_outcome: Mapped[str | None] = mapped_column(String(20))
    last_reason: Mapped[str | None] = mapped_column(String(200))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Roll-call: the latest answer and when the worker gave it (the phone's time).
    answer: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_item: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    follow_ups: Mapped[int] = mapped_column(Integer, default=0)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CampaignEvent(db.Model):
    """What reached the server for a target, by the outbox item's id (a resend is a duplicate)."""

    __tablename__ = "campaign_event"
    __table_args__ = (
        # The database itself allows one close per target, whatever races above it.
        Index(
            "uq_campaign_event_one_close",
            "target_id",
            unique=True,
            sqlite_where=text("kind = 'close'"),
            postgresql_where=text("kind = 'close'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    target_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaign_target.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    submission_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    content_hash: Mapped[str | None] = mapped_column(String(64))


class CampaignTally(db.Model):
    """The roll-call board's counts per campaign and grid, kept by every change to its targets
    (server/campaigns/service.py retally): the board reads ~70 rows instead of counting 30,000
    targets every few seconds while the whole street confirms."""

    __tablename__ = "campaign_tally"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    # Targets not cancelled, those with no answer yet, and each answer's count.
    targets: Mapped[int] = mapped_column(Integer, default=0)
    unanswered: Mapped[int] = mapped_column(Integer, default=0)
    reached: Mapped[int] = mapped_column(Integer, default=0)
    no_answer: Mapped[int] = mapped_column(Integer, default=0)
    relocate: Mapped[int] = mapped_column(Integer, default=0)
    assist: Mapped[int] = mapped_column(Integer, default=0)


PROPOSAL_DECISIONS = ("confirmed", "dismissed")


class CampaignProposal(db.Model):
    """A street's answer to one festival proposal (优抚 visits at 春节 or 八一): confirmed (with
    the draft it created) or dismissed, once; an unanswered proposal has no row."""

    __tablename__ = "campaign_proposal"
    __table_args__ = (UniqueConstraint("street_id", "key", name="uq_campaign_proposal_street_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"))
    key: Mapped[str] = mapped_column(String(40))  # festival-date, e.g. spring_festival-2027-02-06
    festival: Mapped[str] = mapped_column(String(20))
    festival_date: Mapped[date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(10))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    decided_by: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
