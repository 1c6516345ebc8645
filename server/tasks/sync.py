"""What sync carries of tasks: a worker's task updates from the phone, and their open tasks."""

from __future__ import annotations

import uuid

from server.sync.protocol import EntityReader, workers_only
from server.sync.registry import SyncRegistry
from server.tasks.models import Task
from server.tasks.push import TASK_UPDATES
from server.tasks.service import task_data


def register(sync: SyncRegistry) -> None:
    sync.add_handler(TASK_UPDATES)
    sync.add_reader(
        EntityReader(
            "task",
            Task,
            Task.id,
            lambda stmt, ctx: stmt.where(Task.assignee_id == ctx.user.id),
            lambda t: (str(t.id), t.version, task_data(t)),
            uuid.UUID,
            snapshot_filter=lambda stmt, ctx: stmt.where(Task.status == "open"),
            carried=workers_only,
        )
    )
