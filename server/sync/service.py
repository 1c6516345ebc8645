"""The batch push (validate all, check ids once, insert in bulk, fall back per item) and backup import.

The request owns the transaction: nothing here commits. Savepoints keep one failing item from
rolling back the others; the phone's own push takes them only when it needs them (push's
`optimistic`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError

from server import jsonbody
from server.auth.models import User
from server.auth.scope import Scope
from server.auth.service import find_user
from server.errors import ApiError, not_found
from server.extensions import db
from server.fields import NUL_MESSAGE, SHA256_RE
from server.geo import geopoint_errors
from server.i18n import field_message, msg
from server.photos import service as photos
from server.push.message import WebPush
from server.sync import registry
from server.sync.devices import record_device
from server.sync.models import SyncConflict
from server.sync.protocol import (
    KindHandler,
    Prepared,
    PushContext,
    PushItem,
    StoredItem,
    accepted,
    duplicate,
    missing_photos,
    rejected,
)
from server.timeutil import app_now, parse_time

if TYPE_CHECKING:
    from server.sync.schemas import PushItemSchema

log = logging.getLogger(__name__)

MAX_ITEMS = 100
MAX_PHOTOS_PER_ITEM = 50
DEVICE_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
WIRE_KEYS = ("id", "kind", "template", "created_at", "payload", "photos", "location")
BACKUP_FORMAT = "gridwalk-outbox-backup"
BACKUP_VERSION = 1


# Built once: json.dumps with options makes a new encoder per call, and the push hashes every item.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, no NaN (JSON has none)."""
    return _CANONICAL.encode(value)


def content_hash(raw: dict) -> str:
    """sha256 of what the worker recorded; a resend has the same one, an edit does not."""
    content = {key: raw.get(key) for key in ("kind", "template", "payload", "photos", "location")}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def _flat_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"template.key": [text]} in the caller's language."""
    if not isinstance(messages, dict):
        texts = messages if isinstance(messages, list) else [messages]
        return {prefix or "item": [field_message(str(t)) for t in texts]}
    flat: dict[str, list[str]] = {}
    for name, inner in messages.items():
        # A whole-value error (not a mapping) is the value's own, not a "_schema" field's.
        path = prefix if name == "_schema" and prefix else f"{prefix}.{name}" if prefix else str(name)
        for key, texts in _flat_messages(inner, path).items():
            flat.setdefault(key, []).extend(texts)
    return flat


# No key sorting, NaN allowed: only asked whether a U+0000 is in there ("\\u0000" once encoded).
_PLAIN = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def _shape_errors(raw: dict, schema: PushItemSchema) -> dict[str, list[str]]:
    """NUL anywhere in the item, and the shared parts' types (PushItemSchema).

    Both have a fast path for the valid item, the one the push sees thousands of a second: one
    C-level encode finds no NUL escape, and the schema's `accepts` finds nothing to say.
    """
    errors: dict[str, list[str]] = {}
    if "\\u0000" in _PLAIN.encode(raw):  # or a literal backslash-u0000: the walk tells them apart
        errors = {path: [field_message(NUL_MESSAGE)] for path in jsonbody.nul_paths(raw)}
    if not schema.accepts(raw):
        for path, texts in _flat_messages(schema.validate(raw)).items():
            errors.setdefault(path, texts)
    return errors


def parse_item(index: int, raw: Any, schema: PushItemSchema | None = None) -> PushItem:
    """Check the parts every kind shares; the kind's handler checks the payload."""
    if not isinstance(raw, dict):
        item = PushItem(index, None, {})
        item.errors["item"] = [msg("条目格式不正确", "An item must be an object")]
        return item
    if schema is None:
        from server.sync.schemas import PushItemSchema  # schemas imports this module

        schema = PushItemSchema()
    wire = {key: raw[key] for key in WIRE_KEYS if key in raw}
    item = PushItem(index, raw.get("id"), wire)
    errors = item.errors
    errors.update(_shape_errors(wire, schema))
    item.malformed = bool(errors)
    try:
        item.id = (
            uuid.UUID(item.sent_id) if isinstance(item.sent_id, str) and len(item.sent_id) <= 40 else None
        )
    except ValueError:
        item.id = None
    if item.id is None:
        errors["id"] = [msg("缺少编号，或编号不是 UUID", "The id is missing or not a UUID")]
    kind = raw.get("kind")
    if isinstance(kind, str) and kind:
        item.kind = kind
    else:
        errors.setdefault("kind", [msg("缺少类别", "The kind is missing")])
    item.created_at = parse_time(raw.get("created_at"))
    if item.created_at is None:
        errors["created_at"] = [
            msg("创建时间应为带时区的 ISO 8601 时间", "created_at must be ISO 8601 with an offset")
        ]
    photo_list = raw.get("photos", [])
    if photo_list is None:
        photo_list = []
    if not isinstance(photo_list, list) or not all(
        isinstance(s, str) and SHA256_RE.match(s) for s in photo_list
    ):
        errors["photos"] = [msg("照片应为 SHA-256 编号列表", "photos is a list of SHA-256 hashes")]
    elif len(photo_list) > MAX_PHOTOS_PER_ITEM:
        errors["photos"] = [
            msg(f"每条最多 {MAX_PHOTOS_PER_ITEM} 张照片", f"At most {MAX_PHOTOS_PER_ITEM} photos")
        ]
    else:
        item.photos = list(dict.fromkeys(photo_list))
    if raw.get("location") is not None and "location" not in errors:
        problems = geopoint_errors(raw["location"])
        if problems:
            errors["location"] = problems
    try:
        item.content_hash = content_hash(item.raw)
    except (TypeError, ValueError):
        errors["payload"] = [msg("内容含无效数字", "The item holds a number JSON cannot carry")]
    return item


# ---- the push ----------------------------------------------------------------------------


def check_batch_size(items: list) -> None:
    """More than MAX_ITEMS items: the whole request is refused and nothing is stored."""
    if len(items) > MAX_ITEMS:
        raise ApiError(
            422,
            "too_many_items",
            msg(f"每批最多 {MAX_ITEMS} 条，请分批提交", f"At most {MAX_ITEMS} items per batch"),
            {"items": [msg(f"最多 {MAX_ITEMS} 条", f"At most {MAX_ITEMS}")]},
        )


class BulkInsertFailed(Exception):
    """An optimistic push's bulk insert failed and took the transaction with it (see push)."""


def push(
    user: User,
    device_id: str,
    app_version: str | None,
    raw_items: list,
    pushes: list[WebPush] | None = None,
    *,
    optimistic: bool = False,
) -> list[dict]:
    """Answer each item in order: accepted, duplicate, rejected, missing_photos, conflict or forbidden.

    The Web pushes the stored items call for are appended to `pushes`: the caller sends them
    (server.push.service.send_all) once it has committed.

    optimistic: insert the batch without a savepoint and leave a fresh device row alone (three
    round trips fewer: SAVEPOINT, RELEASE and the upsert). If the insert fails (most often a
    resend racing its original, which committed first), BulkInsertFailed is raised with the
    transaction lost: the caller rolls back and pushes again without `optimistic`, which then
    answers item by item. The caller must own the whole transaction to say so.
    """
    check_batch_size(raw_items)
    # A write before any savepoint: SQLite (pysqlite) only nests savepoints in an open transaction
    # (an optimistic push takes none, so a fresh device row may stay unwritten).
    record_device(device_id, user.id, app_version, unless_fresh=optimistic)
    # The app clock (GRIDWALK_FAKE_NOW in tests and training demos; real time in production),
    # so a case dispatched offline gets the same deadline the desk would give it.
    ctx = PushContext(user=user, scope=Scope.of(user), device_id=device_id, now=app_now())
    if pushes is not None:
        ctx.pushes = pushes
    handlers = registry.current().handlers
    from server.sync.schemas import PushItemSchema  # schemas imports this module

    schema = PushItemSchema()
    items = [parse_item(index, raw, schema) for index, raw in enumerate(raw_items)]
    results: list[dict | None] = [None] * len(items)

    by_handler: dict[int, tuple[KindHandler, list[PushItem]]] = {}
    for item in items:
        if item.id is None or item.malformed:
            results[item.index] = rejected(item, "validation_failed", item.errors)
        elif item.kind not in handlers:
            fields = dict(item.errors)
            fields.setdefault("kind", [msg(f"未知的类别“{item.kind}”", f"Unknown kind “{item.kind}”")])
            results[item.index] = rejected(
                item,
                "unknown_kind",
                fields,
                msg("此版本的服务器不认识该类别", "The server does not know this kind"),
            )
        else:
            handler = handlers[item.kind]
            by_handler.setdefault(id(handler), (handler, []))[1].append(item)

    prepared: list[tuple[KindHandler, Prepared]] = []
    repeats: list[tuple[PushItem, PushItem, KindHandler]] = []
    for handler, group in by_handler.values():
        # One query for every id in the batch: most resends are whole batches of duplicates.
        stored = handler.stored(list({item.id for item in group}))
        handler.preload([item for item in group if item.id not in stored and not item.errors], ctx)
        first: dict[uuid.UUID, PushItem] = {}
        for item in group:
            if item.id in first:
                repeats.append((item, first[item.id], handler))
                continue
            first[item.id] = item
            if item.id in stored:
                results[item.index] = _answer_stored(item, stored[item.id], handler, ctx)
            elif item.errors:
                results[item.index] = rejected(item, "validation_failed", item.errors)
            else:
                outcome = handler.prepare(item, ctx)
                if isinstance(outcome, Prepared):
                    prepared.append((handler, outcome))
                else:
                    results[item.index] = outcome

    ready = _check_photos(prepared, results)
    _insert(ready, results, ctx, optimistic)
    for item, earlier, handler in repeats:
        results[item.index] = _answer_repeat(item, earlier, results[earlier.index], handler, ctx)
    return [result for result in results if result is not None]


def _answer_stored(item: PushItem, stored: StoredItem, handler: KindHandler, ctx: PushContext) -> dict:
    """Same id seen before: same content is a duplicate; different content is kept as a conflict."""
    if stored.content_hash == item.content_hash:
        return duplicate(item, stored.received_at) | stored.answer
    return _conflict(item, stored, handler, ctx)


def _conflict(item: PushItem, stored: StoredItem, handler: KindHandler, ctx: PushContext) -> dict:
    if item.content_hash is not None:
        already = db.session.scalar(
            select(SyncConflict.id).where(
                SyncConflict.item_id == item.id, SyncConflict.content_hash == item.content_hash
            )
        )
        if already is None:
            db.session.add(
                SyncConflict(
                    item_id=item.id,
                    user_id=ctx.user.id,
                    device_id=ctx.device_id,
                    kind=item.kind or "",
                    payload=item.raw,
                    content_hash=item.content_hash,
                    reason="different_content",
                )
            )
    result = {
        "id": item.sent_id,
        "status": "conflict",
        "error": {
            "code": "conflict",
            "message": msg(
                "服务器上已有同一编号但内容不同的记录，两份都已保留",
                "The server holds different content under this id; both are kept",
            ),
        },
    }
    # Only the author sees the stored side; an id clash with someone else's record reveals nothing.
    if stored.author_id == ctx.user.id:
        result["server"] = handler.server_view(item.id)
    return result


def _answer_repeat(
    item: PushItem, earlier: PushItem, earlier_result: dict | None, handler: KindHandler, ctx: PushContext
) -> dict:
    """The same id twice in one batch: the first one counts, the second is compared with it."""
    status = (earlier_result or {}).get("status")
    if status in ("accepted", "duplicate", "conflict"):
        stored = handler.stored([item.id]).get(item.id)
        if stored is not None:
            return _answer_stored(item, stored, handler, ctx)
    if earlier_result is not None and item.content_hash == earlier.content_hash:
        return dict(earlier_result, id=item.sent_id)
    return rejected(
        item, "validation_failed", {"id": [msg("同一批次中编号重复", "This id appears twice in the batch")]}
    )


def _check_photos(
    prepared: list[tuple[KindHandler, Prepared]], results: list
) -> list[tuple[KindHandler, Prepared]]:
    """Items whose photos the server lacks wait (missing_photos); one query for the batch."""
    wanted = {sha for _, p in prepared for sha in p.photos}
    have = photos.existing_hashes(wanted)
    ready = []
    for handler, p in prepared:
        missing = [sha for sha in p.photos if sha not in have]
        if missing:
            results[p.item.index] = missing_photos(p.item, missing)
        else:
            ready.append((handler, p))
    return ready


def _insert(
    ready: list[tuple[KindHandler, Prepared]], results: list, ctx: PushContext, optimistic: bool
) -> None:
    """All valid new items in one bulk insert; if that fails, one savepoint per item (optimistic:
    no savepoint; a failure is the caller's, see push)."""
    groups: dict[int, tuple[KindHandler, list[Prepared]]] = {}
    for handler, p in ready:
        groups.setdefault(id(handler), (handler, []))[1].append(p)
    for handler, batch in groups.values():
        if not batch:
            continue
        if optimistic:
            try:
                handler.insert(batch, ctx)
            except SQLAlchemyError as error:
                raise BulkInsertFailed(f"bulk insert of {len(batch)} items failed") from error
            for p in batch:
                results[p.item.index] = accepted(p.item, ctx.now) | p.answer
            continue
        queued = len(ctx.pushes)
        try:
            with db.session.begin_nested():
                handler.insert(batch, ctx)
        except SQLAlchemyError:
            del ctx.pushes[queued:]  # rolled back: nothing happened to wake anyone for
            log.info("Bulk insert of %d items failed; inserting one by one", len(batch), exc_info=True)
            for p in batch:
                results[p.item.index] = _insert_one(handler, p, ctx)
        else:
            for p in batch:
                results[p.item.index] = accepted(p.item, ctx.now) | p.answer


def _insert_one(handler: KindHandler, p: Prepared, ctx: PushContext) -> dict:
    queued = len(ctx.pushes)
    try:
        with db.session.begin_nested():
            handler.insert([p], ctx)
    except SQLAlchemyError:
        del ctx.pushes[queued:]
        # Another request may have stored this id a moment ago (a retry racing its original).
        stored = handler.stored([p.item.id]).get(p.item.id)
        if stored is not None:
            return _answer_stored(p.item, stored, handler, ctx)
        log.exception("Could not store item %s (%s)", p.item.id, p.item.kind)
        return rejected(
            p.item,
            "store_failed",
            message=msg(
                "服务器无法保存这条记录，已保留在手机上，请联系管理员",
                "The server could not store this item; it stays on the phone",
            ),
        )
    return accepted(p.item, ctx.now) | p.answer


# ---- backup import -----------------------------------------------------------------------


def _owner_in_scope(scope: Scope, owner: User) -> bool:
    return bool(db.session.scalar(select(exists().where(User.id == owner.id, scope.user_clause()))))


def _backup_error(fields: dict[str, list[str]]) -> ApiError:
    return ApiError(
        422, "bad_backup", msg("这不是可导入的网格通备份文件", "This is not a Gridwalk outbox backup"), fields
    )


def parse_backup(body: bytes) -> dict:
    """The backup file's JSON, its envelope checked (items and photos are checked one by one)."""
    try:
        backup = jsonbody.loads(body)
    except jsonbody.TooDeep:
        raise ApiError(
            400,
            "too_deep",
            msg(
                f"备份文件嵌套超过 {jsonbody.MAX_DEPTH} 层",
                f"The backup nests deeper than {jsonbody.MAX_DEPTH} levels",
            ),
        ) from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, a number past int()'s digit limit
        raise ApiError(
            400, "malformed_json", msg("备份文件不是有效的 JSON", "The backup is not valid JSON")
        ) from None
    if not isinstance(backup, dict) or backup.get("format") != BACKUP_FORMAT:
        raise _backup_error({"format": [msg("文件格式不对", f"format must be {BACKUP_FORMAT}")]})
    version = backup.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= BACKUP_VERSION:
        raise _backup_error({"version": [msg("不支持的备份版本", "Unsupported backup version")]})
    # Items are judged one by one by push(); the rest of the file must be storable as it is.
    envelope = {key: value for key, value in backup.items() if key != "items"}
    errors = {path: [field_message(NUL_MESSAGE)] for path in jsonbody.nul_paths(envelope)}
    if errors:
        raise _backup_error(errors)
    if not isinstance(backup.get("device_id"), str) or not DEVICE_ID_RE.match(backup["device_id"]):
        errors["device_id"] = [msg("设备编号无效", "Invalid device id")]
    if not isinstance(backup.get("owner"), str) or not backup["owner"]:
        errors["owner"] = [msg("缺少所属网格员", "The owner is missing")]
    if not isinstance(backup.get("items", []), list):
        errors["items"] = [msg("应为列表", "Must be a list")]
    if not isinstance(backup.get("photos", []), list):
        errors["photos"] = [msg("应为列表", "Must be a list")]
    if errors:
        raise _backup_error(errors)
    return backup


def import_backup(importer: User, body: bytes, pushes: list[WebPush] | None = None) -> dict:
    """Deliver a phone's backup as its owner would have: photos stored, items through push().

    Like push(), appends the Web pushes the stored items call for to `pushes`, for the caller
    to send after its commit.
    """
    backup = parse_backup(body)
    owner = find_user(backup["owner"])
    if owner is None or not _owner_in_scope(Scope.of(importer), owner):
        raise not_found()
    # A write first, so SQLite nests the push's savepoints inside this request's transaction.
    record_device(backup["device_id"], owner.id, None)
    photo_results = [_import_photo(entry, owner) for entry in backup.get("photos", [])]
    items = backup.get("items", [])
    results: list[dict] = []
    for start in range(0, len(items), MAX_ITEMS):
        results.extend(push(owner, backup["device_id"], None, items[start : start + MAX_ITEMS], pushes))
    log.info(
        "%s imported a backup of %s (device %s): %d items, %d photos",
        importer.username,
        owner.username,
        backup["device_id"],
        len(items),
        len(photo_results),
    )
    return {
        "owner": owner.username,
        "device_id": backup["device_id"],
        "results": results,
        "photos": photo_results,
    }


def _import_photo(entry: Any, owner: User) -> dict:
    sha = entry.get("sha256") if isinstance(entry, dict) else None
    try:
        if not isinstance(sha, str) or not isinstance(entry.get("data_base64"), str):
            raise ApiError(422, "bad_photo", msg("照片条目不完整", "The photo entry is incomplete"))
        try:
            data = base64.b64decode(entry["data_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                422, "bad_photo", msg("照片数据不是有效的 base64", "The photo data is not base64")
            ) from None
        _, created = photos.store_photo(sha, data, owner)
    except ApiError as exc:
        return {"sha256": sha, "status": "rejected", "error": {"code": exc.code, "message": exc.message}}
    return {"sha256": sha, "status": "stored" if created else "already_stored"}
