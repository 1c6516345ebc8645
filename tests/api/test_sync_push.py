"""POST /api/v1/sync/push: every item answered in order, stored exactly once, never blocking the rest."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from sqlalchemy import event, func, select

from server.extensions import db
from server.forms.builtins import HOUSEHOLD_VISIT_V1
from server.forms.service import add_version
from server.submissions.models import Submission, submission_photo
from server.sync.devices import record_device
from server.sync.models import Device, SyncChange, SyncConflict
from tests import clock
from tests.factories import exploding_insert, jpeg_bytes, recorded_statements, visit_answers, visit_item

PUSH = "/api/v1/sync/push"


def push(auth, *items, device_id="phone-1", **extra):
    response = auth.post(PUSH, json={"device_id": device_id, "items": list(items), **extra})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_visit_is_accepted_and_stored_with_its_device(org, grid, worker):
    item = visit_item(grid)
    results = push(worker, item, app_version="1.2.0")
    assert results == [{"id": item["id"], "status": "accepted", "received_at": results[0]["received_at"]}]
    stored = db.session.get(Submission, uuid.UUID(item["id"]))
    assert stored.author_id == org["worker"].id and stored.device_id == "phone-1"
    assert stored.grid_id == grid and stored.answers == item["payload"]["answers"]
    assert stored.location == item["location"]
    assert stored.review_status == "received" and stored.template_version == 1
    # 09:30 in Nanchang is 01:30 UTC.
    assert stored.created_at.replace(tzinfo=None).isoformat() == f"{clock.days_ago(1)}T01:30:00"
    device = db.session.get(Device, "phone-1")
    assert device.user_id == org["worker"].id and device.app_version == "1.2.0"
    change = db.session.scalar(select(SyncChange).where(SyncChange.entity == "submission"))
    assert change.entity_id == item["id"] and change.user_id == org["worker"].id and change.grid_id is None


def test_a_phone_that_changes_hands_is_refreshed_not_duplicated(org, grid, worker, auth):
    push(worker, visit_item(grid), app_version="1.2.0")
    first = db.session.get(Device, "phone-1")
    first_seen, first_sync = first.first_seen, first.last_sync_at
    db.session.expire_all()
    # The same phone, another worker, an outbox that sends no app_version: the version it had stays.
    auth.login("worker2")
    push(auth, visit_item(org["worker_other"].grids[0].id))
    device = db.session.get(Device, "phone-1")
    assert device.user_id == org["worker_other"].id and device.app_version == "1.2.0"
    assert device.first_seen == first_seen and device.last_sync_at >= first_sync
    db.session.expire_all()
    push(auth, visit_item(org["worker_other"].grids[0].id), app_version="1.3.0")
    assert db.session.get(Device, "phone-1").app_version == "1.3.0"
    assert count(Device) == 1


@pytest.mark.parametrize("bad_id", [None, "", "not-a-uuid", 42, "1234"])
def test_an_item_without_a_uuid_id_is_rejected_and_echoed(grid, worker, bad_id):
    item = visit_item(grid)
    if bad_id is None:
        del item["id"]
    else:
        item["id"] = bad_id
    good = visit_item(grid)
    results = push(worker, item, good)
    assert results[0]["id"] == bad_id and results[0]["status"] == "rejected"
    assert "id" in results[0]["error"]["fields"]
    assert results[1]["status"] == "accepted"
    assert count(Submission) == 1


def test_an_unknown_kind_is_rejected(grid, worker):
    results = push(worker, visit_item(grid, kind="picnic_report"))
    assert results[0]["status"] == "rejected"
    assert results[0]["error"]["code"] == "unknown_kind" and "kind" in results[0]["error"]["fields"]


@pytest.mark.parametrize(
    "template",
    [
        {"key": "household_visit", "version": 9},
        {"key": "no_such_form", "version": 1},
        {"key": "household_visit"},
        None,
    ],
)
def test_an_unknown_template_version_is_rejected(grid, worker, template):
    results = push(worker, visit_item(grid, template=template))
    assert results[0]["status"] == "rejected"
    assert results[0]["error"]["code"] == "unknown_template" and "template" in results[0]["error"]["fields"]


def test_a_form_version_published_while_the_server_runs_is_known_to_the_next_push(grid, worker):
    # The push keeps the versions it has read (they never change); one it has not seen is asked for.
    v2 = {"key": "household_visit", "version": 2}
    assert push(worker, visit_item(grid))[0]["status"] == "accepted"
    assert push(worker, visit_item(grid, template=v2))[0]["error"]["code"] == "unknown_template"
    add_version(
        key="household_visit",
        kind="household_visit",
        title={"zh": HOUSEHOLD_VISIT_V1["title"]["zh"], "en": HOUSEHOLD_VISIT_V1["title"]["en"]},
        fields_=[*HOUSEHOLD_VISIT_V1["fields"], {"name": "door_number", "type": "text", "required": True}],
    )
    db.session.commit()
    missing_door, with_door = visit_item(grid, template=v2), visit_item(grid, template=v2)
    with_door["payload"]["answers"]["door_number"] = "3栋2单元501"
    results = push(worker, missing_door, with_door, visit_item(grid))
    assert [r["status"] for r in results] == ["rejected", "accepted", "accepted"]
    assert list(results[0]["error"]["fields"]) == ["door_number"]


def test_a_template_of_another_kind_does_not_fit(grid, worker):
    # welfare_visit is a known kind, but household_visit v1 is not its template.
    results = push(worker, visit_item(grid, kind="welfare_visit"))
    assert results[0]["error"]["code"] == "unknown_template"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (visit_answers(visit_date=...), "visit_date"),  # missing required
        (visit_answers(people_met="two"), "people_met"),  # wrong type
        (visit_answers(housing="palace"), "housing"),  # choice not in list
        (visit_answers(people_met=99), "people_met"),  # out of range
        (
            visit_answers(anyone_home=False, special_groups=..., needs=..., needs_detail=...),
            "people_met",
        ),  # hidden
        (visit_answers(shoe_size=42), "shoe_size"),  # unknown answer key
    ],
)
def test_answers_breaking_a_template_rule_are_rejected_with_field_errors(grid, worker, answers, field):
    item = visit_item(grid, payload={"grid_id": grid, "household_id": None, "answers": answers})
    results = push(worker, item)
    assert results[0]["status"] == "rejected"
    assert results[0]["error"]["code"] == "validation_failed"
    assert field in results[0]["error"]["fields"], results[0]["error"]
    assert count(Submission) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"created_at": "2026-11-27T09:30:00"}, "created_at"),  # no offset
        ({"created_at": "yesterday"}, "created_at"),
        ({"location": {"lat": 91, "lng": 115.8}}, "location"),
        ({"location": {"lat": 28.6, "lng": 115.8, "accuracy": -1}}, "location"),
        ({"photos": ["not-a-hash"]}, "photos"),
        ({"payload": "visit"}, "payload"),
    ],
)
def test_bad_shared_parts_are_rejected(grid, worker, change, field):
    results = push(worker, visit_item(grid, **change))
    assert results[0]["status"] == "rejected" and field in results[0]["error"]["fields"]


def test_bad_payload_keys_are_rejected(grid, worker):
    payload = {"grid_id": grid, "household_id": "nope", "answers": visit_answers(), "mood": "happy"}
    fields = push(worker, visit_item(grid, payload=payload))[0]["error"]["fields"]
    assert set(fields) == {"household_id", "mood"}


def test_a_number_json_cannot_carry_is_rejected(grid, worker):
    item = visit_item(grid)
    raw = json.dumps({"device_id": "phone-1", "items": [item]}).replace(
        '"people_met": 2', '"people_met": NaN'
    )
    response = worker.post(PUSH, data=raw, content_type="application/json")
    assert response.get_json()["results"][0]["status"] == "rejected"
    assert count(Submission) == 0


def test_101_items_are_refused_whole(grid, worker):
    response = worker.post(
        PUSH, json={"device_id": "phone-1", "items": [visit_item(grid) for _ in range(101)]}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "too_many_items"
    assert count(Submission) == 0 and count(Device) == 0


def test_a_body_over_1_mb_is_refused(grid, worker):
    items = [
        visit_item(grid, payload={"grid_id": grid, "answers": visit_answers(notes="长" * 900)})
        for _ in range(100)
    ]
    body = json.dumps({"device_id": "phone-1", "items": items}, ensure_ascii=False).encode()
    body = body[:-2] + b" " * (1024 * 1024) + body[-2:]
    assert len(body) > 1024 * 1024
    response = worker.post(PUSH, data=body, content_type="application/json")
    assert response.status_code == 413
    assert count(Submission) == 0


@pytest.mark.parametrize("body", [{"items": []}, {"device_id": "phone-1"}, {"device_id": "a b", "items": []}])
def test_a_malformed_envelope_is_422(org, worker, body):
    response = worker.post(PUSH, json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_failed"


def test_the_same_id_twice_in_one_batch_is_stored_once(grid, worker):
    item = visit_item(grid)
    edited = visit_item(grid, item["id"], payload={"grid_id": grid, "answers": visit_answers(notes="改过")})
    results = push(worker, item, item, edited)
    assert [r["status"] for r in results] == ["accepted", "duplicate", "conflict"]
    assert all(r["id"] == item["id"] for r in results)
    assert count(Submission) == 1 and count(SyncConflict) == 1


def test_a_resent_item_is_a_duplicate_answered_like_the_first_time(grid, worker):
    item = visit_item(grid)
    first = push(worker, item)[0]
    again = push(worker, item)[0]
    assert again == dict(first, status="duplicate")
    assert count(Submission) == 1


def test_the_response_lost_after_commit_then_the_retry_answers_duplicate(grid, worker):
    batch = [visit_item(grid) for _ in range(5)]
    push(worker, *batch)  # committed; pretend the answer never reached the phone
    retry = push(worker, *batch)
    assert {r["status"] for r in retry} == {"duplicate"}
    assert [r["id"] for r in retry] == [i["id"] for i in batch]
    assert count(Submission) == 5


def test_same_id_with_different_content_is_a_conflict_and_both_are_kept(org, grid, worker):
    item = visit_item(grid)
    push(worker, item)
    edited = visit_item(grid, item["id"], payload={"grid_id": grid, "answers": visit_answers(people_met=5)})
    result = push(worker, edited)[0]
    assert result["status"] == "conflict"
    assert result["server"]["payload"]["answers"]["people_met"] == 2
    assert result["server"]["id"] == item["id"]
    stored = db.session.get(Submission, uuid.UUID(item["id"]))
    assert stored.answers["people_met"] == 2
    conflict = db.session.scalar(select(SyncConflict))
    assert (
        conflict.item_id == uuid.UUID(item["id"])
        and conflict.payload["payload"]["answers"]["people_met"] == 5
    )
    assert conflict.user_id == org["worker"].id and conflict.device_id == "phone-1"
    # Sending the same losing side again keeps one copy of it.
    assert push(worker, edited)[0]["status"] == "conflict"
    assert count(SyncConflict) == 1 and count(Submission) == 1


def test_an_id_clash_with_someone_elses_record_reveals_nothing(org, auth, client):
    auth.login("worker1")
    mine = visit_item(org["worker"].grids[0].id)
    push(auth, mine)
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker2")
    theirs = visit_item(org["worker_other"].grids[0].id, mine["id"])
    result = push(auth, theirs, device_id="phone-2")[0]
    assert result["status"] == "conflict" and "server" not in result


def test_an_item_for_a_grid_outside_the_workers_scope_is_forbidden(org, grid, worker):
    other = org["worker_other"].grids[0].id
    results = push(worker, visit_item(other), visit_item(999_999), visit_item(grid))
    assert [r["status"] for r in results] == ["forbidden", "forbidden", "accepted"]
    assert results[0]["error"]["code"] == "forbidden"
    assert count(Submission) == 1


def test_an_admin_naming_a_grid_that_does_not_exist_gets_a_field_error(org, auth):
    auth.login("admin1")
    result = push(auth, visit_item(999_999))[0]
    assert result["status"] == "rejected" and "grid_id" in result["error"]["fields"]


def test_an_item_naming_a_photo_not_uploaded_waits_for_it(grid, worker):
    photo = jpeg_bytes()
    sha = hashlib.sha256(photo).hexdigest()
    answers = visit_answers(visit_photos=[sha])
    item = visit_item(grid, photos=[sha], payload={"grid_id": grid, "answers": answers})
    assert push(worker, item)[0] == {"id": item["id"], "status": "missing_photos", "missing": [sha]}
    assert count(Submission) == 0
    put = worker.put(f"/api/v1/photos/{sha}", data=photo, content_type="image/jpeg")
    assert put.status_code == 201
    assert push(worker, item)[0]["status"] == "accepted"
    links = db.session.execute(select(submission_photo.c.sha256, submission_photo.c.position)).all()
    assert links == [(sha, 0)]


def test_a_photo_named_only_in_the_answers_is_waited_for_too(grid, worker):
    sha = hashlib.sha256(b"elsewhere").hexdigest()
    item = visit_item(grid, payload={"grid_id": grid, "answers": visit_answers(visit_photos=[sha])})
    assert push(worker, item)[0]["missing"] == [sha]


def test_a_session_expired_mid_sync_is_401_and_changes_nothing(org, grid, worker):
    assert push(worker, visit_item(grid))[0]["status"] == "accepted"
    org["worker"].end_sessions()  # e.g. an admin reset the password between two batches
    db.session.commit()
    response = worker.post(PUSH, json={"device_id": "phone-1", "items": [visit_item(grid)]})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert count(Submission) == 1


@pytest.fixture
def exploding_item(app):
    """Fails the insert of one chosen submission id: a fault the validator cannot see."""
    with exploding_insert("submission", "id") as item_id:
        yield item_id


def test_one_item_failing_in_the_database_does_not_block_the_others(grid, worker, exploding_item):
    batch = [visit_item(grid), visit_item(grid, exploding_item), visit_item(grid)]
    results = push(worker, *batch)
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert results[1]["error"]["code"] == "store_failed"
    stored = set(db.session.scalars(select(Submission.id)))
    assert stored == {uuid.UUID(batch[0]["id"]), uuid.UUID(batch[2]["id"])}
    # Their feed rows committed with them; the failed item left none.
    fed = db.session.scalars(select(SyncChange.entity_id).where(SyncChange.entity == "submission")).all()
    assert sorted(fed) == sorted([batch[0]["id"], batch[2]["id"]])


def test_a_batch_whose_twin_committed_first_is_answered_duplicate_for_it(grid, worker):
    """A resend racing its original: the original commits between this push's look-up and its
    insert. The insert fails on the id; the push is made again item by item."""
    push(worker, visit_item(grid))  # the device row is fresh: the next push writes first in its insert
    batch = [visit_item(grid) for _ in range(3)]
    raced = []

    def twin_commits_first(conn, cursor, statement, parameters, context, executemany) -> None:
        if raced or not statement.startswith("INSERT INTO submission"):
            return
        raced.append(batch[0]["id"])
        other = db.engine.raw_connection()  # another request's connection, committing first
        try:
            other.cursor().execute(statement, parameters[0] if executemany else parameters)
            other.commit()
        finally:
            other.close()

    event.listen(db.engine, "before_cursor_execute", twin_commits_first)
    try:
        results = push(worker, *batch)
    finally:
        event.remove(db.engine, "before_cursor_execute", twin_commits_first)
    assert raced and [r["status"] for r in results] == ["duplicate", "accepted", "accepted"]
    stored = db.session.scalars(
        select(Submission.id).where(Submission.id.in_([uuid.UUID(i["id"]) for i in batch]))
    )
    assert sorted(map(str, stored)) == sorted(item["id"] for item in batch)
    fed = db.session.scalars(select(SyncChange.entity_id).where(SyncChange.entity == "submission")).all()
    assert batch[1]["id"] in fed and batch[2]["id"] in fed and fed.count(batch[1]["id"]) == 1


def test_a_resent_batch_writes_nothing_while_the_device_row_is_fresh(app, grid, worker):
    batch = [visit_item(grid) for _ in range(3)]
    push(worker, *batch, app_version="1.2.0")
    synced = db.session.get(Device, "phone-1").last_sync_at
    with recorded_statements() as sql:
        results = push(worker, *batch, app_version="1.2.0")
    assert [r["status"] for r in results] == ["duplicate"] * 3
    assert [s for s in sql if "INSERT" in s or "UPDATE" in s or "DELETE" in s] == []
    db.session.expire_all()
    assert db.session.get(Device, "phone-1").last_sync_at == synced
    # Once the row is older than the refresh interval, the next push writes it again.
    app.config["SYNC_DEVICE_REFRESH_SECONDS"] = 0
    with recorded_statements() as sql:
        push(worker, *batch, app_version="1.2.0")
    assert [s for s in sql if s.startswith("INSERT INTO device")]


def test_a_rolled_back_device_write_is_not_taken_for_a_stored_one(org):
    worker_id = org["worker"].id
    record_device("phone-7", worker_id, "1.0", unless_fresh=True)
    db.session.rollback()
    db.session.commit()  # the session goes on (as the push does after an optimistic insert failed)
    with recorded_statements() as sql:
        record_device("phone-7", worker_id, "1.0", unless_fresh=True)
    db.session.commit()
    assert [s for s in sql if s.startswith("INSERT INTO device")]
    assert db.session.get(Device, "phone-7").user_id == worker_id


def test_a_mixed_batch_is_answered_in_order(org, grid, worker):
    stored = visit_item(grid)
    push(worker, stored)
    batch = [
        visit_item(grid),
        stored,
        visit_item(grid, kind="nope"),
        visit_item(org["worker_other"].grids[0].id),
        visit_item(grid, photos=["a" * 64]),
        visit_item(grid, stored["id"], payload={"grid_id": grid, "answers": visit_answers(notes="x")}),
    ]
    results = push(worker, *batch)
    assert [r["id"] for r in results] == [i["id"] for i in batch]
    assert [r["status"] for r in results] == [
        "accepted",
        "duplicate",
        "rejected",
        "forbidden",
        "missing_photos",
        "conflict",
    ]


def test_english_messages_when_the_phone_asks(grid, worker):
    response = worker.post(
        PUSH,
        json={"device_id": "phone-1", "items": [visit_item(grid, kind="nope")]},
        headers={"Accept-Language": "en"},
    )
    assert "Unknown kind" in response.get_json()["results"][0]["error"]["fields"]["kind"][0]
