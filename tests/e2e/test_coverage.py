"""走访覆盖率 in Chromium: a worker sees their own month in 我的, the supervisor sees the same figures
in the desk's table, one row per worker of the community, by grid."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import REGISTER_HOUSEHOLDS, api_session, login
from tests.e2e.test_case_loop import desk


@pytest.fixture
def seed_households() -> int:
    return REGISTER_HOUSEHOLDS


def test_a_worker_sees_their_month_and_the_supervisor_the_same_row(server, phone, playwright_driver):
    session, _ = api_session(server, "worker")
    [mine] = session.get(server.url + "/api/v1/submissions/coverage").json()["workers"]
    assert mine["households"] > 0

    page = phone.open().new_page()
    login(page, server.url, "worker")
    page.goto(server.url + "/me")
    card = page.get_by_test_id("my-coverage")
    card.get_by_text("走访覆盖").wait_for()
    households = page.get_by_test_id("my-coverage-households").inner_text()
    assert f"{mine['households_visited']} / {mine['households']} 户" in households

    browser, desk_page = desk(playwright_driver, server.url, "supervisor")
    try:
        desk_page.goto(server.url + "/cases")
        desk_page.get_by_role("link", name="走访覆盖率").click()
        desk_page.get_by_role("heading", name="走访覆盖率").wait_for()
        row = desk_page.get_by_test_id(f"coverage-row-{mine['user_id']}")
        row.wait_for()
        assert f"{mine['households_visited']} / {mine['households']}" in row.inner_text()
        assert "不做排名" in desk_page.locator("main").inner_text()
        supervisor, _ = api_session(server, "supervisor")
        everyone = supervisor.get(server.url + "/api/v1/submissions/coverage").json()["workers"]
        assert desk_page.locator("tbody tr").count() == len(everyone) > 1
    finally:
        browser.close()
