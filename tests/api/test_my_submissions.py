"""我的上报: a worker's own submissions with review state, comment and case state (API and pull)."""

from __future__ import annotations

import uuid

import pytest

from server.extensions import db
from server.submissions.models import Submission
from tests.factories import hazard_item, install_forms, org_with_users, upload_photos, visit_item

PUSH = "/api/v1/sync/push"


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    return made


def push(auth, *items):
    response = auth.post(PUSH, json={"device_id": "phone-1", "items": list(items)})
    assert response.status_code == 200
    return response.get_json()["results"]


def test_my_submissions_with_review_and_case_state(org, auth, client):
    grid = org["worker"].grids[0].id
    auth.login("worker1")
    photos = upload_photos(auth, 1)
    visit = visit_item(grid, created_at="2026-11-26T09:00:00+08:00")
    report = hazard_item(grid, photos, created_at="2026-11-27T09:00:00+08:00")
    results = push(auth, visit, report)
    # A supervisor returned the visit (the review issue will do this through its API).
    returned = db.session.get(Submission, uuid.UUID(visit["id"]))
    returned.review_status, returned.review_comment, returned.version = "returned", "请补充需求说明", 2
    db.session.commit()
    mine = client.get("/api/v1/submissions/mine").get_json()
    assert mine["total"] == 2
    newest, older = mine["submissions"]
    assert newest["id"] == report["id"] and newest["kind"] == "hazard_report"
    assert newest["case_id"] == results[1]["case_id"] and newest["case_state"] == "reported"
    assert newest["review_status"] == "received" and "review_comment" not in newest
    assert older["review_status"] == "returned" and older["review_comment"] == "请补充需求说明"
    assert "case_id" not in older
    only = client.get("/api/v1/submissions/mine", query_string={"review_status": "returned"}).get_json()
    assert [s["id"] for s in only["submissions"]] == [visit["id"]]
    # The pull carries the same data.
    changes = client.get("/api/v1/sync/pull", query_string={"limit": 1000}).get_json()["changes"]
    pulled = {c["id"]: c["data"] for c in changes if c["entity"] == "submission"}
    assert pulled[report["id"]]["case_state"] == "reported"
    assert pulled[visit["id"]]["review_comment"] == "请补充需求说明"


def test_nobody_sees_anyone_elses(org, auth, client):
    auth.login("worker1")
    push(auth, visit_item(org["worker"].grids[0].id))
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker2")
    assert client.get("/api/v1/submissions/mine").get_json()["total"] == 0
    client.post("/api/v1/auth/logout", headers=auth.headers())
    assert client.get("/api/v1/submissions/mine").status_code == 401
