"""No 500 from any input (issue 10 §2): every hostile input is a 4xx in the JSON envelope and
changes nothing stored; one malformed sync item is one `rejected` result, never a failed batch."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from server.auth.models import User
from server.cases.models import CaseEvent
from server.extensions import db
from server.jsonbody import MAX_DEPTH
from server.register.models import Household, RegisterEdit
from server.submissions.models import Submission
from server.sync.models import SyncConflict
from tests.factories import (
    city_item,
    hazard_answers,
    hazard_item,
    household_upsert,
    make_household,
    make_resident,
    org_with_users,
    push_item,
    resident_upsert,
    upload_photos,
    visit_answers,
    visit_item,
)

PUSH = "/api/v1/sync/push"
SHA = "a" * 64
DEEP = 1000


@pytest.fixture
def org(app):
    from tests.factories import install_forms

    made = org_with_users()
    install_forms()
    grid = made["worker"].grids[0].id
    made["household"] = make_household(grid, notes="门口有台阶")
    made["resident"] = make_resident(made["household"])
    db.session.commit()
    return made


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def assert_envelope(response, status: int | tuple[int, ...], code: str | None = None) -> dict:
    """A 4xx answered with {"error": {code, message, ...}}; returns the error."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.is_json, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


def nested(levels: int) -> object:
    """A JSON value `levels` arrays deep (built without recursion; fine for json.dumps when small)."""
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


def with_deep(body: dict, levels: int = DEEP) -> str:
    """body as JSON text with its "deep" value nested `levels` arrays deep (json.dumps would recurse)."""
    return json.dumps(body, ensure_ascii=False).replace('"DEEP"', "[" * levels + '"x"' + "]" * levels)


# ---- route query and path parameters ---------------------------------------------------------

# (user, url, the parameter the error names): a digit int() refuses, and ids past a PostgreSQL integer.
QUERY_ROWS = [
    ("street1", "/api/v1/cases?grid_id=%C2%B2", "grid_id"),
    ("street1", "/api/v1/cases?community_id=%C2%B2", "community_id"),
    ("street1", "/api/v1/tasks?assignee_id=%C2%B2", "assignee_id"),
    ("street1", "/api/v1/households?grid_id=99999999999", "grid_id"),
    ("street1", "/api/v1/visits/due?grid_id=99999999999", "grid_id"),
    ("street1", "/api/v1/visits/flags?grid_id=99999999999", "grid_id"),
    ("street1", "/api/v1/buildings?grid_id=99999999999", "grid_id"),
    ("worker1", "/api/v1/submissions/mine?page=9223372036854775809", "page"),
    ("admin1", "/api/v1/audit?actor_id=153275691108", "actor_id"),
    ("street1", "/api/v1/register/export.csv?grid_id=99999999999", "grid_id"),
]


@pytest.mark.parametrize(("username", "url", "param"), QUERY_ROWS, ids=[row[1] for row in QUERY_ROWS])
def test_a_query_number_no_column_can_hold_is_a_field_error(org, auth, client, username, url, param):
    auth.login(username)
    error = assert_envelope(client.get(url), 422, "validation_failed")
    assert param in error["fields"], error


@pytest.mark.parametrize(
    "url",
    ["/api/v1/org/grids/4541697156", "/api/v1/forms/x/3479954924", "/api/v1/users/50245469611222160"],
)
def test_an_id_in_the_path_past_any_row_is_not_found(org, auth, client, url):
    auth.login("admin1")
    assert_envelope(client.get(url), 404, "not_found")


def test_the_largest_id_in_the_path_still_reaches_the_route(org, auth, client):
    auth.login("admin1")
    # 2^31-1 is a valid id that names nothing: the route itself answers.
    assert_envelope(client.get("/api/v1/org/grids/2147483647"), 404, "not_found")
    grid = org["worker"].grids[0].id
    assert client.get(f"/api/v1/org/grids/{grid}").status_code == 200


def test_creating_a_user_in_a_grid_past_any_id_is_refused(org, auth):
    auth.login("admin1")
    users = count(User)
    response = auth.post(
        "/api/v1/users",
        json={
            "username": "newworker",
            "password": "correct-horse-9",
            "role": "worker",
            "grid_ids": [18555318365],
        },
    )
    error = assert_envelope(response, 422, "validation_failed")
    assert "grid_ids" in error["fields"], error
    assert count(User) == users


@pytest.mark.parametrize("code", [{}, [], 7])
def test_a_time_limit_whose_code_is_not_a_string_is_a_field_error(org, auth, client, code):
    # Found by schemathesis: an unhashable code used to reach `in known` and raise (500).
    auth.login("admin1")
    before = client.get("/api/v1/cases/time-limits").get_json()
    body = {"time_limits": [{"code": code, "value": 1, "unit": "working_hours"}]}
    error = assert_envelope(auth.put("/api/v1/cases/time-limits", json=body), 422, "validation_failed")
    assert "0" in error["fields"], error
    assert client.get("/api/v1/cases/time-limits").get_json() == before


def test_a_cursor_outside_the_token_alphabet_is_a_bad_cursor(org, auth, client):
    # Found by schemathesis: 2,000 non-ASCII characters percent-encode past gunicorn's request
    # line (an HTML 414); the spec now gives the token alphabet, and the server keeps its word.
    auth.login("worker1")
    spec = client.get("/api/v1/openapi.json").get_json()
    [cursor] = [p for p in spec["paths"]["/api/v1/sync/pull"]["get"]["parameters"] if p["name"] == "cursor"]
    assert cursor["schema"]["pattern"] == "^[A-Za-z0-9_.-]+$"
    assert_envelope(client.get("/api/v1/sync/pull?cursor=%E7%BD%91%E6%A0%BC"), 400, "bad_cursor")


# ---- NUL (U+0000) in strings ---------------------------------------------------------------


def test_a_nul_in_the_login_username_is_a_field_error(org, client):
    response = client.post("/api/v1/auth/login", json={"username": "worker1\u0000", "password": "x"})
    error = assert_envelope(response, 422, "validation_failed")
    assert error["fields"] == {"username": [error["fields"]["username"][0]]}
    assert "NUL" in error["fields"]["username"][0]


def test_a_nul_in_a_search_is_a_field_error(org, auth, client):
    auth.login("worker1")
    error = assert_envelope(client.get("/api/v1/households?q=a%00b"), 422, "validation_failed")
    assert "q" in error["fields"]


def test_a_nul_in_a_path_names_nothing(org, auth, client):
    auth.login("worker1")
    assert_envelope(client.get("/api/v1/forms/household_visit%00/1"), 404, "not_found")
    assert_envelope(client.get(f"/api/v1/households/{org['household'].id}%00"), 404, "not_found")


def test_a_nul_in_household_notes_is_refused_and_the_notes_are_kept(org, auth):
    auth.login("super1")
    household = org["household"]
    response = auth.patch(
        f"/api/v1/households/{household.id}", json={"version": household.version, "notes": "a\u0000b"}
    )
    error = assert_envelope(response, 422, "validation_failed")
    assert "notes" in error["fields"]
    db.session.refresh(household)
    assert household.notes == "门口有台阶" and household.version == 1


def test_a_nul_in_a_major_change_note_is_refused_and_nothing_is_recorded(org, auth):
    auth.login("super1")
    resident = org["resident"]
    response = auth.post(f"/api/v1/residents/{resident.id}/major-change", json={"note": "搬家\u0000"})
    error = assert_envelope(response, 422, "validation_failed")
    assert "note" in error["fields"]
    db.session.refresh(resident)
    assert resident.major_change_at is None


def test_english_nul_message_when_asked(org, client):
    response = client.post(
        "/api/v1/auth/login",
        json={"username": "a\u0000", "password": "x"},
        headers={"Accept-Language": "en"},
    )
    error = assert_envelope(response, 422, "validation_failed")
    assert error["fields"]["username"] == ["May not contain the NUL character."]


def test_a_nul_in_a_json_key_is_refused(org, auth):
    auth.login("super1")
    household = org["household"]
    response = auth.patch(f"/api/v1/households/{household.id}", json={"version": 1, "no\u0000tes": "x"})
    error = assert_envelope(response, 422, "validation_failed")
    # The key is named with its NUL spelled out, so the message shows where it is.
    assert list(error["fields"]) == ["no\\u0000tes"] and "NUL" in error["fields"]["no\\u0000tes"][0]
    db.session.refresh(household)
    assert household.version == 1


# ---- the sync push: one bad item is one rejected result ------------------------------------


def push(auth, *items, device_id: str = "phone-1"):
    response = auth.post(PUSH, json={"device_id": device_id, "items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def assert_rejected_beside_a_good_item(auth, grid: int, bad: dict) -> dict:
    """Push [bad, good]: bad is `rejected` validation_failed, good is stored exactly once."""
    good = visit_item(grid)
    results = push(auth, bad, good)
    assert [r["status"] for r in results] == ["rejected", "accepted"], results
    error = results[0]["error"]
    assert error["code"] == "validation_failed" and error["fields"], error
    assert results[0]["id"] == bad["id"]
    stored = db.session.scalars(select(Submission.id)).all()
    assert stored == [uuid.UUID(good["id"])]
    assert count(SyncConflict) == 0
    return error


def with_template(grid: int, template: object) -> dict:
    return visit_item(grid, template=template)


@pytest.mark.parametrize(
    ("bad_item", "field"),
    [
        (lambda g: with_template(g, {"key": [], "version": 1}), "template.key"),
        (lambda g: with_template(g, {"key": {}, "version": 1}), "template.key"),
        (lambda g: with_template(g, {"key": "a\u0000", "version": 1}), "template.key"),
        (lambda g: with_template(g, {"key": "household_visit", "version": 99999999999}), "template.version"),
        (lambda g: with_template(g, {"key": "household_visit", "version": [1]}), "template.version"),
        (lambda g: with_template(g, "household_visit"), "template"),
        (
            lambda g: hazard_item(g, [SHA], answers=hazard_answers([SHA], scene_photos=[["x"]])),
            "scene_photos",
        ),
        (lambda g: visit_item(g, payload={"grid_id": g, "answers": visit_answers(notes="好\u0000")}), None),
        (lambda g: visit_item(g, payload={"grid_id": g, "answers": [visit_answers()]}), "answers"),
        (lambda g: visit_item(g, payload=[{"grid_id": g}]), "payload"),
        (lambda g: visit_item(g, payload={"grid_id": 99999999999, "answers": visit_answers()}), "grid_id"),
        (lambda g: visit_item(g, payload={"grid_id": [g], "answers": visit_answers()}), "grid_id"),
        (lambda g: visit_item(g, payload={"grid_id": g, "answers": visit_answers(people_met=10**30)}), None),
        (lambda g: visit_item(g, payload={"grid_id": g, "household_id": ["x"], "answers": {}}), None),
        (lambda g: visit_item(g, kind=["household_visit"]), "kind"),
        (lambda g: visit_item(g, kind="household_visit\u0000"), "kind"),
        (lambda g: visit_item(g, photos=[[SHA]]), "photos"),
        (lambda g: visit_item(g, photos=SHA), "photos"),
        (lambda g: visit_item(g, location={"lat": "28.6", "lng": 115.8}), "location"),
        (lambda g: visit_item(g, location={"lat": 10**400, "lng": 115.8}), "location"),
        (lambda g: visit_item(g, location={"lat": 28.6, "lng": 115.8, "source": {"gps": 1}}), "location"),
        (lambda g: visit_item(g, location={"lat": 28.6, "lng": 115.8, "source": "g\u0000ps"}), None),
        (lambda g: visit_item(g, created_at=["2026-11-27T09:30:00+08:00"]), "created_at"),
        (lambda g: visit_item(g, payload={"grid_id": g, "answers": {"no\u0000te": 1}}), None),
    ],
    ids=lambda value: "" if callable(value) else str(value),
)
def test_a_malformed_item_is_rejected_and_the_rest_of_the_batch_is_stored(org, grid, worker, bad_item, field):
    bad = bad_item(grid)
    error = assert_rejected_beside_a_good_item(worker, grid, bad)
    if field is not None:
        assert field in error["fields"], error


def test_a_null_item_is_one_rejected_result(org, grid, worker):
    good = visit_item(grid)
    results = push(worker, None, good)
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["error"]["code"] == "validation_failed" and "item" in results[0]["error"]["fields"]
    assert count(Submission) == 1


def test_a_case_action_with_photos_that_are_not_hashes_is_rejected(org, grid, worker):
    photos = upload_photos(worker, 1)
    [report] = push(worker, city_item(grid, photos))
    assert report["status"] == "accepted", report
    events = count(CaseEvent)
    worker.login("super1")
    bad = push_item("case_action", {"case_id": report["case_id"], "action": "file", "photos": [[SHA]]})
    [result] = push(worker, bad)
    assert result["status"] == "rejected" and result["error"]["code"] == "validation_failed", result
    assert "photos" in result["error"]["fields"]
    assert count(CaseEvent) == events


def test_a_nul_in_form_answers_names_the_answer(org, grid, worker):
    bad = visit_item(grid, payload={"grid_id": grid, "answers": visit_answers(notes="好\u0000")})
    error = assert_rejected_beside_a_good_item(worker, grid, bad)
    assert list(error["fields"]) == ["payload.answers.notes"]
    assert "NUL" in error["fields"]["payload.answers.notes"][0]


def test_a_nul_in_a_register_upsert_is_validation_failed_not_store_failed(org, grid, worker):
    household = {
        "id": str(uuid.uuid4()),
        "grid_id": grid,
        "head_name": "李四",
        "address": "示例路9号",
        "notes": "a\u0000",
    }
    bad = household_upsert(household)
    error = assert_rejected_beside_a_good_item(worker, grid, bad)
    assert "payload.household.notes" in error["fields"]
    assert db.session.get(Household, uuid.UUID(household["id"])) is None
    assert count(RegisterEdit) == 0


def test_a_base_version_past_any_column_is_rejected(org, grid, worker):
    resident = org["resident"]
    bad = resident_upsert({"id": str(resident.id), "name": "王秀兰"}, base_version=99999999999)
    error = assert_rejected_beside_a_good_item(worker, grid, bad)
    assert "base_version" in error["fields"]
    db.session.refresh(resident)
    assert resident.name == "王秀英" and resident.version == 1


def test_a_malformed_resend_of_a_stored_id_is_rejected_not_kept_as_a_conflict(org, grid, worker):
    item = visit_item(grid)
    assert push(worker, item)[0]["status"] == "accepted"
    resent = dict(item, payload={"grid_id": grid, "answers": visit_answers(notes="改\u0000")})
    [result] = push(worker, resent)
    assert result["status"] == "rejected" and result["error"]["code"] == "validation_failed"
    assert count(SyncConflict) == 0 and count(Submission) == 1


def test_a_nul_in_the_push_envelope_is_refused_whole(org, grid, worker):
    response = worker.post(
        PUSH, json={"device_id": "phone-1", "app_version": "1.0\u0000", "items": [visit_item(grid)]}
    )
    error = assert_envelope(response, 422, "validation_failed")
    assert "app_version" in error["fields"]
    assert count(Submission) == 0


# ---- JSON nested too deep ----------------------------------------------------------------------


def test_a_push_nested_1000_deep_is_400_and_stores_nothing(org, grid, worker):
    item = visit_item(grid, payload={"grid_id": grid, "answers": visit_answers(), "deep": "DEEP"})
    body = with_deep({"device_id": "phone-1", "items": [item, visit_item(grid)]})
    response = worker.post(PUSH, data=body, content_type="application/json")
    assert_envelope(response, 400, "too_deep")
    assert count(Submission) == 0


def test_a_patch_nested_1000_deep_is_400_and_changes_nothing(org, auth):
    auth.login("super1")
    household = org["household"]
    body = with_deep({"version": 1, "notes": "DEEP"})
    response = auth.patch(f"/api/v1/households/{household.id}", data=body, content_type="application/json")
    assert_envelope(response, 400, "too_deep")
    db.session.refresh(household)
    assert household.notes == "门口有台阶" and household.version == 1


def test_a_body_nested_just_past_the_limit_is_refused_and_at_it_is_parsed(org, auth):
    auth.login("super1")
    household = org["household"]
    url = f"/api/v1/households/{household.id}"
    # The body object is one level, so notes nested MAX_DEPTH - 1 deep is exactly at the limit.
    at_limit = auth.patch(url, json={"version": 1, "notes": nested(MAX_DEPTH - 1)})
    assert_envelope(at_limit, 422, "validation_failed")  # parsed: notes must be text
    assert_envelope(auth.patch(url, json={"version": 1, "notes": nested(MAX_DEPTH)}), 400, "too_deep")


def test_brackets_inside_strings_do_not_count_as_depth(org, grid, worker):
    answers = visit_answers(notes="[" * 100 + "{" * 100 + '\\"[')
    item = visit_item(grid, payload={"grid_id": grid, "household_id": None, "answers": answers})
    assert push(worker, item)[0]["status"] == "accepted"
    assert db.session.get(Submission, uuid.UUID(item["id"])).answers["notes"] == answers["notes"]


def test_a_login_nested_1000_deep_is_400(org, client):
    body = with_deep({"username": "DEEP", "password": "x"})
    response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert_envelope(response, 400, "too_deep")


def test_a_backup_nested_1000_deep_is_400(org, auth):
    auth.login("super1")
    body = with_deep(
        {
            "format": "gridwalk-outbox-backup",
            "version": 1,
            "device_id": "p",
            "owner": "worker1",
            "items": "DEEP",
        }
    )
    response = auth.post("/api/v1/sync/import", data=body, content_type="application/json")
    assert_envelope(response, 400, "too_deep")
    assert count(Submission) == 0


def test_a_backup_owner_with_a_nul_is_refused(org, auth):
    auth.login("super1")
    body = json.dumps(
        {
            "format": "gridwalk-outbox-backup",
            "version": 1,
            "device_id": "p",
            "owner": "worker1\u0000",
            "items": [],
        }
    )
    response = auth.post("/api/v1/sync/import", data=body, content_type="application/json")
    error = assert_envelope(response, 422, "bad_backup")
    assert "owner" in error["fields"]
