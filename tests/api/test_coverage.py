"""走访覆盖率: what a worker's month shows (households reached, records per day, welfare visits as
the visit rate counts them, and the proof the records carry), who may see whose, and bad asks."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pytest

from tests import clock
from tests.api.test_case_loop import push
from tests.factories import (
    city_item,
    hazard_item,
    make_household,
    make_resident,
    upload_photos,
    visit_item,
    welfare_answers,
    welfare_item,
)

API = "/api/v1/submissions/coverage"


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def days_so_far(month: str) -> int:
    """The month's days that have begun by the test clock's today (Shanghai)."""
    first = date.fromisoformat(f"{month}-01")
    following = (first + timedelta(days=32)).replace(day=1)
    return (min(clock.today(), following - timedelta(days=1)) - first).days + 1


@pytest.fixture
def month_of_work(org, auth) -> dict:
    """Yesterday (field_time) worker1 visited household A at the door, visited B's resident at home
    and C's by phone, and reported a hazard and a vendor with a photo each; D was not visited.
    worker2 (community 2) sent one visit."""
    grid = org["worker"].grids[0].id
    a, b, c, _d = (make_household(grid, head_name=f"户{n}", address=f"示例路{n}号") for n in "ABCD")
    # On the register for months: due a welfare visit in any month the test runs in.
    registered = clock.now() - timedelta(days=90)
    at_home = make_resident(b, name="乙老人", birth_date=date(1938, 5, 1), created_at=registered)
    by_phone = make_resident(c, name="丙老人", birth_date=date(1940, 2, 1), created_at=registered)
    other = make_household(org["worker_other"].grids[0].id, head_name="别户", address="别的路1号")
    auth.login("worker1")
    photos = upload_photos(auth, 2)
    door = visit_item(grid)
    door["payload"]["household_id"] = str(a.id)
    results = push(
        auth,
        door,
        welfare_item(grid, at_home.id),
        welfare_item(grid, by_phone.id, welfare_answers(how_contacted="phone")),
        hazard_item(grid, photos[:1]),
        city_item(grid, photos[1:]),
    )
    assert all(r["status"] == "accepted" for r in results), results
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker2")
    theirs = visit_item(org["worker_other"].grids[0].id)
    theirs["payload"]["household_id"] = str(other.id)
    assert push(auth, theirs)[0]["status"] == "accepted"
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    return {"month": month_of(clock.days_ago(1)), "grid": grid}


def test_a_worker_sees_their_own_month(org, month_of_work, auth):
    auth.login("worker1")
    answer = auth.client.get(API, query_string={"month": month_of_work["month"]})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["month"] == month_of_work["month"] and body["days"] == days_so_far(body["month"])
    [me] = body["workers"]
    assert me["user_id"] == org["worker"].id
    assert [g["id"] for g in me["grids"]] == [month_of_work["grid"]]
    # A at the door and B's resident at home; C only by phone, D not at all.
    assert (me["households"], me["households_visited"], me["coverage"]) == (4, 2, 0.5)
    assert me["records"] == 5 and me["days_active"] == 1
    assert me["per_day"] == round(5 / body["days"], 1)
    proof = me["proof"]
    assert proof["with_location"] == 3 and proof["photos"] == 2 and proof["clock_ahead"] == 0
    assert proof["median_accuracy_m"] == round(statistics.median([12.5, 8.0, 15.0]))
    # Made yesterday 09:30 and received now: at least the hours since then.
    lag = (clock.now() - clock.yesterday_at(9, 30)).total_seconds() / 60
    assert lag - 1 <= proof["median_sync_minutes"] <= lag + 1
    # Welfare visits as the month's visit rate counts them for the same grid.
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("super1")
    rate = auth.client.get("/api/v1/reports/visit-rate", query_string={"month": body["month"]}).get_json()
    [row] = [g for g in rate["grids"] if g["grid_id"] == month_of_work["grid"]]
    assert me["welfare"] == {"due": row["due"], "visited": row["visited"], "rate": row["rate"]}
    assert row["due"] == 2 and row["visited"] == 2  # home and phone both reach a person
    assert "覆盖率" in body["definitions"]["coverage"] and "不排名" in body["definitions"]["proof"]


def test_a_supervisor_sees_their_communitys_workers_and_the_street_every_worker(org, month_of_work, auth):
    month = month_of_work["month"]
    auth.login("super1")
    mine = auth.client.get(API, query_string={"month": month}).get_json()["workers"]
    assert [w["user_id"] for w in mine] == [org["worker"].id]
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("street1")
    every = auth.client.get(API, query_string={"month": month}).get_json()["workers"]
    # Listed by grid code, not by any figure.
    assert [w["user_id"] for w in every] == [org["worker"].id, org["worker_other"].id]
    assert [w["grids"][0]["code"] for w in every] == sorted(w["grids"][0]["code"] for w in every)
    assert every[1]["households_visited"] == 1 and every[1]["households"] == 1
    only = auth.client.get(API, query_string={"month": month, "community_id": org["communities"][1].id})
    assert [w["user_id"] for w in only.get_json()["workers"]] == [org["worker_other"].id]


def test_a_month_without_records_counts_zero_and_a_month_to_come_has_no_days(org, month_of_work, auth):
    auth.login("worker1")
    before = (date.fromisoformat(f"{month_of_work['month']}-01") - timedelta(days=1)).strftime("%Y-%m")
    [me] = auth.client.get(API, query_string={"month": before}).get_json()["workers"]
    assert (me["households_visited"], me["records"], me["coverage"]) == (0, 0, 0.0)
    assert me["proof"]["median_sync_minutes"] is None
    ahead = (clock.today().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    body = auth.client.get(API, query_string={"month": ahead}).get_json()
    assert body["days"] == 0 and body["workers"][0]["per_day"] is None


def test_a_record_dated_after_it_arrived_is_counted_as_a_phone_clock_ahead(org, auth):
    grid = org["worker"].grids[0].id
    auth.login("worker1")
    made = clock.now() + timedelta(minutes=30)
    [result] = push(auth, visit_item(grid, created_at=clock.stamp(made)))
    assert result["status"] == "accepted", result
    month = month_of(made.astimezone(clock.SHANGHAI).date())
    [me] = auth.client.get(API, query_string={"month": month}).get_json()["workers"]
    assert me["records"] == 1 and me["proof"]["clock_ahead"] == 1


@pytest.mark.parametrize("username", ["handler1"])
def test_handlers_cannot_see_coverage(org, auth, username):
    auth.login(username)
    answer = auth.client.get(API)
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"month": "2026-13"}, 422),
        ({"month": "26-01"}, 422),
        ({"month": "x" * 7}, 422),
        ({"grid_id": "abc"}, 422),
        ({"community_id": "0"}, 422),
    ],
)
def test_bad_asks_are_422(org, auth, query, status):
    auth.login("super1")
    answer = auth.client.get(API, query_string=query)
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["message"]


def test_a_grid_or_community_outside_the_scope_is_404(org, auth):
    auth.login("super1")
    other_grid = org["worker_other"].grids[0].id
    assert auth.client.get(API, query_string={"grid_id": other_grid}).status_code == 404
    assert auth.client.get(API, query_string={"community_id": org["communities"][1].id}).status_code == 404
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker1")
    assert auth.client.get(API, query_string={"grid_id": other_grid}).status_code == 404
