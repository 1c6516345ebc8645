"""PUT /api/v1/photos/<sha256>: content-addressed by the uploaded bytes, converted, stored once."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image
from sqlalchemy import func, select

from server.extensions import db
from server.photos.models import Photo
from server.photos.store import photo_store
from tests.conftest import AuthActions
from tests.factories import install_forms, jpeg_bytes, org_with_users


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    return made


@pytest.fixture
def worker(org, auth):
    auth.login("worker1")
    return auth


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(auth, data: bytes, content_type: str = "image/jpeg", name: str | None = None):
    return auth.put(f"/api/v1/photos/{name or sha(data)}", data=data, content_type=content_type)


def image_bytes(fmt: str, size=(40, 30), mode="RGB", color=(30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def dims(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Photo))


def nothing_stored(app, data: bytes) -> bool:
    """No row, no variant, and no temp file left behind for these bytes."""
    h = sha(data)
    store = photo_store(app)
    temp = list(Path(app.config["PHOTOS_DIR"]).rglob(".upload-*"))
    return (
        db.session.get(Photo, h) is None
        and not any(store.exists(h, v) for v in ("full", "thumb"))
        and not temp
    )


def test_upload_stores_a_clean_jpeg_under_the_uploaded_hash_then_answers_already_had_it(app, worker, client):
    photo = jpeg_bytes(320, 240)
    h = sha(photo)
    first = put(worker, photo)
    assert first.status_code == 201
    body = first.get_json()
    full = Path(app.config["PHOTOS_DIR"]) / h[:2] / h[2:4] / f"{h}.jpg"
    thumb = full.with_name(f"{h}.thumb.jpg")
    assert body | {"created_at": None} == {
        "sha256": h,
        "content_type": "image/jpeg",
        "bytes": full.stat().st_size,
        "width": 320,
        "height": 240,
        "created_at": None,
    }
    # The original is not kept: what is stored is our own re-encoding, thumbnail beside it.
    assert dims(full) == (320, 240)
    assert dims(thumb) == (320, 240)  # never enlarged past the upload
    assert not [p for p in full.parent.iterdir() if p.name.startswith(".upload-")]
    again = put(worker, photo)
    assert again.status_code == 200 and again.get_json()["sha256"] == h
    assert rows() == 1
    head = client.head(f"/api/v1/photos/{h}")
    assert head.status_code == 200 and head.headers["Content-Length"] == str(body["bytes"])
    got = client.get(f"/api/v1/photos/{h}")
    assert got.data == full.read_bytes() and got.mimetype == "image/jpeg"


def test_a_big_photo_is_kept_at_2048_px_with_a_320_px_thumbnail(app, worker, client):
    photo = jpeg_bytes(3000, 2000, (90, 140, 60))
    response = put(worker, photo)
    assert response.status_code == 201
    assert (response.get_json()["width"], response.get_json()["height"]) == (2048, 1365)
    thumb = client.get(f"/api/v1/photos/{sha(photo)}?size=thumb")
    assert Image.open(io.BytesIO(thumb.data)).size == (320, 213)


def test_a_12_mp_jpeg_keeps_the_half_size_its_decoder_gives_between_1600_and_2048_px(worker):
    # Decoding at 1/2 scale (2016 px) skips resampling 12 MP: see server/photos/pipeline.py.
    response = put(worker, jpeg_bytes(4032, 3024, (200, 180, 160)))
    assert (response.get_json()["width"], response.get_json()["height"]) == (2016, 1512)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_stored_as_jpeg(app, worker, fmt):
    data = image_bytes(fmt)
    response = put(worker, data, content_type=f"image/{fmt.lower()}")
    assert response.status_code == 201
    assert response.get_json()["content_type"] == "image/jpeg"
    with photo_store(app).open(sha(data), "full") as stored:
        image = Image.open(stored)
        assert image.format == "JPEG" and image.size == (40, 30)


def test_a_heic_photo_is_converted(app, worker):
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), (200, 40, 30))).save(out, format="HEIF", quality=90)
    data = out.getvalue()
    assert data[4:12] == b"ftypheic"
    # Some phones give an HEIC file no type at all: the bytes decide, not the header.
    response = put(worker, data, content_type="application/octet-stream")
    assert response.status_code == 201, response.get_json()
    with photo_store(app).open(sha(data), "full") as stored:
        image = Image.open(stored)
        image.load()
    assert image.format == "JPEG" and image.size == (64, 48)
    assert all(abs(a - b) <= 12 for a, b in zip(image.getpixel((32, 24)), (200, 40, 30), strict=True))


def test_the_declared_type_does_not_decide(worker):
    # A PNG declared as JPEG is still a PNG, and fine.
    assert put(worker, image_bytes("PNG"), content_type="image/jpeg").status_code == 201


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "multipart/form-data; boundary=x"]
)
def test_a_body_that_is_not_raw_image_bytes_is_415(app, worker, content_type):
    data = jpeg_bytes()
    response = put(worker, data, content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    assert nothing_stored(app, data)


def test_zero_bytes_are_422_with_a_clear_message(app, worker):
    response = put(worker, b"")
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "empty_photo",
        "message": "照片是空的（0 字节），请重新拍摄",
    }
    assert nothing_stored(app, b"")


def test_bytes_not_matching_the_hash_are_422(app, worker):
    photo = jpeg_bytes()
    response = put(worker, photo, name=sha(photo + b"x"))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "hash_mismatch"
    assert "编号不符" in response.get_json()["error"]["message"]
    assert rows() == 0 and nothing_stored(app, photo)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("ABCDEF" + "0" * 58, 400),
        ("a" * 63, 400),
        ("a" * 65, 400),
        ("abc", 400),
        ("g" * 64, 400),
        ("..", 400),
        ("../" + "a" * 61, 404),
        ("../../etc/passwd", 404),
        ("..%2F..%2Fx", 404),
    ],
)
def test_bad_hashes_in_the_path(worker, client, name, status):
    response = worker.put(f"/api/v1/photos/{name}", data=jpeg_bytes(), content_type="image/jpeg")
    assert response.status_code == status
    assert response.is_json
    if status == 400:
        assert response.get_json()["error"]["code"] == "bad_hash"
        assert client.head(f"/api/v1/photos/{name}").status_code == 400
        assert client.get(f"/api/v1/photos/{name}").status_code == 400
    assert rows() == 0


def test_a_photo_over_the_size_cap_is_413(app, org, make_app):
    other = make_app(PHOTO_MAX_BYTES=2000)
    auth = AuthActions(other.test_client())
    auth.login("worker1")
    data = jpeg_bytes(400, 300, (1, 2, 3)) + b"\0" * 3000
    response = put(auth, data)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "photo_too_large"
    assert response.get_json()["error"]["message"] == "照片太大（上限 1 KB）"
    assert nothing_stored(app, data)


def test_a_chunked_photo_over_the_size_cap_is_413_without_reading_it_all(app, org, make_app):
    """No Content-Length up front (a chunked upload, as gunicorn passes it on): the cap still holds."""
    other = make_app(PHOTO_MAX_BYTES=2000)
    auth = AuthActions(other.test_client())
    auth.login("worker1")
    data = jpeg_bytes(400, 300, (1, 2, 3)) + b"\0" * 3000
    response = auth.put(
        f"/api/v1/photos/{sha(data)}",
        input_stream=io.BytesIO(data),
        content_type="image/jpeg",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "photo_too_large"
    assert nothing_stored(app, data)


def test_the_pixel_cap_is_configurable(app, org, make_app):
    other = make_app(PHOTO_MAX_PIXELS=1000)
    auth = AuthActions(other.test_client())
    auth.login("worker1")
    data = jpeg_bytes(100, 100)
    response = put(auth, data)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "image_too_large"
    assert nothing_stored(app, data)


def test_upload_needs_login_and_csrf(app, org, client, auth):
    photo = jpeg_bytes()
    assert (
        client.put(f"/api/v1/photos/{sha(photo)}", data=photo, content_type="image/jpeg").status_code == 401
    )
    auth.login("worker1")
    assert (
        client.put(f"/api/v1/photos/{sha(photo)}", data=photo, content_type="image/jpeg").status_code == 403
    )
    assert nothing_stored(app, photo)


def test_a_lost_file_is_stored_again_by_the_next_upload(app, worker, client):
    photo = jpeg_bytes(200, 100)
    h = sha(photo)
    assert put(worker, photo).status_code == 201
    for variant in ("full", "thumb"):
        photo_store(app).delete(h, variant)
    assert client.get(f"/api/v1/photos/{h}").status_code == 404
    # The row was there, so it is still "already had it", and the files are back.
    assert put(worker, photo).status_code == 200
    assert client.get(f"/api/v1/photos/{h}?size=thumb").status_code == 200
    assert rows() == 1
