"""Review of submissions: the queue in scope, approve / return (退回补充) / reject, resubmission."""

from __future__ import annotations

import uuid

import pytest

from server.extensions import db
from server.submissions.models import Submission
from tests.factories import install_forms, org_with_users, visit_item

PUSH = "/api/v1/sync/push"


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    return made


@pytest.fixture
def grid(org) -> int:
    return org["worker"].grids[0].id


def submit(auth, grid, **payload) -> str:
    auth.login("worker1")
    item = visit_item(grid)
    item["payload"].update(payload)
    response = auth.post(PUSH, json={"device_id": "phone-1", "items": [item]})
    result = response.get_json()["results"][0]
    assert result["status"] == "accepted", result
    return item["id"]


def review(auth, submission_id, **body):
    return auth.post(f"/api/v1/submissions/{submission_id}/review", json=body)


def test_the_queue_lists_received_submissions_in_scope_with_filters(org, grid, auth):
    first = submit(auth, grid)
    auth.login("super1")
    queue = auth.client.get(f"/api/v1/submissions?grid_id={grid}&kind=household_visit").get_json()
    assert [s["id"] for s in queue["submissions"]] == [first] and queue["total"] == 1
    assert queue["submissions"][0]["answers"]["people_met"] == 2
    community = org["communities"][1].id
    assert auth.client.get(f"/api/v1/submissions?community_id={community}").get_json()["total"] == 0
    assert auth.client.get("/api/v1/submissions?from=2099-01-01T00:00:00%2B08:00").get_json()["total"] == 0
    assert auth.client.get("/api/v1/submissions?from=yesterday").status_code == 422
    auth.login("worker1")
    assert auth.client.get("/api/v1/submissions").status_code == 404


def test_approve_accepts(org, grid, auth):
    sid = submit(auth, grid)
    auth.login("super1")
    response = review(auth, sid, action="approve")
    assert response.status_code == 200 and response.get_json()["review_status"] == "accepted"
    again = review(auth, sid, action="reject", comment="x")
    assert again.status_code == 409 and again.get_json()["error"]["review_status"] == "accepted"


def test_return_needs_a_comment_and_reaches_the_worker_who_resubmits(org, grid, auth):
    sid = submit(auth, grid)
    auth.login("super1")
    assert review(auth, sid, action="return").status_code == 422
    assert review(auth, sid, action="frobnicate", comment="x").status_code == 422
    response = review(auth, sid, action="return", comment="请补充走访对象电话")
    assert response.status_code == 200 and response.get_json()["review_status"] == "returned"
    auth.login("worker1")
    mine = auth.client.get("/api/v1/submissions/mine").get_json()["submissions"]
    assert (mine[0]["review_status"], mine[0]["review_comment"]) == ("returned", "请补充走访对象电话")
    pulled = auth.client.get("/api/v1/sync/pull").get_json()
    fixed = submit(auth, grid, resubmits=sid)
    assert db.session.get(Submission, uuid.UUID(sid)).review_status == "resubmitted"
    assert db.session.get(Submission, uuid.UUID(fixed)).resubmits_id == uuid.UUID(sid)
    changes = auth.client.get(f"/api/v1/sync/pull?cursor={pulled['cursor']}").get_json()["changes"]
    statuses = {c["id"]: c["data"]["review_status"] for c in changes if c["entity"] == "submission"}
    assert statuses[sid] == "resubmitted" and statuses[fixed] == "received"


def test_resubmitting_something_not_returned_is_rejected(org, grid, auth):
    sid = submit(auth, grid)
    item = visit_item(grid)
    item["payload"]["resubmits"] = sid
    result = auth.post(PUSH, json={"device_id": "phone-1", "items": [item]}).get_json()["results"][0]
    assert result["status"] == "rejected" and "resubmits" in result["error"]["fields"]


def test_reject_and_scope(org, grid, auth):
    sid = submit(auth, grid)
    auth.login("worker1")
    assert review(auth, sid, action="approve").status_code == 404
    other = org["supervisor"]
    other.community_id = org["communities"][1].id
    db.session.commit()
    auth.login("super1")
    assert review(auth, sid, action="approve").status_code == 404
    auth.login("street1")
    response = review(auth, sid, action="reject", comment="重复上报")
    assert response.status_code == 200 and response.get_json()["review_status"] == "rejected"
