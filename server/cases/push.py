"""Push kind `case_action`: handlers and workers act on cases offline.

case_action payload: {case_id, action, comment?, reason?, photos?, into_case_id?, department_id?,
assignee_id?, deadline?}; the item's `photos` count as the action's photos too. Idempotent by item
id (stored on the CaseEvent). A case that moved on since the phone saw it answers `conflict` with
the current case as `server`; a case the user may not act on answers `forbidden`.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from server.auth.scope import Scope
from server.cases import loop
from server.cases.models import Case, CaseEvent
from server.errors import ApiError
from server.extensions import db
from server.fields import parse_uuid
from server.i18n import msg
from server.sync.protocol import Prepared, PushContext, PushItem, StoredItem, forbidden, rejected, stale


def _conflict(item: PushItem, server: dict | None, message: str) -> dict:
    return stale(item, server, message, code="stale_case")


class CaseActions:
    kinds = frozenset({"case_action"})

    def stored(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, StoredItem]:
        if not ids:
            return {}
        rows = db.session.execute(
            select(
                CaseEvent.item_id,
                CaseEvent.content_hash,
                CaseEvent.actor_id,
                CaseEvent.at,
                CaseEvent.case_id,
                CaseEvent.to_state,
            ).where(CaseEvent.item_id.in_(ids))
        )
        return {
            row.item_id: StoredItem(
                row.content_hash or "",
                row.actor_id,
                row.at,
                {"case_id": str(row.case_id), "case_state": row.to_state},
            )
            for row in rows
        }

    def preload(self, items: list[PushItem], ctx: PushContext) -> None:
        return None

    def prepare(self, item: PushItem, ctx: PushContext) -> Prepared | dict:
        payload = item.payload
        if not isinstance(payload, dict):
            return rejected(
                item, "validation_failed", {"payload": [msg("内容应为对象", "The payload must be an object")]}
            )
        case_id = parse_uuid(payload.get("case_id"))
        if case_id is None:
            return rejected(
                item, "validation_failed", {"case_id": [msg("缺少案件编号", "case_id is required")]}
            )
        scope: Scope = ctx.scope
        case = db.session.scalar(loop.visible(select(Case), ctx.user, scope).where(Case.id == case_id))
        if case is None:
            return forbidden(item)
        planned = ctx.cache.setdefault("case_states", {})
        state_now = planned.get(case.id, case.state)
        action = payload.get("action")
        body = dict(payload)
        sent_photos = payload.get("photos") or []
        # Merged only when every entry is a string (dict keys); anything else is validate_body's error.
        body["photos"] = (
            list(dict.fromkeys([*sent_photos, *item.photos]))
            if isinstance(sent_photos, list) and all(isinstance(sha, str) for sha in sent_photos)
            else payload.get("photos")
        )
        try:
            new_state = loop.check_action(case, action, ctx.user, scope, state_now)
            clean = loop.validate_body(case, action, body, ctx.user, scope, ctx.now)
        except ApiError as exc:
            if exc.status == 404:
                return forbidden(item)
            if exc.status == 409:
                return _conflict(
                    item,
                    loop.case_data(case, ctx.user),
                    msg("案件状态已变化，此操作未执行", "The case has moved on; this action was not applied"),
                )
            return rejected(item, exc.code, exc.fields or {})
        planned[case.id] = new_state
        return Prepared(
            item,
            {"case_id": case.id, "clean": clean, "new_state": new_state},
            clean["photos"],
            {"case_id": str(case.id), "case_state": new_state},
        )

    def insert(self, batch: list[Prepared], ctx: PushContext) -> None:
        for p in batch:
            case = db.session.get(Case, p.rows["case_id"])
            outcome = loop.apply(
                case, p.rows["clean"], ctx.user, ctx.now, p.rows["new_state"], p.item.id, p.item.content_hash
            )
            ctx.pushes.extend(outcome.pushes)

    def server_view(self, item_id: uuid.UUID) -> dict | None:
        event = db.session.scalar(select(CaseEvent).where(CaseEvent.item_id == item_id))
        if event is None:
            return None
        case = db.session.get(Case, event.case_id)
        return loop.case_data(case) if case is not None else None


CASE_ACTIONS = CaseActions()
