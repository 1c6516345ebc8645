"""Reading and adding form template versions, installing the built-ins. The caller commits."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from server.errors import not_found, validation_failed
from server.extensions import db
from server.forms.builtins import BUILTIN_TEMPLATES
from server.forms.models import FormTemplate
from server.forms.schemas import TemplateCreateSchema, clean_field_spec
from server.i18n import msg
from server.sync.changes import record_change

log = logging.getLogger(__name__)

TEMPLATE_ENTITY = "form_template"


def active_templates() -> list[FormTemplate]:
    """The versions offered for new forms, one per key."""
    return list(
        db.session.scalars(
            select(FormTemplate)
            .where(FormTemplate.active.is_(True))
            .order_by(FormTemplate.key, FormTemplate.version)
        )
    )


def find_template(key: str, version: int) -> FormTemplate | None:
    """One exact version, active or not (queued items may name an old one)."""
    return db.session.scalar(
        select(FormTemplate).where(FormTemplate.key == key, FormTemplate.version == version)
    )


def template_or_404(key: str, version: int) -> FormTemplate:
    template = find_template(key, version)
    if template is None:
        raise not_found()
    return template


def add_version(
    *, key: str, kind: str, title: dict, fields_: list[dict], version: int | None = None
) -> FormTemplate:
    """Add a new version of a template (validated shape); it replaces the older ones for new forms."""
    older = list(db.session.scalars(select(FormTemplate).where(FormTemplate.key == key)))
    latest = max((t.version for t in older), default=0)
    errors: dict[str, list[str]] = {}
    if older and older[0].kind != kind:
        errors["kind"] = [
            msg(
                f"模板“{key}”的类别是 {older[0].kind}，新版本不能改变类别",
                f"“{key}” records {older[0].kind}; a version cannot change that",
            )
        ]
    if version is not None and version <= latest:
        errors["version"] = [
            msg(
                f"版本号必须大于当前最新版本 {latest}",
                f"The version must be greater than the latest, {latest}",
            )
        ]
    if errors:
        raise validation_failed(errors)
    for template in older:
        if template.active:
            template.active = False
            record_change(TEMPLATE_ENTITY, template.sync_id)
    template = FormTemplate(
        key=key,
        version=version or latest + 1,
        kind=kind,
        title_zh=title["zh"],
        title_en=title["en"],
        fields=[clean_field_spec(spec) for spec in fields_],
        active=True,
    )
    db.session.add(template)
    db.session.flush()
    record_change(TEMPLATE_ENTITY, template.sync_id)
    return template


def install_builtins() -> list[FormTemplate]:
    """Add the built-in versions the database lacks; existing versions are never changed.

    Safe to run on every start. Returns the versions it added.
    """
    added = []
    for definition in BUILTIN_TEMPLATES:
        # The built-ins pass the same checks as an admin's template.
        body = TemplateCreateSchema().load(definition)
        existing = find_template(body["key"], body["version"])
        if existing is not None:
            if existing.fields != [clean_field_spec(spec) for spec in body["fields_"]]:
                log.warning(
                    "Built-in template %s v%s differs from the stored one; give the change a new version",
                    body["key"],
                    body["version"],
                )
            continue
        latest = db.session.scalar(
            select(func.max(FormTemplate.version)).where(FormTemplate.key == body["key"])
        )
        if latest is not None and latest > body["version"]:
            continue  # an admin already moved this template on
        added.append(add_version(**body))
    return added
