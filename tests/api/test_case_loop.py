"""The case loop: the transition table, who may act, dispatch deadlines and lights, offline actions."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from server.auth.models import User
from server.cases.loop import ACTIONS, TRANSITIONS
from server.cases.models import CASE_STATES, Case, CaseEvent
from server.extensions import db
from server.photos.models import Photo
from server.photos.service import in_use
from tests.factories import city_item, install_forms, make_user, org_with_users, push_item, upload_photos

PUSH = "/api/v1/sync/push"
MONDAY_9 = "2026-11-30T09:00:00+08:00"


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    app.config["FAKE_NOW"] = MONDAY_9
    return made


@pytest.fixture
def grid(org) -> int:
    return org["worker"].grids[0].id


def push(auth, *items, device="phone-1"):
    response = auth.post(PUSH, json={"device_id": device, "items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def report(auth, grid, start=0) -> str:
    """The worker reports a street vendor (2 working hours) and gets the case id."""
    auth.login("worker1")
    photos = upload_photos(auth, 1, start=start)
    [result] = push(auth, city_item(grid, photos))
    assert result["status"] == "accepted", result
    return result["case_id"]


def act(auth, case_id, **body):
    return auth.post(f"/api/v1/cases/{case_id}/actions", json=body)


def force_state(case_id: str, state: str) -> None:
    case = db.session.get(Case, uuid.UUID(case_id))
    case.state = state
    db.session.commit()


def to_checked(auth, org, case_id, app):
    auth.login("super1")
    assert act(auth, case_id, action="file").status_code == 200
    dept = org["departments"][0].id
    assert act(auth, case_id, action="dispatch", department_id=dept).status_code == 200
    auth.login("handler1")
    after = upload_photos(auth, 1, start=50)
    assert act(auth, case_id, action="handle", comment="已劝离", photos=after).status_code == 200
    auth.login("worker1")
    check = upload_photos(auth, 1, start=60)
    assert act(auth, case_id, action="check", photos=check).status_code == 200
    return after, check


def test_the_happy_path_reported_to_closed_records_every_event(org, grid, auth, app):
    case_id = report(auth, grid)
    after, check = to_checked(auth, org, case_id, app)
    auth.login("super1")
    response = act(auth, case_id, action="close", comment="核查属实，结案")
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["state"] == "closed"
    assert [e["action"] for e in data["events"]] == ["report", "file", "dispatch", "handle", "check", "close"]
    assert [(e["from"], e["to"]) for e in data["events"]][1:] == [
        ("reported", "filed"),
        ("filed", "dispatched"),
        ("dispatched", "handled"),
        ("handled", "checked"),
        ("checked", "closed"),
    ]
    assert data["after_photos"] == after and data["check_photos"] == check
    # 2 working hours from Monday 09:00 → 11:00; the whole case 4 h from filing → 15:00.
    assert data["clocks"]["handle"]["deadline"] == "2026-11-30T03:00:00+00:00"
    assert data["clocks"]["case"]["deadline"] == "2026-11-30T07:00:00+00:00"
    assert data["clocks"]["handle"]["light"] == "green" and data["allowed_actions"] == []
    # The after-photo is a case photo: kept by the prune, visible to the case's handler.
    assert db.session.scalar(select(in_use(Photo.sha256)).where(Photo.sha256 == after[0]))
    auth.login("handler1")
    assert auth.client.get(f"/api/v1/photos/{check[0]}").status_code == 200


def test_a_case_past_its_deadline_turns_red_and_is_overdue(org, grid, auth, app):
    case_id = report(auth, grid)
    auth.login("super1")
    act(auth, case_id, action="file")
    act(auth, case_id, action="dispatch", department_id=org["departments"][0].id)
    app.config["FAKE_NOW"] = "2026-11-30T10:40:00+08:00"  # 100 of 120 minutes: 83 %
    assert auth.client.get(f"/api/v1/cases/{case_id}").get_json()["clocks"]["handle"]["light"] == "yellow"
    app.config["FAKE_NOW"] = "2026-11-30T14:30:00+08:00"  # lunch does not count: 3.5 h of 2
    data = auth.client.get(f"/api/v1/cases/{case_id}").get_json()
    assert data["clocks"]["handle"]["light"] == "red" and data["overdue"] is True
    assert data["clocks"]["handle"]["elapsed_minutes"] == 210
    listed = auth.client.get("/api/v1/cases?overdue=1").get_json()
    assert [c["id"] for c in listed["cases"]] == [case_id]


SUPERVISOR_ACTIONS = ["file", "return", "void", "merge", "dispatch", "rework", "close"]
ILLEGAL = [(s, a) for s in CASE_STATES for a in SUPERVISOR_ACTIONS if (s, a) not in TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_every_illegal_supervisor_transition_answers_409_with_the_allowed_actions(
    org, grid, auth, state, action
):
    case_id = report(auth, grid)
    force_state(case_id, state)
    auth.login("street1")
    response = act(auth, case_id, action=action, comment="x", reason="x")
    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "illegal_transition" and error["state"] == state
    assert error["allowed"] == [a for (s, a) in TRANSITIONS if s == state and a not in ("handle",)]
    assert db.session.get(Case, uuid.UUID(case_id)).state == state


@pytest.mark.parametrize(
    "state", ["reported", "filed", "returned", "voided", "merged", "handled", "checked", "closed"]
)
def test_handle_outside_dispatched_is_409(org, grid, auth, state):
    case_id = report(auth, grid)
    force_state(case_id, state)
    case = db.session.get(Case, uuid.UUID(case_id))
    case.department_id = org["departments"][0].id
    db.session.commit()
    auth.login("handler1")
    photos = upload_photos(auth, 1, start=70)
    response = act(auth, case_id, action="handle", photos=photos)
    assert response.status_code == 409 and response.get_json()["error"]["allowed"] == []


def test_closing_a_case_that_was_never_checked_is_409(org, grid, auth):
    case_id = report(auth, grid)
    auth.login("super1")
    act(auth, case_id, action="file")
    response = act(auth, case_id, action="close")
    assert response.status_code == 409
    assert response.get_json()["error"]["allowed"] == ["dispatch"]


def test_table_covers_every_action():
    assert {a for _, a in TRANSITIONS} == set(ACTIONS)


def test_a_worker_trying_a_supervisor_action_gets_404(org, grid, auth):
    case_id = report(auth, grid)
    for action in ("file", "void", "dispatch"):
        assert act(auth, case_id, action=action, reason="x").status_code == 404


def test_a_handler_acting_on_another_departments_case_gets_404(org, grid, auth):
    case_id = report(auth, grid)
    auth.login("super1")
    act(auth, case_id, action="file")
    act(auth, case_id, action="dispatch", department_id=org["departments"][1].id)
    auth.login("handler1")
    photos = upload_photos(auth, 1, start=80)
    assert act(auth, case_id, action="handle", photos=photos).status_code == 404
    assert auth.client.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert auth.client.get("/api/v1/cases").get_json()["cases"] == []


def test_dispatch_needs_an_active_assignee_or_a_department(org, grid, auth):
    case_id = report(auth, grid)
    auth.login("super1")
    act(auth, case_id, action="file")
    response = act(auth, case_id, action="dispatch")
    assert response.status_code == 422 and "assignee_id" in response.get_json()["error"]["fields"]
    gone = make_user("handler", "handler_gone", department_id=org["departments"][0].id)
    gone.active = False
    db.session.commit()
    response = act(auth, case_id, action="dispatch", assignee_id=gone.id)
    assert response.status_code == 422 and "assignee_id" in response.get_json()["error"]["fields"]
    assert act(auth, case_id, action="dispatch", department_id=999999).status_code == 422
    past = act(
        auth, case_id, action="dispatch", assignee_id=org["handler"].id, deadline="2026-11-29T09:00:00+08:00"
    )
    assert past.status_code == 422
    ok = act(auth, case_id, action="dispatch", assignee_id=org["handler"].id)
    assert ok.status_code == 200 and ok.get_json()["assignee_id"] == org["handler"].id


def test_return_and_void_need_their_words(org, grid, auth):
    case_id = report(auth, grid)
    auth.login("super1")
    assert act(auth, case_id, action="return").status_code == 422
    assert act(auth, case_id, action="void").status_code == 422
    response = act(auth, case_id, action="return", comment="照片看不清，请补拍")
    assert response.status_code == 200 and response.get_json()["state"] == "returned"
    auth.login("worker1")
    mine = auth.client.get("/api/v1/submissions/mine").get_json()["submissions"]
    assert mine[0]["case_state"] == "returned"


def test_merge_keeps_both_reports_photos_and_refuses_itself_and_closed_cases(org, grid, auth):
    first = report(auth, grid, start=0)
    second = report(auth, grid, start=10)
    auth.login("super1")
    assert act(auth, second, action="merge", into_case_id=second).status_code == 422
    closed = report(auth, grid, start=20)
    force_state(closed, "closed")
    auth.login("super1")
    assert act(auth, second, action="merge", into_case_id=closed).status_code == 422
    response = act(auth, second, action="merge", into_case_id=first, comment="同一摊点")
    assert response.status_code == 200 and response.get_json()["merged_into_id"] == first
    target = auth.client.get(f"/api/v1/cases/{first}").get_json()
    source = db.session.get(Case, uuid.UUID(second))
    assert set(source.photos) <= set(target["photos"]) and len(target["photos"]) == 2
    assert target["events"][-1]["action"] == "merge_in"


def test_similar_finds_open_cases_of_the_same_category_nearby(org, grid, auth):
    first = report(auth, grid, start=0)
    second = report(auth, grid, start=10)
    auth.login("super1")
    found = auth.client.get(f"/api/v1/cases/{first}/similar").get_json()["cases"]
    assert [c["id"] for c in found] == [second] and found[0]["distance_m"] == 0


def test_rework_sends_a_checked_case_back_to_dispatched_with_a_new_deadline(org, grid, auth, app):
    case_id = report(auth, grid)
    to_checked(auth, org, case_id, app)
    auth.login("super1")
    app.config["FAKE_NOW"] = "2026-12-01T09:00:00+08:00"
    response = act(auth, case_id, action="rework", comment="未清理干净")
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["state"] == "dispatched" and data["department_id"] == org["departments"][0].id
    assert data["clocks"]["handle"]["deadline"] == "2026-12-01T03:00:00+00:00"


def test_a_handler_acts_offline_through_the_outbox_idempotently(org, grid, auth):
    case_id = report(auth, grid)
    auth.login("super1")
    act(auth, case_id, action="file")
    act(auth, case_id, action="dispatch", department_id=org["departments"][0].id)
    auth.login("handler1")
    pulled = auth.client.get("/api/v1/sync/pull").get_json()
    assert case_id in [c["id"] for c in pulled["changes"] if c["entity"] == "case"]
    photos = upload_photos(auth, 1, start=90)
    item = push_item(
        "case_action", {"case_id": case_id, "action": "handle", "comment": "已处置"}, photos=photos
    )
    [first] = push(auth, item, device="handler-phone")
    assert first["status"] == "accepted" and first["case_state"] == "handled"
    [again] = push(auth, item, device="handler-phone")
    assert again["status"] == "duplicate"
    stale = push_item("case_action", {"case_id": case_id, "action": "handle"}, photos=photos)
    [result] = push(auth, stale, device="handler-phone")
    assert result["status"] == "conflict" and result["server"]["state"] == "handled"
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == uuid.UUID(case_id))).all()
    assert [e.action for e in events].count("handle") == 1


def test_a_case_action_for_someone_elses_case_is_forbidden(org, grid, auth):
    case_id = report(auth, grid)
    auth.login("worker2")
    [result] = push(auth, push_item("case_action", {"case_id": case_id, "action": "check"}))
    assert result["status"] == "forbidden"


def test_time_limits_are_admin_editable_and_used_by_dispatch(org, grid, auth):
    auth.login("admin1")
    response = auth.put(
        "/api/v1/cases/time-limits",
        json={
            "time_limits": [{"code": "street_order.unlicensed_vendor", "value": 1, "unit": "working_days"}]
        },
    )
    assert response.status_code == 200
    limits = {e["code"]: e for e in response.get_json()["time_limits"]}
    assert limits["street_order.unlicensed_vendor"]["time_limit"] == {"value": 1, "unit": "working_days"}
    bad = auth.put("/api/v1/cases/time-limits", json={"time_limits": [{"code": "nope", "value": 1}]})
    assert bad.status_code == 422
    auth.login("super1")
    assert auth.put("/api/v1/cases/time-limits", json={"time_limits": []}).status_code == 404
    case_id = report(auth, grid)
    auth.login("super1")
    act(auth, case_id, action="file")
    data = act(auth, case_id, action="dispatch", department_id=org["departments"][0].id).get_json()
    assert data["clocks"]["handle"]["deadline"] == "2026-12-01T01:00:00+00:00"  # Tue 09:00


def test_inactive_check(org):
    assert db.session.get(User, org["handler"].id).active


def test_a_worker_checks_offline_but_not_in_another_grid(org, grid, auth):
    case_id = report(auth, grid)
    auth.login("super1")
    act(auth, case_id, action="file")
    act(auth, case_id, action="dispatch", department_id=org["departments"][0].id)
    auth.login("handler1")
    act(auth, case_id, action="handle", photos=upload_photos(auth, 1, start=40))
    auth.login("worker2")
    photos = upload_photos(auth, 1, start=41)
    assert act(auth, case_id, action="check", photos=photos).status_code == 404
    auth.login("worker1")
    assert act(auth, case_id, action="check").status_code == 422  # a check needs a photo
    photos = upload_photos(auth, 1, start=42)
    item = push_item(
        "case_action", {"case_id": case_id, "action": "check", "comment": "已整改"}, photos=photos
    )
    [result] = push(auth, item)
    assert result["status"] == "accepted" and result["case_state"] == "checked"


def test_an_action_whose_photo_is_not_uploaded_waits_for_it(org, grid, auth):
    case_id = report(auth, grid)
    auth.login("super1")
    act(auth, case_id, action="file")
    act(auth, case_id, action="dispatch", department_id=org["departments"][0].id)
    auth.login("handler1")
    missing = "ab" * 32
    item = push_item("case_action", {"case_id": case_id, "action": "handle"}, photos=[missing])
    [result] = push(auth, item)
    assert result["status"] == "missing_photos" and result["missing"] == [missing]
    assert act(auth, case_id, action="handle", photos=[missing]).status_code == 422
