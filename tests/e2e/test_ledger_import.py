"""台账导入 in Chromium: a supervisor uploads a ledger, maps the column the import did not know,
sees the checks, imports with the progress shown, and takes back the row outside their area."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from server.register.idcard import make_id_number
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, query
from tests.e2e.test_case_loop import desk


def ledger() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["蓼洲街社区居民底册（测试，人员虚构）"])
    sheet.append([])
    sheet.append(["姓名", "身份证号", "联络", "社区", "网格", "楼栋", "门牌/房号", "与户主关系"])
    sheet.append(
        [
            "测甲",
            make_id_number("360102", date(1931, 2, 3), 811),
            "13912340001",
            "蓼洲街社区",
            "第1网格",
            "9栋",
            "901",
            "户主",
        ]
    )
    sheet.append(
        [
            "测乙",
            make_id_number("360102", date(1932, 4, 5), 812),
            None,
            "蓼洲街社区",
            "第1网格",
            "9栋",
            "901",
            "配偶",
        ]
    )
    sheet.append(
        [
            "测丙",
            make_id_number("360102", date(1933, 6, 7), 813),
            "13912340003",
            "应天寺社区",
            "第1网格",
            "3栋",
            "101",
            "户主",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_upload_preview_adjust_the_mapping_and_import(server, playwright_driver):
    browser, page = desk(playwright_driver, server.url, "supervisor")
    try:
        page.goto(server.url + "/cases")
        page.get_by_role("link", name="台账导入").click()
        page.get_by_role("heading", name="台账导入").wait_for()
        page.get_by_test_id("ledger-file").set_input_files(
            files=[{"name": "底册.xlsx", "mimeType": "application/octet-stream", "buffer": ledger()}]
        )
        page.get_by_test_id("ledger-upload").click()
        state = page.get_by_test_id("ledger-state")
        page.locator('[data-testid="ledger-state"][data-state="ready"]').wait_for()
        assert "表头在第 3 行" in state.inner_text()
        # 应天寺社区 is not this supervisor's: its row is turned away with the reason shown.
        assert "可导入 2 行，有问题 1 行" in page.get_by_test_id("ledger-counts").inner_text()
        assert "不在您的负责范围内" in page.get_by_test_id("ledger-errors").inner_text()

        # 联络 is the phone column: choose it, save, and the rows are checked again.
        phone = page.get_by_test_id("map-2")
        assert phone.evaluate("select => select.selectedOptions[0].textContent.trim()") == "不导入"
        phone.select_option(value="phone")
        page.get_by_test_id("ledger-save-mapping").click()
        page.locator('[data-testid="ledger-state"][data-state="ready"]').wait_for()
        assert "联系电话" in phone.evaluate("select => select.selectedOptions[0].textContent")
        assert query(server, "SELECT count(*) FROM resident WHERE name LIKE '测%'") == 0

        page.get_by_test_id("ledger-commit").click()
        # Generous: the commit runs in a thread of the server, on a loaded two-core CI machine.
        page.locator('[data-testid="ledger-state"][data-state="committed"]').wait_for(timeout=90_000)
        assert "居民：新增 2，更新 0，未变 0" in page.get_by_test_id("ledger-result").inner_text()
        assert query(server, "SELECT phone FROM resident WHERE name = '测甲'") == "13912340001"
        assert query(server, "SELECT count(*) FROM resident WHERE name = '测丙'") == 0

        with page.expect_download() as download:
            page.get_by_test_id("ledger-rejected").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][-1] == "错误原因" and rows[1][0] == "测丙" and "负责范围" in rows[1][-1]
    finally:
        browser.close()


def organisation_ledger(community: str, code: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["网格划分及网格员信息表（测试，人员虚构）"])
    sheet.append(["社区名称", "网格编码", "网格名称", "网格员", "联系电话", "登录账号"])
    sheet.append([community, f"{code}-031", "第31网格（测试）", "测网格员", "13912340031", "cewgy"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_supervisor_imports_a_grid_and_its_new_worker_logs_in(server, playwright_driver):
    community = "蓼洲街社区"
    code = query(server, "SELECT code FROM community WHERE name = :name", name=community)
    browser, page = desk(playwright_driver, server.url, "supervisor")
    try:
        page.goto(server.url + "/ledger/import")
        page.get_by_role("heading", name="台账导入").wait_for()
        page.get_by_test_id("ledger-kind-organisation").click()
        page.get_by_test_id("ledger-file").set_input_files(
            files=[
                {
                    "name": "网格员信息表.xlsx",
                    "mimeType": "application/octet-stream",
                    "buffer": organisation_ledger(community, code),
                }
            ]
        )
        page.get_by_test_id("ledger-upload").click()
        page.locator('[data-testid="ledger-state"][data-state="ready"]').wait_for()
        preview = page.get_by_test_id("ledger-preview").inner_text()
        assert "网格员：新增 1" in preview and "网格：新增 1" in preview, preview
        assert query(server, "SELECT count(*) FROM grid WHERE code = :c", c=f"{code}-031") == 0

        page.get_by_test_id("ledger-commit").click()
        page.locator('[data-testid="ledger-state"][data-state="committed"]').wait_for(timeout=90_000)
        with page.expect_download() as download:
            page.get_by_test_id("ledger-passwords").get_by_role("button").click()
        sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("登录账号", "网格员", "初始密码") and rows[1][0] == "cewgy"
        # Shown once: the button goes, and the server has forgotten the password.
        page.get_by_test_id("ledger-passwords").wait_for(state="detached")
    finally:
        browser.close()

    # The new worker logs in with the first password and is sent to choose their own.
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        phone = browser.new_context(locale="zh-CN").new_page()
        phone.goto(server.url + "/login")
        phone.get_by_placeholder("用户名").fill("cewgy")
        phone.get_by_placeholder("密码").fill(rows[1][2])
        phone.get_by_role("button", name="登录").click()
        phone.wait_for_url("**/password**", timeout=60_000)
    finally:
        browser.close()
