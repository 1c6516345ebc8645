"""record_change: service code notes each change for the pull feed, in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from server.extensions import db
from server.sync.models import SyncChange
from server.timeutil import utcnow

OPS = ("upsert", "delete")


def change_row(
    entity: str,
    entity_id: object,
    op: str = "upsert",
    grid_id: int | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
) -> dict:
    """One sync_change row as a dict, for record_changes."""
    if op not in OPS:
        raise ValueError(f"op must be one of {OPS}, not {op!r}")
    return {
        "entity": entity,
        "entity_id": str(entity_id),
        "op": op,
        "grid_id": grid_id,
        "user_id": user_id,
        "created_at": at or utcnow(),
    }


def record_change(
    entity: str, entity_id: object, op: str = "upsert", grid_id: int | None = None, user_id: int | None = None
) -> None:
    """Note that a record changed; who sees it: grid_id's scope, user_id, or everyone when both are None.

    A record moving out of a scope needs a change visible to the old scope too (e.g. one row
    with the old grid_id): the pull then answers a delete to readers who may no longer see it.
    """
    record_changes([change_row(entity, entity_id, op, grid_id, user_id)])


def record_changes(rows: list[dict]) -> None:
    """Insert many change rows in one statement (the batch push writes one per item)."""
    if rows:
        db.session.connection().execute(insert(SyncChange.__table__), rows)
