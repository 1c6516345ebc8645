"""HEAD/GET/PUT /api/v1/photos/<sha256>: does the server have it, fetch it, upload it."""

from __future__ import annotations

from http import HTTPStatus

from flask import current_app, request
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from server.errors import ApiError
from server.extensions import db
from server.i18n import msg
from server.photos import service
from server.photos.schemas import PhotoQuerySchema, PhotoSchema
from server.photos.store import init_store
from server.security import raw_body, read_body

bp = Blueprint("photos", __name__, url_prefix="/api/v1/photos", description="Photos by SHA-256")
# A wrong PHOTO_STORAGE or a missing S3_BUCKET stops the app at startup, not at the first upload.
bp.record_once(lambda state: init_store(state.app))

# The URL names content that never changes; `private`: only the browser that was allowed may keep it.
CACHE_CONTROL = "private, max-age=31536000, immutable"
# Phones send photos with whatever type they guess (HEIC often has none): the bytes decide,
# but a JSON or form body sent here by mistake gets a plain answer instead of a hash mismatch.
ACCEPTED_BODY_TYPES = ("", "application/octet-stream")
# Photos are named by the SHA-256 of their bytes as the phone took them (service.check_hash).
SHA256_PARAMETER = {
    "in": "path",
    "name": "sha256",
    "required": True,
    "description": "SHA-256 of the photo's bytes, 64 lowercase hex digits",
    "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$", "minLength": 64, "maxLength": 64},
}
RAW_PHOTO_BODY = {
    "required": True,
    "description": "The photo's raw bytes (JPEG, PNG, WebP or HEIC; the content decides)",
    "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in ("image/jpeg", "image/png", "image/webp", "image/heic", "application/octet-stream")
    },
}


@bp.route("/<sha256>", methods=["GET"], parameters=[SHA256_PARAMETER])
@login_required
@bp.arguments(PhotoQuerySchema, location="query", as_kwargs=True)
@bp.doc(
    responses={
        "200": {"description": "The JPEG", "content": {"image/jpeg": {}}},
        "304": {"description": "The copy the browser holds is current"},
    }
)
def get(sha256: str, size: str = "full"):
    """The photo (?size=full, ≤ 2048 px) or its thumbnail (?size=thumb, 320 px), as JPEG.

    404 for no such photo and for one not the caller's to see alike.
    HEAD answers 200 when the server has it and the caller may see it, else 404: the sync
    engine asks before uploading, and the uploader sees their own photo before any record uses it.
    """
    photo = service.visible_photo_or_404(sha256, current_user)
    etag = f"{photo.sha256}-{size}"
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": CACHE_CONTROL,
        "Content-Disposition": f'inline; filename="{photo.sha256[:16]}-{size}.jpg"',
    }
    if request.if_none_match.contains_weak(etag):
        return current_app.response_class(status=304, headers=headers)
    if request.method == "HEAD":
        # Answered from the row, never from storage: the sync engine asks this for every photo.
        response = current_app.response_class(status=200, mimetype=photo.content_type, headers=headers)
        if size == "full":
            response.headers["Content-Length"] = str(photo.bytes)
        return response
    data = service.read_variant(photo, size)
    return current_app.response_class(data, status=200, mimetype=service.STORED_TYPE, headers=headers)


@bp.route("/<sha256>", methods=["PUT"], parameters=[SHA256_PARAMETER])
@raw_body
@login_required
@bp.response(201, PhotoSchema)
@bp.alt_response(200, schema=PhotoSchema, description="The server already had this photo")
@bp.alt_response(400, response=HTTPStatus.BAD_REQUEST.name)
@bp.alt_response(422, response=HTTPStatus.UNPROCESSABLE_ENTITY.name)
@bp.doc(requestBody=RAW_PHOTO_BODY)
def put(sha256: str):
    """Upload a photo's raw bytes (JPEG, PNG, WebP or HEIC, told apart by content); a retry is harmless.

    The server keeps a clean JPEG ≤ 2048 px and a 320 px thumbnail, never the upload itself.
    """
    service.check_hash(sha256)
    mimetype = request.mimetype or ""
    if not (mimetype.startswith("image/") or mimetype in ACCEPTED_BODY_TYPES):
        raise ApiError(
            415,
            "unsupported_media_type",
            msg(
                "请直接上传照片文件的字节 (Content-Type: image/jpeg)",
                "Send the photo's raw bytes (Content-Type: image/jpeg)",
            ),
        )
    data = read_body(service.max_bytes(), service.too_large())
    photo, created = service.store_photo(sha256, data, current_user)
    db.session.commit()
    return photo, 201 if created else 200
