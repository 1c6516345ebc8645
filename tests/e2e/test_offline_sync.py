"""Offline household visits in Chromium: kept on the phone, delivered exactly once."""

from __future__ import annotations

import json

from PIL import Image
from sqlalchemy import create_engine, text

from tests import clock
from tests.e2e.conftest import ALL_DONE, api_session, login, open_outbox, wait_for_offline_ready, wait_until


def count_rows(server, sql: str) -> int:
    engine = create_engine(server.env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


def photo_file(tmp_path) -> str:
    path = tmp_path / "hazard.jpg"
    image = Image.new("RGB", (800, 600), (200, 120, 40))
    for x in range(0, 800, 40):
        for y in range(0, 600, 40):
            image.putpixel((x, y), (10, 10, 10))
    image.save(path, "JPEG", quality=85)
    return str(path)


def fill_household_visit(page, note: str, photo: str | None = None) -> None:
    """Fill the 入户走访 form the way a worker does and save it to the phone."""
    page.get_by_role("link", name="入户走访").or_(page.get_by_role("button", name="入户走访")).first.click()
    form = page.locator("form")
    form.wait_for()
    page.get_by_label("走访日期").fill(clock.today().isoformat())
    page.get_by_role("radio", name="是").first.click()
    page.get_by_label("见到的人数").fill("2")
    page.get_by_role("radio", name="自住").first.click()
    if photo:
        page.locator("input[type=file]").first.set_input_files(photo)
        page.locator("img[src^='blob:']").first.wait_for()
    page.get_by_label("备注").fill(note)
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存，联网后自动同步").wait_for()


def outbox_statuses(page) -> list[str]:
    page.get_by_role("link", name="待同步").or_(page.get_by_role("tab", name="待同步")).first.click()
    rows = page.get_by_test_id("outbox-item")
    rows.first.wait_for()
    return [rows.nth(i).get_attribute("data-status") for i in range(rows.count())]


def test_three_offline_visits_reach_the_server_exactly_once(server, phone, tmp_path):
    context = phone.open()
    page = context.new_page()
    pushes: list[str] = []
    page.on("request", lambda r: pushes.append(r.post_data) if r.url.endswith("/api/v1/sync/push") else None)
    login(page, server.url, "worker")
    wait_for_offline_ready(page)

    server.stop()
    for n in range(3):
        page.goto(server.url + "/")
        fill_household_visit(page, f"第{n + 1}户", photo=photo_file(tmp_path) if n == 0 else None)

    # Cold start with the server still unreachable: all three wait on the phone.
    phone.close()
    context = phone.open()
    page = context.new_page()
    page.goto(server.url + "/")
    assert outbox_statuses(page) == ["pending"] * 3

    # Close the tab, open a new one, then the network returns: sync starts by itself.
    page.close()
    page = context.new_page()
    page.on("request", lambda r: pushes.append(r.post_data) if r.url.endswith("/api/v1/sync/push") else None)
    page.goto(server.url + "/")
    server.start()
    wait_until(page, "() => fetch('/api/v1/health').then(r => r.ok, () => false)")
    page.get_by_role("link", name="待同步").or_(page.get_by_role("tab", name="待同步")).first.click()
    wait_until(page, ALL_DONE, timeout=60)
    assert count_rows(server, "SELECT count(*) FROM submission") == 3
    assert count_rows(server, "SELECT count(*) FROM photo") == 1
    # Nothing is left waiting: the home's 待同步 card counts zero.
    page.goto(server.url + "/")
    assert page.get_by_test_id("pending-count").get_attribute("data-count") == "0"

    # Replaying the very same push changes nothing on the server.
    assert pushes, "the app never pushed"
    body = json.loads(next(p for p in pushes if p))
    answer = page.evaluate(
        """async (body) => {
            const me = await (await fetch('/api/v1/auth/me')).json();
            const r = await fetch('/api/v1/sync/push', {method: 'POST', body: JSON.stringify(body),
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token}});
            return await r.json();
        }""",
        body,
    )
    assert {r["status"] for r in answer["results"]} == {"duplicate"}
    assert count_rows(server, "SELECT count(*) FROM submission") == 3


def test_push_answer_lost_after_commit_is_delivered_once(server, phone):
    context = phone.open()
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)

    lost = {"count": 0}

    def lose_first_answer(route):
        if lost["count"] == 0:
            lost["count"] += 1
            route.fetch()  # the server receives and commits the batch...
            route.abort("connectionreset")  # ...but the answer never reaches the phone
        else:
            route.continue_()

    context.route("**/api/v1/sync/push", lose_first_answer)
    fill_household_visit(page, "回执丢失的一户")
    page.get_by_role("link", name="待同步").or_(page.get_by_role("tab", name="待同步")).first.click()
    page.get_by_role("button", name="立即同步").click()
    wait_until(page, ALL_DONE, timeout=60)
    assert lost["count"] == 1
    assert count_rows(server, "SELECT count(*) FROM submission") == 1


def test_a_backup_exported_offline_is_taken_by_the_servers_import(server, phone, tmp_path):
    """导出备份 in the basement: the file the worker hands over is one /sync/import accepts."""
    context = phone.open()
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)
    server.stop()
    page.goto(server.url + "/")
    fill_household_visit(page, "备份里的一户", photo=photo_file(tmp_path))
    open_outbox(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="导出备份").click()
    file = tmp_path / download.value.suggested_filename
    download.value.save_as(file)
    assert file.name.startswith("gridwalk-outbox-worker-") and file.suffix == ".json"
    written = json.loads(file.read_text())
    assert [i["payload"]["answers"]["notes"] for i in written["items"]] == ["备份里的一户"]
    assert len(written["photos"]) == 1
    # The phone is lost before it ever syncs; the supervisor's desk imports its file.
    phone.close()
    server.start()
    desk, csrf = api_session(server, "street")
    answer = desk.post(
        server.url + "/api/v1/sync/import",
        data=file.read_bytes(),
        headers={"Content-Type": "application/json", "X-CSRF-Token": csrf},
    )
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"]
    assert [p["status"] for p in answer.json()["photos"]] == ["stored"]
    assert count_rows(server, "SELECT count(*) FROM submission") == 1
    assert count_rows(server, "SELECT count(*) FROM photo") == 1
