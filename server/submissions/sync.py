"""What sync carries of submissions: the form submissions pushed from the phone, and the caller's
own open and recent ones with the state of the case a report opened."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, or_, select

from server.extensions import db
from server.submissions.models import Submission
from server.submissions.service import FORM_SUBMISSIONS, still_open, submission_data, submissions_data
from server.sync.protocol import EntityReader, PullContext
from server.sync.registry import SyncRegistry
from server.timeutil import app_now

# Besides the open ones, the snapshot carries what reached the server this past week, so 我的上报
# on a new phone shows the worker's recent days offline. A week because the phone's outbox keeps a
# delivered item 7 days (keepDoneDays in pwa/src/outbox/engine.ts): counted from its arrival, every
# delivered item still in the outbox has its review state in the snapshot too. Older finished ones
# are history: 我的上报 pages them from GET /submissions/mine when online. (90 days of history
# made a busy worker's snapshot 2 MB; its size now follows the open work, not the years behind it.)
RECENT_SUBMISSIONS = timedelta(days=7)

SnapshotRule = Callable[[Select, PullContext], Select]


def snapshot_rule(
    window: timedelta = RECENT_SUBMISSIONS, *, with_open: bool = True, since: Any = Submission.received_at
) -> SnapshotRule:
    """The submissions a snapshot carries: received within `window`, or still open. (The feed is not
    narrowed: a later change to any of the caller's submissions, e.g. an old one returned, still
    reaches the phone.) bench/snapshot_size.py builds the old rule with this too (90 days by
    created_at, nothing open)."""

    def rule(stmt: Select, ctx: PullContext) -> Select:
        recent = since >= app_now() - window
        return stmt.where(or_(recent, still_open()) if with_open else recent)

    return rule


class SubmissionReader(EntityReader):
    """Submissions with the state of the case a report opened (one query per page)."""

    # What submission_data reads. The phone has the answers and the location: left unread,
    # their jsonb is never decoded, and plain rows cost a fraction of ORM objects (a snapshot
    # page carries up to 1,000; bench/load_sync.py's profile).
    COLUMNS = (
        "id", "kind", "template_key", "template_version", "grid_id", "household_id", "resident_id",
        "created_at", "received_at", "review_status", "review_comment", "resubmits_id", "task_id",
        "version",
    )  # fmt: skip

    def _select(self) -> Select:
        return select(*(getattr(Submission, name) for name in self.COLUMNS))

    def _rows(self, stmt: Select) -> list:
        return list(db.session.execute(stmt))  # Rows: attributes by column name, as submission_data reads

    def serialize_rows(self, rows: list) -> list[tuple[Any, Any, dict]]:
        return [
            (data["id"], row.version, data) for row, data in zip(rows, submissions_data(rows), strict=True)
        ]


def _own(stmt: Select, ctx: PullContext) -> Select:
    return stmt.where(Submission.author_id == ctx.user.id)


def register(sync: SyncRegistry) -> None:
    sync.add_handler(FORM_SUBMISSIONS)
    sync.add_reader(
        SubmissionReader(
            "submission",
            Submission,
            Submission.id,
            _own,
            lambda s: (str(s.id), s.version, submission_data(s)),
            uuid.UUID,
            snapshot_filter=snapshot_rule(),
        )
    )
