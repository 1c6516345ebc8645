"""What sync carries of submissions: the form submissions pushed from the phone, and the caller's
own recent ones with the state of the case a report opened."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Select

from server.submissions.models import Submission
from server.submissions.service import FORM_SUBMISSIONS, submission_data, submissions_data
from server.sync.protocol import EntityReader, PullContext
from server.sync.registry import SyncRegistry
from server.timeutil import utcnow

# The snapshot carries this much of the caller's own submission history.
RECENT_SUBMISSIONS = timedelta(days=90)


class SubmissionReader(EntityReader):
    """Submissions with the state of the case a report opened (one query per page)."""

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
            snapshot_filter=lambda stmt, ctx: stmt.where(
                Submission.created_at >= utcnow() - RECENT_SUBMISSIONS
            ),
        )
    )
