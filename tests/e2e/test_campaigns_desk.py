"""发起专项 in Chromium: the street supervisor builds a campaign on the desk screen, sees whom its
rule reaches, launches it, and ends it; the board stays, marked 已结束."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import REGISTER_HOUSEHOLDS, login, query, wait_until

GRID = "360103-001-001-001"  # the demo worker's grid


@pytest.fixture
def seed_households() -> int:
    """The register other modules seed too (one template a run)."""
    return REGISTER_HOUSEHOLDS


def test_a_street_supervisor_creates_launches_and_ends_a_campaign(server, phone):
    grid_id = query(server, "SELECT id FROM grid WHERE code = :code", code=GRID)
    grid_name = query(server, "SELECT name FROM grid WHERE id = :id", id=grid_id)
    households = query(server, "SELECT count(*) FROM household WHERE grid_id = :id", id=grid_id)
    template = query(
        server,
        "SELECT version FROM form_template WHERE key = 'household_visit' AND active ORDER BY version DESC LIMIT 1",
    )
    assert households > 0

    page = phone.open().new_page()
    login(page, server.url, "street")
    page.goto(server.url + "/desk/campaigns")
    page.get_by_test_id("campaign-new-link").click()
    page.wait_for_url("**/desk/campaigns/new")

    page.get_by_label("名称").fill("消防安全专项排查")
    page.get_by_label("表单").select_option(f"household_visit:{template}")
    page.get_by_label(grid_name, exact=True).check()
    page.get_by_role("button", name="预览人数").click()
    count = page.get_by_test_id("campaign-count")
    count.wait_for()
    assert count.inner_text() == f"按此规则将下发 {households} 个对象"

    page.get_by_role("button", name="发起并下发").click()
    page.wait_for_url(re.compile(r"/desk/campaigns/\d+$"), timeout=30000)
    campaign = int(page.url.rstrip("/").split("/")[-1])
    status = page.get_by_test_id("campaign-status")
    wait_until(
        page, "() => document.querySelector('[data-testid=campaign-status]')?.innerText.includes('进行中')"
    )
    assert (
        query(server, "SELECT count(*) FROM campaign_target WHERE campaign_id = :id", id=campaign)
        == households
    )
    assert page.get_by_test_id("campaign-board").locator("tbody tr").count() == 1

    page.get_by_test_id("campaign-end").click()
    page.locator(".van-dialog").get_by_role("button", name="确认").click()
    wait_until(
        page, "() => document.querySelector('[data-testid=campaign-status]')?.innerText.includes('已结束')"
    )
    assert status.inner_text().strip() == "已结束"
    assert page.get_by_test_id("campaign-end").count() == 0
    assert page.get_by_test_id("campaign-board").locator("tbody tr").count() == 1  # the board stays
    assert query(server, "SELECT status FROM campaign WHERE id = :id", id=campaign) == "ended"

    page.goto(server.url + "/desk/campaigns")
    row = page.get_by_test_id("campaign-board-row").filter(has_text="消防安全专项排查")
    row.wait_for()
    assert "已结束" in row.inner_text()
