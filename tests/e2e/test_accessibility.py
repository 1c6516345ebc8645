"""The field UX pass, checked on every run: axe-core on the screens of the worker's and the desk's
walks (zh-CN, a 360×740 phone and a desk window) finds no critical or serious violation, and the
three core jobs of a worker take no more taps than issue 16 allows (printed, then checked)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_DB
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Phone,
    login,
    query,
    wait_for_offline_ready,
    wait_until,
)
from tests.e2e.test_field_work import GPS, as_json, due_ids_in, due_rows_ready, scene_photo

# What axe and the tap counts look at is the browser's: the SQLite lane runs them, and the
# PostgreSQL lane, which gives the same screens, spends its minutes on the sync paths instead.
pytestmark = pytest.mark.skipif(TEST_DB != "sqlite", reason="screens and taps do not depend on the database")

AXE = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA: what China's 适老化 and barrier-free guidance for apps points to.
AXE_RUN = """() => axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact, nodes: v.nodes.length,
    where: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n')[1]),
})))"""
BLOCKING = ("critical", "serious")
# Layout shifts the worker did not cause, summed from the first paint (what Lighthouse calls CLS
# for a page that shifts in one burst); issue 16 asks ≤ 0.1 on the home.
SHIFT_OBSERVER = """window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
}).observe({type: 'layout-shift', buffered: true});"""
SHIFT_GOAL = 0.1
GOALS = {"welfare visit, all normal": 5, "hazard with one photo": 6, "seeing that it synced": 1}


class Audit:
    """axe-core's findings per screen: every count printed, the blocking ones kept for the assert."""

    def __init__(self) -> None:
        self.screens: dict[str, list[dict]] = {}

    def check(self, page, screen: str) -> None:
        page.wait_for_load_state("networkidle")
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        self.screens[screen] = page.evaluate(AXE_RUN)

    def blocking(self) -> list[str]:
        return [
            f"{screen}: {v['impact']} {v['id']} ×{v['nodes']} {v['where']}"
            for screen, found in self.screens.items()
            for v in found
            if v["impact"] in BLOCKING
        ]

    def report(self) -> str:
        lines = []
        for screen, found in self.screens.items():
            counts = {impact: sum(v["nodes"] for v in found if v["impact"] == impact) for impact in BLOCKING}
            minor = sum(v["nodes"] for v in found if v["impact"] not in BLOCKING)
            lines.append(
                f"  axe {screen:<28} critical {counts['critical']}  serious {counts['serious']}  "
                f"moderate/minor {minor}"
            )
        return "\n".join(lines)


class Taps:
    """The worker's taps, counted as the test makes them."""

    def __init__(self) -> None:
        self.count = 0

    def tap(self, locator) -> None:
        self.count += 1
        locator.click()


@pytest.fixture
def seed_households() -> int:
    return 40


def test_worker_walk_is_accessible_and_the_core_jobs_take_few_taps(
    server, playwright_driver, tmp_path, capsys
):
    # bypass_csp: axe is injected as a script tag, which the app's CSP (script-src 'self') refuses.
    phone = Phone(
        playwright_driver, tmp_path / "profile", geolocation=GPS, permissions=["geolocation"], bypass_csp=True
    )
    audit, counted = Audit(), {}
    try:
        page = phone.open().new_page()
        page.goto(server.url + "/login")
        page.get_by_placeholder("用户名").wait_for()
        audit.check(page, "login")
        login(page, server.url, "worker")
        wait_for_offline_ready(page)
        due_rows_ready(page)
        audit.check(page, "home (worker)")

        # Opened again, the home holds each section's room until it has loaded: nothing jumps.
        page.add_init_script(SHIFT_OBSERVER)
        page.reload()
        due_rows_ready(page)
        wait_until(
            page,
            "() => document.querySelectorAll('.held-room').length >= 5"
            " && !document.querySelector('.held-room[data-ready=false]')",
            timeout=30,
        )
        page.wait_for_load_state("networkidle")
        home_shift = page.evaluate("() => window.__layoutShift")

        # 1. An all-normal welfare visit, from home: the due resident, how, 五项均正常, 保存.
        resident = (due_ids_in(page, "due-today") or due_ids_in(page, "overdue"))[0]
        taps = Taps()
        taps.tap(page.locator(f"[data-testid=due-resident][data-resident-id='{resident}']").first)
        taps.tap(page.get_by_role("radiogroup", name="巡访方式").get_by_role("radio", name="上门探访"))
        taps.tap(page.get_by_test_id("all-fine"))
        audit.check(page, "welfare visit form")
        taps.tap(page.get_by_role("button", name="保存"))
        page.get_by_text("已保存").first.wait_for()
        counted["welfare visit, all normal"] = taps.count

        # 2. A hazard with one photo, camera first: the photo, the category from the grid, two
        # answers, typing, 保存. The location comes by itself: no tap is counted for it.
        page.goto(server.url + "/")
        due_rows_ready(page)
        taps = Taps()
        taps.tap(page.get_by_role("button", name="上报隐患").first)
        fields = page.locator("[data-testid^=field-]")
        fields.first.wait_for()
        order = [fields.nth(i).get_attribute("data-testid") for i in range(fields.count())]
        assert order[0] == "field-scene_photos", order
        taps.count += 1  # the camera: one tap on the photo field, then the shutter is the phone's
        page.locator("input[type=file]").first.set_input_files(
            scene_photo(tmp_path, "one.jpg", (200, 40, 40))
        )
        page.locator("img[src^='blob:']").first.wait_for()
        taps.tap(page.get_by_role("radiogroup", name="隐患类别").get_by_role("radio", name="电动车火灾"))
        taps.tap(page.get_by_role("radiogroup", name="隐患等级").get_by_role("radio", name="一般"))
        taps.tap(page.get_by_role("radiogroup", name="是否存在现实危险").get_by_role("radio", name="否"))
        page.get_by_label("隐患描述").fill("楼道内电动车充电")
        expect(page.get_by_test_id("geo-point")).to_have_text(f"已定位 ±{GPS['accuracy']} 米")
        audit.check(page, "hazard form")
        taps.tap(page.get_by_role("button", name="保存"))
        page.get_by_text("已保存").first.wait_for()
        counted["hazard with one photo"] = taps.count

        # 3. Seeing that both went: one tap on 待同步.
        page.goto(server.url + "/")
        taps = Taps()
        taps.tap(page.get_by_test_id("tab-outbox"))
        page.get_by_test_id("outbox-empty").wait_for(timeout=60000)
        counted["seeing that it synced"] = taps.count
        audit.check(page, "待同步 (outbox)")

        for path, screen in (
            ("/me", "我的"),
            ("/roster", "住户 (roster)"),
            ("/mine", "我的上报"),
            ("/map", "地图"),
        ):
            page.goto(server.url + path)
            page.locator("main, .page").first.wait_for()
            audit.check(page, screen)
        # A row of 我的上报 opened: the hazard just reported.
        page.goto(server.url + "/mine")
        page.locator("[data-testid=my-report][data-kind=hazard_report] [data-testid=my-report-open]").click()
        page.get_by_test_id("report-answers").wait_for()
        audit.check(page, "我的上报 · 详情")
    finally:
        phone.close()

    with capsys.disabled():
        print("\n" + "\n".join(f"  taps {job:<28} {n}  (goal ≤ {GOALS[job]})" for job, n in counted.items()))
        print(f"  layout shift, home reopened     {home_shift:.3f}  (goal ≤ {SHIFT_GOAL})")
        print(audit.report())
    assert counted == {job: min(n, GOALS[job]) for job, n in counted.items()}, counted
    assert home_shift <= SHIFT_GOAL, home_shift
    assert not audit.blocking(), "\n".join(audit.blocking())

    # The visit went through as answered: every area 正常, no change, no referral.
    visit = as_json(query(server, "SELECT answers FROM submission WHERE kind = 'welfare_visit'"))
    assert all(visit[f"{area}_status"] == "ok" for area in ("health", "finances", "family_care"))
    assert visit["major_change"] is False and visit["referral_needed"] is False
    assert query(server, "SELECT count(*) FROM submission WHERE kind = 'hazard_report'") == 1
    # The fix the form took by itself went with the report.
    location = as_json(query(server, "SELECT location FROM submission WHERE kind = 'hazard_report'"))
    assert (location["lat"], location["lng"]) == (GPS["latitude"], GPS["longitude"])


def test_desk_screens_are_accessible(server, playwright_driver, capsys):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    audit = Audit()
    try:
        for username, screens in (
            (
                "supervisor",
                ("/", "/review", "/cases", "/dashboard", "/desk/coverage", "/map/desk", "/ledger/import"),
            ),
            ("admin", ("/", "/users")),
            ("street", ("/desk/campaigns", "/desk/campaigns/new")),
        ):
            context = browser.new_context(
                locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True
            )
            page = context.new_page()
            login(page, server.url, username)
            for path in screens:
                page.goto(server.url + path)
                wait_until(page, "() => !document.querySelector('.van-loading')", timeout=30)
                audit.check(page, f"{username} {path}")
            if username == "supervisor":
                case = page.locator("[data-testid=case-row]").first
                page.goto(server.url + "/cases")
                case.wait_for()
                case.click()
                page.get_by_test_id("case-head").wait_for()
                audit.check(page, "supervisor case page")
            context.close()
    finally:
        browser.close()
    with capsys.disabled():
        print("\n" + audit.report())
    assert not audit.blocking(), "\n".join(audit.blocking())
