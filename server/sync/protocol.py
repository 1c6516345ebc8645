"""The sync protocol: what the framework and the features' sync modules say to each other.

Push: an item of a batch (PushItem), what a handler stores for it (Prepared), what the duplicate
check needs of a stored record (StoredItem), the answers (accepted ... conflict), and the
KindHandler each feature registers for its kinds. Pull: the caller (PullContext), one change of
the answer (`change`), and the EntityReader each feature registers for its entities.

Features import this module and server.sync.changes; the framework never imports a feature: a
feature's sync module registers its handlers and readers (server.sync.registry) in create_app.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, select

from server.auth.models import User
from server.auth.scope import Scope
from server.extensions import db
from server.i18n import msg
from server.push.message import WebPush
from server.timeutil import iso

# ---- the parts of an item every kind shares -------------------------------------------


@dataclass
class PushItem:
    """One item of a push, its shared parts checked; `errors` holds what is wrong with them."""

    index: int
    sent_id: Any
    raw: dict
    id: uuid.UUID | None = None
    kind: str | None = None
    created_at: datetime | None = None
    photos: list[str] = field(default_factory=list)
    content_hash: str | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    # A value no handler may be given (NUL, a list for a string, a number past a column):
    # rejected before the duplicate check, so it is never compared, hashed as a key or stored.
    malformed: bool = False

    @property
    def payload(self) -> Any:
        return self.raw.get("payload")

    @property
    def template(self) -> Any:
        return self.raw.get("template")

    @property
    def location(self) -> Any:
        return self.raw.get("location")


@dataclass(frozen=True)
class StoredItem:
    """What the duplicate check needs of a stored record (and what a resend is answered with)."""

    content_hash: str
    author_id: int
    received_at: datetime | None
    # Extra keys of the item's answer, e.g. a register edit's entity and resulting version.
    answer: dict = field(default_factory=dict)


@dataclass
class Prepared:
    """A valid item ready to insert: rows for the kind's tables, and the photos it needs."""

    item: PushItem
    rows: dict[str, Any]
    photos: list[str]
    # Extra keys of the `accepted` answer (a register edit's new version, a report's case id).
    answer: dict = field(default_factory=dict)


@dataclass
class PushContext:
    user: User
    scope: Scope
    device_id: str
    now: datetime
    cache: dict[str, Any] = field(default_factory=dict)
    # Web pushes the stored items call for (a case dispatched offline); the caller sends them
    # after its commit, so a phone is never woken for a record it cannot pull yet.
    pushes: list[WebPush] = field(default_factory=list)


class KindHandler(Protocol):
    """How one family of kinds is checked and stored (form submissions, register edits; tasks later).

    Handlers share ctx.cache: what one planned earlier in the batch (a new household) is
    visible to the items after it (its residents, a visit to it).
    """

    kinds: frozenset[str]

    def stored(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, StoredItem]: ...
    def preload(self, items: list[PushItem], ctx: PushContext) -> None: ...
    def prepare(self, item: PushItem, ctx: PushContext) -> Prepared | dict: ...
    def insert(self, batch: list[Prepared], ctx: PushContext) -> None: ...
    def server_view(self, item_id: uuid.UUID) -> dict | None: ...


# ---- answers -------------------------------------------------------------------------------


def accepted(item: PushItem, received_at: datetime | None) -> dict:
    return {"id": item.sent_id, "status": "accepted", "received_at": iso(received_at)}


def duplicate(item: PushItem, received_at: datetime | None) -> dict:
    return {"id": item.sent_id, "status": "duplicate", "received_at": iso(received_at)}


def rejected(
    item: PushItem, code: str, fields: dict[str, list[str]] | None = None, message: str | None = None
) -> dict:
    message = message or msg("内容有误，请按提示修改后再提交", "Some fields need fixing")
    return {
        "id": item.sent_id,
        "status": "rejected",
        "error": {"code": code, "message": message, "fields": fields or {}},
    }


def forbidden(item: PushItem) -> dict:
    return {
        "id": item.sent_id,
        "status": "forbidden",
        "error": {
            "code": "forbidden",
            "message": msg("该网格不在您的负责范围内", "That grid is outside your area"),
        },
    }


def missing_photos(item: PushItem, missing: list[str]) -> dict:
    return {"id": item.sent_id, "status": "missing_photos", "missing": missing}


def stale(item: PushItem, server: dict | None, message: str, code: str = "stale") -> dict:
    """The record moved on since the phone saw it: nothing is stored, `server` is its state now."""
    return {
        "id": item.sent_id,
        "status": "conflict",
        "error": {"code": code, "message": message},
        "server": server,
    }


# ---- pull ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PullContext:
    user: User
    scope: Scope

    @property
    def postgres(self) -> bool:
        return db.session.get_bind().dialect.name == "postgresql"


def change(entity: str, entity_id: Any, data: dict | None, version: Any = None) -> dict:
    """One entry of the answer's `changes`; data None means the caller should drop the record."""
    if data is None:
        return {"entity": entity, "op": "delete", "id": entity_id, "version": None, "data": None}
    return {"entity": entity, "op": "upsert", "id": entity_id, "version": version, "data": data}


@dataclass(frozen=True)
class EntityReader:
    """How the feed reads one entity: its snapshot in key order, and current rows by id.

    `visible` limits a select to what the caller may see; `typed_id` turns the stored string
    id back into the id the phone uses; `snapshot_filter` narrows the snapshot further
    (active templates, recent submissions) without hiding records from the feed.
    """

    name: str
    model: Any
    key: Any
    visible: Callable[[Select, PullContext], Select]
    serialize: Callable[[Any], tuple[Any, Any, dict]]  # -> (id, version, data)
    typed_id: Callable[[str], Any]
    snapshot_filter: Callable[[Select, PullContext], Select] = lambda stmt, ctx: stmt
    # Whether this caller's phone holds the entity at all (the register: workers only).
    carried: Callable[[PullContext], bool] = lambda ctx: True
    # Read plain rows (mappings) instead of ORM objects: the big register tables serialise faster.
    core: bool = False
    # serialize for data that depends on who pulls (a case's allowed_actions).
    per_caller: Callable[[Any, PullContext], tuple[Any, Any, dict]] | None = None

    def _select(self) -> Select:
        return select(self.model.__table__) if self.core else select(self.model)

    def _rows(self, stmt: Select) -> list:
        if self.core:
            return list(db.session.execute(stmt).mappings())
        return list(db.session.scalars(stmt))

    def serialize_rows(self, rows: list) -> list[tuple[Any, Any, dict]]:
        """(id, version, data) per row; a reader may override it to fetch related data in one go."""
        return [self.serialize(row) for row in rows]

    def serialize_for(self, ctx: PullContext, rows: list) -> list[tuple[Any, Any, dict]]:
        """serialize_rows, or per_caller's answer for this caller when the reader has one."""
        if self.per_caller is not None:
            return [self.per_caller(row, ctx) for row in rows]
        return self.serialize_rows(rows)

    def snapshot(self, ctx: PullContext, after: Any, limit: int) -> list[tuple[Any, dict]]:
        if not self.carried(ctx):
            return []
        stmt = self.snapshot_filter(self.visible(self._select(), ctx), ctx)
        if after is not None:
            stmt = stmt.where(self.key > self.typed_key(after))
        rows = self._rows(stmt.order_by(self.key).limit(limit))
        return [
            (self.key_of(row), change(self.name, entity_id, data, version))
            for row, (entity_id, version, data) in zip(rows, self.serialize_for(ctx, rows), strict=True)
        ]

    def load(self, ctx: PullContext, ids: list[str]) -> dict[str, dict]:
        """Current state of these records as the caller may see them; absent ones become deletes."""
        wanted = [self.typed_id(i) for i in ids]
        stmt = self.visible(self._select(), ctx).where(self.key.in_(wanted))
        found = {}
        for entity_id, version, data in self.serialize_for(ctx, self._rows(stmt)):
            found[str(entity_id)] = change(self.name, entity_id, data, version)
        return found

    def key_of(self, row: Any) -> Any:
        value = row[self.key.key] if self.core else getattr(row, self.key.key)
        return str(value) if isinstance(value, uuid.UUID) else value

    def typed_key(self, value: Any) -> Any:
        return uuid.UUID(value) if self.key.type.python_type is uuid.UUID else value


def everything(stmt: Select, ctx: PullContext) -> Select:
    """A reader's `visible` for what every phone holds (streets, templates, catalogues)."""
    return stmt


def in_grids(column: Any, street_column: Any = None) -> Callable[[Select, PullContext], Select]:
    """A reader's `visible` for records that belong to a grid: the caller's grids only (by the
    row's own indexed street_id too, where it has one)."""
    return lambda stmt, ctx: ctx.scope.filter_grid(stmt, column, street_column)


def workers_only(ctx: PullContext) -> bool:
    """The register and tasks travel to workers' phones, for their own grids; the desk reads the
    API."""
    return ctx.user.role == "worker"
