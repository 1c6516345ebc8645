"""Where photo bytes live: one small interface, local disk (default) or S3-compatible storage.

A photo is stored as two variants named by the same SHA-256 (the hash of the uploaded bytes):
`full` (≤ 2048 px) and `thumb` (320 px), both JPEG. Keys are sharded by hash prefix:
`ab/cd/abcd….jpg` and `ab/cd/abcd….thumb.jpg`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from flask import Flask, current_app

from config import ConfigError

VARIANTS = ("full", "thumb")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_NAME_RE = re.compile(r"^([0-9a-f]{64})(\.thumb)?\.jpg$")
TEMP_PREFIX = ".upload-"


class PhotoMissing(LookupError):
    """The store has no such variant (never uploaded, pruned, or lost)."""


@dataclass(frozen=True)
class StoredVariant:
    """One stored file, as listed by `iter()`."""

    sha256: str
    variant: str
    size: int
    modified: datetime


def photo_key(sha256: str, variant: str) -> str:
    """ab/cd/abcd….jpg: two levels of shards keep directories small on a street's worth of photos."""
    if not _SHA256_RE.match(sha256) or variant not in VARIANTS:
        # Keys are built only from checked hashes: nothing a caller sends can reach another path.
        raise ValueError(f"not a photo key: {sha256!r} {variant!r}")
    suffix = ".jpg" if variant == "full" else ".thumb.jpg"
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{suffix}"


def parse_name(name: str) -> tuple[str, str] | None:
    """(sha256, variant) from a stored file's name; None for anything else."""
    match = _NAME_RE.match(name)
    if not match:
        return None
    return match.group(1), "thumb" if match.group(2) else "full"


class PhotoStore(Protocol):
    def put(self, sha256: str, variant: str, data: bytes) -> None: ...
    def exists(self, sha256: str, variant: str) -> bool: ...
    def open(self, sha256: str, variant: str) -> BinaryIO: ...
    def delete(self, sha256: str, variant: str) -> None: ...
    def iter(self) -> Iterator[StoredVariant]: ...
    def ready(self) -> bool: ...


class LocalPhotoStore:
    """Files under one directory; each written whole to a temp file, then renamed into place."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def ready(self) -> bool:
        """The health probe's question: can an upload be written here now? (The directory is made
        on the first upload, so before that its nearest existing parent must be writable.)"""
        existing = next((p for p in (self.root, *self.root.parents) if p.exists()), None)
        return existing is not None and existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)

    def _path(self, sha256: str, variant: str) -> Path:
        return self.root / photo_key(sha256, variant)

    def put(self, sha256: str, variant: str, data: bytes) -> None:
        """Write atomically: a reader or a crash never sees half a photo."""
        path = self._path(sha256, variant)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                # The phone deletes its copy once we answer: the bytes must be on disk by then.
                os.fsync(fh.fileno())
            os.chmod(temp, 0o644)  # mkstemp makes 0600; a backup job or nginx may read these
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def exists(self, sha256: str, variant: str) -> bool:
        return self._path(sha256, variant).is_file()

    def open(self, sha256: str, variant: str) -> BinaryIO:
        try:
            return self._path(sha256, variant).open("rb")
        except FileNotFoundError:
            raise PhotoMissing(photo_key(sha256, variant)) from None

    def delete(self, sha256: str, variant: str) -> None:
        self._path(sha256, variant).unlink(missing_ok=True)

    def iter(self) -> Iterator[StoredVariant]:
        """Every stored variant (temp files of writes in progress are not listed)."""
        if not self.root.is_dir():
            return
        for directory, _, files in os.walk(self.root):
            for name in files:
                parsed = parse_name(name)
                if parsed is None:
                    continue
                try:
                    stat = os.stat(os.path.join(directory, name))
                except FileNotFoundError:
                    continue  # deleted while we walked
                yield StoredVariant(*parsed, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def remove_stale_temp_files(self, before: datetime) -> int:
        """Delete temp files a crashed write left behind (older than `before`)."""
        removed = 0
        if not self.root.is_dir():
            return removed
        for path in self.root.rglob(f"{TEMP_PREFIX}*"):
            try:
                if datetime.fromtimestamp(path.stat().st_mtime, UTC) < before:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


class S3PhotoStore:
    """Objects in one bucket of any S3-compatible service (AWS S3, MinIO, Ceph RGW...).

    A PUT of an object is atomic on every such service, so no temp key is needed.
    """

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _key(self, sha256: str, variant: str) -> str:
        return self.prefix + photo_key(sha256, variant)

    def ready(self) -> bool:
        """The health probe's question: does the bucket answer us?"""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception:  # any failure means "not now", and a probe must answer
            return False
        return True

    def put(self, sha256: str, variant: str, data: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(sha256, variant), Body=data, ContentType="image/jpeg"
        )

    def exists(self, sha256: str, variant: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256, variant))
        except ClientError as exc:
            if _is_not_found(exc):
                return False
            raise
        return True

    def open(self, sha256: str, variant: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        key = self._key(sha256, variant)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if _is_not_found(exc):
                raise PhotoMissing(key) from None
            raise

    def delete(self, sha256: str, variant: str) -> None:
        # S3 answers 204 for a key that is not there: deleting twice is harmless.
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256, variant))

    def iter(self) -> Iterator[StoredVariant]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for entry in page.get("Contents", []):
                parsed = parse_name(entry["Key"].rsplit("/", 1)[-1])
                if parsed is None or entry["Key"] != self._key(*parsed):
                    continue
                yield StoredVariant(*parsed, entry["Size"], entry["LastModified"].astimezone(UTC))


def _is_not_found(exc: Any) -> bool:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status == 404 or error.get("Code") in ("404", "NoSuchKey", "NotFound")


def build_store(config: Any) -> PhotoStore:
    """The store PHOTO_STORAGE names, from the app's settings; ConfigError when they are incomplete."""
    kind = (config.get("PHOTO_STORAGE") or "local").lower()
    if kind == "local":
        return LocalPhotoStore(config["PHOTOS_DIR"])
    if kind != "s3":
        raise ConfigError(f"PHOTO_STORAGE must be 'local' or 's3', not {kind!r}")
    if not config.get("S3_BUCKET"):
        raise ConfigError("PHOTO_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for MinIO and the like)")
    import boto3
    from botocore.config import Config as BotoConfig

    boto_config = BotoConfig(
        region_name=config.get("S3_REGION") or "us-east-1",
        s3={"addressing_style": config.get("S3_ADDRESSING_STYLE") or "path"},
        retries={"max_attempts": 4, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        # Newer boto3 adds CRC checksums to every upload; older MinIO and Ceph refuse them.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    # Unset keys fall through to boto3's own chain (AWS_* variables, instance roles).
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        config=boto_config,
    )
    return S3PhotoStore(client, config["S3_BUCKET"], config.get("S3_PREFIX") or "")


def init_store(app: Flask) -> None:
    """Build the app's store at startup, so a wrong setting stops the app, not the first upload."""
    app.extensions["gridwalk_photo_store"] = build_store(app.config)


def photo_store(app: Flask | None = None) -> PhotoStore:
    """The app's photo store."""
    app = app or current_app
    store = app.extensions.get("gridwalk_photo_store")
    if store is None:
        store = app.extensions["gridwalk_photo_store"] = build_store(app.config)
    return store
