"""The change feed: a snapshot of the caller's scope, then changes in commit-safe order.

THE TRAP: sequence values commit out of order under concurrent writers, so a reader past seq N
can miss N−1 committed a moment later. On PostgreSQL every change row carries its writer's
transaction id; the feed serves only rows whose txid is below the oldest still-running
transaction (pg_snapshot_xmin) and orders by (txid, seq). Every transaction below that mark
has finished, and one that has no xid yet will get one at or above it, so nothing can appear
behind a cursor later. SQLite has one writer at a time and orders by seq.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, and_, func, or_, select, text, tuple_

from server.auth.models import User
from server.auth.scope import Scope
from server.errors import ApiError
from server.extensions import db
from server.forms.models import FormTemplate
from server.forms.schemas import FormTemplateSchema
from server.i18n import msg
from server.org.models import Community, Department, Grid, Street
from server.register.models import Building, Household, Resident
from server.register.service import building_data, household_data, resident_data
from server.submissions.models import Submission
from server.submissions.service import submission_data, submissions_data
from server.sync.models import SyncChange
from server.timeutil import local_today, utcnow

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
# 2: the snapshot gained the register and catalogues; 3: cases and tasks. Older cursors ask
# for a new snapshot. The care catalogues need no new version: a cursor carries the care
# settings' fingerprint ("c"), and a phone whose cursor has other ones (or none: issued before
# care_tier_rules existed) gets the two catalogues again on its next pull, not a whole snapshot.
CURSOR_VERSION = 3
# The snapshot carries this much of the caller's own submission history.
RECENT_SUBMISSIONS = timedelta(days=90)
SAFE_TXID = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


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

    def _select(self) -> Select:
        return select(self.model.__table__) if self.core else select(self.model)

    def _rows(self, stmt: Select) -> list:
        if self.core:
            return list(db.session.execute(stmt).mappings())
        return list(db.session.scalars(stmt))

    def serialize_rows(self, rows: list) -> list[tuple[Any, Any, dict]]:
        """(id, version, data) per row; a reader may override it to fetch related data in one go."""
        return [self.serialize(row) for row in rows]

    def snapshot(self, ctx: PullContext, after: Any, limit: int) -> list[tuple[Any, dict]]:
        if not self.carried(ctx):
            return []
        stmt = self.snapshot_filter(self.visible(self._select(), ctx), ctx)
        if after is not None:
            stmt = stmt.where(self.key > self.typed_key(after))
        rows = self._rows(stmt.order_by(self.key).limit(limit))
        return [
            (self.key_of(row), change(self.name, entity_id, data, version))
            for row, (entity_id, version, data) in zip(rows, self.serialize_rows(rows), strict=True)
        ]

    def load(self, ctx: PullContext, ids: list[str]) -> dict[str, dict]:
        """Current state of these records as the caller may see them; absent ones become deletes."""
        wanted = [self.typed_id(i) for i in ids]
        stmt = self.visible(self._select(), ctx).where(self.key.in_(wanted))
        found = {}
        for entity_id, version, data in self.serialize_rows(self._rows(stmt)):
            found[str(entity_id)] = change(self.name, entity_id, data, version)
        return found

    def key_of(self, row: Any) -> Any:
        value = row[self.key.key] if self.core else getattr(row, self.key.key)
        return str(value) if isinstance(value, uuid.UUID) else value

    def typed_key(self, value: Any) -> Any:
        return uuid.UUID(value) if self.key.type.python_type is uuid.UUID else value


def _all(stmt: Select, ctx: PullContext) -> Select:
    return stmt


def _departments(stmt: Select, ctx: PullContext) -> Select:
    if ctx.scope.department_id is not None:
        return stmt.where(Department.id == ctx.scope.department_id)
    return stmt


def _own(stmt: Select, ctx: PullContext) -> Select:
    return stmt.where(Submission.author_id == ctx.user.id)


def _template_serialize(template: FormTemplate) -> tuple[Any, Any, dict]:
    return template.sync_id, template.version, FormTemplateSchema().dump(template)


class TemplateReader(EntityReader):
    """Templates are named key:version on the phone."""

    def load(self, ctx: PullContext, ids: list[str]) -> dict[str, dict]:
        pairs = []
        for value in ids:
            key, _, version = value.rpartition(":")
            if version.isdigit():
                pairs.append((key, int(version)))
        if not pairs:
            return {}
        stmt = select(FormTemplate).where(tuple_(FormTemplate.key, FormTemplate.version).in_(pairs))
        found = {}
        for template in db.session.scalars(stmt):
            entity_id, version, data = _template_serialize(template)
            found[entity_id] = change(self.name, entity_id, data, version)
        return found


class CatalogueReader(EntityReader):
    """The code lists (hazard and city-case categories, resident tags, ...) live in code; the case
    categories carry the time limits in force, which an admin edits (CategoryTimeLimit rows)."""

    def snapshot(self, ctx: PullContext, after: Any, limit: int) -> list[tuple[Any, dict]]:
        entries = [e for e in catalogue_entries() if after is None or e["id"] > after]
        return [(e["id"], change(self.name, e["id"], e, None)) for e in entries[:limit]]

    def load(self, ctx: PullContext, ids: list[str]) -> dict[str, dict]:
        return {e["id"]: change(self.name, e["id"], e, None) for e in catalogue_entries() if e["id"] in ids}


def _with_limit(item: dict, in_force: dict[str, dict], default: dict) -> dict:
    """A category with the handling limit in force and the catalogue's default beside it."""
    return dict(item, time_limit=in_force[item["code"]], default_time_limit=default)


def catalogue_entries() -> list[dict]:
    """Every catalogue as {"id", "items": [{"code", "label": {zh, en}, ...}]}, sorted by id.

    An admin's time-limit edit records a "catalogue" change for hazard_categories or
    city_case_categories (server/cases/limits.py), so phones past the snapshot get it too.
    """
    from server.cases import catalogue as cases
    from server.cases.limits import HAZARD_DEFAULT, limits_in_force
    from server.register import catalogue as register

    in_force = limits_in_force()
    hazards = [_with_limit(item, in_force, HAZARD_DEFAULT) for item in cases.HAZARD_CATEGORIES]
    city = [
        dict(
            top,
            subcategories=[_with_limit(sub, in_force, sub["time_limit"]) for sub in top["subcategories"]],
        )
        for top in cases.CITY_CASE_CATEGORIES
    ]
    entries = {
        "hazard_categories": hazards,
        "case_severities": cases.SEVERITIES,
        "city_case_categories": city,
        "resident_tags": register.RESIDENT_TAGS,
        "housing_types": register.HOUSING_TYPES,
        "resident_relations": register.RELATIONS,
        "resident_statuses": register.STATUSES,
        **care_catalogues(),
    }
    return [{"id": key, "items": entries[key]} for key in sorted(entries)]


def care_catalogues() -> dict[str, list]:
    """The configured care settings the phone works the visit schedule out with, offline:
    care_tiers with each tier's interval (WELFARE_VISIT_INTERVAL_DAYS) and care_tier_rules,
    the tier rules in the order they are tried (CARE_TIER_RULES)."""
    from server.register import catalogue as register
    from server.register.care import care_tier_rules
    from server.visits.schedule import interval_days

    intervals = interval_days()
    tiers = [
        dict(item, interval_days=intervals[item["code"]]) if item["code"] in intervals else item
        for item in register.CARE_TIERS
    ]
    rules = [
        {key: rule[key] for key in ("tier", "min_age", "any_tags") if key in rule}
        for rule in care_tier_rules()
    ]
    return {"care_tier_rules": rules, "care_tiers": tiers}


def care_fingerprint() -> str:
    """Changes when the care settings change (a restart with other config), so cursors can tell."""
    encoded = json.dumps(care_catalogues(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()[:12]


def care_catalogue_changes() -> list[dict]:
    """The care catalogues as feed changes, for a phone whose cursor holds other care settings."""
    return [
        change("catalogue", key, {"id": key, "items": items}, None)
        for key, items in sorted(care_catalogues().items())
    ]


class SubmissionReader(EntityReader):
    """Submissions with the state of the case a report opened (one query per page)."""

    def serialize_rows(self, rows: list) -> list[tuple[Any, Any, dict]]:
        return [
            (data["id"], row.version, data) for row, data in zip(rows, submissions_data(rows), strict=True)
        ]


class ResidentReader(EntityReader):
    """Residents, their age counted once per page from today's date."""

    def serialize_rows(self, rows: list) -> list[tuple[Any, Any, dict]]:
        today = local_today()
        return [(str(row["id"]), row["version"], resident_data(row, today)) for row in rows]


def _workers_only(ctx: PullContext) -> bool:
    """The register travels to workers' phones, for their own grids; the desk reads it by API."""
    return ctx.user.role == "worker"


def _in_grids(column):
    return lambda stmt, ctx: ctx.scope.filter_grid(stmt, column)


READERS: list[EntityReader] = [
    EntityReader(
        "street",
        Street,
        Street.id,
        _all,
        lambda s: (s.id, None, {"id": s.id, "code": s.code, "name": s.name}),
        int,
    ),
    EntityReader(
        "community",
        Community,
        Community.id,
        lambda stmt, ctx: ctx.scope.filter_community(stmt, Community.id),
        lambda c: (c.id, None, {"id": c.id, "street_id": c.street_id, "code": c.code, "name": c.name}),
        int,
    ),
    EntityReader(
        "grid",
        Grid,
        Grid.id,
        lambda stmt, ctx: ctx.scope.filter_grid(stmt, Grid.id),
        lambda g: (g.id, None, {"id": g.id, "community_id": g.community_id, "code": g.code, "name": g.name}),
        int,
    ),
    EntityReader(
        "department",
        Department,
        Department.id,
        _departments,
        lambda d: (d.id, None, {"id": d.id, "name": d.name, "kind": d.kind}),
        int,
    ),
    TemplateReader(
        "form_template",
        FormTemplate,
        FormTemplate.id,
        _all,
        _template_serialize,
        str,
        snapshot_filter=lambda stmt, ctx: stmt.where(FormTemplate.active.is_(True)),
    ),
    CatalogueReader("catalogue", None, None, _all, lambda entry: (entry["id"], None, entry), str),
    EntityReader(
        "building",
        Building,
        Building.id,
        _in_grids(Building.grid_id),
        lambda b: (str(b["id"]), b["version"], building_data(b)),
        uuid.UUID,
        carried=_workers_only,
        core=True,
    ),
    EntityReader(
        "household",
        Household,
        Household.id,
        _in_grids(Household.grid_id),
        lambda h: (str(h["id"]), h["version"], household_data(h)),
        uuid.UUID,
        carried=_workers_only,
        core=True,
    ),
    ResidentReader(
        "resident",
        Resident,
        Resident.id,
        _in_grids(Resident.grid_id),
        lambda r: (str(r["id"]), r["version"], resident_data(r)),
        uuid.UUID,
        carried=_workers_only,
        core=True,
    ),
    SubmissionReader(
        "submission",
        Submission,
        Submission.id,
        _own,
        lambda s: (str(s.id), s.version, submission_data(s)),
        uuid.UUID,
        snapshot_filter=lambda stmt, ctx: stmt.where(Submission.created_at >= utcnow() - RECENT_SUBMISSIONS),
    ),
]


def _case_reader() -> EntityReader:
    from server.cases.loop import OPEN_STATES, case_data, visible
    from server.cases.models import Case

    return EntityReader(
        "case",
        Case,
        Case.id,
        lambda stmt, ctx: visible(stmt, ctx.user, ctx.scope),
        lambda c: (str(c.id), c.version, case_data(c)),
        uuid.UUID,
        # Closed, voided and merged cases come by the feed (as their last state), not the snapshot.
        snapshot_filter=lambda stmt, ctx: stmt.where(Case.state.in_(OPEN_STATES)),
        carried=lambda ctx: ctx.user.role in ("worker", "handler"),
    )


def _task_reader() -> EntityReader:
    from server.tasks.models import Task
    from server.tasks.service import task_data

    return EntityReader(
        "task",
        Task,
        Task.id,
        lambda stmt, ctx: stmt.where(Task.assignee_id == ctx.user.id),
        lambda t: (str(t.id), t.version, task_data(t)),
        uuid.UUID,
        snapshot_filter=lambda stmt, ctx: stmt.where(Task.status == "open"),
        carried=_workers_only,
    )


# Appended: a snapshot cursor names readers by position.
READERS += [_case_reader(), _task_reader()]
READER_BY_NAME = {reader.name: reader for reader in READERS}


# ---- the cursor ------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="gridwalk-sync-cursor")


def scope_fingerprint(scope: Scope) -> str:
    """Changes when what the caller may see changes; the old cursor then asks for a new snapshot."""
    parts = [
        scope.role,
        "*" if scope.grid_ids is None else ",".join(map(str, sorted(scope.grid_ids))),
        "*" if scope.community_ids is None else ",".join(map(str, sorted(scope.community_ids))),
        str(scope.department_id),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def encode_cursor(ctx: PullContext, t: int, s: int, entity: int | None = None, key: Any = None) -> str:
    body: dict[str, Any] = {
        "v": CURSOR_VERSION,
        "u": ctx.user.id,
        "f": scope_fingerprint(ctx.scope),
        "t": t,
        "s": s,
        "c": care_fingerprint(),
    }
    if entity is not None:
        body["e"], body["k"] = entity, key
    return _serializer().dumps(body)


def bad_cursor(
    zh: str = "同步位置无效，需要重新同步", en: str = "The sync cursor is not valid; start over"
) -> ApiError:
    return ApiError(400, "bad_cursor", msg(zh, en))


def decode_cursor(ctx: PullContext, cursor: str) -> dict:
    """The cursor's position; 400 bad_cursor when forged, mangled, someone else's or outdated."""
    try:
        body = _serializer().loads(cursor)
    except (BadSignature, ValueError, TypeError):
        raise bad_cursor() from None
    ints = ("t", "s")
    if (
        not isinstance(body, dict)
        or body.get("v") != CURSOR_VERSION
        or not all(isinstance(body.get(k), int) for k in ints)
        or ("e" in body and not (isinstance(body["e"], int) and 0 <= body["e"] < len(READERS)))
    ):
        raise bad_cursor()
    if body.get("u") != ctx.user.id:
        raise bad_cursor()
    if body.get("f") != scope_fingerprint(ctx.scope):
        raise bad_cursor("您的负责范围已变化，需要重新同步", "Your area changed; syncing everything again")
    newest = db.session.scalar(select(func.max(SyncChange.seq))) or 0
    if body["s"] > newest:
        # The feed was reset (a restored database): this position no longer exists.
        raise bad_cursor()
    return body


# ---- reading ---------------------------------------------------------------------------------


def _high_water_mark(ctx: PullContext) -> tuple[int, int]:
    """The feed position a snapshot taken now stands for."""
    if ctx.postgres:
        # Every change below xmin has committed (or never will), so the snapshot read next sees it.
        return db.session.scalar(select(SAFE_TXID)), 0
    return 0, db.session.scalar(select(func.max(SyncChange.seq))) or 0


def _visible_changes(stmt: Select, ctx: PullContext) -> Select:
    broadcast = and_(SyncChange.grid_id.is_(None), SyncChange.user_id.is_(None))
    conditions = [broadcast, SyncChange.user_id == ctx.user.id]
    if ctx.scope.everything:
        conditions.append(SyncChange.grid_id.is_not(None))
    elif ctx.scope.grid_ids:
        conditions.append(SyncChange.grid_id.in_(ctx.scope.grid_ids))
    return stmt.where(or_(*conditions))


def _feed(ctx: PullContext, t: int, s: int, limit: int) -> tuple[list[dict], int, int, bool]:
    """Up to `limit` changes after (t, s), as (changes, new t, new s, has_more)."""
    stmt = select(SyncChange.seq, SyncChange.txid, SyncChange.entity, SyncChange.entity_id, SyncChange.op)
    if ctx.postgres:
        stmt = stmt.where(tuple_(SyncChange.txid, SyncChange.seq) > tuple_(t, s), SyncChange.txid < SAFE_TXID)
        stmt = stmt.order_by(SyncChange.txid, SyncChange.seq)
    else:
        stmt = stmt.where(SyncChange.seq > s).order_by(SyncChange.seq)
    rows = db.session.execute(_visible_changes(stmt, ctx).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        t, s = (rows[-1].txid or 0), rows[-1].seq
    # The last change of each record in this page is enough: data is read as it is now.
    latest: OrderedDict[tuple[str, str], Any] = OrderedDict()
    for row in rows:
        latest.pop((row.entity, row.entity_id), None)
        latest[(row.entity, row.entity_id)] = row
    wanted: dict[str, list[str]] = {}
    for (entity, entity_id), row in latest.items():
        if row.op == "upsert" and entity in READER_BY_NAME and READER_BY_NAME[entity].carried(ctx):
            wanted.setdefault(entity, []).append(entity_id)
    current = {entity: READER_BY_NAME[entity].load(ctx, ids) for entity, ids in wanted.items()}
    changes = []
    for entity, entity_id in latest:
        reader = READER_BY_NAME.get(entity)
        if reader is None or not reader.carried(ctx):
            continue  # written by a newer feature this server does not read yet, or not for this phone
        found = current.get(entity, {}).get(entity_id)
        # Gone, or no longer visible to this caller (moved out of scope): the phone drops it.
        changes.append(found if found is not None else change(entity, _typed(reader, entity_id), None))
    return changes, t, s, has_more


def _typed(reader: EntityReader, entity_id: str) -> Any:
    if reader.typed_id is int and entity_id.isdigit():
        return int(entity_id)
    return entity_id


def pull(user: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> dict:
    """One page of changes for this user; no cursor starts with a snapshot of their scope."""
    limit = max(1, min(limit, MAX_LIMIT))
    ctx = PullContext(user, Scope.of(user))
    if cursor is None:
        t, s = _high_water_mark(ctx)
        position: dict[str, Any] = {"t": t, "s": s, "e": 0, "k": None}
    else:
        position = decode_cursor(ctx, cursor)
    changes: list[dict] = []
    if cursor is not None and position.get("c") != care_fingerprint():
        # The street's care settings changed since this phone's last pull (no feed row records
        # a config change): resend them; the new cursor carries the current fingerprint.
        changes.extend(care_catalogue_changes())
    t, s = position["t"], position["s"]
    if "e" in position:
        entity, key = position["e"], position.get("k")
        while entity < len(READERS):
            room = limit - len(changes)
            if room <= 0:
                # Filled by resent care catalogues (a tiny limit): resume at the same place.
                return {"changes": changes, "cursor": encode_cursor(ctx, t, s, entity, key), "has_more": True}
            page = READERS[entity].snapshot(ctx, key, room)
            changes.extend(c for _, c in page)
            if len(page) == room:
                # Full page: resume after the last key (an empty next page just moves on).
                return {
                    "changes": changes,
                    "cursor": encode_cursor(ctx, t, s, entity, page[-1][0]),
                    "has_more": True,
                }
            entity, key = entity + 1, None
    room = limit - len(changes)
    if room <= 0:
        return {"changes": changes, "cursor": encode_cursor(ctx, t, s), "has_more": True}
    feed, t, s, has_more = _feed(ctx, t, s, room)
    changes.extend(feed)
    return {"changes": changes, "cursor": encode_cursor(ctx, t, s), "has_more": has_more}
