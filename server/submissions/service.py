"""Form submissions through the push: check an item against its template version, store in bulk."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert, select

from server.extensions import db
from server.forms.answers import answers_schema, photo_answers, validate_answers
from server.forms.models import FormTemplate
from server.forms.schemas import FORM_KINDS
from server.i18n import field_message, msg
from server.org.models import Grid
from server.submissions.models import Submission, submission_photo
from server.sync.changes import change_row, record_changes
from server.sync.service import Prepared, PushContext, PushItem, StoredItem, forbidden, rejected
from server.timeutil import iso

SUBMISSION_ENTITY = "submission"
PAYLOAD_KEYS = ("grid_id", "household_id", "answers")
MAX_INT = 2**31 - 1


def submission_data(submission: Submission) -> dict[str, Any]:
    """What the pull feed tells the author about a submission (not the answers: the phone has them)."""
    return {
        "id": str(submission.id),
        "kind": submission.kind,
        "template": {"key": submission.template_key, "version": submission.template_version},
        "grid_id": submission.grid_id,
        "household_id": str(submission.household_id) if submission.household_id else None,
        "created_at": iso(submission.created_at),
        "received_at": iso(submission.received_at),
        "review_status": submission.review_status,
        "version": submission.version,
    }


class FormSubmissions:
    """The push handler for form kinds: household_visit now; welfare_visit and the rest once they have templates."""

    kinds = frozenset(FORM_KINDS)

    def stored(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, StoredItem]:
        if not ids:
            return {}
        rows = db.session.execute(
            select(
                Submission.id, Submission.content_hash, Submission.author_id, Submission.received_at
            ).where(Submission.id.in_(ids))
        )
        return {row.id: StoredItem(row.content_hash, row.author_id, row.received_at) for row in rows}

    def preload(self, items: list[PushItem], ctx: PushContext) -> None:
        """Templates (and grids, for an unlimited scope) for the whole batch: one query each."""
        keys = {item.template.get("key") for item in items if isinstance(item.template, dict)}
        keys = {key for key in keys if isinstance(key, str)}
        templates = ctx.cache.setdefault("templates", {})
        if keys - {key for key, _ in templates}:
            for template in db.session.scalars(select(FormTemplate).where(FormTemplate.key.in_(keys))):
                templates[(template.key, template.version)] = template
        if ctx.scope.everything:
            # A limited scope only holds grids that exist; an unlimited one needs asking.
            grid_ids = {
                item.payload.get("grid_id")
                for item in items
                if isinstance(item.payload, dict) and _is_id(item.payload.get("grid_id"))
            }
            grids = ctx.cache.setdefault("grids", set())
            if grid_ids - grids:
                grids.update(db.session.scalars(select(Grid.id).where(Grid.id.in_(grid_ids))))

    def prepare(self, item: PushItem, ctx: PushContext) -> Prepared | dict:
        payload = item.payload
        if not isinstance(payload, dict):
            return rejected(
                item, "validation_failed", {"payload": [msg("内容应为对象", "The payload must be an object")]}
            )
        template = self._template(item, ctx)
        if template is None:
            return rejected(
                item,
                "unknown_template",
                {
                    "template": [
                        msg("表单版本不存在，请更新应用后重填", "No such form version; update the app")
                    ]
                },
                msg("服务器上没有这个表单版本", "The server has no such form version"),
            )
        errors: dict[str, list[str]] = {}
        for key in payload:
            if key not in PAYLOAD_KEYS:
                errors[str(key)] = [field_message("Unknown field.")]
        grid_id = payload.get("grid_id")
        if not _is_id(grid_id):
            errors["grid_id"] = [msg("请选择网格", "Choose a grid")]
        elif not ctx.scope.allows_grid(grid_id):
            # Missing or someone else's: the same answer, so nothing leaks.
            return forbidden(item)
        elif ctx.scope.everything and grid_id not in ctx.cache.get("grids", set()):
            errors["grid_id"] = [msg("网格不存在", "No such grid")]
        household_id = payload.get("household_id")
        if household_id is not None:
            try:
                household_id = uuid.UUID(household_id) if isinstance(household_id, str) else None
            except ValueError:
                household_id = None
            if household_id is None:
                errors["household_id"] = [msg("住户编号不是 UUID", "household_id is not a UUID")]
        answers = payload.get("answers")
        schemas = ctx.cache.setdefault("schemas", {})
        schema = schemas.get(template.id)
        if schema is None:
            # Once per version per batch: finding the cached schema hashes the field list.
            schema = schemas[template.id] = answers_schema(template.key, template.version, template.fields)
        errors.update(validate_answers(schema, answers))
        if errors:
            return rejected(item, "validation_failed", errors)
        photos = list(dict.fromkeys([*item.photos, *photo_answers(template.fields, answers)]))
        row = {
            "id": item.id,
            "kind": item.kind,
            "template_key": template.key,
            "template_version": template.version,
            "answers": answers,
            "grid_id": grid_id,
            "household_id": household_id,
            "author_id": ctx.user.id,
            "device_id": ctx.device_id,
            "location": item.location,
            "created_at": item.created_at,
            "received_at": ctx.now,
            "review_status": "received",
            "version": 1,
            "content_hash": item.content_hash,
        }
        return Prepared(item, {"submission": row}, photos)

    def _template(self, item: PushItem, ctx: PushContext) -> FormTemplate | None:
        ref = item.template
        if not isinstance(ref, dict) or not isinstance(ref.get("key"), str) or not _is_id(ref.get("version")):
            return None
        template = ctx.cache.get("templates", {}).get((ref["key"], ref["version"]))
        if template is None or template.kind != item.kind:
            return None
        return template

    def insert(self, batch: list[Prepared], ctx: PushContext) -> None:
        """Three executemany statements for the whole batch: rows, photo links, feed changes."""
        # Core executemany on the session's connection: no ORM bookkeeping for rows nobody loads.
        connection = db.session.connection()
        connection.execute(insert(Submission.__table__), [p.rows["submission"] for p in batch])
        links = [
            {"submission_id": p.item.id, "sha256": sha, "position": position}
            for p in batch
            for position, sha in enumerate(p.photos)
        ]
        if links:
            connection.execute(insert(submission_photo), links)
        # Only the author's feed carries their submissions (review results come back this way).
        record_changes(
            [change_row(SUBMISSION_ENTITY, p.item.id, user_id=ctx.user.id, at=ctx.now) for p in batch]
        )

    def server_view(self, item_id: uuid.UUID) -> dict | None:
        """The stored side of a conflict, in the item's own shape."""
        submission = db.session.get(Submission, item_id)
        if submission is None:
            return None
        photos = db.session.scalars(
            select(submission_photo.c.sha256)
            .where(submission_photo.c.submission_id == item_id)
            .order_by(submission_photo.c.position)
        ).all()
        return {
            "id": str(submission.id),
            "kind": submission.kind,
            "template": {"key": submission.template_key, "version": submission.template_version},
            "created_at": iso(submission.created_at),
            "received_at": iso(submission.received_at),
            "payload": {
                "grid_id": submission.grid_id,
                "household_id": str(submission.household_id) if submission.household_id else None,
                "answers": submission.answers,
            },
            "photos": list(photos),
            "location": submission.location,
            "review_status": submission.review_status,
            "version": submission.version,
        }


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_INT


FORM_SUBMISSIONS = FormSubmissions()
