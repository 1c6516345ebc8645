"""Push kinds `case_action` (handlers and workers act offline) and `task_update` (a worker closes a task).

case_action payload: {case_id, action, comment?, reason?, photos?, into_case_id?, department_id?,
assignee_id?, deadline?}; the item's `photos` count as the action's photos too. Idempotent by item
id (stored on the CaseEvent). A case that moved on since the phone saw it answers `conflict` with
the current case as `server`; a case the user may not act on answers `forbidden`.

task_update payload: {task_id, status: "done"}.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from server.auth.scope import Scope
from server.cases import loop
from server.cases.models import Case, CaseEvent
from server.errors import ApiError
from server.extensions import db
from server.i18n import msg
from server.sync.service import Prepared, PushContext, PushItem, StoredItem, forbidden, rejected


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        return None


def _conflict(item: PushItem, server: dict | None, message: str) -> dict:
    return {
        "id": item.sent_id,
        "status": "conflict",
        "error": {"code": "stale_case", "message": message},
        "server": server,
    }


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
        case_id = _uuid(payload.get("case_id"))
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


class TaskUpdates:
    kinds = frozenset({"task_update"})

    def stored(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, StoredItem]:
        from server.tasks.models import Task

        if not ids:
            return {}
        rows = db.session.scalars(select(Task).where(Task.update_item_id.in_(ids)))
        return {
            t.update_item_id: StoredItem(
                t.update_hash or "", t.assignee_id, t.completed_at, {"task_status": t.status}
            )
            for t in rows
        }

    def preload(self, items: list[PushItem], ctx: PushContext) -> None:
        return None

    def prepare(self, item: PushItem, ctx: PushContext) -> Prepared | dict:
        from server.tasks.models import Task
        from server.tasks.service import task_data

        payload = item.payload if isinstance(item.payload, dict) else {}
        task_id = _uuid(payload.get("task_id"))
        task = db.session.get(Task, task_id) if task_id else None
        if task is None or task.assignee_id != ctx.user.id:
            return forbidden(item)
        if payload.get("status") != "done":
            return rejected(
                item, "validation_failed", {"status": [msg("只能标记为已完成", "status is done")]}
            )
        if task.status != "open":
            return _conflict(
                item, task_data(task), msg("任务已完成或已取消", "The task is already done or cancelled")
            )
        return Prepared(item, {"task_id": task.id}, [], {"task_status": "done"})

    def insert(self, batch: list[Prepared], ctx: PushContext) -> None:
        from server.tasks.models import Task
        from server.tasks.service import complete

        for p in batch:
            complete(db.session.get(Task, p.rows["task_id"]), None, ctx.now, p.item.id, p.item.content_hash)
        db.session.flush()

    def server_view(self, item_id: uuid.UUID) -> dict | None:
        return None


CASE_ACTIONS = CaseActions()
TASK_UPDATES = TaskUpdates()
