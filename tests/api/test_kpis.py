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
    assert sorted(handling["denominator_case_ids"]) == sorted([on_time, late])
    closing = figures["on_time_closing_rate"]
    assert (closing["numerator"], closing["denominator"]) == (1, 2)
    assert figures["closing_rate"]["numerator_case_ids"] == [on_time]
    assert figures["rework_rate"]["numerator"] == 0
    assert figures["rectification_rate"]["denominator"] == 2
    assert figures["rectification_rate"]["numerator"] == 1
    assert "definition" in figures["rectification_rate"] and figures["rectification_rate"]["definition"]["zh"]
    assert "visit_rate" in response.get_json()
    # Another community's supervisor sees none of it; a grid outside the scope is 404.
    other_grid = org["worker_other"].grids[0].id
    assert auth.client.get(f"/api/v1/reports/kpis?month=2026-11&grid_id={other_grid}").status_code == 404
    assert auth.client.get("/api/v1/reports/kpis?month=2026-13").status_code == 422
    trend = auth.client.get("/api/v1/reports/kpis/trend?months=3").get_json()["months"]
    assert [m["month"] for m in trend] == ["2026-09", "2026-10", "2026-11"]
    assert trend[-1]["figures"]["on_time_handling_rate"]["rate"] == 0.5
    auth.login("worker1")
    assert auth.client.get("/api/v1/reports/kpis").status_code == 404
