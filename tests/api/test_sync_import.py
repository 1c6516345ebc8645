"""POST /api/v1/sync/import: a supervisor delivers a phone's outbox backup, exactly once."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.photos.models import Photo
from server.submissions.models import Submission
from server.sync.models import Device
from tests import clock
from tests.factories import install_forms, jpeg_bytes, org_with_users, visit_answers, visit_item

IMPORT = "/api/v1/sync/import"
PWA = Path(__file__).resolve().parents[2] / "pwa"


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    return made


def backup(owner: str, items: list[dict], photos: list[bytes] = (), device_id: str = "lost-phone-7") -> bytes:
    """The file the PWA's 导出备份 writes: full outbox records plus base64 photos."""
    records = [
        dict(
            item,
            owner=owner,
            status="pending",
            errors=None,
            error=None,
            attempts=3,
            updated_at=item["created_at"],
        )
        for item in items
    ]
    return json.dumps(
        {
            "format": "gridwalk-outbox-backup",
            "version": 1,
            "device_id": device_id,
            "owner": owner,
            "exported_at": clock.stamp(clock.now()),
            "items": records,
            "photos": [
                {
                    "sha256": hashlib.sha256(p).hexdigest(),
                    "type": "image/jpeg",
                    "data_base64": base64.b64encode(p).decode(),
                }
                for p in photos
            ],
        },
        ensure_ascii=False,
    ).encode()


def send(auth, body: bytes):
    return auth.post(IMPORT, data=body, content_type="application/json")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def visit_with_photo(grid: int, photo: bytes) -> dict:
    sha = hashlib.sha256(photo).hexdigest()
    return visit_item(
        grid, photos=[sha], payload={"grid_id": grid, "answers": visit_answers(visit_photos=[sha])}
    )


def test_a_supervisor_imports_a_backup_exactly_once(org, auth):
    grid = org["worker"].grids[0].id
    photo = jpeg_bytes()
    items = [visit_with_photo(grid, photo), visit_item(grid), visit_item(grid)]
    file = backup("worker1", items, [photo])
    auth.login("super1")
    first = send(auth, file)
    assert first.status_code == 200, first.get_json()
    answer = first.get_json()
    assert answer["owner"] == "worker1" and answer["device_id"] == "lost-phone-7"
    assert [r["status"] for r in answer["results"]] == ["accepted"] * 3
    assert answer["photos"] == [{"sha256": hashlib.sha256(photo).hexdigest(), "status": "stored"}]
    stored = db.session.scalars(select(Submission)).all()
    assert {s.author_id for s in stored} == {org["worker"].id}
    assert {s.device_id for s in stored} == {"lost-phone-7"}
    assert db.session.scalar(select(Photo.uploader_id)) == org["worker"].id
    assert db.session.get(Device, "lost-phone-7").user_id == org["worker"].id

    again = send(auth, file).get_json()
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert again["photos"][0]["status"] == "already_stored"
    assert count(Submission) == 3 and count(Photo) == 1


def test_items_the_phone_already_delivered_are_duplicates(org, auth, client):
    grid = org["worker"].grids[0].id
    items = [visit_item(grid), visit_item(grid)]
    auth.login("worker1")
    auth.post("/api/v1/sync/push", json={"device_id": "lost-phone-7", "items": items[:1]})
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("street1")
    results = send(auth, backup("worker1", items)).get_json()["results"]
    assert [r["status"] for r in results] == ["duplicate", "accepted"]
    assert count(Submission) == 2


def test_a_big_backup_goes_through_in_batches(org, auth):
    grid = org["worker"].grids[0].id
    items = [visit_item(grid) for _ in range(130)]
    auth.login("admin1")
    results = send(auth, backup("worker1", items)).get_json()["results"]
    assert len(results) == 130 and {r["status"] for r in results} == {"accepted"}
    assert [r["id"] for r in results] == [i["id"] for i in items]


def test_items_are_checked_as_the_owner(org, auth):
    # The owner's scope decides: worker1 may not report in community 2's grid.
    items = [visit_item(org["worker_other"].grids[0].id), visit_item(org["worker"].grids[0].id, kind="nope")]
    auth.login("street1")
    results = send(auth, backup("worker1", items)).get_json()["results"]
    assert [r["status"] for r in results] == ["forbidden", "rejected"]


def test_a_photo_whose_bytes_do_not_match_is_refused_and_its_item_waits(org, auth):
    grid = org["worker"].grids[0].id
    photo = jpeg_bytes()
    file = json.loads(backup("worker1", [visit_with_photo(grid, photo)], [photo]))
    file["photos"][0]["data_base64"] = base64.b64encode(photo[:-10]).decode()
    auth.login("super1")
    answer = send(auth, json.dumps(file).encode()).get_json()
    assert answer["photos"][0]["status"] == "rejected"
    assert answer["photos"][0]["error"]["code"] == "hash_mismatch"
    assert answer["results"][0]["status"] == "missing_photos"
    assert count(Submission) == 0


@pytest.mark.parametrize("owner", ["worker2", "nobody"])
def test_an_owner_outside_the_supervisors_scope_is_404(org, auth, owner):
    auth.login("super1")
    response = send(auth, backup(owner, [visit_item(org["worker_other"].grids[0].id)]))
    assert response.status_code == 404
    assert count(Submission) == 0


def test_workers_cannot_import(org, auth):
    auth.login("worker1")
    assert send(auth, backup("worker1", [visit_item(org["worker"].grids[0].id)])).status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (json.dumps({"format": "something-else", "version": 1}).encode(), 422, "bad_backup"),
        (json.dumps({"format": "gridwalk-outbox-backup", "version": 99}).encode(), 422, "bad_backup"),
        (
            json.dumps({"format": "gridwalk-outbox-backup", "version": 1, "owner": "worker1"}).encode(),
            422,
            "bad_backup",
        ),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused(org, auth, body, status, code):
    auth.login("super1")
    response = send(auth, body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_import_needs_the_csrf_token(org, auth, client):
    auth.login("super1")
    file = backup("worker1", [visit_item(org["worker"].grids[0].id)])
    assert client.post(IMPORT, data=file, content_type="application/json").status_code == 403


def backup_from_the_pwa(tmp_path: Path, owner: str, items: list[dict], photos: list[bytes]) -> bytes:
    """The file the PWA's own exportBackup writes from a real outbox (pwa/tests/backupFile.test.ts)."""
    if not (PWA / "node_modules" / ".bin" / "vitest").exists() or shutil.which("node") is None:
        pytest.fail("the PWA's node_modules are missing: run `make build` (make test does it first)")
    spec, out = tmp_path / "spec.json", tmp_path / "backup.json"
    spec.write_text(
        json.dumps(
            {
                "owner": owner,
                "now_ms": int(clock.now().timestamp() * 1000),
                "photos": [
                    {"type": "image/jpeg", "data_base64": base64.b64encode(p).decode()} for p in photos
                ],
                "items": items,
            },
            ensure_ascii=False,
        )
    )
    run = subprocess.run(
        ["node_modules/.bin/vitest", "run", "tests/backupFile.test.ts"],
        cwd=PWA,
        env=dict(os.environ, GRIDWALK_BACKUP_SPEC=str(spec), GRIDWALK_BACKUP_OUT=str(out), CI="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and out.exists(), run.stdout + run.stderr
    return out.read_bytes()


def test_a_backup_the_pwa_wrote_is_imported(org, auth, tmp_path):
    """The contract between phone and server: exportBackup's file, as it is, through /sync/import."""
    grid = org["worker"].grids[0].id
    photo = jpeg_bytes(color=(10, 200, 90))
    sha = hashlib.sha256(photo).hexdigest()

    def queued(answers: dict, photos: list[str], status: str = "pending") -> dict:
        return {
            "kind": "household_visit",
            "template": {"key": "household_visit", "version": 1},
            "payload": {"grid_id": grid, "household_id": None, "answers": answers},
            "photos": photos,
            "location": {"lat": 28.6829, "lng": 115.8582, "accuracy": 12.5},
            "status": status,
        }

    work = [
        queued(visit_answers(visit_photos=[sha]), [sha]),
        queued(visit_answers(notes="网络恢复前离线保存"), []),
        queued(visit_answers(notes="已同步"), [], status="done"),  # delivered: not in the backup
    ]
    file = backup_from_the_pwa(tmp_path, "worker1", work, [photo])
    written = json.loads(file)
    assert len(written["items"]) == 2

    auth.login("super1")
    answer = send(auth, file)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["owner"] == "worker1" and body["device_id"] == written["device_id"]
    assert [r["status"] for r in body["results"]] == ["accepted", "accepted"], body["results"]
    assert body["photos"] == [{"sha256": sha, "status": "stored"}]
    stored = {str(s.id): s for s in db.session.scalars(select(Submission))}
    assert set(stored) == {i["id"] for i in written["items"]}
    assert {s.author_id for s in stored.values()} == {org["worker"].id}
    assert sorted(s.answers.get("notes") for s in stored.values()) == sorted(
        [visit_answers()["notes"], "网络恢复前离线保存"]
    )
    assert db.session.scalar(select(Photo.sha256)) == sha
    assert [r["status"] for r in send(auth, file).get_json()["results"]] == ["duplicate", "duplicate"]
