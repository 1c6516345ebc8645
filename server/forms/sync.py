"""What sync carries of forms: the templates (every phone holds the active ones) and the form
kinds' descriptors, the "form_kinds" catalogue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, tuple_

from server.extensions import db
from server.forms.kinds import form_kinds_catalogue
from server.forms.models import FormTemplate
from server.forms.schemas import FormTemplateSchema
from server.sync.protocol import EntityReader, PullContext, change, everything
from server.sync.registry import SyncRegistry


def _serialize(template: FormTemplate) -> tuple[Any, Any, dict]:
    return template.sync_id, template.version, FormTemplateSchema().dump(template)


class TemplateReader(EntityReader):
    """Templates are named key:version on the phone."""

    def load(self, ctx: PullContext, ids: list[str]) -> dict[str, dict]:
        pairs = []
        for value in ids:
            key, _, version = value.rpartition(":")
            if version.isdigit():
                pairs.append((key, int(version)))
        if not pairs:
            return {}
        stmt = select(FormTemplate).where(tuple_(FormTemplate.key, FormTemplate.version).in_(pairs))
        found = {}
        for template in db.session.scalars(stmt):
            entity_id, version, data = _serialize(template)
            found[entity_id] = change(self.name, entity_id, data, version)
        return found


def register(sync: SyncRegistry) -> None:
    sync.add_reader(
        TemplateReader(
            "form_template",
            FormTemplate,
            FormTemplate.id,
            everything,
            _serialize,
            str,
            snapshot_filter=lambda stmt, ctx: stmt.where(FormTemplate.active.is_(True)),
        )
    )
    # Set in code, not rows: like the care settings no feed row announces a change, so it rides
    # with them on the cursor's fingerprint and a deploy that adds a kind reaches every phone.
    sync.add_catalogue(lambda: {"form_kinds": form_kinds_catalogue()}, settings=True)
