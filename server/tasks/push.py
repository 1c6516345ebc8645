"""Push kind `task_update`: a worker closes a task on the phone.

Payload: {task_id, status: "done"}. Idempotent by item id (stored on the task).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from server.extensions import db
from server.fields import parse_uuid
from server.i18n import msg
from server.sync.protocol import Prepared, PushContext, PushItem, StoredItem, forbidden, rejected, stale
from server.tasks.models import Task
from server.tasks.service import complete, task_data


class TaskUpdates:
    kinds = frozenset({"task_update"})

    def stored(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, StoredItem]:
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

        payload = item.payload if isinstance(item.payload, dict) else {}
        task_id = parse_uuid(payload.get("task_id"))
        task = db.session.get(Task, task_id) if task_id else None
        if task is None or task.assignee_id != ctx.user.id:
            return forbidden(item)
        if payload.get("status") != "done":
            return rejected(
                item, "validation_failed", {"status": [msg("只能标记为已完成", "status is done")]}
            )
        if task.status != "open":
            return stale(
                item,
                task_data(task),
                msg("任务已完成或已取消", "The task is already done or cancelled"),
                code="stale_case",  # what phones have always been sent for a task that moved on
            )
        return Prepared(item, {"task_id": task.id}, [], {"task_status": "done"})

    def insert(self, batch: list[Prepared], ctx: PushContext) -> None:
        for p in batch:
            complete(db.session.get(Task, p.rows["task_id"]), None, ctx.now, p.item.id, p.item.content_hash)
        db.session.flush()

    def server_view(self, item_id: uuid.UUID) -> dict | None:
        return None


TASK_UPDATES = TaskUpdates()
