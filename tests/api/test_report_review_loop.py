"""One review loop for reports: a report's review is its case's first step.

A supervisor returns the case; the report comes back to its author as a returned submission (with
the push a returned visit gets); the author's fix puts the same case back in `reported`, both
versions kept in the log, and the case runs on to closing and counts in the month's KPIs. A
resubmission that can never go through is refused in words. Visits keep their own review.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.cases.loop import loop_catalogue
from server.cases.models import Case
from server.extensions import db
from server.submissions.models import Submission
from tests.api.test_case_loop import MONDAY_9, act, force_state, push
from tests.factories import city_answers, city_item, install_forms, org_with_users, upload_photos, visit_item

FIX = "路口流动摊点占道经营，已拍到摊位全貌和门牌"


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    app.config["FAKE_NOW"] = MONDAY_9
    return made


@pytest.fixture
def grid(org) -> int:
    return org["worker"].grids[0].id


def reported(auth, grid: int, start: int = 0) -> tuple[str, dict]:
    """worker1 reports a street vendor: the case id and the item sent."""
    auth.login("worker1")
    item = city_item(grid, upload_photos(auth, 1, start=start))
    [result] = push(auth, item)
    assert result["status"] == "accepted", result
    return result["case_id"], item


def returned(auth, grid: int, start: int = 0) -> tuple[str, dict]:
    """A report whose case super1 has returned (退回补充)."""
    case_id, item = reported(auth, grid, start)
    auth.login("super1")
    response = act(auth, case_id, action="return", comment="照片看不清摊位，请补拍")
    assert response.status_code == 200, response.get_json()
    return case_id, item


def fix(auth, grid: int, original_id: str, start: int = 20, username: str = "worker1", **answers) -> dict:
    """A worker's fixed report naming the returned one (payload.resubmits), logged in as them."""
    auth.login(username)
    photos = upload_photos(auth, 2, start=start)
    payload = {
        "grid_id": grid,
        "answers": city_answers(photos, description=FIX, **answers),
        "resubmits": original_id,
    }
    return city_item(grid, photos, payload=payload)


def test_return_fix_and_resubmit_then_the_same_case_runs_to_closed_and_counts(org, grid, auth):
    case_id, original = reported(auth, grid)
    auth.login("super1")
    response = act(auth, case_id, action="return", comment="照片看不清摊位，请补拍")
    assert response.status_code == 200 and response.get_json()["state"] == "returned"

    # The report is back with its author as a returned submission, comment and all.
    auth.login("worker1")
    mine = auth.client.get(f"/api/v1/submissions/{original['id']}").get_json()
    assert (mine["review_status"], mine["review_comment"]) == ("returned", "照片看不清摊位，请补拍")
    assert mine["case_id"] == case_id and mine["case_state"] == "returned"

    fixed = fix(auth, grid, original["id"])
    [result] = push(auth, fixed)
    assert result["status"] == "accepted", result
    assert (result["case_id"], result["case_state"]) == (case_id, "reported")
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1

    auth.login("super1")
    case = auth.client.get(f"/api/v1/cases/{case_id}").get_json()
    assert case["state"] == "reported" and case["description"] == FIX
    assert case["photos"] == fixed["photos"] and case["submission_id"] == fixed["id"]
    assert case["allowed_actions"] == ["file", "return", "void", "merge"]
    # Both versions stay in the log, each with the submission and answers it came in.
    versions = [e for e in case["events"] if e["action"] in ("report", "resubmit")]
    assert [(e["action"], e["submission_id"]) for e in versions] == [
        ("report", original["id"]),
        ("resubmit", fixed["id"]),
    ]
    assert versions[0]["answers"] == original["payload"]["answers"]
    assert versions[1]["answers"]["description"] == FIX and versions[1]["photos"] == fixed["photos"]
    assert [e["action"] for e in case["events"]] == ["report", "return", "resubmit"]
    assert [(e["from"], e["to"]) for e in case["events"]][1:] == [
        ("reported", "returned"),
        ("returned", "reported"),
    ]

    # The original waits no more; the fix carries the case.
    statuses = {
        s["id"]: (s["review_status"], s.get("case_state"))
        for s in auth_as(auth, "worker1").client.get("/api/v1/submissions/mine").get_json()["submissions"]
    }
    assert statuses == {original["id"]: ("resubmitted", None), fixed["id"]: ("received", "reported")}

    # The rest of the loop, on the same case.
    auth.login("super1")
    assert act(auth, case_id, action="file").status_code == 200
    dispatched = act(auth, case_id, action="dispatch", department_id=org["departments"][0].id)
    assert dispatched.status_code == 200, dispatched.get_json()
    auth.login("handler1")
    handled = act(auth, case_id, action="handle", comment="已劝离", photos=upload_photos(auth, 1, start=50))
    assert handled.status_code == 200, handled.get_json()
    auth.login("worker1")
    checked = act(auth, case_id, action="check", photos=upload_photos(auth, 1, start=60))
    assert checked.status_code == 200, checked.get_json()
    auth.login("super1")
    closed = act(auth, case_id, action="close", comment="核查属实，结案")
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    assert [e["action"] for e in closed.get_json()["events"]] == [
        "report",
        "return",
        "resubmit",
        "file",
        "dispatch",
        "handle",
        "check",
        "close",
    ]

    # The month's KPIs count it once: one report, filed, handled and closed on time, rectified.
    figures = auth.client.get("/api/v1/reports/kpis?month=2026-11").get_json()["figures"]
    for key in (
        "valid_report_rate",
        "rectification_rate",
        "on_time_handling_rate",
        "closing_rate",
        "on_time_closing_rate",
    ):
        assert figures[key]["numerator_case_ids"] == [case_id], key
        assert figures[key]["denominator_case_ids"] == [case_id], key
        assert figures[key]["rate"] == 1.0, key
    assert figures["rework_rate"]["numerator"] == 0


def auth_as(auth, username: str):
    auth.login(username)
    return auth


def test_the_push_and_the_pull_bring_the_returned_report_back(org, grid, auth):
    case_id, original = reported(auth, grid)
    auth.login("worker1")
    pulled = auth.client.get("/api/v1/sync/pull?limit=1000").get_json()
    auth.login("super1")
    # Offline at the desk: the return travels as a case_action item, with the same effect.
    item = {
        "id": str(uuid.uuid4()),
        "kind": "case_action",
        "created_at": original["created_at"],
        "payload": {"case_id": case_id, "action": "return", "comment": "请补充摊点门牌"},
        "photos": [],
    }
    [result] = push(auth, item, device="desk")
    assert result["status"] == "accepted" and result["case_state"] == "returned"
    auth.login("worker1")
    changes = auth.client.get(f"/api/v1/sync/pull?cursor={pulled['cursor']}").get_json()["changes"]
    submission = next(c["data"] for c in changes if c["entity"] == "submission" and c["id"] == original["id"])
    assert (submission["review_status"], submission["review_comment"]) == ("returned", "请补充摊点门牌")
    assert submission["case_state"] == "returned"
    case = next(c["data"] for c in changes if c["entity"] == "case")
    assert case["state"] == "returned" and case["allowed_actions"] == []
    [again] = push(auth, fix(auth, grid, original["id"]))
    assert (again["status"], again["case_id"], again["case_state"]) == ("accepted", case_id, "reported")


def test_a_case_returned_before_the_fix_can_be_resubmitted(org, grid, auth):
    """Cases returned while the return left the submission `received` no longer dead-end."""
    case_id, original = reported(auth, grid)
    force_state(case_id, "returned")
    assert db.session.get(Submission, uuid.UUID(original["id"])).review_status == "received"
    [result] = push(auth, fix(auth, grid, original["id"]))
    assert (result["status"], result["case_id"], result["case_state"]) == ("accepted", case_id, "reported")


def test_a_second_resubmission_of_the_same_report_is_refused(org, grid, auth):
    case_id, original = returned(auth, grid)
    [first] = push(auth, fix(auth, grid, original["id"]))
    assert first["status"] == "accepted"
    [second] = push(auth, fix(auth, grid, original["id"], start=30))
    assert second["status"] == "rejected"
    assert second["error"]["code"] == "already_resubmitted"
    assert (
        second["error"]["message"]
        == "这条记录已经重新提交过，不能再次重新提交；请在“我的上报”中查看最新的一份"
    )
    assert second["error"]["fields"]["resubmits"] == [second["error"]["message"]]
    assert db.session.get(Case, uuid.UUID(case_id)).submission_id == uuid.UUID(first["id"])


def test_two_resubmissions_in_one_batch_take_the_case_once(org, grid, auth):
    case_id, original = returned(auth, grid)
    results = push(auth, fix(auth, grid, original["id"]), fix(auth, grid, original["id"], start=30))
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert results[1]["error"]["code"] == "already_resubmitted"
    case = db.session.get(Case, uuid.UUID(case_id))
    assert case.state == "reported" and str(case.submission_id) == results[0]["id"]


WORDS = {
    "reported": "待受理",
    "filed": "已立案",
    "voided": "已作废",
    "merged": "已合并",
    "dispatched": "处置中",
    "handled": "待核查",
    "checked": "待结案",
    "closed": "已结案",
}


def test_a_resubmission_after_the_case_was_filed_is_refused_with_its_state(org, grid, auth):
    case_id, original = returned(auth, grid)
    [fixed] = push(auth, fix(auth, grid, original["id"]))
    auth.login("super1")
    assert act(auth, case_id, action="file").status_code == 200
    # The newest version is not returned; its case has moved on.
    [result] = push(auth, fix(auth, grid, fixed["id"], start=40))
    assert result["status"] == "rejected" and result["error"]["code"] == "case_not_returned"
    assert result["error"]["message"] == "该案件已立案，不能再重新提交"
    english = auth.post(
        "/api/v1/sync/push",
        json={"device_id": "phone-1", "items": [fix(auth, grid, fixed["id"], start=40)]},
        headers={"Accept-Language": "en"},
    ).get_json()["results"][0]
    assert english["error"]["message"] == "This case is filed: it can no longer be resubmitted"
    assert db.session.get(Case, uuid.UUID(case_id)).state == "filed"


@pytest.mark.parametrize("state", sorted(WORDS))
def test_a_resubmission_outside_returned_names_the_case_state(org, grid, auth, state):
    case_id, original = reported(auth, grid)
    force_state(case_id, state)
    [result] = push(auth, fix(auth, grid, original["id"]))
    assert result["status"] == "rejected" and result["error"]["code"] == "case_not_returned"
    assert result["error"]["message"] == f"该案件{WORDS[state]}，不能再重新提交"
    assert db.session.get(Case, uuid.UUID(case_id)).state == state


def test_a_report_resubmitted_as_another_kind_or_by_someone_else_is_refused(org, grid, auth):
    _, original = returned(auth, grid)
    auth.login("worker1")
    visit = visit_item(grid)
    visit["payload"]["resubmits"] = original["id"]
    [result] = push(auth, visit)
    assert result["status"] == "rejected" and "resubmits" in result["error"]["fields"]
    other = org["worker_other"].grids[0].id
    [result] = push(auth, fix(auth, other, original["id"], username="worker2"))
    assert result["status"] == "rejected"
    assert result["error"]["fields"]["resubmits"] == ["找不到被退回的原记录"]


def test_a_report_is_reviewed_in_its_case_not_in_the_visit_review(org, grid, auth):
    case_id, original = reported(auth, grid)
    auth.login("super1")
    response = auth.post(
        f"/api/v1/submissions/{original['id']}/review", json={"action": "return", "comment": "x"}
    )
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "review_in_case" and error["case_id"] == case_id
    assert db.session.get(Submission, uuid.UUID(original["id"])).review_status == "received"
    # A visit keeps its own review: returned, resubmitted, no case anywhere.
    auth.login("worker1")
    visit = visit_item(grid)
    push(auth, visit)
    auth.login("super1")
    answer = auth.post(
        f"/api/v1/submissions/{visit['id']}/review", json={"action": "return", "comment": "补充"}
    )
    assert answer.status_code == 200 and answer.get_json()["review_status"] == "returned"
    auth.login("worker1")
    again = visit_item(grid)
    again["payload"]["resubmits"] = visit["id"]
    [result] = push(auth, again)
    assert result["status"] == "accepted" and "case_id" not in result


def test_pulled_cases_carry_the_pullers_actions_and_the_loop_travels_in_the_catalogue(org, grid, auth):
    case_id, _ = reported(auth, grid)
    auth.login("super1")
    act(auth, case_id, action="file")
    act(auth, case_id, action="dispatch", department_id=org["departments"][0].id)
    for username, allowed in (("worker1", []), ("handler1", ["handle"])):
        auth.login(username)
        changes = auth.client.get("/api/v1/sync/pull?limit=1000").get_json()["changes"]
        [case] = [c["data"] for c in changes if c["entity"] == "case"]
        assert case["allowed_actions"] == allowed, username
        [loop] = [c["data"] for c in changes if c["entity"] == "catalogue" and c["id"] == "case_loop"]
        assert loop == {"id": "case_loop", "items": loop_catalogue()}
    reported_state = loop["items"][0]
    assert reported_state["code"] == "reported" and reported_state["label"] == {
        "zh": "待受理",
        "en": "reported",
    }
    assert [a["action"] for a in reported_state["actions"]] == ["file", "return", "void", "merge"]
