"""The device row: which user last synced from a phone, its app version, and when.

Nothing on the push's path reads the row (it is for the people who look after the phones), so
a phone that pushes every few seconds, an outbox emptying after a basement, need not write it
with every batch. A push may skip the write while this process committed the same user and
version for that phone less than SYNC_DEVICE_REFRESH_SECONDS ago: a batch of resends then
writes nothing at all and commits without a WAL flush. A new user or a new app version is
written at once. The row's last_sync_at is therefore up to that long behind.
"""

from __future__ import annotations

import functools
import threading
import time

from flask import current_app
from sqlalchemy import Insert, bindparam, event
from sqlalchemy.orm import Session

from server.database import upsert_insert
from server.extensions import db
from server.sync.models import Device
from server.timeutil import utcnow

# This request's device writes, published to the app's memory once its transaction commits (a
# rolled-back write must not be taken for a stored one).
_PENDING = "gridwalk.devices_written"
_MEMORY = "gridwalk.devices"
# Bounds the memory: past this many phones, entries older than the refresh are dropped.
_MEMORY_PRUNE_AT = 20_000


@functools.cache
def _upsert(dialect: str, with_version: bool) -> Insert:
    """The device upsert, built once per dialect: a statement built per push costs more CPU
    (construction and its cache key) than the database spends running it."""
    values = {
        "id": bindparam("id"),
        "user_id": bindparam("user_id"),
        "first_seen": bindparam("now"),
        "last_sync_at": bindparam("now"),
    }
    if with_version:
        values["app_version"] = bindparam("app_version")
    stmt = upsert_insert(dialect, Device).values(values)
    update = {"user_id": stmt.excluded.user_id, "last_sync_at": stmt.excluded.last_sync_at}
    if with_version:
        update["app_version"] = stmt.excluded.app_version
    return stmt.on_conflict_do_update(index_elements=["id"], set_=update)


class _Memory:
    """{device id: (user id, app version, monotonic time of the commit)}, per app (database)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, tuple[int, str | None, float]] = {}

    def fresh(self, device_id: str, user_id: int, app_version: str | None, refresh: float) -> bool:
        seen = self.seen.get(device_id)
        if seen is None or seen[0] != user_id or time.monotonic() - seen[2] >= refresh:
            return False
        return app_version is None or app_version == seen[1]

    def remember(self, written: dict[str, tuple[int, str | None]], refresh: float) -> None:
        now = time.monotonic()
        with self.lock:
            for device_id, (user_id, app_version) in written.items():
                if app_version is None and device_id in self.seen:
                    app_version = self.seen[device_id][1]  # the row kept the version it had
                self.seen[device_id] = (user_id, app_version, now)
            if len(self.seen) > _MEMORY_PRUNE_AT:
                self.seen = {key: value for key, value in self.seen.items() if now - value[2] < refresh}


def _memory() -> _Memory:
    return current_app.extensions.setdefault(_MEMORY, _Memory())


def record_device(
    device_id: str, user_id: int, app_version: str | None, *, unless_fresh: bool = False
) -> None:
    """Insert or refresh the device row in one statement (no savepoint, safe under concurrency).

    unless_fresh: skip it while this process's last committed write for the phone is recent and
    says the same (the push's usual path; see the module's docstring).
    """
    refresh = current_app.config["SYNC_DEVICE_REFRESH_SECONDS"]
    if unless_fresh and _memory().fresh(device_id, user_id, app_version, refresh):
        return
    connection = db.session.connection()
    params = {"id": device_id, "user_id": user_id, "now": utcnow()}
    if app_version:
        params["app_version"] = app_version
    connection.execute(_upsert(connection.dialect.name, bool(app_version)), params)
    db.session.info.setdefault(_PENDING, {})[device_id] = (user_id, app_version or None)


def _after_commit(session: Session) -> None:
    written = session.info.pop(_PENDING, None)
    if written:
        _memory().remember(written, current_app.config["SYNC_DEVICE_REFRESH_SECONDS"])


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def init_app() -> None:
    """Publish committed device writes to the memory (idempotent: create_app runs once per test)."""
    for name, hook in (("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(db.session, name, hook):
            event.listen(db.session, name, hook)
