"""Devices that sync, the change feed's rows, and the losing sides of conflicts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.timeutil import utcnow


class Device(db.Model):
    """A phone (or browser profile) by the id its outbox generated."""

    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The last user who synced from it (a shared phone changes hands).
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    app_version: Mapped[str | None] = mapped_column(String(40))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sync_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncChange(db.Model):
    """One change a pull may serve: which record, and who may see it.

    Visibility: grid_id in the reader's scope, or user_id is the reader, or both null (for all).
    txid is the writing transaction's id on PostgreSQL (filled by the database's default, see
    migration 0002); the feed serves a row once its transaction's SyncCommit exists. On SQLite
    it is null: one writer at a time, the feed orders by seq alone.
    """

    __tablename__ = "sync_change"
    # AUTOINCREMENT: SQLite must never hand out a seq again, or a reader past it would miss rows.
    __table_args__ = (Index("ix_sync_change_txid_seq", "txid", "seq"), {"sqlite_autoincrement": True})

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(10))
    grid_id: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    txid: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncCommit(db.Model):
    """A committed writing transaction's place in the feed (PostgreSQL; see sync/changes.py).

    pos is taken under the feed lock just before the commit, so positions commit in order.
    """

    __tablename__ = "sync_commit"

    pos: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    txid: Mapped[int] = mapped_column(BigInteger, unique=True)
    committed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncConflict(db.Model):
    """The side of a conflict the server did not keep as the record; both sides stay."""

    __tablename__ = "sync_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))
    # The item exactly as sent (id, kind, template, created_at, payload, photos, location).
    payload: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(String(40))
