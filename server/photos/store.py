"""Where photo bytes live: a tiny interface, local disk now (S3-compatible storage later)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def photo_key(sha256: str, content_type: str) -> str:
    """ab/cd/abcd….jpg: two levels of shards keep directories small on a street's worth of photos."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}.{EXTENSIONS.get(content_type, 'bin')}"


class PhotoStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def exists(self, key: str) -> bool: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...


class LocalPhotoStore:
    """Files under one directory; each written whole to a temp file, then renamed into place."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"photo key escapes the store: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        """Write atomically: a reader or a crash never sees half a photo."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                # The phone deletes its copy once we answer: the bytes must be on disk by then.
                os.fsync(fh.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def photo_store(app: Flask | None = None) -> PhotoStore:
    """The app's photo store (built on first use from PHOTOS_DIR)."""
    app = app or current_app
    store = app.extensions.get("gridwalk_photo_store")
    if store is None:
        store = app.extensions["gridwalk_photo_store"] = LocalPhotoStore(app.config["PHOTOS_DIR"])
    return store
