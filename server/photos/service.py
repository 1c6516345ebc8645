"""Checking and storing uploaded photos, who may see one, and pruning orphans.

The caller commits, except in `prune_orphans`, which commits one photo at a time.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from flask import current_app
from sqlalchemy import ColumnElement, delete, false, or_, select
from sqlalchemy.exc import IntegrityError

from server.auth.models import User
from server.auth.scope import Scope
from server.database import upsert_insert
from server.errors import ApiError, not_found
from server.extensions import db
from server.fields import SHA256_RE
from server.i18n import msg
from server.photos import pipeline, uses
from server.photos.models import Photo
from server.photos.store import VARIANTS, LocalPhotoStore, PhotoMissing, StoredVariant, photo_store
from server.timeutil import utcnow

log = logging.getLogger(__name__)


DEFAULT_MAX_BYTES = 15 * 1024 * 1024
STORED_TYPE = "image/jpeg"


def max_bytes() -> int:
    return int(current_app.config.get("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_pixels() -> int:
    return int(current_app.config.get("PHOTO_MAX_PIXELS", pipeline.DEFAULT_MAX_PIXELS))


def check_hash(sha256: str) -> str:
    """The path's hash must be 64 lowercase hex digits, as the phone computes it."""
    if not SHA256_RE.match(sha256):
        raise ApiError(
            400,
            "bad_hash",
            msg("照片编号应为 64 位小写十六进制 SHA-256", "A photo id is a SHA-256: 64 lowercase hex digits"),
        )
    return sha256


def too_large() -> ApiError:
    limit = max_bytes()
    shown = f"{limit / 1024 / 1024:.3g} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return ApiError(
        413, "photo_too_large", msg(f"照片太大（上限 {shown}）", f"The photo is too large (limit {shown})")
    )


def process(data: bytes) -> pipeline.Processed:
    """Run the image pipeline; its refusals become the JSON error envelope."""
    try:
        return pipeline.process(data, max_pixels=max_pixels())
    except pipeline.PhotoRejected as exc:
        raise _api_error(exc) from None


def _api_error(rejected: pipeline.PhotoRejected) -> ApiError:
    return ApiError(rejected.status, rejected.code, msg(rejected.zh, rejected.en))


def store_photo(sha256: str, data: bytes, uploader: User) -> tuple[Photo, bool]:
    """Check, convert and keep a photo; returns (photo, created). Already stored: (photo, False).

    The key stays the SHA-256 of the *uploaded* bytes: that is the address the phone computed.
    Nothing is stored unless the whole pipeline succeeded. Two uploads of one photo at once both
    succeed: they write identical files and the second row insert is skipped.
    """
    check_hash(sha256)
    if not data:
        raise _api_error(pipeline.empty())  # before the hash check: "0 bytes" says more
    if len(data) > max_bytes():
        raise too_large()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ApiError(
            422,
            "hash_mismatch",
            msg(
                "照片内容与编号不符（传输可能出错），请重试",
                "The bytes do not match the hash; send them again",
            ),
        )
    store = photo_store()
    existing = db.session.get(Photo, sha256)
    if existing is not None and store.exists(sha256, "full"):
        return existing, False
    processed = process(data)
    # The full variant last: its presence means the photo is complete (see the check above).
    store.put(sha256, "thumb", processed.thumb)
    store.put(sha256, "full", processed.full)
    if existing is not None:
        log.warning("photo %s had a row but no stored file; stored again from a re-upload", sha256)
        return existing, False
    row = {
        "sha256": sha256,
        "content_type": STORED_TYPE,
        "bytes": len(processed.full),
        "width": processed.width,
        "height": processed.height,
        "uploader_id": uploader.id,
    }
    created = _insert_if_absent(row)
    return db.session.get(Photo, sha256), created


def _insert_if_absent(row: dict) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call added the row."""
    dialect = db.session.get_bind().dialect.name
    stmt = (
        upsert_insert(dialect, Photo.__table__)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    # RETURNING, not rowcount: drivers disagree on rowcount for a skipped insert.
    return db.session.execute(stmt.returning(Photo.__table__.c.sha256)).first() is not None


def existing_hashes(hashes: set[str]) -> set[str]:
    """Which of these photos the server has (one query)."""
    if not hashes:
        return set()
    return set(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(hashes))))


# ---- who may see a photo ------------------------------------------------------------------


def may_see(photo: Photo, user: User) -> bool:
    """The uploader, or anyone whose scope holds a record that uses the photo."""
    if photo.uploader_id == user.id:
        return True
    scope = Scope.of(user)
    rules = [rule(photo.sha256, user, scope) for rule in uses.current().visible] or [false()]
    return bool(db.session.scalar(select(or_(*rules))))


def visible_photo_or_404(sha256: str, user: User) -> Photo:
    """The photo if stored and the user may see it; the same 404 otherwise."""
    check_hash(sha256)
    photo = db.session.get(Photo, sha256)
    if photo is None or not may_see(photo, user):
        raise not_found()
    return photo


def read_variant(photo: Photo, variant: str) -> bytes:
    """The stored JPEG of one variant (≤ a few hundred kB); 404 when the file is gone."""
    try:
        with photo_store().open(photo.sha256, variant) as stream:
            return stream.read()
    except PhotoMissing:
        # A row without its file is our fault (lost storage), but the phone can do nothing else.
        log.error("photo %s has a row but no stored %s variant", photo.sha256, variant)
        raise not_found() from None


# ---- orphans ------------------------------------------------------------------------------


def in_use(sha256: ColumnElement[str]) -> ColumnElement[bool]:
    """True where some record uses the photo. Every feature that keeps photos registers its use
    (server.photos.uses), or `prune` would delete its evidence."""
    return or_(false(), *(rule(sha256) for rule in uses.current().referenced))


@dataclass
class PruneReport:
    """What one prune found and removed."""

    orphans: int = 0  # photo rows no record used, with their files
    files: int = 0  # stored files removed along with those rows
    strays: int = 0  # stored files with no photo row at all
    temp_files: int = 0  # half-written temp files of crashed uploads (local disk)
    kept_in_use: int = 0  # candidates a record started using while we pruned


def prune_orphans(older_than: timedelta, dry_run: bool = False, now: datetime | None = None) -> PruneReport:
    """Remove photos no record uses that were uploaded before `now - older_than`.

    One photo at a time, each in its own transaction: the DELETE itself re-checks that no record
    uses the photo, so a push that references it a moment before keeps it. The row goes first,
    then the files: a crash in between leaves stray files, which the next run removes.
    """
    cutoff = (now or utcnow()) - older_than
    store = photo_store()
    report = PruneReport()
    unused = ~in_use(Photo.sha256)
    candidates = list(db.session.scalars(select(Photo.sha256).where(Photo.created_at < cutoff, unused)))
    db.session.rollback()  # end the read transaction: each deletion is its own
    for sha256 in candidates:
        if dry_run:
            report.orphans += 1
            report.files += sum(store.exists(sha256, v) for v in VARIANTS)
            continue
        try:
            deleted = db.session.execute(delete(Photo).where(Photo.sha256 == sha256, unused)).rowcount
            db.session.commit()
        except IntegrityError:  # a record referenced it between our check and the delete
            db.session.rollback()
            deleted = 0
        if not deleted:
            report.kept_in_use += 1
            continue
        report.orphans += 1
        for variant in VARIANTS:
            if store.exists(sha256, variant):
                store.delete(sha256, variant)
                report.files += 1
    _prune_strays(store, cutoff, dry_run, report)
    if isinstance(store, LocalPhotoStore) and not dry_run:
        report.temp_files = store.remove_stale_temp_files(cutoff)
    return report


def _prune_strays(store, cutoff: datetime, dry_run: bool, report: PruneReport) -> None:
    """Files older than the cutoff whose photo row does not exist (checked 500 at a time)."""
    old = (entry for entry in store.iter() if entry.modified < cutoff)
    for batch in _batches(old, 500):
        hashes = {entry.sha256 for entry in batch}
        have = existing_hashes(hashes)
        db.session.rollback()
        for entry in batch:
            if entry.sha256 in have:
                continue
            if not dry_run:
                store.delete(entry.sha256, entry.variant)
            report.strays += 1


def _batches(entries: Iterator[StoredVariant], size: int) -> Iterator[list[StoredVariant]]:
    while batch := list(islice(entries, size)):
        yield batch
