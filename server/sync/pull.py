"""The change feed: a snapshot of the caller's scope, then changes in commit-safe order.

THE TRAP: sequence values commit out of order under concurrent writers, so a reader past seq N
can miss N−1 committed a moment later. On PostgreSQL each writing transaction takes a feed
position as it commits, under a lock held until the commit (sync/changes.py `seal`): positions
become visible in order, so the feed orders by (position, seq) and serves every committed row
at once. No other transaction can hold it back, however long it runs and wherever (the former
pg_snapshot_xmin horizon was cluster-wide). SQLite has one writer at a time and orders by seq.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, and_, func, literal, or_, select, true, tuple_

from server.auth.models import User
from server.auth.scope import Scope
from server.errors import ApiError
from server.extensions import db
from server.i18n import msg
from server.sync import registry
from server.sync.catalogue import settings_changes, settings_fingerprint
from server.sync.models import SyncChange, SyncCommit
from server.sync.protocol import EntityReader, PullContext, change

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
# 2: the snapshot gained the register and catalogues; 3: cases and tasks. Older cursors ask
# for a new snapshot. The care catalogues need no new version: a cursor carries the care
# settings' fingerprint ("c"), and a phone whose cursor has other ones (or none: issued before
# care_tier_rules existed) gets the two catalogues again on its next pull, not a whole snapshot.
# 4: the case_loop catalogue, and cases with the puller's allowed_actions.
# A smaller snapshot (open and recent submissions, not 90 days) needs no new version of its own:
# a phone keeps what its older snapshot gave it and hears of its changes.
# 5: on PostgreSQL "t" is a commit position (sync_commit.pos), no longer a transaction id.
CURSOR_VERSION = 5


# ---- the cursor ------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="gridwalk-sync-cursor")


def scope_fingerprint(scope: Scope) -> str:
    """Changes when what the caller may see changes; the old cursor then asks for a new snapshot."""
    return scope.fingerprint()


def encode_cursor(ctx: PullContext, t: int, s: int, entity: int | None = None, key: Any = None) -> str:
    body: dict[str, Any] = {
        "v": CURSOR_VERSION,
        "u": ctx.user.id,
        "f": scope_fingerprint(ctx.scope),
        "t": t,
        "s": s,
        "c": settings_fingerprint(),
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
        or (
            "e" in body
            and not (isinstance(body["e"], int) and 0 <= body["e"] < len(registry.current().readers))
        )
    ):
        raise bad_cursor()
    if body.get("u") != ctx.user.id:
        raise bad_cursor()
    if body.get("f") != scope_fingerprint(ctx.scope):
        raise bad_cursor("您的负责范围已变化，需要重新同步", "Your area changed; syncing everything again")
    newest = db.session.scalar(select(func.max(SyncChange.seq))) or 0
    newest_commit = db.session.scalar(select(func.max(SyncCommit.pos))) or 0
    if body["s"] > newest or body["t"] > newest_commit:
        # The feed was reset (a restored database): this position no longer exists.
        raise bad_cursor()
    return body


# ---- reading ---------------------------------------------------------------------------------


def _high_water_mark(ctx: PullContext) -> tuple[int, int]:
    """The feed position a snapshot taken now stands for."""
    newest_seq = select(func.coalesce(func.max(SyncChange.seq), 0)).scalar_subquery()
    if ctx.postgres:
        # Every position up to the newest visible one has committed, so the snapshot read next
        # sees its rows; a later commit takes a higher position and comes through the feed.
        # (seq: the newest overall is past every row of that last commit.)
        row = db.session.execute(select(func.coalesce(func.max(SyncCommit.pos), 0), newest_seq)).one()
        return row[0], row[1]
    return 0, db.session.scalar(select(newest_seq))


def _visible_changes(stmt: Select, ctx: PullContext) -> Select:
    broadcast = and_(SyncChange.grid_id.is_(None), SyncChange.user_id.is_(None))
    conditions = [broadcast, SyncChange.user_id == ctx.user.id]
    if ctx.scope.everything:
        conditions.append(SyncChange.grid_id.is_not(None))
    elif ctx.scope.level != "department":
        conditions.append(ctx.scope.grid_clause(SyncChange.grid_id))
    return stmt.where(or_(*conditions))


def _feed(ctx: PullContext, t: int, s: int, limit: int) -> tuple[list[dict], int, int, bool]:
    """Up to `limit` changes after (t, s), as (changes, new t, new s, has_more)."""
    if ctx.postgres:
        # Only sealed (committed) transactions have a position: an open one is not here yet.
        # Commit by commit from t on (sync_commit's key), each commit's changes by (txid, seq):
        # the LATERAL subquery's ORDER BY keeps the planner from turning this into a hash join
        # over the whole feed, which it did whenever its statistics lagged a growing feed (a
        # fresh server, a busy hour) or a prepared statement's generic plan did not know t.
        # pos >= t restates what the row comparison implies, in a form the key can serve.
        changes = _visible_changes(
            select(SyncChange.seq, SyncChange.entity, SyncChange.entity_id, SyncChange.op)
            .where(SyncChange.txid == SyncCommit.txid)
            .order_by(SyncChange.seq),
            ctx,
        ).lateral("commit_changes")
        stmt = (
            select(changes.c.seq, SyncCommit.pos, changes.c.entity, changes.c.entity_id, changes.c.op)
            .select_from(SyncCommit)
            .join(changes, true())
            .where(SyncCommit.pos >= t, tuple_(SyncCommit.pos, changes.c.seq) > tuple_(t, s))
            .order_by(SyncCommit.pos, changes.c.seq)
        )
    else:
        stmt = select(
            SyncChange.seq, literal(0).label("pos"), SyncChange.entity, SyncChange.entity_id, SyncChange.op
        )
        stmt = _visible_changes(stmt.where(SyncChange.seq > s).order_by(SyncChange.seq), ctx)
    rows = db.session.execute(stmt.limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        t, s = rows[-1].pos, rows[-1].seq
    # The last change of each record in this page is enough: data is read as it is now.
    latest: OrderedDict[tuple[str, str], Any] = OrderedDict()
    for row in rows:
        latest.pop((row.entity, row.entity_id), None)
        latest[(row.entity, row.entity_id)] = row
    by_name = registry.current().by_name
    wanted: dict[str, list[str]] = {}
    for (entity, entity_id), row in latest.items():
        if row.op == "upsert" and entity in by_name and by_name[entity].carried(ctx):
            wanted.setdefault(entity, []).append(entity_id)
    current = {entity: by_name[entity].load(ctx, ids) for entity, ids in wanted.items()}
    changes = []
    for entity, entity_id in latest:
        reader = by_name.get(entity)
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
    if cursor is not None and position.get("c") != settings_fingerprint():
        # The street's care settings changed since this phone's last pull (no feed row records
        # a config change): resend them; the new cursor carries the current fingerprint.
        changes.extend(settings_changes())
    t, s = position["t"], position["s"]
    if "e" in position:
        entity, key = position["e"], position.get("k")
        readers = registry.current().readers
        while entity < len(readers):
            room = limit - len(changes)
            if room <= 0:
                # Filled by resent care catalogues (a tiny limit): resume at the same place.
                return {"changes": changes, "cursor": encode_cursor(ctx, t, s, entity, key), "has_more": True}
            page = readers[entity].snapshot(ctx, key, room)
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
