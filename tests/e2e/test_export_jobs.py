"""导出 Excel in Chromium: the supervisor's export runs as a job on the server, the button shows it
running, the workbook is saved when made, and a link saves it again; it holds the same rows as the
export route gives directly."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import REGISTER_HOUSEHOLDS, api_session, query
from tests.e2e.test_case_loop import desk


@pytest.fixture
def seed_households() -> int:
    """A register to export (the full-numbers test reads its ID numbers)."""
    return REGISTER_HOUSEHOLDS


def rows_of(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def test_a_supervisor_exports_the_case_board_and_saves_it_again(server, playwright_driver):
    browser, page = desk(playwright_driver, server.url, "supervisor")
    try:
        page.goto(server.url + "/cases")
        button = page.get_by_test_id("export-excel")
        button.wait_for()
        # Generous: the job runs in a thread of the server, on a loaded two-core CI machine.
        with page.expect_download(timeout=90_000) as saved:
            button.click()
        download = saved.value
        assert download.suggested_filename.startswith("案件台账") and download.suggested_filename.endswith(
            ".xlsx"
        )
        with open(download.path(), "rb") as file:
            made = rows_of(file.read())
        assert made[0][0] == "案件编号"
        assert "已下载" in page.locator(".van-toast").inner_text()

        session, _ = api_session(server, "supervisor")
        direct = session.get(server.url + "/api/v1/cases/export.xlsx")
        assert direct.status_code == 200
        assert made == rows_of(direct.content) and len(made) > 1

        # The link left behind saves the same file again, without a second export.
        again = page.get_by_test_id("export-download")
        assert "再次下载" in again.inner_text()
        with page.expect_download(timeout=30_000) as second:
            again.click()
        with open(second.value.path(), "rb") as file:
            assert rows_of(file.read()) == made
    finally:
        browser.close()


def test_an_admin_exports_full_numbers_only_with_a_reason_and_the_log_keeps_it(server, playwright_driver):
    browser, page = desk(playwright_driver, server.url, "admin")
    try:
        page.goto(server.url + "/roster")
        page.get_by_test_id("export-full").click()
        dialog = page.get_by_role("dialog")
        assert "完整身份证号" in dialog.inner_text()
        dialog.get_by_role("button", name="导出").click()
        assert page.get_by_role("alert").filter(has_text="请填写导出原因").is_visible()
        page.get_by_test_id("export-reason").locator("textarea").fill("区民政局核对低保名单")
        with page.expect_download(timeout=90_000) as saved:
            dialog.get_by_role("button", name="导出").click()
        with open(saved.value.path(), "rb") as file:
            header, *rows = rows_of(file.read())
        numbers = [row[header.index("身份证号")] for row in rows if row[header.index("身份证号")]]
        assert numbers and all("*" not in number and len(number) == 18 for number in numbers)
        detail = query(
            server, "SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1"
        )
        detail = json.loads(detail) if isinstance(detail, str) else detail  # SQLite gives the JSON text
        assert detail["unmasked"] is True and detail["reason"] == "区民政局核对低保名单"
    finally:
        browser.close()
