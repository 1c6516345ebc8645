"""GET /submissions/mine: 我的上报, the caller's own submissions with review and case state."""

from __future__ import annotations

from flask_login import current_user, login_required
from flask_smorest import Blueprint
from sqlalchemy import func, select

from server.extensions import db
from server.submissions.models import Submission
from server.submissions.schemas import MinePageSchema, MineQuerySchema
from server.submissions.service import submissions_data

bp = Blueprint("submissions", __name__, url_prefix="/api/v1/submissions", description="Submissions")


@bp.route("/mine", methods=["GET"])
@login_required
@bp.arguments(MineQuerySchema, location="query")
@bp.response(200, MinePageSchema)
def mine(args):
    """My submissions, newest first: received, returned (with the comment) or accepted; a report's case state."""
    stmt = select(Submission).where(Submission.author_id == current_user.id)
    if "kind" in args:
        stmt = stmt.where(Submission.kind == args["kind"])
    if "review_status" in args:
        stmt = stmt.where(Submission.review_status == args["review_status"])
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page, per_page = args["page"], args["per_page"]
    rows = db.session.scalars(
        stmt.order_by(Submission.created_at.desc(), Submission.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return {"submissions": submissions_data(list(rows)), "total": total, "page": page, "per_page": per_page}
