"""The supervisor's home lists residents the grid worker could not reach twice in a row."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import requests

from tests import clock
from tests.e2e.conftest import REGISTER_HOUSEHOLDS, api_session, login, wait_until


@pytest.fixture
def seed_households() -> int:
    return REGISTER_HOUSEHOLDS


def pulled(session: requests.Session, server) -> list[dict]:
    """Everything the worker's phone would pull."""
    changes, cursor = [], None
    while True:
        page = session.get(
            server.url + "/api/v1/sync/pull", params={"cursor": cursor} if cursor else {}
        ).json()
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes


def test_the_supervisor_sees_a_resident_not_reached_twice(server, phone):
    worker, csrf = api_session(server, "worker")
    changes = pulled(worker, server)
    resident = next(c["data"] for c in changes if c["entity"] == "resident" and c["data"].get("care_tier"))
    template = max(
        (
            c["data"]
            for c in changes
            if c["entity"] == "form_template" and c["data"]["key"] == "welfare_visit"
        ),
        key=lambda t: t["version"],
    )
    now = clock.now()
    attempts = [now - timedelta(days=2, hours=1), now - timedelta(hours=3)]
    items = [
        {
            "id": str(uuid.uuid4()),
            "kind": "welfare_visit",
            "created_at": at.isoformat(timespec="milliseconds"),
            "template": {"key": "welfare_visit", "version": template["version"]},
            "payload": {
                "grid_id": resident["grid_id"],
                "household_id": resident["household_id"],
                "resident_id": resident["id"],
                "answers": {
                    "how_contacted": "not_reached",
                    "not_reached_note": "敲门无人应答，电话未接",
                    "major_change": False,
                    "referral_needed": False,
                },
            },
            "photos": [],
        }
        for at in attempts
    ]
    answer = worker.post(
        server.url + "/api/v1/sync/push",
        json={"device_id": "e2e-flags", "items": items},
        headers={"X-CSRF-Token": csrf},
    )
    assert [r["status"] for r in answer.json()["results"]] == ["accepted", "accepted"], answer.text

    page = phone.open().new_page()
    login(page, server.url, "supervisor")
    wait_until(
        page,
        "() => document.querySelector('[data-testid=visit-flags]')?.dataset.ready === 'true'",
        timeout=30,
    )
    assert page.get_by_text("连续两次未联系上", exact=True).is_visible()
    rows = page.locator("[data-testid=flagged-resident]")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert rows.first.get_attribute("data-resident-id") == resident["id"]
    grid = next(c["data"] for c in changes if c["entity"] == "grid" and c["id"] == resident["grid_id"])
    household = next(
        c["data"] for c in changes if c["entity"] == "household" and c["id"] == resident["household_id"]
    )
    assert resident["name"] in text and grid["name"] in text and household["address"] in text
    # The resident's own number masked, else the household's: never a full number.
    assert (resident.get("phone_masked") or household.get("phone_masked") or "无联系电话") in text
    newest_first = [(at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M") for at in reversed(attempts)]
    assert f"未联系上：{newest_first[0]}、{newest_first[1]}" in text
