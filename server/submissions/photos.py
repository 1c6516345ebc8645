"""The photos of submissions: seen by their author and by whoever's scope holds the submission's
grid; kept as long as a submission lists them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select

from server.auth.models import User
from server.auth.scope import Scope
from server.photos.uses import PhotoUses
from server.submissions.models import Submission, submission_photo


def visible(sha256: str, user: User, scope: Scope) -> ColumnElement[bool]:
    """A submission in the user's grids (or their own) uses the photo."""
    used = (
        select(submission_photo.c.submission_id)
        .join(Submission, Submission.id == submission_photo.c.submission_id)
        .where(submission_photo.c.sha256 == sha256)
    )
    if not scope.everything:
        used = used.where(
            or_(Submission.author_id == user.id, scope.grid_clause(Submission.grid_id, Submission.street_id))
        )
    return exists(used)


def referenced(sha256: ColumnElement[str]) -> ColumnElement[bool]:
    return exists(select(submission_photo.c.sha256).where(submission_photo.c.sha256 == sha256))


def register(uses: PhotoUses) -> None:
    uses.add(visible=visible, referenced=referenced)
