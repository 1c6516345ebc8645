"""Checking and storing uploaded photos, and who may see one. The caller commits."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import exists, insert, or_, select

from server.auth.models import User
from server.auth.scope import Scope
from server.errors import ApiError, not_found
from server.extensions import db
from server.i18n import msg
from server.photos.models import Photo
from server.photos.store import photo_key, photo_store
from server.submissions.models import Submission, submission_photo

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
DEFAULT_MAX_BYTES = 15 * 1024 * 1024
# Phones send ≤ 1600 px photos; 40 MP still lets an unscaled camera shot through.
DEFAULT_MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int


def max_bytes() -> int:
    return int(current_app.config.get("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


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
    limit_mb = max_bytes() // (1024 * 1024)
    return ApiError(
        413,
        "photo_too_large",
        msg(f"照片太大（上限 {limit_mb} MB）", f"The photo is too large (limit {limit_mb} MB)"),
    )


def inspect_image(data: bytes) -> ImageInfo:
    """Decode the bytes fully: a JPEG, PNG or WebP within the pixel cap, or an ApiError."""
    max_pixels = int(current_app.config.get("PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    too_many = ApiError(
        422,
        "image_too_large",
        msg("图片像素过多，请缩小后再传", "The image has too many pixels; scale it down"),
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its cap and twice it; a bomb is refused either way.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise ApiError(
                        415,
                        "unsupported_image_format",
                        msg(
                            "只支持 JPEG、PNG、WebP 格式的照片", "Only JPEG, PNG and WebP photos are accepted"
                        ),
                    )
                width, height = image.size
                if width * height > max_pixels:
                    raise too_many
                image.load()
                return ImageInfo(FORMATS[image.format], width, height)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_many from None
    except UnidentifiedImageError:
        raise ApiError(415, "not_an_image", msg("这不是图片文件", "This is not an image file")) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ApiError(
            422, "broken_image", msg("图片已损坏或不完整，请重新拍摄", "The image is damaged or incomplete")
        ) from None


def store_photo(sha256: str, data: bytes, uploader: User) -> tuple[Photo, bool]:
    """Check and keep a photo; returns (photo, created). Already stored: (photo, False).

    Two uploads of one photo at once both succeed: the second row insert is skipped.
    """
    check_hash(sha256)
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
    existing = db.session.get(Photo, sha256)
    if existing is not None:
        return existing, False
    info = inspect_image(data)
    # Same bytes, same file: a concurrent upload writing it too is harmless.
    photo_store().put(photo_key(sha256, info.content_type), data)
    row = {
        "sha256": sha256,
        "content_type": info.content_type,
        "bytes": len(data),
        "width": info.width,
        "height": info.height,
        "uploader_id": uploader.id,
    }
    created = _insert_if_absent(row)
    return db.session.get(Photo, sha256), created


def _insert_if_absent(row: dict) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call added the row."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - only the two supported databases
        db.session.execute(insert(Photo.__table__), [row])
        return True
    stmt = dialect_insert(Photo.__table__).values(**row).on_conflict_do_nothing(index_elements=["sha256"])
    # RETURNING, not rowcount: drivers disagree on rowcount for a skipped insert.
    return db.session.execute(stmt.returning(Photo.__table__.c.sha256)).first() is not None


def existing_hashes(hashes: set[str]) -> set[str]:
    """Which of these photos the server has (one query)."""
    if not hashes:
        return set()
    return set(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(hashes))))


def may_see(photo: Photo, user: User) -> bool:
    """The uploader, or anyone whose scope holds a submission that uses the photo."""
    if photo.uploader_id == user.id:
        return True
    scope = Scope.of(user)
    used = select(submission_photo.c.submission_id).join(
        Submission, Submission.id == submission_photo.c.submission_id
    )
    used = used.where(submission_photo.c.sha256 == photo.sha256)
    if not scope.everything:
        visible = Submission.author_id == user.id
        if scope.grid_ids:
            visible = or_(visible, Submission.grid_id.in_(scope.grid_ids))
        used = used.where(visible)
    return bool(db.session.scalar(select(exists(used))))


def visible_photo_or_404(sha256: str, user: User) -> Photo:
    """The photo if stored and the user may see it; the same 404 otherwise."""
    check_hash(sha256)
    photo = db.session.get(Photo, sha256)
    if photo is None or not may_see(photo, user):
        raise not_found()
    return photo


def open_photo(photo: Photo):
    """A binary stream of the stored bytes."""
    return photo_store().open(photo_key(photo.sha256, photo.content_type))
