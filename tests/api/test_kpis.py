"""KPIs from the event log: a case handled and closed on time counts on time; a late one counts late."""

from __future__ import annotations

import pytest

from tests.api.test_case_loop import act, report, to_checked
from tests.factories import install_forms, org_with_users


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    app.config["FAKE_NOW"] = "2026-11-30T09:00:00+08:00"
    return made


@pytest.fixture
def grid(org) -> int:
    return org["worker"].grids[0].id


def test_on_time_and_late_cases_are_counted_with_their_ids(org, grid, auth, app):
    on_time = report(auth, grid, start=0)
    to_checked(auth, org, on_time, app)
    auth.login("super1")
    assert act(auth, on_time, action="close").status_code == 200
    late = report(auth, grid, start=10)
    auth.login("super1")
    act(auth, late, action="file")
    act(auth, late, action="dispatch", department_id=org["departments"][0].id)
    app.config["FAKE_NOW"] = "2026-11-30T16:00:00+08:00"  # handling deadline 11:00, case deadline 15:00
    assert auth.client.get(f"/api/v1/cases/{late}").get_json()["clocks"]["handle"]["light"] == "red"
    auth.login("handler1")
    from tests.factories import upload_photos

    act(auth, late, action="handle", photos=upload_photos(auth, 1, start=30))
    auth.login("super1")
    response = auth.client.get("/api/v1/reports/kpis?month=2026-11")
    assert response.status_code == 200, response.get_json()
    figures = response.get_json()["figures"]
    handling = figures["on_time_handling_rate"]
    assert (handling["numerator"], handling["denominator"], handling["rate"]) == (1, 2, 0.5)
    assert handling["numerator_case_ids"] == [on_time]
    # The drill-down lists the case that counts before the one only due.
    assert handling["denominator_case_ids"] == [on_time, late]
    closing = figures["on_time_closing_rate"]
    assert (closing["numerator"], closing["denominator"]) == (1, 2)
    assert figures["closing_rate"]["numerator_case_ids"] == [on_time]
    assert figures["rework_rate"]["numerator"] == 0
    assert figures["rectification_rate"]["denominator"] == 2
    assert figures["rectification_rate"]["numerator"] == 1
    assert "definition" in figures["rectification_rate"] and figures["rectification_rate"]["definition"]["zh"]
    assert "visit_rate" in response.get_json()
    # The dashboard shows each definition as it is: plain words, no API paths for a supervisor to read.
    definitions = [f["definition"] for f in figures.values()] + [
        response.get_json()["visit_rate"]["definition"]
    ]
    for words in (text for d in definitions for text in (d["zh"], d["en"])):
        assert "/api" not in words and "http" not in words, words
    # Another community's supervisor sees none of it; a grid outside the scope is 404.
    other_grid = org["worker_other"].grids[0].id
    assert auth.client.get(f"/api/v1/reports/kpis?month=2026-11&grid_id={other_grid}").status_code == 404
    assert auth.client.get("/api/v1/reports/kpis?month=2026-13").status_code == 422
    trend = auth.client.get("/api/v1/reports/kpis/trend?months=3").get_json()["months"]
    assert [m["month"] for m in trend] == ["2026-09", "2026-10", "2026-11"]
    assert trend[-1]["figures"]["on_time_handling_rate"]["rate"] == 0.5
    auth.login("worker1")
    assert auth.client.get("/api/v1/reports/kpis").status_code == 404


# ---- the breakdown per community or grid (one request for the dashboard's bars) ------------


def switch(auth, username: str) -> None:
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    assert auth.login(username).status_code == 200


def report_in(auth, username: str, grid_id: int, start: int) -> str:
    """A city report by this worker in their grid; the case id."""
    from tests.api.test_case_loop import push
    from tests.factories import city_item, upload_photos

    switch(auth, username)
    [result] = push(auth, city_item(grid_id, upload_photos(auth, 1, start=start)))
    assert result["status"] == "accepted", result
    return result["case_id"]


def close_loop(
    auth, org, case_id: str, supervisor: str, worker: str, start: int, rework: bool = False
) -> None:
    """File, dispatch, handle, check (optionally rework once) and close."""
    from tests.factories import upload_photos

    dept = org["departments"][0].id
    switch(auth, supervisor)
    assert act(auth, case_id, action="file").status_code == 200
    assert act(auth, case_id, action="dispatch", department_id=dept).status_code == 200
    for n in range(2 if rework else 1):
        switch(auth, "handler1")
        photos = upload_photos(auth, 1, start=start + 2 * n)
        assert act(auth, case_id, action="handle", photos=photos).status_code == 200
        switch(auth, worker)
        photos = upload_photos(auth, 1, start=start + 2 * n + 1)
        assert act(auth, case_id, action="check", photos=photos).status_code == 200
        switch(auth, supervisor)
        if rework and n == 0:
            assert act(auth, case_id, action="rework", comment="未整改到位").status_code == 200
    assert act(auth, case_id, action="close").status_code == 200


@pytest.fixture
def two_communities(org, auth, app):
    """Cases and due welfare visits in both communities, each community's figures different."""
    from datetime import UTC, date, datetime

    from server.extensions import db
    from tests.api.test_case_loop import push
    from tests.factories import make_household, make_resident, welfare_item

    grid1, grid2 = org["worker"].grids[0].id, org["worker_other"].grids[0].id
    october = datetime(2026, 10, 1, tzinfo=UTC)
    residents = [
        make_resident(make_household(grid), birth_date=date(1930 + n, 1, 1 + n), created_at=october)
        for n, grid in enumerate([grid1, grid1, grid2])
    ]
    db.session.commit()
    switch(auth, "worker1")
    [visited] = push(auth, welfare_item(grid1, residents[0].id))
    assert visited["status"] == "accepted", visited
    one = report_in(auth, "worker1", grid1, start=0)
    close_loop(auth, org, one, "super1", "worker1", start=100)
    report_in(auth, "worker1", grid1, start=1)  # reported only
    two = report_in(auth, "worker2", grid2, start=2)
    close_loop(auth, org, two, "street1", "worker2", start=200, rework=True)
    three = report_in(auth, "worker2", grid2, start=3)
    switch(auth, "street1")
    assert act(auth, three, action="file").status_code == 200
    assert act(auth, three, action="dispatch", department_id=org["departments"][0].id).status_code == 200
    return {"community": [c.id for c in org["communities"]], "cases": [one, two, three]}


def kpis_of(auth, **query) -> dict:
    response = auth.client.get("/api/v1/reports/kpis", query_string={"month": "2026-11", **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_each_communitys_part_is_what_its_own_request_answers(org, auth, two_communities):
    for username in ("street1", "admin1"):
        switch(auth, username)
        answer = kpis_of(auth, by="community")
        assert answer["by"] == "community"
        assert answer["figures"] == kpis_of(auth)["figures"]
        parts = answer["breakdown"]
        assert [(p["id"], p["name"]) for p in parts] == [(c.id, c.name) for c in org["communities"]]
        for part in parts:
            alone = kpis_of(auth, community_id=part["id"])
            assert part["figures"] == alone["figures"], part["name"]
            assert part["visit_rate"] == alone["visit_rate"], part["name"]
    # Not trivially equal: each community counts its own cases and residents.
    first, second = parts
    assert first["figures"]["valid_report_rate"]["denominator"] == 2
    assert second["figures"]["rework_rate"]["numerator_case_ids"] == [two_communities["cases"][1]]
    assert first["figures"]["rework_rate"]["numerator"] == 0
    assert (first["visit_rate"]["numerator"], first["visit_rate"]["denominator"]) == (1, 2)
    assert (second["visit_rate"]["numerator"], second["visit_rate"]["denominator"]) == (0, 1)
    assert sorted(first["figures"]["closing_rate"]["denominator_case_ids"]) == [two_communities["cases"][0]]


def test_each_grids_part_is_what_its_own_request_answers(org, auth, two_communities):
    switch(auth, "street1")
    for community in org["communities"]:
        answer = kpis_of(auth, by="grid", community_id=community.id)
        assert answer["figures"] == kpis_of(auth, community_id=community.id)["figures"]
        grids = [g for g in org["grids"] if g.community_id == community.id]
        assert [(p["id"], p["name"]) for p in answer["breakdown"]] == [(g.id, g.name) for g in grids]
        for part in answer["breakdown"]:
            alone = kpis_of(auth, grid_id=part["id"])
            assert (part["figures"], part["visit_rate"]) == (alone["figures"], alone["visit_rate"])
    # Without a community: every grid of the street.
    assert [p["id"] for p in kpis_of(auth, by="grid")["breakdown"]] == [g.id for g in org["grids"]]


def test_a_community_supervisor_breaks_down_only_their_community(org, auth, two_communities):
    own, other = org["communities"]
    switch(auth, "super1")
    parts = kpis_of(auth, by="community")["breakdown"]
    assert [p["id"] for p in parts] == [own.id]
    assert parts[0]["figures"] == kpis_of(auth, community_id=own.id)["figures"]
    grids = kpis_of(auth, by="grid")["breakdown"]
    assert [p["id"] for p in grids] == [g.id for g in org["grids"] if g.community_id == own.id]
    for query in ({"community_id": other.id}, {"grid_id": org["worker_other"].grids[0].id}):
        for by in ("grid", "community"):
            response = auth.client.get(
                "/api/v1/reports/kpis", query_string={"month": "2026-11", "by": by, **query}
            )
            assert response.status_code == 404
            assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("by", ["foo", "Community", "communities", "grid,community"])
def test_an_unknown_breakdown_is_422_with_a_message(org, auth, by):
    switch(auth, "street1")
    response = auth.client.get("/api/v1/reports/kpis", query_string={"month": "2026-11", "by": by})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"]["by"] == ["分组方式应为 street（按街道）、community（按社区）或 grid（按网格）"]
    english = auth.client.get(
        "/api/v1/reports/kpis", query_string={"by": by}, headers={"Accept-Language": "en"}
    ).get_json()
    assert english["error"]["fields"]["by"] == ["by is street, community or grid"]


@pytest.mark.parametrize("username", ["worker1", "handler1"])
def test_workers_and_handlers_get_no_breakdown(org, auth, username):
    switch(auth, username)
    response = auth.client.get("/api/v1/reports/kpis", query_string={"month": "2026-11", "by": "community"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_without_by_the_answer_has_no_breakdown(org, auth):
    switch(auth, "street1")
    answer = kpis_of(auth)
    assert "breakdown" not in answer and "by" not in answer
    assert kpis_of(auth, by="")["figures"] == answer["figures"]


def test_a_month_counts_the_cases_whose_deadlines_fall_in_it_and_not_the_finished_past(org, grid, auth, app):
    """December's figures read only the cases with something in December: an event or a deadline."""
    finished = report(auth, grid, start=0)  # reported, handled, checked and closed in November
    to_checked(auth, org, finished, app)
    auth.login("super1")
    assert act(auth, finished, action="close").status_code == 200
    app.config["FAKE_NOW"] = "2026-11-30T16:00:00+08:00"
    waiting = report(auth, grid, start=10)  # dispatched late on 30 Nov: both deadlines fall on 1 Dec
    auth.login("super1")
    act(auth, waiting, action="file")
    act(auth, waiting, action="dispatch", department_id=org["departments"][0].id)

    figures = auth.client.get("/api/v1/reports/kpis?month=2026-12").get_json()["figures"]
    assert figures["on_time_handling_rate"]["denominator_case_ids"] == [waiting]
    assert figures["on_time_handling_rate"]["numerator"] == 0
    assert figures["closing_rate"]["denominator_case_ids"] == [waiting]
    assert figures["valid_report_rate"]["denominator"] == 0  # both were reported in November
    counted = {
        case_id for f in figures.values() for key in f if key.endswith("case_ids") for case_id in f[key]
    }
    assert finished not in counted
    november = auth.client.get("/api/v1/reports/kpis?month=2026-11").get_json()["figures"]
    assert sorted(november["valid_report_rate"]["denominator_case_ids"]) == sorted([finished, waiting])
