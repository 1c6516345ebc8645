"""The register on the phone, offline: add a resident to a household and correct one, as a worker does."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from tests.e2e.conftest import (
    REGISTER_HOUSEHOLDS,
    first_household_id,
    login,
    query,
    wait_for_offline_ready,
    wait_until_synced,
)
from tests.factories import id_number_for


@pytest.fixture
def seed_households() -> int:
    return REGISTER_HOUSEHOLDS


def db_id(server, value: str) -> str:
    return uuid.UUID(value).hex if server.env["DATABASE_URL"].startswith("sqlite") else value


def save_and_expect_error(page, field: str, message: str) -> None:
    page.get_by_test_id("form-save").click()
    page.get_by_test_id(field).get_by_text(message).wait_for()


def test_worker_adds_and_corrects_a_resident_offline_and_the_server_gets_both(server, phone):
    household_id = first_household_id(server)
    born = date(1944, 3, 5)
    good_id = id_number_for(born, "female", sequence=36)
    wrong_check = good_id[:17] + ("0" if good_id[17] != "0" else "1")

    page = phone.open().new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)
    page.goto(f"{server.url}/roster/households/{household_id}")
    page.get_by_test_id("household-card").wait_for()

    server.stop()  # the basement: everything below is on the phone only
    page.goto(f"{server.url}/roster/households/{household_id}/residents/new")
    page.get_by_test_id("field-name").locator("input").fill("测试独居老人")
    page.get_by_test_id("field-gender").get_by_role("radio", name="女").click()
    page.get_by_test_id("field-birth_date").locator("input").fill(born.isoformat())
    page.get_by_test_id("field-id_number").locator("input").fill(wrong_check)
    page.get_by_test_id("field-tags").get_by_role("checkbox", name="独居").click()
    # A wrong check character is caught on the phone, with the server's own words.
    save_and_expect_error(page, "field-id_number", "身份证号校验位不正确，请核对号码")
    assert "/residents/new" in page.url
    page.get_by_test_id("field-id_number").locator("input").fill(good_id)
    page.get_by_test_id("form-save").click()
    page.get_by_text("已保存，联网后自动同步").first.wait_for()
    page.wait_for_url(f"**/roster/households/{household_id}")
    card = page.get_by_test_id("resident-card").filter(has_text="测试独居老人")
    # The phone derives the tier itself, by the same rules as the server: 80+ and living alone.
    assert card.get_by_test_id("tier-tag").get_attribute("data-tier") == "high"

    # The same worker, still offline, corrects the new resident: a landline is refused, a mobile kept.
    card.get_by_test_id("resident-edit").click()
    page.get_by_test_id("resident-form").wait_for()
    page.get_by_test_id("field-phone").locator("input").fill("0791886655")
    save_and_expect_error(page, "field-phone", "手机号应为 11 位数字")
    page.get_by_test_id("field-phone").locator("input").fill("13907918866")
    page.get_by_test_id("form-save").click()
    page.get_by_text("已保存，联网后自动同步").first.wait_for()

    server.start()
    wait_until_synced(page)
    row = query(
        server,
        "SELECT name || '|' || gender || '|' || CAST(birth_date AS VARCHAR(10)) || '|' || id_number || '|' "
        "|| phone || '|' || care_tier FROM resident WHERE household_id = :h AND name = '测试独居老人'",
        h=db_id(server, household_id),
    )
    # 80+ and living alone: the high-risk tier, derived by the server's rules.
    assert row == f"测试独居老人|female|{born.isoformat()}|{good_id}|13907918866|high"
