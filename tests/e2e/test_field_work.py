"""Field work in Chromium: welfare visits, hazard reports and register edits made offline."""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from PIL import Image
from playwright.sync_api import expect

from tests import clock
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    REGISTER_HOUSEHOLDS,
    api_session,
    first_household_id,
    login,
    open_outbox,
    query,
    sync_until,
    wait_for_offline_ready,
    wait_until,
    wait_until_synced,
)

INTERVAL_DAYS = {"high": 7, "key": 30, "general": 90}
SHANGHAI = ZoneInfo("Asia/Shanghai")
GPS = {"latitude": 28.6772, "longitude": 115.8921, "accuracy": 12}


def db_uuid(server, value: str) -> str:
    """How a UUID column compares in raw SQL: SQLite stores 32 hex digits, PostgreSQL a uuid."""
    return uuid.UUID(value).hex if server.env["DATABASE_URL"].startswith("sqlite") else value


def as_json(value):
    """JSON columns come back decoded from PostgreSQL and as text from SQLite."""
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture
def seed_households() -> int:
    return REGISTER_HOUSEHOLDS


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


def due_ids_in(page, section: str) -> list[str]:
    """Resident ids listed under one of the home's lists: due-today (今日到期) or overdue (已逾期)."""
    return page.eval_on_selector_all(
        f"[data-testid={section}] [data-testid=due-resident]", "rows => rows.map(r => r.dataset.residentId)"
    )


def fill_welfare_visit(page) -> None:
    """关爱巡访: at home, all five areas normal, nothing changed, no referral."""
    pick(page, "巡访方式", "上门探访")
    for area in ("身体健康", "经济状况", "家庭赡养/照料责任落实", "住房及水电气安全", "服务需求"):
        pick(page, area, "正常")
    pick(page, "是否有重大变化", "否")
    pick(page, "是否需要转介", "否")


def test_offline_welfare_visit_updates_the_due_list_and_the_server(server, phone):
    context = phone.open()
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)
    due_rows_ready(page)
    today_ids, overdue_ids = due_ids_in(page, "due-today"), due_ids_in(page, "overdue")
    assert today_ids, "the demo grid has residents due for a visit today"
    resident_id = today_ids[0]
    assert resident_id not in overdue_ids
    listed_today = int(page.get_by_test_id("due-today").get_attribute("data-count"))

    server.stop()
    # A marker that only a full page load would wipe: the list must update without one.
    page.evaluate("() => { window.__sameDocument = true }")
    page.locator(
        f"[data-testid=due-today] [data-testid=due-resident][data-resident-id='{resident_id}']"
    ).click()
    fill_welfare_visit(page)
    saved_on = clock.today()
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存，联网后自动同步").first.wait_for()

    # Still offline, back on the home it came from: the resident left 今日到期 at once.
    page.wait_for_url(server.url + "/")
    wait_until(
        page,
        "(id) => !Array.from(document.querySelectorAll('[data-testid=due-today] [data-testid=due-resident]'))"
        ".some(e => e.dataset.residentId === id)",
        arg=resident_id,
    )
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    assert int(page.get_by_test_id("due-today").get_attribute("data-count")) == listed_today - 1
    assert resident_id not in due_ids_in(page, "overdue")

    server.start()
    wait_until_synced(page)
    tier = query(server, "SELECT care_tier FROM resident WHERE id = :id", id=db_uuid(server, resident_id))
    due = query(server, "SELECT next_visit_due FROM resident WHERE id = :id", id=db_uuid(server, resident_id))
    assert query(server, "SELECT count(*) FROM submission WHERE kind = 'welfare_visit'") == 1
    # Due dates are Shanghai calendar dates: the visit's day there plus the tier's interval.
    assert str(due)[:10] == str(saved_on + timedelta(days=INTERVAL_DAYS[tier]))


def test_a_household_visit_started_from_the_household_card_is_linked_to_it(server, phone):
    household_id = first_household_id(server)
    head = query(server, "SELECT head_name FROM household WHERE id = :id", id=db_uuid(server, household_id))
    page = phone.open().new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)
    due_rows_ready(page)

    server.stop()
    page.goto(f"{server.url}/roster/households/{household_id}")
    page.get_by_test_id("household-visit").click()
    # The 入户走访 form, about this household, with its head's name on the field.
    page.wait_for_url(f"**/visit/new?household={household_id}")
    expect(page.locator(".van-nav-bar__title")).to_have_text("入户走访")
    linked = page.get_by_test_id("field-household")
    assert linked.get_attribute("data-household-id") == household_id
    assert head in linked.inner_text()
    page.get_by_label("走访日期").fill(clock.today().isoformat())
    pick(page, "家中是否有人", "是")
    page.get_by_label("见到的人数").fill("2")
    pick(page, "居住情况", "自住")
    page.get_by_label("备注").fill("从住户卡片发起的走访")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存，联网后自动同步").first.wait_for()
    page.wait_for_url(f"**/roster/households/{household_id}")

    server.start()
    wait_until_synced(page)
    assert query(server, "SELECT count(*) FROM submission WHERE kind = 'household_visit'") == 1
    stored = query(server, "SELECT household_id FROM submission WHERE kind = 'household_visit'")
    assert str(uuid.UUID(str(stored))) == household_id


def scene_photo(tmp_path, name: str, colour: tuple[int, int, int]) -> str:
    path = tmp_path / name
    Image.new("RGB", (640, 480), colour).save(path, "JPEG", quality=85)
    return str(path)


RED, GREEN, BLUE = (200, 40, 40), (40, 180, 40), (40, 40, 200)


def report_hazard(
    page,
    tmp_path,
    description: str = "楼道内电动车充电，飞线",
    colours: tuple[tuple[int, int, int], ...] = (RED, BLUE),
    remove: int | None = None,
) -> None:
    """Fill 上报隐患 with a photo per colour (thumbnail `remove` deleted again before saving) and
    the phone's GPS, and save it to the phone."""
    page.get_by_role("button", name="上报隐患").first.click()
    page.get_by_role("radiogroup", name="隐患类别").get_by_role("radio").first.click()
    pick(page, "隐患等级", "一般")
    pick(page, "是否存在现实危险", "否")
    page.get_by_label("隐患描述").fill(description)
    uploader = page.locator("input[type=file]").first
    for n, colour in enumerate(colours):
        uploader.set_input_files(scene_photo(tmp_path, f"scene-{n}.jpg", colour))
        page.locator("img[src^='blob:']").nth(n).wait_for()
    if remove is not None:
        page.locator(".van-uploader__preview-delete").nth(remove).click()
        wait_until(
            page,
            "(n) => document.querySelectorAll(\".van-uploader__preview img[src^='blob:']\").length === n",
            arg=len(colours) - 1,
        )
    locate_and_save(page)


def locate_and_save(page) -> None:
    """Take the GPS fix (Playwright's geolocation) and save the report on the phone."""
    locate = page.get_by_role("button", name="获取当前位置")
    if locate.count():
        locate.first.click()
    page.get_by_text("已定位").first.wait_for()
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存").first.wait_for()


def photo_colour(session: requests.Session, server, sha: str) -> tuple[int, int, int]:
    """The middle pixel of a stored photo, as the server serves it."""
    answer = session.get(f"{server.url}/api/v1/photos/{sha}", params={"size": "thumb"})
    assert answer.status_code == 200
    image = Image.open(io.BytesIO(answer.content)).convert("RGB")
    return image.getpixel((image.width // 2, image.height // 2))


def near(colour: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 30 for a, b in zip(colour, wanted, strict=True))


def gps_phone(playwright_driver, profile):
    from tests.e2e.conftest import Phone

    return Phone(playwright_driver, profile, geolocation=GPS, permissions=["geolocation"])


def test_offline_hazard_report_with_two_photos_and_gps_becomes_a_reported_case(
    server, playwright_driver, tmp_path
):
    phone = gps_phone(playwright_driver, tmp_path / "gps-profile")
    try:
        context = phone.open()
        page = context.new_page()
        login(page, server.url, "worker")
        wait_for_offline_ready(page)
        due_rows_ready(page)

        server.stop()
        # Three photos taken, the middle one (green) removed again before saving.
        report_hazard(page, tmp_path, colours=(RED, GREEN, BLUE), remove=1)

        server.start()
        page.goto(server.url + "/")
        wait_until_synced(page)
        # The demo data has cases of its own: find ours by what the worker wrote.
        mine = "FROM \"case\" WHERE description = '楼道内电动车充电，飞线'"
        assert query(server, f"SELECT count(*) {mine} AND state = 'reported'") == 1
        photos = as_json(query(server, f"SELECT photos {mine}"))
        assert len(photos) == 2
        session, _ = api_session(server, "worker")
        colours = [photo_colour(session, server, sha) for sha in photos]
        assert near(colours[0], RED) and near(colours[1], BLUE), colours
        location = as_json(query(server, f"SELECT location {mine}"))
        assert abs(location["lat"] - 28.6772) < 1e-6 and abs(location["lng"] - 115.8921) < 1e-6
        assert location["accuracy"] == 12

        # 我的上报: the row opens what was reported, from the phone's copy, and the case it became.
        page.goto(server.url + "/")
        page.get_by_test_id("my-reports-link").click()
        page.locator("[data-testid=my-report][data-kind=hazard_report]").first.get_by_test_id(
            "my-report-open"
        ).click()
        page.wait_for_url("**/mine/*")
        answers = page.get_by_test_id("report-answers")
        expect(answers).to_contain_text("隐患等级一般")
        expect(answers).to_contain_text("是否存在现实危险否")
        expect(answers).to_contain_text("楼道内电动车充电，飞线")
        expect(page.get_by_test_id("report-photos").get_by_role("img")).to_have_count(2)
        expect(page.get_by_test_id("report-place")).to_contain_text("已定位 ±12 米")
        expect(page.get_by_test_id("report-state")).to_contain_text("已送达，待审核")
        case_id = query(server, f"SELECT id {mine}")
        report_case = page.get_by_test_id("report-case")
        expect(report_case).to_contain_text("已上报")
        assert uuid.UUID(report_case.get_attribute("data-case-id")) == uuid.UUID(str(case_id))
        report_case.click()
        page.get_by_test_id("case-head").wait_for()
    finally:
        phone.close()


def test_a_returned_report_is_fixed_and_resubmitted_from_another_phone(server, playwright_driver, tmp_path):
    """我的上报 on a phone that never held the report: the returned one opens with its answers."""
    first = gps_phone(playwright_driver, tmp_path / "first-phone")
    second = gps_phone(playwright_driver, tmp_path / "second-phone")
    try:
        page = first.open().new_page()
        login(page, server.url, "worker")
        wait_for_offline_ready(page)
        due_rows_ready(page)
        report_hazard(page, tmp_path, description="三楼楼道堆放杂物")
        wait_until_synced(page)
        first.close()

        # The community's supervisor returns its case (退回补充: the report's review), with a comment.
        desk, csrf = api_session(server, "supervisor")
        queue = desk.get(server.url + "/api/v1/submissions", params={"kind": "hazard_report"}).json()
        original = next(s for s in queue["submissions"] if s["answers"]["description"] == "三楼楼道堆放杂物")
        answer = desk.post(
            f"{server.url}/api/v1/cases/{original['case_id']}/actions",
            json={"action": "return", "comment": "请写明堆放的是什么物品"},
            headers={"X-CSRF-Token": csrf},
        )
        assert answer.status_code == 200, answer.text

        # A fresh phone: nothing in its outbox, only what the pull brings.
        page = second.open().new_page()
        login(page, server.url, "worker")
        page.get_by_test_id("my-reports-link").click()
        row = page.locator(f"[data-testid=my-report][data-id='{original['id']}']")
        row.wait_for()
        assert row.get_attribute("data-state") == "returned"
        assert row.get_by_test_id("my-report-state").inner_text() == "已退回"
        assert "请写明堆放的是什么物品" in row.get_by_test_id("my-report-comment").inner_text()

        # Opened, it shows what was reported from the server's copy (this phone never held it).
        row.get_by_test_id("my-report-open").click()
        expect(page.get_by_test_id("report-answers")).to_contain_text("隐患描述三楼楼道堆放杂物")
        expect(page.get_by_test_id("report-comment")).to_contain_text("请写明堆放的是什么物品")
        expect(page.get_by_test_id("report-state")).to_contain_text("已退回")
        expect(page.get_by_test_id("report-photos").get_by_role("img")).to_have_count(2)
        page.go_back()
        row.wait_for()

        row.get_by_test_id("my-report-resubmit").click()
        page.get_by_test_id("resubmit-note").wait_for()
        assert "请写明堆放的是什么物品" in page.get_by_test_id("resubmit-note").inner_text()
        description = page.get_by_label("隐患描述")
        expect(description).to_have_value("三楼楼道堆放杂物")
        # The two photos came back from the server as thumbnails, and the place with them.
        page.locator("img[src^='blob:']").nth(1).wait_for()
        assert page.locator("img[src^='blob:']").count() == 2
        page.get_by_text("已定位").first.wait_for()
        description.fill("三楼楼道堆放纸箱和旧家具")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("已保存").first.wait_for()

        # Back on 我的上报 the returned one no longer asks for action.
        page.wait_for_url("**/mine**")
        row.wait_for()
        wait_until(
            page,
            "(id) => document.querySelector(`[data-testid=my-report][data-id='${id}']`)?.dataset.state === 'resubmitted'",
            arg=original["id"],
        )
        assert row.get_by_test_id("my-report-resubmit").count() == 0

        # 我的上报 has a 待同步 tab of its own, which open_outbox would take for the app's.
        page.goto(server.url + "/")
        wait_until_synced(page)
        original_db = db_uuid(server, original["id"])
        assert (
            query(server, "SELECT review_status FROM submission WHERE id = :id", id=original_db)
            == "resubmitted"
        )
        fixed = query(server, "SELECT id FROM submission WHERE resubmits_id = :id", id=original_db)
        assert fixed is not None
        fixed_answers = as_json(query(server, "SELECT answers FROM submission WHERE id = :id", id=fixed))
        assert fixed_answers["description"] == "三楼楼道堆放纸箱和旧家具"
        assert query(server, "SELECT count(*) FROM submission_photo WHERE submission_id = :id", id=fixed) == 2
        # The fix brought the same case back to 待受理, now carried by the new submission.
        case = desk.get(f"{server.url}/api/v1/cases/{original['case_id']}").json()
        assert case["state"] == "reported" and case["description"] == "三楼楼道堆放纸箱和旧家具"
        assert [e["action"] for e in case["events"]] == ["report", "return", "resubmit"]

    finally:
        first.close()
        second.close()


def test_a_hazard_report_is_saved_when_the_phone_refuses_gps(server, phone, tmp_path):
    """The form tries to locate by itself; refused, it says so with a retry, and the typed
    address is place enough: 保存 never waits for GPS."""
    page = phone.open().new_page()  # no geolocation permission: Chromium refuses
    login(page, server.url, "worker")
    due_rows_ready(page)
    page.get_by_role("button", name="上报隐患").first.click()
    expect(page.get_by_test_id("geo-retry")).to_have_text("定位失败，点此重试")
    expect(page.get_by_test_id("geo-field")).to_have_attribute("data-state", "failed")
    page.locator("input[type=file]").first.set_input_files(scene_photo(tmp_path, "scene.jpg", RED))
    page.locator("img[src^='blob:']").first.wait_for()
    page.get_by_role("radiogroup", name="隐患类别").get_by_role("radio").first.click()
    pick(page, "隐患等级", "一般")
    pick(page, "是否存在现实危险", "否")
    page.get_by_label("隐患描述").fill("小区东门消防栓漏水")
    page.locator("[data-testid=field-address] input").fill("幸福路 12 号东门")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存").first.wait_for()

    page.goto(server.url + "/")
    wait_until_synced(page)
    mine = "FROM \"case\" WHERE description = '小区东门消防栓漏水'"
    assert query(server, f"SELECT count(*) {mine}") == 1
    assert as_json(query(server, f"SELECT location {mine}")) is None


def add_second_worker(server) -> str:
    """An admin gives the first grid a second worker (two people covering one grid), who then
    replaces the admin's password with their own, as the first login asks."""
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
            "password": "from-the-admin-2027",
            "role": "worker",
            "grid_ids": [grid_id],
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert created.status_code == 201, created.text
    worker = requests.Session()
    answer = worker.post(
        server.url + "/api/v1/auth/login",
        json={"username": "worker.b", "password": "from-the-admin-2027"},
    )
    changed = worker.post(
        server.url + "/api/v1/auth/password",
        json={"current_password": "from-the-admin-2027", "new_password": DEMO_PASSWORD},
        headers={"X-CSRF-Token": answer.json()["csrf_token"]},
    )
    assert changed.status_code == 200, changed.text
    return "worker.b"


def edit_head_of_household(page, base_url: str, household_id: str, head: str) -> None:
    page.goto(f"{base_url}/roster/households/{household_id}/edit")
    field = page.get_by_test_id("field-head_name").locator("input")
    field.fill(head)
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存，联网后自动同步").first.wait_for()


def test_two_workers_edit_one_household_offline_one_conflict_nothing_lost(server, phone, second_phone):
    other = add_second_worker(server)
    household_id = first_household_id(server)

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
