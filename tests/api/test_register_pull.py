"""The register on the phone: the snapshot's shapes (numbers masked), catalogues, and feed changes."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest

from server.extensions import db
from tests import clock
from tests.factories import (
    install_forms,
    make_building,
    make_household,
    make_resident,
    org_with_users,
    welfare_item,
)


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    grid = made["worker"].grids[0].id
    made["building"] = make_building(grid, "示例小区3栋", "示例路3号")
    made["household"] = make_household(grid, made["building"], notes=None)
    made["resident"] = make_resident(made["household"], birth_date=date(1940, 3, 8))
    made["child"] = make_resident(
        made["household"],
        name="王小明",
        gender="male",
        birth_date=date(1990, 6, 1),
        tags=[],
        phone=None,
        relation="child",
    )
    made["other"] = make_resident(make_household(made["worker_other"].grids[0].id))
    db.session.commit()
    return made


def pull(client, cursor=None) -> dict:
    query = {"cursor": cursor} if cursor else {}
    response = client.get("/api/v1/sync/pull", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def pull_all(client, cursor=None) -> tuple[list[dict], str]:
    """Every page to the end; the changes and the last cursor."""
    changes: list[dict] = []
    while True:
        page = pull(client, cursor)
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor


def feed_after(client, snapshot: list[dict], cursor: str, count: int, timeout: float = 10.0) -> list[dict]:
    """The changes past `cursor` that the snapshot did not already carry, once `count` have arrived.

    The feed serves only what lies below its safe point: on a shared PostgreSQL another session's
    open transaction can hold that back a while, so wait as a phone pulls again; what it held back
    from before the snapshot then arrives too, just as the snapshot carried it.
    """
    carried = {json.dumps(c, sort_keys=True) for c in snapshot}
    fresh: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        page = pull(client, cursor)
        fresh += [c for c in page["changes"] if json.dumps(c, sort_keys=True) not in carried]
        cursor = page["cursor"]
        if len(fresh) >= count and not page["has_more"]:
            return fresh
        if time.monotonic() > deadline:
            raise AssertionError(f"the feed held {len(fresh)} of {count} new changes after {timeout}s")
        if not page["has_more"]:
            time.sleep(0.1)


def of(changes, entity):
    return {c["id"]: c for c in changes if c["entity"] == entity}


def test_the_snapshot_carries_the_workers_register_in_the_agreed_shapes(org, auth, client):
    auth.login("worker1")
    changes, _ = pull_all(client)
    grid = org["worker"].grids[0].id
    building, household, resident, child = org["building"], org["household"], org["resident"], org["child"]
    assert of(changes, "building")[str(building.id)]["data"] == {
        "id": str(building.id),
        "grid_id": grid,
        "name": "示例小区3栋",
        "address": "示例路3号",
        "version": 1,
    }
    pulled = of(changes, "household")[str(household.id)]
    assert pulled["version"] == 1
    assert pulled["data"] == {
        "id": str(household.id),
        "building_id": str(building.id),
        "grid_id": grid,
        "unit": "2单元",
        "room": "301",
        "address": "示例路1号2单元301",
        "housing_type": "own",
        "head_name": "王建国",
        "phone_masked": "138****5678",
        "version": 1,
        "updated_at": pulled["data"]["updated_at"],
    }
    residents = of(changes, "resident")
    assert set(residents) == {str(resident.id), str(child.id)}
    today = clock.today()
    assert residents[str(resident.id)]["data"] == {
        "id": str(resident.id),
        "household_id": str(household.id),
        "grid_id": grid,
        "name": "王秀英",
        "gender": "female",
        "birth_date": "1940-03-08",
        "age": today.year - 1940 - ((today.month, today.day) < (3, 8)),
        "id_number_masked": resident.id_number[:4] + "**********" + resident.id_number[-4:],
        "phone_masked": "139****4321",
        "relation": "head",
        "tags": ["living_alone"],
        "care_tier": "high",
        "next_visit_due": today.isoformat(),
        "version": 1,
    }
    # Defaults are left out: present, no tags, no tier, no visit due.
    assert residents[str(child.id)]["data"].keys() == {
        "id",
        "household_id",
        "grid_id",
        "name",
        "gender",
        "birth_date",
        "age",
        "id_number_masked",
        "relation",
        "version",
    }
    text = json.dumps(changes, ensure_ascii=False)
    for secret in (resident.id_number, child.id_number, "13987654321", "13812345678"):
        assert secret not in text
    assert str(org["other"].id) not in text


def test_the_catalogues_travel_in_the_snapshot(org, auth, client):
    auth.login("worker1")
    catalogues = of(pull_all(client)[0], "catalogue")
    assert {"hazard_categories", "city_case_categories", "resident_tags"} <= set(catalogues)
    hazards = catalogues["hazard_categories"]["data"]["items"]
    assert len(hazards) == 12 and hazards[0] == {
        "code": "residential",
        "label": {"zh": "住宅小区", "en": "residential compound"},
        "time_limit": {"value": 3, "unit": "working_days"},
        "default_time_limit": {"value": 3, "unit": "working_days"},
    }
    street_order = catalogues["city_case_categories"]["data"]["items"][0]
    vendor = street_order["subcategories"][0]
    assert (
        vendor["code"] == "street_order.unlicensed_vendor" and vendor["time_limit"]["unit"] == "working_hours"
    )
    tags = {t["code"]: t["label"]["zh"] for t in catalogues["resident_tags"]["data"]["items"]}
    assert tags["living_alone"] == "独居" and tags["military_family"] == "现役军人家属"
    tiers = {t["code"]: t.get("interval_days") for t in catalogues["care_tiers"]["data"]["items"]}
    assert tiers == {"high": 7, "key": 30, "general": 90, "none": None}


def test_supervisors_phones_do_not_carry_the_register(org, auth, client):
    auth.login("street1")
    changes, cursor = pull_all(client)
    assert not of(changes, "household") and not of(changes, "resident")
    client.post("/api/v1/auth/logout")
    auth.login("worker1")
    item = welfare_item(org["worker"].grids[0].id, org["resident"].id)
    auth.post("/api/v1/sync/push", json={"device_id": "p", "items": [item]})
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("street1")
    assert [c["entity"] for c in pull(client, cursor)["changes"]] == []


def test_a_visit_reaches_the_workers_phone_as_a_resident_change(org, auth, client):
    auth.login("worker1")
    snapshot, cursor = pull_all(client)
    item = welfare_item(org["worker"].grids[0].id, org["resident"].id)
    auth.post("/api/v1/sync/push", json={"device_id": "p", "items": [item]})
    changes = feed_after(client, snapshot, cursor, 2)
    [resident] = [c for c in changes if c["entity"] == "resident"]
    assert resident["data"]["last_contact_method"] == "home" and "last_visit_at" in resident["data"]
    # A high-tier resident visited yesterday is next due in six days, not today.
    assert resident["data"]["next_visit_due"] == (clock.days_ago(1) + timedelta(days=7)).isoformat()
    assert {c["entity"] for c in changes} == {"resident", "submission"}


def test_a_household_moved_away_arrives_as_a_delete(org, auth, client):
    auth.login("worker1")
    snapshot, cursor = pull_all(client)
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("admin1")
    moved = auth.patch(
        f"/api/v1/households/{org['household'].id}",
        json={"grid_id": org["worker_other"].grids[0].id, "building_id": None, "version": 1},
    )
    assert moved.status_code == 200, moved.get_json()
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker1")
    changes = feed_after(client, snapshot, cursor, 3)
    assert {(c["entity"], c["op"]) for c in changes} == {("household", "delete"), ("resident", "delete")}
    assert len(changes) == 3
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker2")
    household = of(pull_all(client)[0], "household")[str(org["household"].id)]
    assert household["data"]["grid_id"] == org["worker_other"].grids[0].id and household["version"] == 2
