"""HEAD/GET/PUT /api/v1/photos/<sha256>: does the server have it, fetch it, upload it."""

from __future__ import annotations

from flask import current_app, request, send_file
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from server.errors import ApiError
from server.extensions import db
from server.i18n import msg
from server.photos import service
from server.photos.schemas import PhotoSchema
from server.security import raw_body

bp = Blueprint("photos", __name__, url_prefix="/api/v1/photos", description="Photos by SHA-256")


@bp.route("/<sha256>", methods=["GET"])
@login_required
def get(sha256: str):
    """The photo's bytes; HEAD answers 200 when the server has it (and the caller may see it), else 404."""
    photo = service.visible_photo_or_404(sha256, current_user)
    if request.method == "HEAD":
        # The sync engine asks this for every photo: answer from the row, never open the file.
        response = current_app.response_class(status=200, mimetype=photo.content_type)
        response.headers["Content-Length"] = str(photo.bytes)
        return response
    response = send_file(
        service.open_photo(photo), mimetype=photo.content_type, conditional=False, max_age=None
    )
    # Content-addressed: these bytes never change under this URL.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["Content-Length"] = str(photo.bytes)
    return response


@bp.route("/<sha256>", methods=["PUT"])
@raw_body
@login_required
@bp.response(201, PhotoSchema)
@bp.alt_response(200, schema=PhotoSchema, description="The server already had this photo")
def put(sha256: str):
    """Upload a photo's raw bytes (image/jpeg, image/png or image/webp); a retry is harmless."""
    service.check_hash(sha256)
    if not request.mimetype.startswith("image/"):
        raise ApiError(
            415,
            "unsupported_media_type",
            msg(
                "照片请以图片类型上传 (Content-Type: image/jpeg)",
                "Send the photo as an image (Content-Type: image/jpeg)",
            ),
        )
    if (request.content_length or 0) > service.max_bytes():
        raise service.too_large()
    # Chunked uploads have no length up front: werkzeug stops reading at the cap (413).
    request.max_content_length = service.max_bytes()
    photo, created = service.store_photo(sha256, request.get_data(cache=False), current_user)
    db.session.commit()
    return photo, 201 if created else 200
