"""The worker's snapshot is the size of their open work, not of their history (issue 12 §6).

A full pull carries the worker's open submissions (returned, waiting for review, a report whose
case still moves) and the last week's; older ones are paged from GET /submissions/mine, and a
later change to any of them still reaches the phone through the feed.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import insert, update

from server.extensions import db
from server.submissions.models import Submission
from tests import clock
from tests.factories import hazard_item, upload_photos, visit_item

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"
MINE = "/api/v1/submissions/mine"


def old_submissions(
    org, ages: list[timedelta], status: str = "accepted", author: str = "worker"
) -> list[str]:
    """Household visits made `ages` ago, stored in one insert (as if synced long since); their ids."""
    user = org[author]
    now = clock.now()
    rows = [
        {
            "id": uuid.uuid4(),
            "kind": "household_visit",
            "template_key": "household_visit",
            "template_version": 1,
            "answers": {"note": f"旧记录 {n}"},
            "grid_id": user.grids[0].id,
            "household_id": None,
            "resident_id": None,
            "author_id": user.id,
            "device_id": "phone-old",
            "location": None,
            "created_at": now - age,
            "received_at": now - age + timedelta(minutes=5),
            "review_status": status,
            "review_comment": "请补充" if status == "returned" else None,
            "version": 1,
            "content_hash": f"{n:064d}",
            "resubmits_id": None,
            "task_id": None,
            "reviewed_by": None,
            "reviewed_at": None,
        }
        for n, age in enumerate(ages)
    ]
    db.session.execute(insert(Submission.__table__), rows)
    db.session.commit()
    return [str(row["id"]) for row in rows]


def delivered_ago(ids: list[str], age: timedelta) -> None:
    """Say these pushed submissions reached the server `age` ago (a push stamps them now)."""
    db.session.execute(
        update(Submission)
        .where(Submission.id.in_([uuid.UUID(i) for i in ids]))
        .values(received_at=clock.now() - age)
    )
    db.session.commit()


def push(auth, *items) -> list[dict]:
    response = auth.post(PUSH, json={"device_id": "phone-1", "items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def snapshot(client, limit: int = 500) -> tuple[list[dict], str, int]:
    """Every page of a full pull: its changes, the cursor it ends on, and how many pages it took."""
    changes, cursor, pages = [], None, 0
    while True:
        query = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = client.get(PULL, query_string=query).get_json()
        changes += page["changes"]
        cursor, pages = page["cursor"], pages + 1
        if not page["has_more"]:
            return changes, cursor, pages


def submission_ids(changes: list[dict]) -> list[str]:
    return [c["id"] for c in changes if c["entity"] == "submission" and c["op"] == "upsert"]


def days(*values: float) -> list[timedelta]:
    return [timedelta(days=v) for v in values]


def test_the_snapshot_holds_the_open_ones_and_the_last_week(org, auth, client):
    grid = org["worker"].grids[0].id
    # A year of finished visits: none of them belongs on the phone.
    history = old_submissions(org, [timedelta(days=8 + n * 357 / 600) for n in range(600)])
    waiting = old_submissions(org, days(30, 120, 300), status="received")
    returned = old_submissions(org, days(45, 200), status="returned")
    finished = old_submissions(org, days(20), status="rejected") + old_submissions(
        org, days(50), status="resubmitted"
    )
    this_week = old_submissions(org, days(0.5, 3, 6.5))
    someone_elses = old_submissions(org, days(1, 60), status="received", author="worker_other")
    auth.login("worker1")
    photos = upload_photos(auth, 2)
    old = clock.stamp(clock.now() - timedelta(days=150))
    moving, voided = hazard_item(grid, photos, created_at=old), hazard_item(grid, photos, created_at=old)
    # Made offline three weeks ago, delivered today: still in the outbox's week, so it stays too.
    late = visit_item(grid, created_at=clock.stamp(clock.now() - timedelta(days=21)))
    results = push(auth, moving, voided, late)
    delivered_ago([moving["id"], voided["id"]], timedelta(days=150))
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("super1")
    approve = auth.post(f"/api/v1/submissions/{late['id']}/review", json={"action": "approve"})
    assert approve.status_code == 200, approve.get_json()
    filed = auth.post(f"/api/v1/cases/{results[0]['case_id']}/actions", json={"action": "file"})
    assert filed.status_code == 200, filed.get_json()
    void = auth.post(
        f"/api/v1/cases/{results[1]['case_id']}/actions", json={"action": "void", "reason": "重复上报"}
    )
    assert void.status_code == 200, void.get_json()
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker1")

    changes, _, pages = snapshot(client)
    pulled = submission_ids(changes)
    assert len(pulled) == len(set(pulled))
    assert set(pulled) == {*waiting, *returned, *this_week, moving["id"], late["id"]}
    assert not set(pulled) & {*history, *finished, voided["id"], *someone_elses}
    # The phone still shows what it holds as it is: a returned one with its comment, a case's state.
    data = {c["id"]: c["data"] for c in changes if c["entity"] == "submission"}
    assert (
        data[returned[0]]["review_status"] == "returned" and data[returned[0]]["review_comment"] == "请补充"
    )
    assert data[moving["id"]]["case_state"] == "filed"
    assert data[late["id"]]["review_status"] == "accepted"
    # 600 old visits cost the phone nothing: one page, 10 submissions, as with none at all.
    assert pages == 1 and len(pulled) == 10
    total = client.get(MINE).get_json()["total"]
    assert total == 600 + 3 + 2 + 2 + 3 + 3


def test_old_ones_page_through_my_submissions_with_no_gaps_or_repeats(org, auth, client):
    grid = org["worker"].grids[0].id
    # Ten made in the same instant: the order must still be total, or a page edge drops one.
    ids = old_submissions(org, days(*(10 + n for n in range(95)))) + old_submissions(org, days(*[40] * 10))
    auth.login("worker1")
    seen, cursor, pages = [], None, 0
    while True:
        query = {"per_page": 20} | ({"cursor": cursor} if cursor else {})
        answer = client.get(MINE, query_string=query)
        assert answer.status_code == 200, answer.get_json()
        page = answer.get_json()
        assert len(page["submissions"]) <= 20 and page["total"] >= 105
        seen += page["submissions"]
        pages += 1
        if pages == 2:
            # Something new arrives while the worker scrolls: page numbers would shift, a cursor does not.
            push(auth, visit_item(grid))
        cursor = page["next_cursor"]
        if cursor is None:
            break
    got = [s["id"] for s in seen]
    assert len(got) == len(set(got)) == 105 and set(got) == set(ids)
    created = [s["created_at"] for s in seen]
    assert created == sorted(created, reverse=True)
    assert pages == 6

    # Page numbers still work, with the same total order.
    first = client.get(MINE, query_string={"per_page": 50, "page": 1}).get_json()
    third = client.get(MINE, query_string={"per_page": 50, "page": 3}).get_json()
    assert first["page"] == 1 and first["next_cursor"] is not None
    assert len(third["submissions"]) == 6 and third["next_cursor"] is None
    # A cursor from a page-number answer carries on right after it.
    after = client.get(MINE, query_string={"per_page": 50, "cursor": first["next_cursor"]}).get_json()
    second = client.get(MINE, query_string={"per_page": 50, "page": 2}).get_json()
    assert [s["id"] for s in after["submissions"]] == [s["id"] for s in second["submissions"]]


def test_a_cursor_pages_within_the_filters(org, auth, client):
    old_submissions(org, days(*range(10, 40)))
    returned = old_submissions(org, days(*range(11, 41, 2)), status="returned")
    auth.login("worker1")
    got, cursor = [], None
    while True:
        query = {"per_page": 4, "review_status": "returned"} | ({"cursor": cursor} if cursor else {})
        page = client.get(MINE, query_string=query).get_json()
        assert page["total"] == 15
        got += [s["id"] for s in page["submissions"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(got) == sorted(returned) and len(got) == 15


def test_an_old_submission_returned_later_reaches_the_phone_by_the_feed(org, auth, client):
    grid = org["worker"].grids[0].id
    [waiting] = old_submissions(org, days(60), status="received")
    auth.login("worker1")
    photos = upload_photos(auth, 1)
    report = hazard_item(grid, photos, created_at=clock.stamp(clock.now() - timedelta(days=100)))
    [result] = push(auth, report)
    delivered_ago([report["id"]], timedelta(days=100))
    # Both are open, so the snapshot carries them; from here on the phone reads the feed.
    changes, cursor, _ = snapshot(client)
    assert {waiting, report["id"]} <= set(submission_ids(changes))
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())

    auth.login("super1")
    answer = auth.post(
        f"/api/v1/submissions/{waiting}/review", json={"action": "return", "comment": "补充照片"}
    )
    assert answer.status_code == 200, answer.get_json()
    void = {"action": "void", "reason": "已整改"}
    assert auth.post(f"/api/v1/cases/{result['case_id']}/actions", json=void).status_code == 200
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())

    auth.login("worker1")
    page = client.get(PULL, query_string={"cursor": cursor}).get_json()
    data = {c["id"]: c["data"] for c in page["changes"] if c["entity"] == "submission"}
    assert data[waiting]["review_status"] == "returned" and data[waiting]["review_comment"] == "补充照片"
    # The voided report is finished: a new phone's snapshot leaves it out, this phone hears of it.
    assert data[report["id"]]["case_state"] == "voided"
    fresh = submission_ids(snapshot(client)[0])
    assert waiting in fresh and report["id"] not in fresh


def error_of(answer) -> dict:
    body = answer.get_json()
    assert answer.status_code == 422, (answer.status_code, body)
    assert set(body) == {"error"} and body["error"]["code"] == "validation_failed"
    assert body["error"]["message"]
    return body["error"]["fields"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "-1"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": str(10**7)}, "page"),
        ({"page": "9" * 40}, "page"),
        ({"page": "1\x00"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "100000"}, "per_page"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "\x00"}, "cursor"),
        ({"cursor": "a" * 5000}, "cursor"),
        ({"cursor": ""}, "cursor"),
    ],
)
def test_bad_paging_is_a_422_naming_the_field(org, auth, client, query, field):
    old_submissions(org, days(10, 11))
    auth.login("worker1")
    assert field in error_of(client.get(MINE, query_string=query))


def test_a_cursor_that_is_not_ours_or_mixed_with_a_page_is_a_422(org, auth, client, app):
    old_submissions(org, days(10, 11, 12))
    auth.login("worker1")
    good = client.get(MINE, query_string={"per_page": 1}).get_json()["next_cursor"]
    assert good
    # A sync cursor is signed too, for another purpose: not a place in 我的上报.
    sync_cursor = client.get(PULL).get_json()["cursor"]
    signed = URLSafeSerializer(app.config["SECRET_KEY"], salt="gridwalk-mine-cursor")
    for bad in (
        sync_cursor,
        good[:-3] + "xyz",
        signed.dumps(["yesterday", "not-a-uuid"]),
        signed.dumps(["2026-01-01T00:00:00", str(uuid.uuid4())]),  # no offset
        signed.dumps({"t": 1}),
    ):
        assert "cursor" in error_of(client.get(MINE, query_string={"cursor": bad})), bad
    assert "cursor" in error_of(client.get(MINE, query_string={"cursor": good, "page": 2}))
    english = client.get(MINE, query_string={"cursor": "garbage"}, headers={"Accept-Language": "en"})
    assert "cursor" in english.get_json()["error"]["fields"]["cursor"][0]
