"""A roll-call (叫应) in Chromium: launched at the desk, confirmed on a phone in a basement with the
server unreachable, delivered when the signal returns, each person reached exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import (
    REGISTER_HOUSEHOLDS,
    api_session,
    login,
    query,
    wait_for_offline_ready,
    wait_until,
    wait_until_synced,
)

CONFIRMED = 20


@pytest.fixture
def seed_households() -> int:
    """The register other modules seed too (one template a run); launch_roll_call adds the rest."""
    return REGISTER_HOUSEHOLDS


def launch_roll_call(server) -> tuple[int, int]:
    """The street's duty chief launches a roll-call over the demo worker's grid: (campaign id, targets)."""
    desk, csrf = api_session(server, "street")
    grid_id = query(server, "SELECT id FROM grid WHERE code = '360103-001-001-001'")
    # The desk registers households until the worker's grid has more than twenty.
    have = query(server, "SELECT count(*) FROM household WHERE grid_id = :grid", grid=grid_id)
    for n in range(CONFIRMED + 2 - have):
        added = desk.post(
            server.url + "/api/v1/households",
            json={
                "grid_id": grid_id,
                "head_name": f"住户{n}",
                "address": f"示例路{n}号",
                "housing_type": "own",
            },
            headers={"X-CSRF-Token": csrf},
        )
        assert added.status_code == 201, added.text
    now = datetime.now(UTC)
    created = desk.post(
        server.url + "/api/v1/campaigns",
        json={
            "name": "暴雨叫应（演示）",
            "template": {"key": "household_visit", "version": 1},
            "rule": {"subject": "household", "grid_ids": [grid_id]},
            "mode": "roll_call",
            "deadline_hours": 6,
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat(),
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert created.status_code == 201, created.text
    campaign = created.json()["id"]
    launched = desk.post(f"{server.url}/api/v1/campaigns/{campaign}/launch", headers={"X-CSRF-Token": csrf})
    assert launched.status_code == 200, launched.text
    return campaign, launched.json()["launch"]["total"]


def test_a_roll_call_confirmed_offline_reaches_the_board_each_person_once(server, phone, second_phone):
    campaign, total = launch_roll_call(server)
    assert total >= CONFIRMED

    context = phone.open()
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)
    # 我的专项 on the home lists the roll-call once the first pull has brought it.
    page.get_by_test_id("campaign-row").first.wait_for(timeout=60000)
    page.get_by_test_id("campaign-row").first.click()
    page.wait_for_url(f"**/campaigns/{campaign}")
    wait_until(
        page, f"() => document.querySelectorAll('[data-testid=campaign-target]').length === {total}", 30
    )

    # The basement: no server. Twenty people confirmed 已叫应, each saved on the phone.
    server.stop()
    for n in range(CONFIRMED):
        row = page.locator("[data-testid=campaign-target][data-waiting='0']").first
        row.get_by_role("button", name="已叫应").click()
        wait_until(page, f"() => document.querySelectorAll(\"[data-waiting='1']\").length === {n + 1}")
    assert query(server, "SELECT count(*) FROM campaign_event") == 0

    # Back in signal: the outbox delivers them.
    server.start()
    wait_until(page, "() => fetch('/api/v1/health').then(r => r.ok, () => false)", 30)
    wait_until_synced(page)

    assert query(server, "SELECT count(*) FROM campaign_event WHERE kind = 'close'") == CONFIRMED
    assert query(server, "SELECT count(*) FROM campaign_event") == CONFIRMED
    assert query(server, "SELECT count(DISTINCT target_id) FROM campaign_event") == CONFIRMED
    assert query(server, "SELECT count(*) FROM campaign_target WHERE answer = 'reached'") == CONFIRMED

    # The duty chief's board shows them reached: only the others are still 未叫应.
    desk = second_phone.open().new_page()
    login(desk, server.url, "street")
    desk.goto(f"{server.url}/desk/campaigns/{campaign}")
    cell = desk.get_by_test_id("roll-call-community").first.locator("td").nth(2)
    cell.wait_for()
    assert cell.get_attribute("data-unanswered") == str(total - CONFIRMED)
    assert desk.get_by_test_id("not-reached").count() == total - CONFIRMED
