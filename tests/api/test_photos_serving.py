"""GET/HEAD /api/v1/photos/<sha256>?size=thumb|full: only within scope, cached for good."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from tests.factories import install_forms, jpeg_bytes, org_with_users, visit_answers, visit_item


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    return made


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def login_as(auth, username: str) -> None:
    if auth.csrf:
        auth.post("/api/v1/auth/logout")
    assert auth.login(username).status_code == 200


def upload_and_use(auth, grid_id: int, data: bytes) -> str:
    """Upload a photo and push a household visit in the grid that uses it."""
    h = sha(data)
    assert auth.put(f"/api/v1/photos/{h}", data=data, content_type="image/jpeg").status_code == 201
    item = visit_item(grid_id, photos=[h])
    item["payload"]["answers"] = visit_answers(visit_photos=[h])
    result = auth.post("/api/v1/sync/push", json={"device_id": "phone-1", "items": [item]}).get_json()
    assert result["results"][0]["status"] == "accepted", result
    return h


@pytest.fixture
def used_photo(org, auth) -> str:
    """A 3000×2000 photo worker1 took and used in a visit in their grid."""
    login_as(auth, "worker1")
    return upload_and_use(auth, org["worker"].grids[0].id, jpeg_bytes(3000, 2000, (120, 80, 40)))


@pytest.mark.parametrize(("size", "dimensions"), [("full", (2048, 1365)), ("thumb", (320, 213))])
def test_a_variant_comes_with_strong_etag_immutable_private_caching_and_inline_jpeg(
    client, used_photo, size, dimensions
):
    response = client.get(f"/api/v1/photos/{used_photo}?size={size}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["ETag"] == f'"{used_photo}-{size}"'
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["Content-Length"] == str(len(response.data))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.format == "JPEG" and image.size == dimensions


def test_full_is_the_default_size(client, used_photo):
    assert client.get(f"/api/v1/photos/{used_photo}").headers["ETag"] == f'"{used_photo}-full"'


@pytest.mark.parametrize("if_none_match", ['"{etag}"', 'W/"{etag}"', '"other", "{etag}"', "*"])
def test_a_current_copy_is_answered_304_without_a_body(client, used_photo, if_none_match):
    etag = f"{used_photo}-thumb"
    response = client.get(
        f"/api/v1/photos/{used_photo}?size=thumb", headers={"If-None-Match": if_none_match.format(etag=etag)}
    )
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == f'"{etag}"'
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"


def test_another_variants_etag_is_not_a_match(client, used_photo):
    response = client.get(
        f"/api/v1/photos/{used_photo}?size=thumb", headers={"If-None-Match": f'"{used_photo}-full"'}
    )
    assert response.status_code == 200 and response.data


def test_an_unknown_size_is_422_and_other_parameters_are_ignored(client, used_photo):
    bad = client.get(f"/api/v1/photos/{used_photo}?size=huge")
    assert bad.status_code == 422 and "size" in bad.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/photos/{used_photo}?size=thumb&v=2").status_code == 200


def test_head_answers_from_the_row_for_the_sync_engine(client, used_photo):
    full = client.get(f"/api/v1/photos/{used_photo}")
    head = client.head(f"/api/v1/photos/{used_photo}")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(full.data))
    assert head.headers["ETag"] == full.headers["ETag"]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("worker1", 200),  # the uploader, whose grid it is
        ("super1", 200),  # the grid's community
        ("street1", 200),  # the whole street
        ("admin1", 200),
        ("worker2", 404),  # another community's grid
        ("handler1", 404),  # no case uses it (the cases issue adds that rule)
    ],
)
def test_who_may_see_a_photo_a_record_uses(auth, client, used_photo, username, expected):
    login_as(auth, username)
    for size in ("full", "thumb"):
        assert client.get(f"/api/v1/photos/{used_photo}?size={size}").status_code == expected
    assert client.head(f"/api/v1/photos/{used_photo}").status_code == expected


def test_another_grids_photo_is_404_exactly_like_a_missing_one(org, auth, client):
    login_as(auth, "worker2")
    theirs = upload_and_use(auth, org["worker_other"].grids[0].id, jpeg_bytes(64, 48, (1, 200, 3)))
    login_as(auth, "worker1")
    outside = client.get(f"/api/v1/photos/{theirs}?size=thumb")
    missing = client.get(f"/api/v1/photos/{'0' * 64}?size=thumb")
    assert outside.status_code == missing.status_code == 404
    assert outside.get_json() == missing.get_json()
    assert outside.headers.get("ETag") is None and outside.headers["Cache-Control"] == "no-store"
    # A guessed ETag tells nothing either.
    assert client.get(f"/api/v1/photos/{theirs}", headers={"If-None-Match": "*"}).status_code == 404


def test_a_photo_no_record_uses_is_only_the_uploaders(org, auth, client):
    photo = jpeg_bytes(64, 48, (9, 9, 9))
    login_as(auth, "worker1")
    assert auth.put(f"/api/v1/photos/{sha(photo)}", data=photo, content_type="image/jpeg").status_code == 201
    # The sync engine HEADs its own upload before any record references it.
    assert client.head(f"/api/v1/photos/{sha(photo)}").status_code == 200
    assert client.get(f"/api/v1/photos/{sha(photo)}?size=thumb").status_code == 200
    for username in ("super1", "admin1", "worker2"):
        login_as(auth, username)
        assert client.head(f"/api/v1/photos/{sha(photo)}").status_code == 404
        assert client.get(f"/api/v1/photos/{sha(photo)}").status_code == 404
    # Holding the bytes already proves nothing leaks: the upload is simply "already had it".
    assert auth.put(f"/api/v1/photos/{sha(photo)}", data=photo, content_type="image/jpeg").status_code == 200


def test_photos_need_a_login(client, used_photo, auth):
    auth.post("/api/v1/auth/logout")
    assert client.get(f"/api/v1/photos/{used_photo}").status_code == 401
    assert client.head(f"/api/v1/photos/{used_photo}").status_code == 401
