"""Case actions taken offline (case_action outbox items) wake the same phones as the desk's do,
after the commit, once: through the real API to a local push service."""

from __future__ import annotations

import json
import uuid

import pytest

from server.cases.models import Case
from server.extensions import db
from server.push.message import WebPush
from server.push.service import send_all
from tests.factories import (
    city_item,
    exploding_insert,
    install_forms,
    make_user,
    org_with_users,
    push_item,
    upload_photos,
)

PUSH = "/api/v1/sync/push"


@pytest.fixture
def org(delivering_app):
    made = org_with_users()
    made["handler_other"] = make_user("handler", "handler2", department_id=made["departments"][1].id)
    db.session.commit()
    install_forms()
    delivering_app.config["FAKE_NOW"] = "2026-11-30T09:00:00+08:00"
    return made


@pytest.fixture
def auth(delivering_auth):
    return delivering_auth


@pytest.fixture
def subscribed(org, auth, phones):
    """The reporter, the supervisor and a handler of each department have a subscribed phone."""
    for username in ("worker1", "super1", "handler1", "handler2"):
        phones.subscribe(auth, username)
    return phones


def push(auth, *items, device="desk-laptop"):
    response = auth.post(PUSH, json={"device_id": device, "items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def reported_case(auth, org, start: int = 0) -> str:
    """worker1 reports a street vendor from the phone."""
    auth.login("worker1")
    photos = upload_photos(auth, 1, start=start)
    [result] = push(auth, city_item(org["worker"].grids[0].id, photos), device="phone-1")
    assert result["status"] == "accepted", result
    return result["case_id"]


def filed_case(auth, org, start: int = 0) -> str:
    """A reported case super1 has filed at the desk."""
    case_id = reported_case(auth, org, start)
    auth.login("super1")
    response = auth.post(f"/api/v1/cases/{case_id}/actions", json={"action": "file"})
    assert response.status_code == 200, response.get_json()
    return case_id


def dispatch_item(case_id: str, department_id: int | None, item_id: str | None = None) -> dict:
    payload = {"case_id": case_id, "action": "dispatch", "department_id": department_id}
    return push_item("case_action", payload, item_id=item_id)


def test_an_offline_dispatch_wakes_the_department_once(org, auth, subscribed):
    case_id = filed_case(auth, org)
    item = dispatch_item(case_id, org["departments"][0].id)

    [result] = push(auth, item)
    assert result["status"] == "accepted" and result["case_state"] == "dispatched"
    received = subscribed.received()
    assert received["handler1"] == [
        {
            "kind": "case_dispatched",
            "title": received["handler1"][0]["title"],
            "url": f"/cases/{case_id}",
            "tag": f"case-{case_id}",
            "data": {"case_id": case_id},
        }
    ]
    assert received["handler1"][0]["title"].startswith("新派遣案件：")
    assert received["worker1"] == received["super1"] == received["handler2"] == []

    [again] = push(auth, item)  # the answer never reached the laptop: it sends the item again
    assert again["status"] == "duplicate"
    assert len(subscribed.received()["handler1"]) == 1


def test_an_offline_return_wakes_the_reporter(org, auth, subscribed):
    case_id = reported_case(auth, org)
    submission_id = str(db.session.get(Case, uuid.UUID(case_id)).submission_id)
    auth.login("super1")
    item = push_item("case_action", {"case_id": case_id, "action": "return", "comment": "请补充门牌号"})

    [result] = push(auth, item)
    assert result["status"] == "accepted" and result["case_state"] == "returned"
    received = subscribed.received()
    # The report comes back as a returned submission does: 我的上报 opens on it, ready to fix.
    assert received["worker1"] == [
        {
            "kind": "submission_returned",
            "title": "退回补充：请补充门牌号",
            "url": f"/submissions/{submission_id}",
            "tag": f"submission-{submission_id}",
            "data": {"submission_id": submission_id},
        }
    ]
    assert received["handler1"] == received["handler2"] == received["super1"] == []


def test_rejected_conflicting_and_forbidden_actions_send_nothing(org, auth, subscribed):
    case_id = filed_case(auth, org)
    auth.login("super1")
    nobody = dispatch_item(case_id, None)  # neither a department nor a person
    handled = push_item("case_action", {"case_id": case_id, "action": "close"})  # not checked yet

    results = push(auth, nobody, handled)
    assert [r["status"] for r in results] == ["rejected", "conflict"]
    auth.login("worker2")  # another community's worker: the case is outside their grids
    [result] = push(auth, dispatch_item(case_id, org["departments"][0].id), device="phone-2")
    assert result["status"] == "forbidden"

    assert subscribed.received() == {"worker1": [], "super1": [], "handler1": [], "handler2": []}


@pytest.fixture
def exploding_item(delivering_app):
    """Fails the case event of one chosen outbox item id."""
    with exploding_insert("case_event", "item_id") as item_id:
        yield item_id


def test_an_item_rolled_back_to_its_savepoint_wakes_nobody(org, auth, subscribed, exploding_item):
    """The batch insert fails, each item gets its own savepoint: only the stored one pushes."""
    stored_case, failed_case = filed_case(auth, org), filed_case(auth, org, start=1)
    department = org["departments"][0].id
    batch = [dispatch_item(stored_case, department), dispatch_item(failed_case, department, exploding_item)]

    results = push(auth, *batch)
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert results[1]["error"]["code"] == "store_failed"
    received = subscribed.received()
    assert [p["url"] for p in received["handler1"]] == [f"/cases/{stored_case}"]


def test_an_imported_backup_wakes_the_department_after_its_commit(org, auth, subscribed):
    """An admin imports the supervisor's laptop backup holding an offline dispatch."""
    case_id = filed_case(auth, org)
    item = dict(
        dispatch_item(case_id, org["departments"][1].id), owner="super1", status="pending", attempts=1
    )
    backup = {
        "format": "gridwalk-outbox-backup",
        "version": 1,
        "device_id": "desk-laptop",
        "owner": "super1",
        "items": [item],
        "photos": [],
    }
    auth.login("admin1")

    response = auth.post("/api/v1/sync/import", data=json.dumps(backup), content_type="application/json")
    assert response.status_code == 200, response.get_json()
    assert [r["status"] for r in response.get_json()["results"]] == ["accepted"]
    received = subscribed.received()
    assert [p["url"] for p in received["handler2"]] == [f"/cases/{case_id}"]
    assert received["handler1"] == []


def test_an_offline_dispatch_runs_on_the_case_clock_like_the_desks(org, auth, subscribed):
    """GRIDWALK_FAKE_NOW (tests, training demos) moves the offline path's clock as it moves the desk's."""
    case_id = filed_case(auth, org)
    [result] = push(auth, dispatch_item(case_id, org["departments"][0].id))
    assert result["status"] == "accepted"
    case = auth.client.get(f"/api/v1/cases/{case_id}").get_json()
    # Dispatched at the fake Monday 09:00 (Shanghai), so no working time has gone by yet.
    assert case["dispatched_at"].startswith("2026-11-30T01:00:00")
    assert case["clocks"]["handle"]["elapsed_minutes"] == 0


def test_a_push_that_cannot_be_built_does_not_stop_the_others(org, auth, subscribed, caplog):
    """After the commit the record is saved: one bad message is logged, the next still goes out."""
    worker = org["worker"].id
    good = {
        "user_ids": [worker],
        "kind": "case_returned",
        "title": "案件被退回",
        "url": "/cases/x",
        "tag": "case-x",
    }
    # Ids enough to push the encrypted payload past Web Push's 4 KB: notify() refuses to build it.
    too_big = WebPush(**good, data={"ids": list(range(3000))})
    send_all([too_big, WebPush(**good, data={"case_id": "x"})])
    assert "push case_returned not sent" in caplog.text
    assert [(p["kind"], p["url"]) for p in subscribed.received()["worker1"]] == [
        ("case_returned", "/cases/x")
    ]
