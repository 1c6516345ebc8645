"""record_change: service code notes each change for the pull feed, in the same transaction.

On PostgreSQL a transaction that recorded changes is *sealed* as it commits: under a
transaction-scoped advisory lock it takes the next feed position (a sync_commit row) and then
commits, which releases the lock. Positions are therefore handed out in commit order, and a
position is visible before the next one is taken, so a reader past position P can never meet a
smaller one later (the trap in server/sync/pull.py). The lock is held for one INSERT and the
commit itself: nothing else on the server, however long it runs, can hold the feed back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, event, insert, text
from sqlalchemy.orm import Session

from server.extensions import db
from server.sync.models import SyncChange
from server.timeutil import utcnow

# Any constant no other feature uses: the key of the one lock that orders the feed.
FEED_LOCK = 0x6772_6964_6665_6564  # "gridfeed"
# Set on a session that recorded changes in its current transaction.
_UNSEALED = "gridwalk.sync.unsealed"

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
        db.session.info[_UNSEALED] = True


def seal(connection: Connection) -> None:
    """Give this transaction its feed position; call it last, just before the commit.

    Idempotent within one transaction (a second call keeps the first position). SQLite has one
    writer at a time and orders the feed by seq: nothing to do there.
    """
    if connection.dialect.name != "postgresql":
        return
    # One round trip, the lock first: a MATERIALIZED CTE is run before the INSERT forms its row,
    # so pos (the sequence default) is taken under the lock. One statement fewer held under the
    # lock that every writing commit queues for.
    connection.execute(
        text(
            "WITH feed_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(:key)) "
            "INSERT INTO sync_commit (txid, committed_at) "
            "SELECT (pg_current_xact_id()::text)::bigint, now() FROM feed_lock "
            "ON CONFLICT (txid) DO NOTHING"
        ),
        {"key": FEED_LOCK},
    )


def _seal_before_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.pop(_UNSEALED, False):
        return  # a savepoint's release is not the commit; or nothing recorded
    session.flush()  # before the lock: the lock is held only for the seal and the commit
    seal(session.connection())


def init_app() -> None:
    """Seal every commit of the app's sessions (idempotent: create_app runs once per test).

    The mark is not cleared on rollback: a savepoint's rollback must not forget changes made
    before it, and a stale mark costs one empty sync_commit row at the next commit.
    """
    if not event.contains(db.session, "before_commit", _seal_before_commit):
        event.listen(db.session, "before_commit", _seal_before_commit)
