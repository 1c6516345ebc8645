"""A submission's review: a visit's verdict at the desk, and the return of a report through its case.

Visits (non-report kinds) are approved, returned or rejected here (POST /submissions/<id>/review).
A report is reviewed as its case's first step (server/cases/loop.py): the case's `return` calls
return_submission, so the report comes back to its author the same way a returned visit does.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from server.cases.service import cases_of_submissions
from server.errors import ApiError, validation_failed
from server.extensions import db
from server.forms.kinds import opens_case
from server.i18n import msg
from server.push.message import WebPush
from server.submissions.models import SUBMISSION_ENTITY, Submission
from server.sync.changes import change_row, record_changes

REVIEW_ACTIONS = {"approve": "accepted", "return": "returned", "reject": "rejected"}


def returned_push(submission: Submission, comment: str) -> WebPush:
    """The Web Push that tells the author their submission came back (opens 我的上报 on the phone)."""
    return WebPush(
        user_ids=[submission.author_id],
        kind="submission_returned",
        title="退回补充：" + comment[:30],
        url=f"/submissions/{submission.id}",
        tag=f"submission-{submission.id}",
        data={"submission_id": str(submission.id)},
    )


def _decide(
    submission: Submission, status: str, comment: str | None, reviewer_id: int, now: datetime
) -> None:
    submission.review_status = status
    submission.review_comment = comment
    submission.reviewed_by = reviewer_id
    submission.reviewed_at = now
    submission.version += 1
    record_changes([change_row(SUBMISSION_ENTITY, submission.id, user_id=submission.author_id)])


def return_submission(
    submission_id: uuid.UUID, comment: str, reviewer_id: int, now: datetime
) -> list[WebPush]:
    """Send a report back to its author (its case was returned: cases.loop.on_report_returned);
    the push to send after commit. None to send when the case has no submission row (demo data)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        return []
    _decide(submission, "returned", comment, reviewer_id, now)
    return [returned_push(submission, comment)]


def report_answers(submission_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict]:
    """Each version's answers, for its case's log (cases.loop.on_report_answers)."""
    rows = db.session.execute(
        select(Submission.id, Submission.answers).where(Submission.id.in_(submission_ids))
    )
    return {row.id: row.answers for row in rows}


def review(submission: Submission, body: dict, reviewer, now: datetime) -> list[WebPush]:
    """A supervisor's verdict on a received visit; returns the pushes to send after commit.

    return and reject need a comment (shown to the worker in 我的上报). Only a `received`
    submission can be reviewed (409 otherwise, with its status); a report is reviewed in its
    case (409 review_in_case, with the case's id).
    """
    action = body.get("action")
    if action not in REVIEW_ACTIONS:
        raise validation_failed(
            {"action": [msg("操作应为通过、退回或驳回", "action is approve, return or reject")]}
        )
    comment = body.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > 2000):
        raise validation_failed(
            {"comment": [msg("意见最多 2000 字", "comment is text of at most 2000 characters")]}
        )
    comment = (comment or "").strip() or None
    if action in ("return", "reject") and comment is None:
        raise validation_failed(
            {"comment": [msg("退回或驳回须写明原因", "A return or reject needs a comment")]}
        )
    if opens_case(submission.kind):
        case = cases_of_submissions([submission.id]).get(submission.id)
        raise ApiError(
            409,
            "review_in_case",
            msg(
                "上报在案件中审核：请打开案件立案、退回或作废",
                "A report is reviewed in its case: open the case to file, return or void it",
            ),
            case_id=str(case[0]) if case else None,
        )
    if submission.review_status != "received":
        raise ApiError(
            409,
            "already_reviewed",
            msg("该记录已审核", "This submission was already reviewed"),
            review_status=submission.review_status,
        )
    _decide(submission, REVIEW_ACTIONS[action], comment, reviewer.id, now)
    if action != "return":
        return []
    return [returned_push(submission, comment)]
