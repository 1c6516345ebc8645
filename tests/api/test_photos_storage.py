"""Photo storage: the same tests on local disk and on a real S3 API (moto's server mode).

The S3 server runs in this process on 127.0.0.1 and a free port; each test gets its own bucket.
Also here: the app end to end on S3, and `flask photos prune` on both backends.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from PIL import Image
from sqlalchemy import func, select, update

from config import ConfigError
from server.extensions import db
from server.photos import service
from server.photos.models import Photo
from server.photos.store import LocalPhotoStore, S3PhotoStore, build_store, photo_store
from server.submissions.models import submission_photo
from tests import clock, gunicorn
from tests.conftest import AuthActions
from tests.factories import (
    city_item,
    install_forms,
    jpeg_bytes,
    org_with_users,
    upload_photos,
    visit_answers,
    visit_item,
)

S3_KEYS = {"S3_ACCESS_KEY_ID": "gridwalk-test", "S3_SECRET_ACCESS_KEY": "gridwalk-test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    """A real S3 API (moto's server mode) for the whole run."""
    from moto.server import ThreadedMotoServer

    port = gunicorn.free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_settings(s3_endpoint) -> dict:
    """Settings for PHOTO_STORAGE=s3 with a fresh bucket."""
    bucket = f"gridwalk-photos-{uuid.uuid4().hex[:12]}"
    settings = {
        "PHOTO_STORAGE": "s3",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_BUCKET": bucket,
        "S3_PREFIX": "photos/",
        "S3_REGION": "us-east-1",
        **S3_KEYS,
    }
    raw_client(settings).create_bucket(Bucket=bucket)
    return settings


def raw_client(settings: dict):
    return boto3.session.Session().client(
        "s3",
        endpoint_url=settings["S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["S3_SECRET_ACCESS_KEY"],
    )


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path) -> dict:
    """Settings of one backend, with empty storage."""
    if request.param == "local":
        return {"PHOTO_STORAGE": "local", "PHOTOS_DIR": tmp_path / "photos"}
    return request.getfixturevalue("s3_settings")


@pytest.fixture
def store(backend):
    return build_store(backend)


def written_on_the_test_clock(store) -> None:
    """Restamp a local store's files with the test clock.

    The disk stamps files with the real clock, which GRIDWALK_TEST_CLOCK does not move, while
    the store compares those stamps with Python's clock: a disk living on that day agrees.
    """
    if isinstance(store, LocalPhotoStore) and clock.TRAVEL_TO:
        now = clock.now().timestamp()
        for path in store.root.rglob("*"):
            if path.is_file():
                os.utime(path, (now, now))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


H1, H2 = sha(b"one"), sha(b"two")


# ---- the interface, on both backends ------------------------------------------------------


def test_put_exists_open_delete(store):
    assert not store.exists(H1, "full")
    store.put(H1, "full", b"full bytes")
    store.put(H1, "thumb", b"thumb bytes")
    assert store.exists(H1, "full") and store.exists(H1, "thumb") and not store.exists(H2, "full")
    with store.open(H1, "full") as fh:
        assert fh.read() == b"full bytes"
    with store.open(H1, "thumb") as fh:
        assert fh.read() == b"thumb bytes"
    store.delete(H1, "thumb")
    assert not store.exists(H1, "thumb") and store.exists(H1, "full")
    store.delete(H1, "thumb")  # twice is harmless


def test_putting_the_same_photo_again_replaces_it_whole(store):
    store.put(H1, "full", b"a" * 10_000)
    store.put(H1, "full", b"b" * 10)
    with store.open(H1, "full") as fh:
        assert fh.read() == b"b" * 10


def test_open_of_a_missing_variant_raises_photo_missing(store):
    from server.photos.store import PhotoMissing

    with pytest.raises(PhotoMissing):
        store.open(H2, "thumb")


def test_iter_lists_every_variant_with_size_and_time(store):
    before = clock.now() - timedelta(seconds=5)
    store.put(H1, "full", b"12345")
    store.put(H1, "thumb", b"12")
    store.put(H2, "full", b"1")
    written_on_the_test_clock(store)
    listed = sorted((e.sha256, e.variant, e.size) for e in store.iter())
    assert listed == sorted([(H1, "full", 5), (H1, "thumb", 2), (H2, "full", 1)])
    assert all(before <= e.modified <= clock.now() + timedelta(seconds=5) for e in store.iter())


@pytest.mark.parametrize(
    ("sha256", "variant"), [("../" + "a" * 61, "full"), ("A" * 64, "full"), ("a" * 63, "full"), (H1, "orig")]
)
def test_keys_are_only_ever_made_from_a_checked_hash_and_a_known_variant(store, sha256, variant):
    with pytest.raises(ValueError):
        store.put(sha256, variant, b"x")
    with pytest.raises(ValueError):
        store.exists(sha256, variant)


# ---- each backend's own promises ----------------------------------------------------------


def test_local_files_are_sharded_by_hash_prefix_and_written_atomically(tmp_path, monkeypatch):
    store = LocalPhotoStore(tmp_path)
    store.put(H1, "full", b"bytes")
    assert (tmp_path / H1[:2] / H1[2:4] / f"{H1}.jpg").read_bytes() == b"bytes"

    # A write that dies half-way leaves the old file and no temp file.
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.put(H1, "full", b"new bytes")
    monkeypatch.undo()
    assert (tmp_path / H1[:2] / H1[2:4] / f"{H1}.jpg").read_bytes() == b"bytes"
    assert not list(tmp_path.rglob(".upload-*"))


def test_local_store_lists_no_temp_files_and_removes_stale_ones(tmp_path):
    store = LocalPhotoStore(tmp_path)
    store.put(H1, "full", b"bytes")
    stale = tmp_path / H1[:2] / H1[2:4] / ".upload-crashed"
    stale.write_bytes(b"half a photo")
    old = clock.now().timestamp() - 3 * 86400
    os.utime(stale, (old, old))
    assert [e.sha256 for e in store.iter()] == [H1]
    assert store.remove_stale_temp_files(clock.now() - timedelta(days=1)) == 1
    assert not stale.exists() and store.exists(H1, "full")


def test_s3_objects_live_under_the_prefix_as_jpeg(s3_settings):
    store = build_store(s3_settings)
    assert isinstance(store, S3PhotoStore)
    store.put(H1, "thumb", b"\xff\xd8\xff")
    head = raw_client(s3_settings).head_object(
        Bucket=s3_settings["S3_BUCKET"], Key=f"photos/{H1[:2]}/{H1[2:4]}/{H1}.thumb.jpg"
    )
    assert head["ContentType"] == "image/jpeg"
    # Objects outside our naming (a backup someone put in the bucket) are never listed, so never pruned.
    raw_client(s3_settings).put_object(Bucket=s3_settings["S3_BUCKET"], Key="photos/notes.txt", Body=b"x")
    assert [(e.sha256, e.variant) for e in store.iter()] == [(H1, "thumb")]


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"PHOTO_STORAGE": "s3"}, "S3_BUCKET"),
        ({"PHOTO_STORAGE": "ftp"}, "PHOTO_STORAGE"),
    ],
)
def test_incomplete_storage_settings_stop_the_app_at_startup(make_app, settings, problem):
    with pytest.raises(ConfigError, match=problem):
        make_app(**settings)


# ---- the app end to end on S3 -------------------------------------------------------------


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    return made


def test_upload_serve_and_head_through_s3(org, make_app, s3_settings):
    s3_app = make_app(**s3_settings)
    client = s3_app.test_client()
    auth = AuthActions(client)
    auth.login("worker1")
    photo = jpeg_bytes(2400, 1800, (70, 130, 180))
    h = sha(photo)
    assert auth.put(f"/api/v1/photos/{h}", data=photo, content_type="image/jpeg").status_code == 201
    assert auth.put(f"/api/v1/photos/{h}", data=photo, content_type="image/jpeg").status_code == 200
    keys = sorted(
        o["Key"] for o in raw_client(s3_settings).list_objects_v2(Bucket=s3_settings["S3_BUCKET"])["Contents"]
    )
    assert keys == [f"photos/{h[:2]}/{h[2:4]}/{h}.jpg", f"photos/{h[:2]}/{h[2:4]}/{h}.thumb.jpg"]
    full = client.get(f"/api/v1/photos/{h}")
    assert full.status_code == 200 and full.data[:3] == b"\xff\xd8\xff"
    assert client.head(f"/api/v1/photos/{h}").headers["Content-Length"] == str(len(full.data))
    assert client.get(f"/api/v1/photos/{h}?size=thumb").status_code == 200
    # Nothing went to local disk.
    assert not Path(s3_app.config["PHOTOS_DIR"], h[:2], h[2:4]).exists()


# ---- two uploads of one photo at once, on both backends ------------------------------------


def test_two_uploads_of_one_photo_at_once_both_succeed_with_one_row_and_one_file(
    org, make_app, backend, monkeypatch
):
    race_app = make_app(**backend)
    photo = jpeg_bytes(1600, 1200, (9, 99, 199))
    h = sha(photo)
    clients = []
    for _ in range(2):
        auth = AuthActions(race_app.test_client())
        auth.login("worker1")
        clients.append(auth)
    # The race itself: both requests are past "is it stored already?" before either stores,
    # because the real conversion (called between the two) waits here for the other request.
    both_checked = threading.Barrier(2, timeout=30)
    real_process = service.process

    def process_once_both_have_checked(data: bytes):
        both_checked.wait()
        return real_process(data)

    monkeypatch.setattr(service, "process", process_once_both_have_checked)
    statuses: list[int] = []

    def upload(auth):
        with race_app.app_context():
            statuses.append(
                auth.put(f"/api/v1/photos/{h}", data=photo, content_type="image/jpeg").status_code
            )

    threads = [threading.Thread(target=upload, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not both_checked.broken, "the two uploads did not overlap"
    # Both succeed: one made the row, the other found it made (the answer "already had it").
    assert sorted(statuses) == [200, 201]
    db.session.expire_all()
    assert count_rows() == 1
    with race_app.app_context():
        stored = sorted((entry.sha256, entry.variant) for entry in photo_store(race_app).iter())
    assert stored == [(h, "full"), (h, "thumb")]
    if backend["PHOTO_STORAGE"] == "local":
        assert not list(Path(backend["PHOTOS_DIR"]).rglob(".upload-*"))
    with race_app.app_context(), photo_store(race_app).open(h, "full") as full:
        assert Image.open(full).size == (1600, 1200)


# ---- flask photos prune, on both backends -------------------------------------------------


def prune(app, *args: str):
    """`flask photos prune` on that app (the test body holds another app's context)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["photos", "prune", *args])


def count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Photo))


def test_prune_removes_old_photos_no_record_uses_rows_and_files(org, make_app, backend):
    prune_app = make_app(**backend)
    auth = AuthActions(prune_app.test_client())
    auth.login("worker1")
    photos = {name: jpeg_bytes(64, 48, color) for name, color in [("used", (1, 1, 1)), ("old", (2, 2, 2))]}
    photos["new"] = jpeg_bytes(64, 48, (3, 3, 3))
    for data in photos.values():
        assert (
            auth.put(f"/api/v1/photos/{sha(data)}", data=data, content_type="image/jpeg").status_code == 201
        )
    used = sha(photos["used"])
    item = visit_item(org["worker"].grids[0].id, photos=[used])
    item["payload"]["answers"] = visit_answers(visit_photos=[used])
    pushed = auth.post("/api/v1/sync/push", json={"device_id": "p", "items": [item]}).get_json()
    assert pushed["results"][0]["status"] == "accepted"
    four_days_ago = clock.now() - timedelta(days=4)
    db.session.execute(
        update(Photo).where(Photo.sha256.in_([used, sha(photos["old"])])).values(created_at=four_days_ago)
    )
    db.session.commit()
    store = photo_store(prune_app)
    # A stray: files whose row is gone (a crash between storing and the row).
    stray = sha(b"stray")
    store.put(stray, "full", b"x")
    written_on_the_test_clock(store)

    dry = prune(prune_app, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would remove 1 orphan photos older than 72 h (2 stored files)" in dry.output
    assert count_rows() == 3

    # The stray file is new, so only --older-than 0 reaches it; the default age spares it.
    result = prune(prune_app)
    assert result.exit_code == 0, result.output
    assert "Removed 1 orphan photos older than 72 h (2 stored files), 0 stray files" in result.output
    db.session.expire_all()
    assert {p.sha256 for p in db.session.scalars(select(Photo))} == {used, sha(photos["new"])}
    assert not store.exists(sha(photos["old"]), "full") and not store.exists(sha(photos["old"]), "thumb")
    assert store.exists(used, "full") and store.exists(sha(photos["new"]), "thumb")

    result = prune(prune_app, "--older-than", "0")
    assert result.exit_code == 0, result.output
    assert "Removed 1 orphan photos older than 0 h (2 stored files), 1 stray files" in result.output
    assert {e.sha256 for e in store.iter()} == {used}
    assert count_rows() == 1
    # The photo a record uses is still served.
    assert auth.client.get(f"/api/v1/photos/{used}?size=thumb").status_code == 200


def test_prune_default_age_comes_from_the_settings(org, make_app, tmp_path):
    prune_app = make_app(PHOTO_ORPHAN_HOURS=0.5, PHOTOS_DIR=tmp_path / "p")
    result = prune(prune_app)
    assert result.exit_code == 0 and "older than 0.5 h" in result.output


def test_prune_keeps_a_photo_only_a_cases_after_photo_uses_and_removes_an_orphan(org, make_app, backend):
    prune_app = make_app(**backend)
    auth = AuthActions(prune_app.test_client())
    auth.login("worker1")
    [reported] = upload_photos(auth, 1, start=200)
    pushed = auth.post(
        "/api/v1/sync/push",
        json={"device_id": "p", "items": [city_item(org["worker"].grids[0].id, [reported])]},
    ).get_json()
    [result] = pushed["results"]
    assert result["status"] == "accepted", result
    case_id = result["case_id"]
    auth.login("super1")
    assert auth.post(f"/api/v1/cases/{case_id}/actions", json={"action": "file"}).status_code == 200
    dispatch = {"action": "dispatch", "department_id": org["departments"][0].id}
    assert auth.post(f"/api/v1/cases/{case_id}/actions", json=dispatch).status_code == 200
    auth.login("handler1")
    [after, orphan] = upload_photos(auth, 2, start=210)
    handle = {"action": "handle", "comment": "已整改", "photos": [after]}
    assert auth.post(f"/api/v1/cases/{case_id}/actions", json=handle).status_code == 200
    # The rectification photo belongs to the case alone: no submission names it.
    assert not db.session.scalar(
        select(func.count()).select_from(submission_photo).where(submission_photo.c.sha256 == after)
    )

    result = prune(prune_app, "--older-than", "0")
    assert result.exit_code == 0, result.output
    assert "Removed 1 orphan photos older than 0 h (2 stored files)" in result.output
    store = photo_store(prune_app)
    assert {e.sha256 for e in store.iter()} == {reported, after}
    assert not store.exists(orphan, "full") and not store.exists(orphan, "thumb")
    db.session.expire_all()
    assert {p.sha256 for p in db.session.scalars(select(Photo))} == {reported, after}
    # The case still shows its after-photo to the handler who took it.
    assert auth.client.get(f"/api/v1/photos/{after}?size=thumb").status_code == 200
