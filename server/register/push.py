"""The sync push handler for household_upsert and resident_upsert.

Payload: {"household": {...}, "base_version": int | null} (or "resident"). base_version null
creates; otherwise it is the version the phone edited, and a stale one is a conflict whose
answer carries the server's side (`server`, in the pull feed's change shape) while the phone's
side is kept in sync_conflict. The worker resolves it with a new edit based on the server's version.
"""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from server.extensions import db
from server.fields import parse_uuid
from server.i18n import field_message, msg
from server.register import events, service
from server.register.models import Household, RegisterEdit, Resident
from server.sync.models import SyncConflict
from server.sync.protocol import Prepared, PushContext, PushItem, StoredItem, forbidden, rejected
from server.timeutil import iso

KIND_ENTITY = {"household_upsert": service.HOUSEHOLD, "resident_upsert": service.RESIDENT}
PLANNERS = {service.HOUSEHOLD: service.plan_household, service.RESIDENT: service.plan_resident}


def _answer(entity: str, row: dict) -> dict:
    return {"entity": entity, "entity_id": str(row["id"]), "version": row["version"]}


class RegisterEdits:
    kinds = frozenset(KIND_ENTITY)

    def stored(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, StoredItem]:
        if not ids:
            return {}
        rows = db.session.scalars(select(RegisterEdit).where(RegisterEdit.item_id.in_(ids)))
        return {
            row.item_id: StoredItem(
                row.content_hash,
                row.author_id,
                row.received_at,
                {"entity": KIND_ENTITY[row.kind], "entity_id": str(row.entity_id), "version": row.version},
            )
            for row in rows
        }

    def preload(self, items: list[PushItem], ctx: PushContext) -> None:
        """Every household, building and resident the batch names, in three queries."""
        wanted: dict[str, set] = {service.HOUSEHOLD: set(), service.RESIDENT: set(), service.BUILDING: set()}
        for item in items:
            payload = item.payload if isinstance(item.payload, dict) else {}
            sent = payload.get(KIND_ENTITY.get(item.kind or ""))
            if not isinstance(sent, dict):
                continue
            wanted[KIND_ENTITY[item.kind]].add(parse_uuid(sent.get("id")))
            wanted[service.HOUSEHOLD].add(parse_uuid(sent.get("household_id")))
            wanted[service.BUILDING].add(parse_uuid(sent.get("building_id")))
            if isinstance(sent.get("building"), dict):
                wanted[service.BUILDING].add(parse_uuid(sent["building"].get("id")))
        state = service.register_state(ctx)
        for entity, ids in wanted.items():
            state.load(entity, ids - {None})

    def prepare(self, item: PushItem, ctx: PushContext) -> Prepared | dict:
        entity = KIND_ENTITY[item.kind]
        payload = item.payload
        if not isinstance(payload, dict):
            return rejected(
                item, "validation_failed", {"payload": [msg("内容应为对象", "The payload must be an object")]}
            )
        errors = {
            str(k): [field_message("Unknown field.")] for k in payload if k not in (entity, "base_version")
        }
        if entity not in payload:
            errors[entity] = [msg("必填项", "Required")]
        base_version, problems = service.parse_base_version(payload.get("base_version"))
        if problems:
            errors["base_version"] = problems
        if errors:
            return rejected(item, "validation_failed", errors)
        edit = service.EditContext(ctx.user, ctx.scope, ctx.now, "push", item.id)
        outcome = PLANNERS[entity](payload[entity], base_version, service.register_state(ctx), edit)
        if isinstance(outcome, service.Rejected):
            return rejected(item, "validation_failed", outcome.fields)
        if isinstance(outcome, service.Forbidden):
            return forbidden(item)
        if isinstance(outcome, service.Stale):
            return self._conflict(item, outcome, ctx)
        if isinstance(outcome, service.Unchanged):
            # Nothing to write: answered like a resend, with the version the phone should now hold.
            return {
                "id": item.sent_id,
                "status": "duplicate",
                "received_at": iso(outcome.row["updated_at"]),
                **_answer(entity, outcome.row),
            }
        edit_row = {
            "item_id": item.id,
            "kind": item.kind,
            "entity_id": outcome.row["id"],
            "author_id": ctx.user.id,
            "device_id": ctx.device_id,
            "version": outcome.row["version"],
            "content_hash": item.content_hash,
            "received_at": ctx.now,
        }
        return Prepared(item, {"write": outcome, "edit": edit_row}, [], _answer(entity, outcome.row))

    def _conflict(self, item: PushItem, outcome: service.Stale, ctx: PushContext) -> dict:
        """Keep the phone's side (once per content) and answer the server's side to show beside it."""
        already = db.session.scalar(
            select(SyncConflict.id).where(
                SyncConflict.item_id == item.id, SyncConflict.content_hash == item.content_hash
            )
        )
        if already is None:
            db.session.add(
                SyncConflict(
                    item_id=item.id,
                    user_id=ctx.user.id,
                    device_id=ctx.device_id,
                    kind=item.kind,
                    payload=item.raw,
                    content_hash=item.content_hash,
                    reason=outcome.reason,
                )
            )
            db.session.flush()
        if outcome.reason == "stale_base_version":
            message = msg(
                "该记录已被他人修改，请对照服务器上的版本选择保留哪一份",
                "Someone changed this record meanwhile; compare with the server's version and choose",
            )
        else:
            message = msg(
                "服务器上已有同一编号但内容不同的记录，两份都已保留",
                "The server holds different content under this id; both are kept",
            )
        return {
            "id": item.sent_id,
            "status": "conflict",
            "reason": outcome.reason,
            "error": {"code": "conflict", "message": message},
            "server": service.server_side(outcome.entity, outcome.row),
        }

    def insert(self, batch: list[Prepared], ctx: PushContext) -> None:
        """The batch's edits in order, then one statement each for edit records, changes and audit."""
        writes = [p.rows["write"] for p in batch]
        service.execute(writes)
        db.session.connection().execute(insert(RegisterEdit.__table__), [p.rows["edit"] for p in batch])
        # A tier change moves the due date; recomputed from the stored visits, which a visit
        # earlier in this batch may have changed since the edit was planned.
        events.residents_changed({w.row["id"] for w in writes if w.entity == service.RESIDENT})
        events.households_changed({w.row["id"] for w in writes if w.entity == service.HOUSEHOLD})

    def server_view(self, item_id: uuid.UUID) -> dict | None:
        """The record an earlier item with this id wrote, as it is now (the same id resent changed)."""
        edit = db.session.get(RegisterEdit, item_id)
        if edit is None:
            return None
        entity = KIND_ENTITY[edit.kind]
        model = Household if entity == service.HOUSEHOLD else Resident
        row = db.session.execute(select(model.__table__).where(model.id == edit.entity_id)).mappings().first()
        return service.server_side(entity, row) if row else None


REGISTER_EDITS = RegisterEdits()
