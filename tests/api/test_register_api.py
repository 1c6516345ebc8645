"""The register at the desk: scoped lists and search, masked numbers, audited full views, supervisor edits."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from server.register.models import Household, Resident
from tests.factories import id_number_for, make_building, make_household, make_resident, org_with_users


@pytest.fixture
def org(app):
    made = org_with_users()
    grid = made["worker"].grids[0].id
    building = make_building(grid, "示例小区3栋", "示例路3号")
    made["household"] = make_household(grid, building, head_name="王建国", room="301")
    made["resident"] = make_resident(made["household"], name="王秀英")
    made["other_household"] = make_household(made["worker_other"].grids[0].id, head_name="赵六", room="101")
    made["other_resident"] = make_resident(made["other_household"], name="赵奶奶")
    db.session.commit()
    return made


def actions() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditLog.action).where(AuditLog.action != "auth.login").order_by(AuditLog.id)
        )
    )


def test_a_worker_lists_and_searches_households_of_own_grids(org, auth, client):
    auth.login("worker1")
    listed = client.get("/api/v1/households").get_json()
    assert listed["total"] == 1 and listed["households"][0]["head_name"] == "王建国"
    assert listed["households"][0]["phone_masked"] == "138****5678" and "phone" not in listed["households"][0]
    for q in ("秀英", "示例路1号", "301", "王建"):
        assert client.get("/api/v1/households", query_string={"q": q}).get_json()["total"] == 1, q
    assert client.get("/api/v1/households", query_string={"q": "赵"}).get_json()["total"] == 0
    assert client.get("/api/v1/households", query_string={"q": "%"}).get_json()["total"] == 0


def test_a_supervisor_of_the_street_sees_every_grid(org, auth, client):
    auth.login("street1")
    assert client.get("/api/v1/households").get_json()["total"] == 2
    grid = org["worker_other"].grids[0].id
    assert client.get("/api/v1/households", query_string={"grid_id": grid}).get_json()["total"] == 1


def test_a_household_with_its_building_and_residents_masked(org, auth, client):
    auth.login("worker1")
    detail = client.get(f"/api/v1/households/{org['household'].id}").get_json()
    assert detail["building"]["name"] == "示例小区3栋"
    [resident] = detail["residents"]
    number = org["resident"].id_number
    assert resident["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    assert resident["phone_masked"] == "139****4321"
    assert number not in str(detail) and "13987654321" not in str(detail)


def test_a_worker_reading_a_resident_of_another_grid_gets_404(org, auth, client):
    auth.login("worker1")
    assert client.get(f"/api/v1/residents/{org['resident'].id}").status_code == 200
    for url in (
        f"/api/v1/residents/{org['other_resident'].id}",
        f"/api/v1/households/{org['other_household'].id}",
        f"/api/v1/residents/{uuid.uuid4()}",
        "/api/v1/residents/not-a-uuid",
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found", url


def test_the_full_numbers_are_a_separate_audited_request(org, auth, client):
    auth.login("worker1")
    identity = client.get(f"/api/v1/residents/{org['resident'].id}/identity").get_json()
    assert identity == {
        "id": str(org["resident"].id),
        "id_number": org["resident"].id_number,
        "phone": "13987654321",
    }
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "resident.identity_view"))
    assert entry.actor_id == org["worker"].id and entry.target_id == str(org["resident"].id)
    assert entry.detail == {"fields": ["id_number", "phone"]} and entry.ip == "127.0.0.1"
    phone = client.get(f"/api/v1/households/{org['household'].id}/phone").get_json()
    assert phone["phone"] == "13812345678"
    assert actions() == ["resident.identity_view", "household.phone_view"]


def test_a_full_number_view_outside_the_scope_is_404_and_no_view_is_logged(org, auth, client):
    auth.login("worker1")
    response = client.get(f"/api/v1/residents/{org['other_resident'].id}/identity")
    assert response.status_code == 404 and org["other_resident"].id_number not in response.get_data(
        as_text=True
    )
    assert client.get(f"/api/v1/households/{org['other_household'].id}/phone").status_code == 404
    views = db.session.scalars(
        select(AuditLog).where(AuditLog.action.in_(["resident.identity_view", "household.phone_view"]))
    )
    assert list(views) == []
    assert actions() == ["resident.identity_denied", "household.phone_denied"]


def test_handlers_do_not_read_the_register(org, auth, client):
    auth.login("handler1")
    assert client.get("/api/v1/households").status_code == 404
    assert client.get(f"/api/v1/residents/{org['resident'].id}/identity").status_code == 404
    assert actions() == []


def test_a_supervisor_registers_a_household_and_a_resident_at_the_desk(org, auth):
    auth.login("super1")
    grid = org["worker"].grids[0].id
    created = auth.post(
        "/api/v1/households",
        json={"grid_id": grid, "address": "示例路5号", "head_name": "孙丽", "housing_type": "group_rental"},
    )
    assert created.status_code == 201, created.get_json()
    household = created.get_json()
    assert household["version"] == 1 and household["residents"] == []
    born = date(1950, 8, 1)
    resident = auth.post(
        "/api/v1/residents",
        json={
            "household_id": household["id"],
            "name": "孙丽",
            "gender": "female",
            "birth_date": born.isoformat(),
            "id_number": id_number_for(born, "female"),
            "tags": ["empty_nest"],
        },
    )
    assert resident.status_code == 201, resident.get_json()
    assert resident.get_json()["care_tier"] == "general" and resident.get_json()["age"] >= 76
    detail = db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "household.create"))
    assert detail["via"] == "desk"


def test_a_desk_edit_names_its_version_and_a_stale_one_is_409(org, auth):
    auth.login("super1")
    url = f"/api/v1/households/{org['household'].id}"
    assert auth.patch(url, json={"notes": "无版本"}).status_code == 422
    edited = auth.patch(url, json={"notes": "已核实", "version": 1})
    assert edited.status_code == 200 and edited.get_json()["version"] == 2
    stale = auth.patch(url, json={"notes": "旧的", "version": 1})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "conflict" and error["server"]["data"]["notes"] == "已核实"
    assert db.session.get(Household, org["household"].id).notes == "已核实"


def test_desk_validation_matches_the_push(org, auth):
    auth.login("super1")
    url = f"/api/v1/residents/{org['resident'].id}"
    response = auth.patch(url, json={"phone": "0791-8612345", "id_number": "123", "version": 1})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"phone", "id_number"}


def test_a_supervisor_cannot_move_a_resident_out_of_their_community(org, auth):
    auth.login("super1")
    response = auth.patch(
        f"/api/v1/residents/{org['resident'].id}",
        json={"household_id": str(org["other_household"].id), "version": 1},
    )
    assert response.status_code == 422 and "household_id" in response.get_json()["error"]["fields"]
    assert db.session.get(Resident, org["resident"].id).household_id == org["household"].id


def test_workers_edit_by_sync_not_at_the_desk(org, auth):
    auth.login("worker1")
    assert auth.post("/api/v1/households", json={"head_name": "x"}).status_code == 404
    assert auth.patch(f"/api/v1/households/{org['household'].id}", json={"version": 1}).status_code == 404


def test_buildings_in_scope(org, auth, client):
    auth.login("worker1")
    assert [b["name"] for b in client.get("/api/v1/buildings").get_json()["buildings"]] == ["示例小区3栋"]
