"""The case loop in Chromium: a hazard reported offline is filed, dispatched, handled, checked and
closed by the people who do each step, the KPIs count it on time, and an overdue case turns red."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from tests import clock
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    REGISTER_HOUSEHOLDS,
    Phone,
    login,
    query,
    wait_for_offline_ready,
    wait_until_synced,
)
from tests.e2e.test_field_work import due_rows_ready, report_hazard, scene_photo


@pytest.fixture
def seed_households() -> int:
    return REGISTER_HOUSEHOLDS


def desk(playwright_driver, base_url: str, username: str):
    """A supervisor's or handler's browser (no offline needs), logged in."""
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    login(page, base_url, username)
    return browser, page


def case_state(server, case_id: str) -> str:
    return query(server, 'SELECT state FROM "case" WHERE id = :id', id=_db_id(server, case_id))


def _db_id(server, value: str) -> str:
    return uuid.UUID(value).hex if server.env["DATABASE_URL"].startswith("sqlite") else value


def act(
    page, base_url: str, case_id: str, action: str, *, photo: str | None = None, department: str | None = None
):
    """Open the case page and take one action through its dialog."""
    page.goto(f"{base_url}/cases/{case_id}")
    page.get_by_test_id("case-head").wait_for()
    page.get_by_role("button", name=action, exact=True).first.click()
    dialog = page.get_by_test_id("action-dialog")
    dialog.wait_for()
    if department:
        page.get_by_test_id("dispatch-department").select_option(label=department)
    if photo:
        dialog.locator("input[type=file]").set_input_files(photo)
        dialog.locator("img[src^='blob:']").first.wait_for()
    page.get_by_test_id("action-comment").locator("textarea").fill(f"{action}（端到端测试）")
    dialog.get_by_role("button", name="确定").click()
    dialog.wait_for(state="hidden")


def test_reported_to_closed_on_time_and_an_overdue_case_turns_red(server, playwright_driver, tmp_path):
    worker = Phone(
        playwright_driver,
        tmp_path / "worker",
        geolocation={"latitude": 28.6772, "longitude": 115.8921, "accuracy": 10},
        permissions=["geolocation"],
    )
    browsers = []
    try:
        # 1 信息采集: the worker reports in a basement; it syncs when the signal returns.
        page = worker.open().new_page()
        login(page, server.url, "worker")
        wait_for_offline_ready(page)
        due_rows_ready(page)
        server.stop()
        report_hazard(page, tmp_path)
        server.start()
        page.goto(server.url + "/")
        wait_until_synced(page)
        case_id = str(
            uuid.UUID(
                str(query(server, "SELECT id FROM \"case\" WHERE description = '楼道内电动车充电，飞线'"))
            )
        )
        assert case_state(server, case_id) == "reported"

        # 2–3 立案 and 派遣 at the community's desk.
        browser, supervisor = desk(playwright_driver, server.url, "supervisor")
        browsers.append(browser)
        act(supervisor, server.url, case_id, "立案")
        act(supervisor, server.url, case_id, "派遣", department="城管执法中队")
        assert case_state(server, case_id) == "dispatched"

        # 4–5 处置: the handler sends an after-photo through the outbox.
        browser, handler = desk(playwright_driver, server.url, "handler")
        browsers.append(browser)
        act(handler, server.url, case_id, "处置完成", photo=scene_photo(tmp_path, "after.jpg", (40, 160, 40)))
        wait_until_synced(handler)
        assert case_state(server, case_id) == "handled"

        # 6 核查: the grid worker checks on site with a photo, then the desk closes it.
        act(page, server.url, case_id, "核查通过", photo=scene_photo(tmp_path, "check.jpg", (40, 40, 160)))
        wait_until_synced(page)
        assert case_state(server, case_id) == "checked"
        act(supervisor, server.url, case_id, "结案")
        assert case_state(server, case_id) == "closed"

        # The KPIs count it as handled and closed on time.
        # The KPI month is a Shanghai month (not the machine's, which is UTC from 16:00 there).
        month = clock.today().strftime("%Y-%m")
        kpis = supervisor.evaluate("m => fetch('/api/v1/reports/kpis?month=' + m).then(r => r.json())", month)
        figures = kpis["figures"]
        for code in ("on_time_handling_rate", "on_time_closing_rate", "closing_rate"):
            counted = figures[code]["numerator_case_ids"]
            assert any(str(c).startswith(case_id) for c in counted), (code, figures[code])

        # A second case is dispatched and then left alone until well past its deadline.
        second = _report_and_dispatch_through_the_api(server, tmp_path)
        server.stop()
        server.env["GRIDWALK_FAKE_NOW"] = (clock.now() + timedelta(days=30)).isoformat()
        server.start()
        supervisor.goto(server.url + "/cases")
        row = supervisor.locator(f"[data-testid=case-row][data-id='{second}']")
        row.wait_for()
        assert row.get_attribute("data-light") == "red"
        closed_row = supervisor.locator(f"[data-testid=case-row][data-id='{case_id}']")
        if closed_row.count():
            assert closed_row.get_attribute("data-light") != "red"
    finally:
        for browser in browsers:
            browser.close()
        worker.close()


def _report_and_dispatch_through_the_api(server, tmp_path) -> str:
    """A second report and dispatch, sent the way the app sends them (the UI is tested above)."""
    import hashlib

    worker = requests.Session()
    csrf = worker.post(
        server.url + "/api/v1/auth/login", json={"username": "worker", "password": DEMO_PASSWORD}
    ).json()["csrf_token"]
    me = worker.get(server.url + "/api/v1/auth/me").json()["user"]
    photo = Path(scene_photo(tmp_path, "second.jpg", (90, 90, 90))).read_bytes()
    sha = hashlib.sha256(photo).hexdigest()
    assert worker.put(
        f"{server.url}/api/v1/photos/{sha}",
        data=photo,
        headers={"Content-Type": "image/jpeg", "X-CSRF-Token": csrf},
    ).status_code in (200, 201)
    item_id = str(uuid.uuid4())
    answer = worker.post(
        server.url + "/api/v1/sync/push",
        json={
            "device_id": "e2e-device-2",
            "items": [
                {
                    "id": item_id,
                    "kind": "hazard_report",
                    "template": {"key": "hazard_inspection", "version": 1},
                    "created_at": clock.now().isoformat(),
                    "payload": {
                        "grid_id": me["grids"][0]["id"],
                        "address": "示例小区1栋楼道",
                        "answers": {
                            "category": "ebike",
                            "severity": "general",
                            "immediate_danger": False,
                            "description": "电动车停放在楼道",
                            "scene_photos": [sha],
                            "address": "示例小区1栋楼道",
                        },
                    },
                    "photos": [sha],
                    "location": None,
                }
            ],
        },
        headers={"X-CSRF-Token": csrf},
    ).json()
    result = answer["results"][0]
    assert result["status"] == "accepted", result
    case_id = result["case_id"]

    desk_session = requests.Session()
    csrf = desk_session.post(
        server.url + "/api/v1/auth/login", json={"username": "supervisor", "password": DEMO_PASSWORD}
    ).json()["csrf_token"]
    org = desk_session.get(server.url + "/api/v1/org").json()
    department = next(d["id"] for d in org["departments"] if d["name"] == "城管执法中队")
    for body in ({"action": "file"}, {"action": "dispatch", "department_id": department}):
        response = desk_session.post(
            f"{server.url}/api/v1/cases/{case_id}/actions", json=body, headers={"X-CSRF-Token": csrf}
        )
        assert response.status_code == 200, response.text
    return case_id
