"""Field work in Chromium: welfare visits, hazard reports and register edits made offline."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
import requests
from PIL import Image

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    login,
    open_outbox,
    query,
    sync_until,
    wait_for_offline_ready,
    wait_until,
    wait_until_synced,
)

INTERVAL_DAYS = {"high": 7, "key": 30, "general": 90}


def db_uuid(server, value: str) -> str:
    """How a UUID column compares in raw SQL: SQLite stores 32 hex digits, PostgreSQL a uuid."""
    return uuid.UUID(value).hex if server.env["DATABASE_URL"].startswith("sqlite") else value


def as_json(value):
    """JSON columns come back decoded from PostgreSQL and as text from SQLite."""
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture
def seed_households() -> int:
    return 6


def due_rows_ready(page) -> None:
    wait_until(
        page,
        "() => Array.from(document.querySelectorAll('[data-testid=due-today],[data-testid=overdue]'))"
        ".some(e => e.dataset.ready === 'true')",
        timeout=30,
    )


def due_resident_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-testid=due-resident]", "rows => rows.map(r => r.dataset.residentId)"
    )


def pick(page, group: str, option: str) -> None:
    page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option).click()


def test_offline_welfare_visit_updates_the_due_list_and_the_server(server, phone):
    context = phone.open()
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)
    due_rows_ready(page)
    before = due_resident_ids(page)
    assert before, "the demo grid has residents due for a visit"

    server.stop()
    resident_id = before[0]
    page.locator(f"[data-testid=due-resident][data-resident-id='{resident_id}']").click()
    pick(page, "巡访方式", "上门探访")
    for area in ("身体健康", "经济状况", "家庭赡养/照料责任落实", "住房及水电气安全", "服务需求"):
        pick(page, area, "正常")
    pick(page, "是否有重大变化", "否")
    pick(page, "是否需要转介", "否")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存，联网后自动同步").first.wait_for()

    # Still offline: the home's due lists drop the resident at once.
    page.goto(server.url + "/")
    due_rows_ready(page)
    assert resident_id not in due_resident_ids(page)

    server.start()
    wait_until_synced(page)
    tier = query(server, "SELECT care_tier FROM resident WHERE id = :id", id=db_uuid(server, resident_id))
    due = query(server, "SELECT next_visit_due FROM resident WHERE id = :id", id=db_uuid(server, resident_id))
    assert query(server, "SELECT count(*) FROM submission WHERE kind = 'welfare_visit'") == 1
    today = date.today()
    expected = today + timedelta(days=INTERVAL_DAYS[tier])
    assert str(due)[:10] in {str(expected), str(expected + timedelta(days=1))}  # UTC vs Shanghai midnight


def scene_photo(tmp_path, name: str, colour: tuple[int, int, int]) -> str:
    path = tmp_path / name
    Image.new("RGB", (640, 480), colour).save(path, "JPEG", quality=85)
    return str(path)


def report_hazard(page, tmp_path, description: str = "楼道内电动车充电，飞线") -> None:
    """Fill 上报隐患 with two photos and the phone's GPS, and save it to the phone."""
    page.get_by_role("button", name="上报隐患").first.click()
    page.get_by_role("radiogroup", name="隐患类别").get_by_role("radio").first.click()
    pick(page, "隐患等级", "一般")
    pick(page, "是否存在现实危险", "否")
    page.get_by_label("隐患描述").fill(description)
    uploader = page.locator("input[type=file]").first
    uploader.set_input_files(scene_photo(tmp_path, "a.jpg", (200, 40, 40)))
    page.locator("img[src^='blob:']").nth(0).wait_for()
    uploader.set_input_files(scene_photo(tmp_path, "b.jpg", (40, 40, 200)))
    page.locator("img[src^='blob:']").nth(1).wait_for()
    locate = page.get_by_role("button", name="获取当前位置")
    if locate.count():
        locate.first.click()
    page.get_by_text("精度约").first.wait_for()
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存").first.wait_for()


def test_offline_hazard_report_with_two_photos_and_gps_becomes_a_reported_case(
    server, playwright_driver, tmp_path
):
    from tests.e2e.conftest import Phone

    phone = Phone(
        playwright_driver,
        tmp_path / "gps-profile",
        geolocation={"latitude": 28.6772, "longitude": 115.8921, "accuracy": 12},
        permissions=["geolocation"],
    )
    try:
        context = phone.open()
        page = context.new_page()
        login(page, server.url, "worker")
        wait_for_offline_ready(page)
        due_rows_ready(page)

        server.stop()
        report_hazard(page, tmp_path)

        server.start()
        page.goto(server.url + "/")
        wait_until_synced(page)
        # The demo data has cases of its own: find ours by what the worker wrote.
        mine = "FROM \"case\" WHERE description = '楼道内电动车充电，飞线'"
        assert query(server, f"SELECT count(*) {mine} AND state = 'reported'") == 1
        assert len(as_json(query(server, f"SELECT photos {mine}"))) == 2
        location = as_json(query(server, f"SELECT location {mine}"))
        assert abs(location["lat"] - 28.6772) < 1e-6 and abs(location["lng"] - 115.8921) < 1e-6
        assert location["accuracy"] == 12
    finally:
        phone.close()


def add_second_worker(server) -> str:
    """An admin gives the first grid a second worker (two people covering one grid)."""
    admin = requests.Session()
    answer = admin.post(
        server.url + "/api/v1/auth/login", json={"username": "admin", "password": DEMO_PASSWORD}
    )
    csrf = answer.json()["csrf_token"]
    org = admin.get(server.url + "/api/v1/org").json()
    grid_id = org["communities"][0]["grids"][0]["id"]
    created = admin.post(
        server.url + "/api/v1/users",
        json={
            "username": "worker.b",
            "display_name": "第二网格员（演示）",
            "password": DEMO_PASSWORD,
            "role": "worker",
            "grid_ids": [grid_id],
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert created.status_code == 201, created.text
    return "worker.b"


def edit_head_of_household(page, base_url: str, household_id: str, head: str) -> None:
    page.goto(f"{base_url}/roster/households/{household_id}/edit")
    field = page.get_by_test_id("field-head_name").locator("input")
    field.fill(head)
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存，联网后自动同步").first.wait_for()


def test_two_workers_edit_one_household_offline_one_conflict_nothing_lost(server, phone, second_phone):
    other = add_second_worker(server)
    household_id = query(
        server,
        "SELECT h.id FROM household h JOIN grid g ON g.id = h.grid_id "
        "WHERE g.code = '360103-001-001-001' ORDER BY h.id LIMIT 1",
    )
    household_id = str(uuid.UUID(str(household_id)))

    pages = []
    for device, username in ((phone, "worker"), (second_phone, other)):
        page = device.open().new_page()
        login(page, server.url, username)
        wait_for_offline_ready(page)
        due_rows_ready(page)
        pages.append(page)
    first, second = pages

    server.stop()
    edit_head_of_household(first, server.url, household_id, "王甲（一号网格员改）")
    edit_head_of_household(second, server.url, household_id, "王乙（二号网格员改）")

    server.start()
    # Whichever phone reaches the server first wins the record; the other gets the conflict.
    statuses = {}
    for page in (first, second):
        open_outbox(page)
        page.get_by_role("button", name="立即同步").click()
    for name, page in (("王甲", first), ("王乙", second)):
        statuses[name] = sync_until(
            page,
            "() => { const s = Array.from(document.querySelectorAll('[data-testid=outbox-item]'))"
            ".map(e => e.dataset.status); return s.length && s.every(x => x === 'done' || x === 'conflict')"
            " ? s : null }",
        )
    losers = [name for name, s in statuses.items() if "conflict" in s]
    assert len(losers) == 1, statuses
    loser = losers[0]
    winner = "王乙" if loser == "王甲" else "王甲"
    # Both sides are kept: the winner's edit on the record, the loser's in the conflict store.
    assert query(server, f"SELECT head_name FROM household WHERE head_name LIKE '{winner}%'") is not None
    assert query(server, "SELECT count(*) FROM sync_conflict") == 1

    # The loser compares the two versions and keeps theirs: it goes through on top of the server's.
    page = first if loser == "王甲" else second
    page.get_by_test_id("open-conflict").first.click()
    page.get_by_test_id("conflict-row").first.wait_for()
    page.get_by_role("button", name="保留我的").click()
    # The app goes back to 待同步 once the choice is stored; navigating away sooner would cut
    # the IndexedDB write short, which is the app's business to survive but not this test's.
    page.wait_for_url("**/outbox")
    sync_until(
        page,
        "() => !Array.from(document.querySelectorAll('[data-testid=outbox-item]'))"
        ".some(e => ['pending', 'sending', 'conflict'].includes(e.dataset.status))",
    )
    assert query(server, f"SELECT head_name FROM household WHERE head_name LIKE '{loser}%'") is not None
