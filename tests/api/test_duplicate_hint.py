"""「同一问题，补充到该案件」 (issue 15 §4): a report pushed with duplicate_of becomes a merge
suggestion on its new case for the supervisor, only for an open case of the same category the
worker may see; it never merges by itself."""

from __future__ import annotations

import uuid

import pytest

from server.extensions import db
from tests.conftest import AuthActions
from tests.factories import hazard_answers, hazard_item, install_forms, org_with_users, upload_photos

PUSH = "/api/v1/sync/push"


@pytest.fixture
def worker(app, auth) -> tuple[AuthActions, int]:
    made = org_with_users()
    install_forms()
    db.session.commit()
    auth.login("worker1")
    return auth, made["worker"].grids[0].id


def report(auth: AuthActions, grid: int, photos: list[str], **payload) -> dict:
    item = hazard_item(grid, photos)
    item["payload"].update(payload)
    answer = auth.post(PUSH, json={"device_id": "phone-1", "items": [item]}).get_json()["results"][0]
    return answer


def case(auth: AuthActions, case_id: str) -> dict:
    auth.login("super1")
    data = auth.client.get(f"/api/v1/cases/{case_id}").get_json()
    auth.login("worker1")
    return data


def test_a_repeat_report_suggests_the_merge_and_merges_nothing(worker):
    auth, grid = worker
    photos = upload_photos(auth, 2)
    first = report(auth, grid, photos[:1])
    assert first["status"] == "accepted"
    again = report(auth, grid, photos[1:], duplicate_of=first["case_id"])
    assert again["status"] == "accepted"
    new = case(auth, again["case_id"])
    assert new["suggested_merge_into_id"] == first["case_id"]
    assert new["state"] == "reported" and new["merged_into_id"] is None
    assert case(auth, first["case_id"])["suggested_merge_into_id"] is None


def test_no_suggestion_across_categories_or_to_unknown_cases_and_bad_ids_are_refused(worker):
    auth, grid = worker
    photos = upload_photos(auth, 4)
    first = report(auth, grid, photos[:1])
    item = hazard_item(grid, photos[1:2], answers=hazard_answers(photos[1:2], category="electrical"))
    item["payload"]["duplicate_of"] = first["case_id"]
    other = auth.post(PUSH, json={"device_id": "phone-1", "items": [item]}).get_json()["results"][0]
    assert case(auth, other["case_id"])["suggested_merge_into_id"] is None
    unknown = report(auth, grid, photos[2:3], duplicate_of=str(uuid.uuid4()))
    assert case(auth, unknown["case_id"])["suggested_merge_into_id"] is None
    bad = report(auth, grid, photos[3:], duplicate_of="case-7")
    assert bad["status"] == "rejected" and "duplicate_of" in bad["error"]["fields"]


def test_the_desk_map_overview_has_grids_coverage_and_case_points_by_filter(worker, app):
    from tests.conftest import IsolatedClient

    auth, grid = worker
    photos = upload_photos(auth, 1)
    reported = report(auth, grid, photos)
    app.test_client_class = IsolatedClient
    desk = AuthActions(app.test_client())
    desk.login("super1")
    answer = desk.client.get("/api/v1/maps/overview").get_json()
    assert {g["id"] for g in answer["grids"]} >= {grid}
    assert all("coverage" in g and "geometry" in g for g in answer["grids"])
    [point] = answer["cases"]
    assert point["id"] == reported["case_id"] and point["light"] == "green" and point["category"] == "ebike"
    assert (point["lat"], point["lng"]) == (28.6829, 115.8582)
    assert desk.client.get("/api/v1/maps/overview?state=closed").get_json()["cases"] == []
    # Dispatched and past 80 % of its time, then past its deadline: yellow, then red.
    from datetime import timedelta

    from sqlalchemy import update

    from server.cases.models import Case
    from tests import clock

    # A plain UPDATE: the loop's mapper events would recompute the clock columns from deadlines.
    key = Case.id == uuid.UUID(reported["case_id"])
    soon, past = clock.now() + timedelta(hours=1), clock.now() - timedelta(hours=1)
    db.session.execute(update(Case).where(key).values(state="dispatched", remind_at=past, overdue_at=soon))
    db.session.commit()
    assert desk.client.get("/api/v1/maps/overview").get_json()["cases"][0]["light"] == "yellow"
    db.session.execute(update(Case).where(key).values(overdue_at=past))
    db.session.commit()
    assert desk.client.get("/api/v1/maps/overview").get_json()["cases"][0]["light"] == "red"
    assert desk.client.get("/api/v1/maps/overview?days=0").status_code == 422
    # Outside a supervisor's community: no grids of it; a worker has no desk map.
    other = desk.client.get("/api/v1/maps/overview?community_id=999999").get_json()
    assert other == {"grids": [], "cases": []}
    assert auth.client.get("/api/v1/maps/overview").status_code == 404
