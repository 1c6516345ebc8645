"""The KPI dashboard in Chromium: the month's figures and a bar per community come in one request,
one community's grids in one more, and a figure opens the cases it counts."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlparse

from tests.e2e.conftest import query
from tests.e2e.test_case_loop import desk


def test_one_request_draws_the_figures_and_a_bar_per_community(server, playwright_driver):
    browser, page = desk(playwright_driver, server.url, "street")
    try:
        asked: list[dict] = []

        def note(request) -> None:
            url = urlparse(request.url)
            if url.path == "/api/v1/reports/kpis":
                asked.append({k: v[0] for k, v in parse_qs(url.query).items()})

        page.on("request", note)
        page.goto(server.url + "/dashboard")
        bars = page.get_by_test_id("kpi-communities")
        bars.locator("canvas").wait_for()
        assert [a.get("by") for a in asked] == ["community"]
        assert page.get_by_role("heading", name="各社区", exact=False).count() == 1

        # The demo's closed case counts in the closing rate: the figure lists it as counted, the
        # cases that count before those only due, and opens it.
        closed = str(uuid.UUID(str(query(server, "SELECT id FROM \"case\" WHERE state = 'closed'"))))
        closing = page.get_by_test_id("kpi-closing_rate")
        assert float(closing.get_attribute("data-rate")) > 0
        closing.click()
        cases = page.get_by_test_id("kpi-case")
        cases.first.wait_for()
        ours = cases.filter(has_text=closed[:8])
        assert ours.count() == 1 and ours.get_attribute("data-counted") == "1"
        counted = [c.get_attribute("data-counted") for c in cases.all()]
        assert counted == sorted(counted, reverse=True), counted
        ours.click()
        page.get_by_test_id("case-head").wait_for()
        asked.clear()
        page.go_back()
        bars.locator("canvas").wait_for()

        # One community: its grids, in one request again.
        first = page.get_by_test_id("kpi-community").locator("option").nth(1)
        page.get_by_test_id("kpi-community").select_option(value=first.get_attribute("value"))
        page.get_by_role("heading", name="各网格", exact=False).wait_for()
        page.get_by_test_id("kpi-closing_rate").wait_for()
        # Coming back loaded the street once; choosing the community asked once more.
        assert [a.get("by") for a in asked if "community_id" not in a] == ["community"]
        chosen = [a for a in asked if "community_id" in a]
        assert chosen == [
            {"month": chosen[0]["month"], "community_id": first.get_attribute("value"), "by": "grid"}
        ]
    finally:
        browser.close()
