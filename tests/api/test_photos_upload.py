"""HEAD/GET/PUT /api/v1/photos/<sha256>: content-addressed, checked by content, stored once."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from server.extensions import db
from server.photos.models import Photo
from tests.conftest import AuthActions
from tests.factories import install_forms, jpeg_bytes, org_with_users, visit_answers, visit_item


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


def image_bytes(fmt: str, size=(40, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Photo))


def test_upload_stores_once_then_answers_already_had_it(app, worker, client):
    photo = jpeg_bytes(320, 240)
    first = put(worker, photo)
    assert first.status_code == 201
    assert first.get_json() | {"created_at": None} == {
        "sha256": sha(photo),
        "content_type": "image/jpeg",
        "bytes": len(photo),
        "width": 320,
        "height": 240,
        "created_at": None,
    }
    again = put(worker, photo)
    assert again.status_code == 200 and again.get_json()["sha256"] == sha(photo)
    assert rows() == 1
    h = sha(photo)
    stored = Path(app.config["PHOTOS_DIR"]) / h[:2] / h[2:4] / f"{h}.jpg"
    assert stored.read_bytes() == photo
    assert not [p for p in stored.parent.iterdir() if p.name.startswith(".upload-")]
    assert client.head(f"/api/v1/photos/{h}").status_code == 200
    got = client.get(f"/api/v1/photos/{h}")
    assert got.data == photo and got.mimetype == "image/jpeg"
    got.close()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(worker, fmt):
    response = put(worker, image_bytes(fmt), content_type=f"image/{fmt.lower()}")
    assert response.status_code == 201
    assert response.get_json()["content_type"] == f"image/{fmt.lower()}"


def test_head_for_a_photo_the_server_lacks_is_404(worker, client):
    assert client.head(f"/api/v1/photos/{'0' * 64}").status_code == 404


def test_who_may_see_a_photo(org, auth, client):
    photo = jpeg_bytes()
    h = sha(photo)
    auth.login("worker1")
    assert put(auth, photo).status_code == 201
    item = visit_item(org["worker"].grids[0].id, photos=[h])
    item["payload"]["answers"] = visit_answers(visit_photos=[h])
    assert auth.post("/api/v1/sync/push", json={"device_id": "p1", "items": [item]}).status_code == 200
    for username, expected in [
        ("super1", 200),
        ("street1", 200),
        ("admin1", 200),
        ("worker2", 404),
        ("handler1", 404),
    ]:
        client.post("/api/v1/auth/logout", headers=auth.headers())
        auth.login(username)
        assert client.head(f"/api/v1/photos/{h}").status_code == expected, username


def test_a_photo_no_submission_uses_is_only_the_uploaders(org, auth, client):
    photo = jpeg_bytes()
    auth.login("worker1")
    put(auth, photo)
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("super1")
    assert client.head(f"/api/v1/photos/{sha(photo)}").status_code == 404
    # Having the bytes proves nothing is leaked: the upload is simply "already had it".
    assert put(auth, photo).status_code == 200


def test_bytes_not_matching_the_hash_are_422(worker):
    photo = jpeg_bytes()
    response = put(worker, photo, name=sha(photo + b"x"))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "hash_mismatch"
    assert rows() == 0


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("ABCDEF" + "0" * 58, 400),
        ("abc", 400),
        ("g" * 64, 400),
        ("..", 400),
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


def test_bytes_that_are_not_an_image_are_415(worker):
    response = put(worker, b"%PDF-1.7 definitely not a photo")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "not_an_image"
    assert response.get_json()["error"]["message"] == "这不是图片文件"
    assert rows() == 0


def test_an_image_in_an_unsupported_format_is_415(worker):
    response = put(worker, image_bytes("GIF", mode="P"), content_type="image/gif")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_image_format"


def test_a_truncated_image_is_422(worker):
    photo = jpeg_bytes(400, 300)[:-600]
    response = put(worker, photo)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "broken_image"


def test_a_decompression_bomb_is_refused(worker):
    bomb = image_bytes("PNG", size=(10_000, 10_000), mode="1")  # 100 MP of nothing, a few kB
    assert len(bomb) < 200_000
    response = put(worker, bomb, content_type="image/png")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "image_too_large"


def test_the_pixel_cap_is_configurable(org, make_app):
    app = make_app(PHOTO_MAX_PIXELS=1000)
    auth = AuthActions(app.test_client())
    auth.login("worker1")
    response = put(auth, jpeg_bytes(100, 100))
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "image_too_large"


def test_a_photo_over_the_size_cap_is_413(org, make_app):
    app = make_app(PHOTO_MAX_BYTES=2000)
    auth = AuthActions(app.test_client())
    auth.login("worker1")
    response = put(auth, jpeg_bytes(400, 300, (1, 2, 3)) + b"\0" * 3000)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "photo_too_large"


def test_a_non_image_content_type_is_415(worker):
    response = put(worker, jpeg_bytes(), content_type="application/octet-stream")
    assert response.status_code == 415


def test_upload_needs_login_and_csrf(org, client, auth):
    photo = jpeg_bytes()
    assert (
        client.put(f"/api/v1/photos/{sha(photo)}", data=photo, content_type="image/jpeg").status_code == 401
    )
    auth.login("worker1")
    assert (
        client.put(f"/api/v1/photos/{sha(photo)}", data=photo, content_type="image/jpeg").status_code == 403
    )
    assert rows() == 0


def test_two_uploads_of_one_photo_at_once_both_succeed_with_one_row(org, app):
    photo = jpeg_bytes(800, 600, (9, 99, 199))
    clients = []
    for _ in range(2):
        auth = AuthActions(app.test_client())
        auth.login("worker1")
        clients.append(auth)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def upload(auth):
        with app.app_context():
            start.wait()
            statuses.append(put(auth, photo).status_code)

    threads = [threading.Thread(target=upload, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) in ([200, 201], [201, 201]) and statuses.count(201) >= 1
    db.session.expire_all()
    assert rows() == 1
