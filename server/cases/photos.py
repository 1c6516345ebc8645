"""The photos of cases: report, after-photos, check photos and merged-in photos, seen by whoever
may see the case (grid scope, or dispatched to their department or to them) and kept while any
case lists them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select

from server.auth.models import User
from server.auth.scope import Scope
from server.cases.loop import visible as visible_cases
from server.cases.models import Case, case_photo
from server.photos.uses import PhotoUses


def visible(sha256: str, user: User, scope: Scope) -> ColumnElement[bool]:
    used = select(case_photo.c.case_id).join(Case, Case.id == case_photo.c.case_id)
    return exists(visible_cases(used, user, scope).where(case_photo.c.sha256 == sha256))


def referenced(sha256: ColumnElement[str]) -> ColumnElement[bool]:
    return exists(select(case_photo.c.sha256).where(case_photo.c.sha256 == sha256))


def register(uses: PhotoUses) -> None:
    uses.add(visible=visible, referenced=referenced)
