"""GET /submissions/mine: 我的上报; GET /submissions/<id>: one with its answers; the supervisor's
review queue and POST .../review."""

from __future__ import annotations

import uuid
from datetime import UTC
from http import HTTPStatus

from flask_login import current_user, login_required
from flask_smorest import Blueprint
from sqlalchemy import and_, func, or_, select

from server.auth.routes import roles_required
from server.auth.scope import Scope
from server.errors import not_found
from server.extensions import db
from server.org.models import Grid
from server.push.service import send_all
from server.submissions import coverage
from server.submissions.models import Submission
from server.submissions.review import review
from server.submissions.schemas import (
    CoverageQuerySchema,
    CoverageSchema,
    MinePageSchema,
    MineQuerySchema,
    QueuePageSchema,
    QueueQuerySchema,
    ReviewSchema,
    SubmissionDetailSchema,
    SubmissionStateSchema,
    mine_cursor,
)
from server.submissions.service import submission_detail, submissions_data
from server.timeutil import app_now, local_today

bp = Blueprint("submissions", __name__, url_prefix="/api/v1/submissions", description="Submissions")


@bp.route("/mine", methods=["GET"])
@login_required
@bp.arguments(MineQuerySchema, location="query")
@bp.response(200, MinePageSchema)
def mine(args):
    """My submissions, newest first: received, returned (with the comment) or accepted; a report's case state.

    Paged in SQL: `page`, or `cursor` (each page's next_cursor), which neither skips nor repeats a
    row when new submissions arrive between pages. The phone holds only its open and recent ones
    (the pull snapshot); older ones are read here.
    """
    stmt = select(Submission).where(Submission.author_id == current_user.id)
    if "kind" in args:
        stmt = stmt.where(Submission.kind == args["kind"])
    if "review_status" in args:
        stmt = stmt.where(Submission.review_status == args["review_status"])
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    per_page = args["per_page"]
    # One total order (id breaks ties of created_at), so a cursor is a position in it.
    stmt = stmt.order_by(Submission.created_at.desc(), Submission.id.desc())
    answer = {"total": total, "per_page": per_page}
    if "cursor" in args:
        created_at, submission_id = args["cursor"]
        stmt = stmt.where(
            or_(
                Submission.created_at < created_at,
                and_(Submission.created_at == created_at, Submission.id < submission_id),
            )
        )
    else:
        page = args.get("page", 1)
        stmt = stmt.offset((page - 1) * per_page)
        answer["page"] = page
    # One row past the page says whether there is a next one.
    rows = list(db.session.scalars(stmt.limit(per_page + 1)))
    more, rows = len(rows) > per_page, rows[:per_page]
    answer["next_cursor"] = mine_cursor(rows[-1].created_at, rows[-1].id) if more else None
    return answer | {"submissions": submissions_data(rows)}


@bp.route("/coverage", methods=["GET"])
@roles_required("worker", "supervisor", "admin")
@bp.arguments(CoverageQuerySchema, location="query")
@bp.alt_response(200, schema=CoverageSchema, success=True)
def worker_coverage(args):
    """走访覆盖率: each worker's month from their records (a worker sees their own; a supervisor
    their community's; the street its own), listed by grid, never ranked; with the definitions.

    A community or grid outside the caller's scope is 404."""
    scope = Scope.of(current_user)
    community_id, grid_id = args.get("community_id"), args.get("grid_id")
    if community_id is not None and not scope.allows_community(community_id):
        raise not_found()
    if grid_id is not None and not scope.allows_grid(grid_id):
        raise not_found()
    today = local_today()
    month = args.get("month") or today.strftime("%Y-%m")
    return coverage.coverage(scope, month, today, community_id, grid_id)


@bp.route("", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(QueueQuerySchema, location="query")
@bp.alt_response(200, schema=QueuePageSchema, success=True)
def queue(args):
    """The review queue in scope, oldest first: filters community_id, grid_id, kind, review_status
    (default received), from, to (created_at); page, per_page."""
    scope = Scope.of(current_user)
    stmt = scope.filter_grid(select(Submission), Submission.grid_id, Submission.street_id)
    if "community_id" in args:
        in_community = select(Grid.id).where(Grid.community_id == args["community_id"])
        stmt = stmt.where(Submission.grid_id.in_(in_community))
    if "grid_id" in args:
        stmt = stmt.where(Submission.grid_id == args["grid_id"])
    if "kind" in args:
        stmt = stmt.where(Submission.kind == args["kind"])
    stmt = stmt.where(Submission.review_status == args["review_status"])
    # Stored as UTC (SQLite drops the offset), so the bounds are compared in UTC too.
    if "from_" in args:
        stmt = stmt.where(Submission.created_at >= args["from_"].astimezone(UTC))
    if "to" in args:
        stmt = stmt.where(Submission.created_at < args["to"].astimezone(UTC))
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.order_by(Submission.created_at, Submission.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    data = submissions_data(list(rows))
    for item, row in zip(data, rows, strict=True):
        item["author_id"] = row.author_id
        item["answers"] = row.answers
        if row.resubmits_id:
            item["resubmits"] = str(row.resubmits_id)
    return {"submissions": data, "total": total, "page": page, "per_page": per_page}


@bp.route("/<submission_id>", methods=["GET"])
@login_required
@bp.alt_response(200, schema=SubmissionDetailSchema, success=True)
def get(submission_id):
    """One submission with its answers, photos and place: the author's own (to fix a returned one
    on a phone that no longer holds it), or a reviewer's in scope; anyone else 404."""
    try:
        wanted = uuid.UUID(submission_id)
    except ValueError:
        raise not_found() from None
    submission = db.session.get(Submission, wanted)
    if submission is None or not _may_read(submission):
        raise not_found()
    return submission_detail(submission)


def _may_read(submission: Submission) -> bool:
    """The author always; a supervisor or admin in scope (the review queue shows them the answers)."""
    if submission.author_id == current_user.id:
        return True
    return current_user.role in ("supervisor", "admin") and Scope.of(current_user).allows_grid(
        submission.grid_id
    )


@bp.route("/<submission_id>/review", methods=["POST"])
@roles_required("supervisor", "admin")
@bp.arguments(ReviewSchema)
@bp.alt_response(200, schema=SubmissionStateSchema, success=True)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def review_submission(body, submission_id):
    """Approve, return (退回补充, back to the worker's 我的上报 with a push) or reject a visit, with a comment.

    A report is reviewed in its case (file, return, void): 409 review_in_case with its case_id.
    """
    try:
        wanted = uuid.UUID(submission_id)
    except ValueError:
        raise not_found() from None
    submission = db.session.get(Submission, wanted)
    if submission is None or not Scope.of(current_user).allows_grid(submission.grid_id):
        raise not_found()
    pushes = review(submission, body, current_user, app_now())
    db.session.commit()
    send_all(pushes)
    return submissions_data([submission])[0] | {"review_comment": submission.review_comment}
