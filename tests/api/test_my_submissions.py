"""我的上报: a worker's own submissions with review state, comment and case state (API and pull)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from server.extensions import db
from server.submissions.models import Submission
from tests import clock
from tests.factories import (
    hazard_answers,
    hazard_item,
    install_forms,
    org_with_users,
    upload_photos,
    visit_item,
)

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
    visit = visit_item(grid, created_at=clock.stamp(clock.yesterday_at(9) - timedelta(days=1)))
    report = hazard_item(grid, photos, created_at=clock.stamp(clock.yesterday_at(9)))
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


def logout(client, auth) -> None:
    client.post("/api/v1/auth/logout", headers=auth.headers())


def returned_report(org, auth, client) -> tuple[dict, list[str]]:
    """worker1 reports a hazard; super1 returns its case (退回补充) with a comment."""
    auth.login("worker1")
    photos = upload_photos(auth, 2)
    report = hazard_item(org["worker"].grids[0].id, photos)
    [result] = push(auth, report)
    assert result["status"] == "accepted"
    logout(client, auth)
    auth.login("super1")
    answer = auth.post(
        f"/api/v1/cases/{result['case_id']}/actions",
        json={"action": "return", "comment": "照片看不清，请补拍"},
    )
    assert answer.status_code == 200, answer.get_json()
    logout(client, auth)
    return report, photos


def test_the_author_reads_a_returned_submission_with_its_answers(org, auth, client):
    report, photos = returned_report(org, auth, client)
    auth.login("worker1")
    answer = client.get(f"/api/v1/submissions/{report['id']}")
    assert answer.status_code == 200
    got = answer.get_json()
    assert got["review_status"] == "returned" and got["review_comment"] == "照片看不清，请补拍"
    assert got["answers"] == report["payload"]["answers"]
    assert got["photos"] == photos
    assert got["location"] == report["location"]
    assert got["template"] == {"key": "hazard_inspection", "version": 1}
    assert got["address"] == "示例小区1栋一楼楼道" and got["case_state"] == "returned"

    # The fix names the returned one; reading both shows the link and the original no longer waits.
    fixed = hazard_item(
        org["worker"].grids[0].id,
        photos,
        payload={
            "grid_id": org["worker"].grids[0].id,
            "answers": hazard_answers(photos),
            "resubmits": report["id"],
        },
    )
    assert push(auth, fixed)[0]["status"] == "accepted"
    assert client.get(f"/api/v1/submissions/{report['id']}").get_json()["review_status"] == "resubmitted"
    assert client.get(f"/api/v1/submissions/{fixed['id']}").get_json()["resubmits"] == report["id"]


def test_no_other_worker_or_handler_reads_it(org, auth, client):
    report, _ = returned_report(org, auth, client)
    assert client.get(f"/api/v1/submissions/{report['id']}").status_code == 401
    for username in ("worker2", "handler1"):
        auth.login(username)
        answer = client.get(f"/api/v1/submissions/{report['id']}")
        assert answer.status_code == 404, username
        # The same answer as for an id that does not exist: nothing leaks.
        assert answer.get_json() == client.get(f"/api/v1/submissions/{uuid.uuid4()}").get_json()
        assert "answers" not in answer.get_data(as_text=True)
        logout(client, auth)


def test_a_worker_of_the_same_grid_does_not_read_someone_elses(org, auth, client):
    from tests.factories import make_user

    report, _ = returned_report(org, auth, client)
    make_user("worker", "worker1b", grid_ids=[org["worker"].grids[0].id])
    db.session.commit()
    auth.login("worker1b")
    assert client.get(f"/api/v1/submissions/{report['id']}").status_code == 404


def test_a_supervisor_in_scope_reads_it(org, auth, client):
    report, _ = returned_report(org, auth, client)
    auth.login("super1")
    assert client.get(f"/api/v1/submissions/{report['id']}").get_json()["answers"]["category"] == "ebike"


@pytest.mark.parametrize("bad", ["not-a-uuid", "1", "mine2"])
def test_a_malformed_id_is_a_json_404(org, auth, client, bad):
    auth.login("worker1")
    answer = client.get(f"/api/v1/submissions/{bad}")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"
