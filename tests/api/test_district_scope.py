"""Scope as SQL on a district: two streets (two districts) on one database.

Each street's staff see their own street and nothing of the other, a district admin sees the
streets of their district and gets a 404 for anything of another, and a case that moves across
the boundary keeps its whole log. The indexed street_id and lat/lng follow the rows they belong
to, whoever writes them.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert, select

from server.cases.models import Case
from server.extensions import db
from server.org.models import Community, Department, District, Grid, Street
from server.register.models import Household
from tests.api.test_case_loop import MONDAY_9, act, push
from tests.api.test_report_review_loop import fix
from tests.factories import (
    city_item,
    install_forms,
    make_household,
    make_user,
    org_with_users,
    upload_photos,
    visit_item,
)


@pytest.fixture
def city(app):
    """Street 1 (the usual cast) in 西湖区; street 2 with its own staff in 东湖区."""
    org = org_with_users()
    install_forms()
    app.config["FAKE_NOW"] = MONDAY_9
    west = District(name="西湖区", code="360103")
    east = District(name="东湖区", code="360102")
    db.session.add_all([west, east])
    db.session.flush()
    org["street"].district_id = west.id
    street2 = Street(name="第二街道", code="360102-001", district_id=east.id)
    db.session.add(street2)
    db.session.flush()
    community = Community(street_id=street2.id, name="第二社区", code="360102-001-001")
    db.session.add(community)
    db.session.flush()
    grids2 = [
        Grid(community_id=community.id, code=f"360102-001-001-00{n}", name=f"二街网格{n}") for n in (1, 2)
    ]
    department2 = Department(street_id=street2.id, name="二街城管中队", kind="city_management")
    db.session.add_all([*grids2, department2])
    db.session.flush()
    org.update(
        west=west,
        east=east,
        street2=street2,
        grids2=grids2,
        department2=department2,
        worker3=make_user("worker", "worker3", grid_ids=[grids2[0].id]),
        street2_supervisor=make_user("supervisor", "street2", street_wide=True, street_id=street2.id),
        west_admin=make_user("admin", "westadmin", district_id=west.id),
        east_admin=make_user("admin", "eastadmin", district_id=east.id),
        street2_admin=make_user("admin", "street2admin", street_id=street2.id),
        traveller=make_user("worker", "traveller", grid_ids=[org["grids"][0].id, grids2[0].id]),
    )
    db.session.commit()
    return org


def reported_by(auth, username: str, grid_id: int, start: int = 0, **overrides) -> str:
    auth.login(username)
    [result] = push(auth, city_item(grid_id, upload_photos(auth, 1, start=start), **overrides))
    assert result["status"] == "accepted", result
    return result["case_id"]


def test_a_district_admin_acting_on_another_district_gets_404(city, auth):
    east_case = reported_by(auth, "worker3", city["grids2"][0].id)
    west_case = reported_by(auth, "worker1", city["grids"][0].id, start=5)
    auth.login("westadmin")
    assert auth.client.get(f"/api/v1/cases/{west_case}").status_code == 200
    assert auth.client.get(f"/api/v1/cases/{east_case}").status_code == 404
    assert act(auth, east_case, action="file").status_code == 404
    assert auth.client.get(f"/api/v1/cases/{east_case}/similar").status_code == 404
    # Their accounts too: reading, editing and ending a phone's sessions.
    worker3 = city["worker3"].id
    assert auth.client.get(f"/api/v1/users/{worker3}").status_code == 404
    assert auth.patch(f"/api/v1/users/{worker3}", json={"display_name": "改名"}).status_code == 404
    assert auth.post(f"/api/v1/users/{worker3}/end-sessions").status_code == 404
    assert auth.client.get(f"/api/v1/users/{city['worker'].id}").status_code == 200
    listed = {u["username"] for u in auth.client.get("/api/v1/users").get_json()["users"]}
    assert {"worker1", "super1", "street1", "handler1", "westadmin", "traveller"} <= listed
    assert listed.isdisjoint({"worker3", "street2", "eastadmin", "street2admin"})
    # Nothing changed for the east.
    db.session.expire_all()
    assert db.session.get(Case, uuid.UUID(east_case)).state == "reported"
    assert db.session.get(type(city["worker3"]), worker3).display_name == "测试worker"


def test_each_street_sees_its_own_street_and_nothing_of_the_other(city, auth):
    west_case = reported_by(auth, "worker1", city["grids"][0].id)
    push(auth, visit_item(city["grids"][0].id))
    east_case = reported_by(auth, "worker3", city["grids2"][0].id, start=5)
    push(auth, visit_item(city["grids2"][0].id))
    for username, mine, theirs, street in (
        ("street1", west_case, east_case, city["street"]),
        ("street2", east_case, west_case, city["street2"]),
        ("street2admin", east_case, west_case, city["street2"]),
    ):
        auth.login(username)
        cases = auth.client.get("/api/v1/cases").get_json()
        assert [c["id"] for c in cases["cases"]] == [mine] and cases["total"] == 1
        assert auth.client.get(f"/api/v1/cases/{theirs}").status_code == 404
        tree = auth.client.get("/api/v1/org").get_json()
        assert tree["street"]["id"] == street.id and [s["id"] for s in tree["streets"]] == [street.id]
        assert {c["street_id"] for c in tree["communities"]} == {street.id}
        assert {d["name"] for d in tree["departments"]} == {
            d.name for d in db.session.scalars(select(Department).where(Department.street_id == street.id))
        }
        queue = auth.client.get("/api/v1/submissions").get_json()["submissions"]
        own_grids = set(
            db.session.scalars(select(Grid.id).join(Community).where(Community.street_id == street.id))
        )
        assert queue and {s["grid_id"] for s in queue} <= own_grids
    # The operator's admin (no street, no district) still sees both.
    auth.login("admin1")
    assert auth.client.get("/api/v1/cases").get_json()["total"] == 2


def test_the_district_admin_sees_both_streets_of_a_district(city, auth):
    west_case = reported_by(auth, "worker1", city["grids"][0].id)
    city["street2"].district_id = city["west"].id  # the east street joins the west district
    db.session.commit()
    east_case = reported_by(auth, "worker3", city["grids2"][0].id, start=5)
    auth.login("westadmin")
    assert {c["id"] for c in auth.client.get("/api/v1/cases").get_json()["cases"]} == {west_case, east_case}
    assert len(auth.client.get("/api/v1/org").get_json()["streets"]) == 2
    auth.login("eastadmin")
    assert auth.client.get("/api/v1/cases").get_json()["total"] == 0


def test_a_phone_pulls_only_its_own_street(city, auth, client):
    auth.login("street2")
    changes, cursor = [], None
    while True:
        page = client.get("/api/v1/sync/pull", query_string={"cursor": cursor} if cursor else {}).get_json()
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    ids = {(c["entity"], c["id"]) for c in changes}
    assert {i for e, i in ids if e == "street"} == {city["street2"].id}
    assert {i for e, i in ids if e == "grid"} == {g.id for g in city["grids2"]}
    assert {i for e, i in ids if e == "department"} == {city["department2"].id}


def test_an_admin_assigns_only_within_their_own_street(city, auth):
    auth.login("street2admin")
    body = {
        "username": "newworker",
        "display_name": "新网格员",
        "password": "a-long-pass-7",
        "role": "worker",
        "grid_ids": [city["grids"][0].id],  # street 1's grid
    }
    response = auth.post("/api/v1/users", json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["grid_ids"][0].startswith("不在您管辖的范围内")
    admin = dict(body, username="newadmin", role="admin", grid_ids=[])
    response = auth.post("/api/v1/users", json=admin)  # no street, no district: the whole database
    assert response.status_code == 422 and "street_id" in response.get_json()["error"]["fields"]
    response = auth.post("/api/v1/users", json=dict(body, grid_ids=[city["grids2"][1].id]))
    assert response.status_code == 201, response.get_json()
    assert {u.username for u in db.session.scalars(select(type(city["worker3"])))} >= {"newworker"}
    assert "newadmin" not in {u.username for u in db.session.scalars(select(type(city["worker3"])))}


def test_a_case_moved_across_streets_keeps_its_history(city, auth):
    """A report filed in the wrong street: returned, fixed into the other street's grid."""
    west_grid, east_grid = city["grids"][0].id, city["grids2"][0].id
    auth.login("traveller")
    item = city_item(west_grid, upload_photos(auth, 1))
    [result] = push(auth, item)
    case_id = result["case_id"]
    auth.login("street1")
    assert act(auth, case_id, action="return", comment="这里是第二街道的路口").status_code == 200
    [again] = push(auth, fix(auth, east_grid, item["id"], username="traveller"))
    assert again["status"] == "accepted", again

    case = db.session.get(Case, uuid.UUID(case_id))
    assert (case.grid_id, case.street_id) == (east_grid, city["street2"].id)
    auth.login("street1")
    assert auth.client.get(f"/api/v1/cases/{case_id}").status_code == 404
    auth.login("street2")
    data = auth.client.get(f"/api/v1/cases/{case_id}").get_json()
    assert [e["action"] for e in data["events"]] == ["report", "return", "resubmit"]
    assert data["state"] == "reported" and data["allowed_actions"]


def test_street_id_follows_the_grid_whoever_writes_the_row(city):
    west, east = city["grids"][0], city["grids2"][0]
    household = make_household(west.id)
    db.session.commit()
    assert household.street_id == city["street"].id
    household.grid_id = east.id  # moved to a grid of the other street
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Household, household.id).street_id == city["street2"].id
    # A bulk insert, as the register's import writes them, gets it too.
    bulk = uuid.uuid4()
    db.session.execute(
        insert(Household.__table__),
        [
            {
                "id": bulk,
                "grid_id": east.id,
                "head_name": "批量户",
                "version": 1,
                "created_at": household.created_at,
                "updated_at": household.created_at,
            }
        ],
    )
    db.session.commit()
    assert db.session.get(Household, bulk).street_id == city["street2"].id


def test_coordinates_are_numbers_from_the_location_and_similar_reads_them(city, auth):
    grid = city["grids"][0].id
    near = {"lat": 28.6801, "lng": 115.8612, "accuracy": 10.0}
    thirty_m = {"lat": 28.6801 + 30 / 111_320, "lng": 115.8612, "accuracy": 10.0}
    eighty_m = {"lat": 28.6801, "lng": 115.8612 + 80 / 97_700, "accuracy": 10.0}
    first = reported_by(auth, "worker1", grid, start=0, location=near)
    close = reported_by(auth, "worker1", grid, start=10, location=thirty_m)
    reported_by(auth, "worker1", grid, start=20, location=eighty_m)
    case = db.session.get(Case, uuid.UUID(close))
    assert (round(case.lat, 6), round(case.lng, 6)) == (round(thirty_m["lat"], 6), 115.8612)
    auth.login("super1")
    found = auth.client.get(f"/api/v1/cases/{first}/similar").get_json()["cases"]
    assert [c["id"] for c in found] == [close] and 25 < found[0]["distance_m"] < 35


def test_overdue_pages_in_the_database_with_a_true_total(city, auth, app):
    grid = city["grids"][0].id
    ids = [reported_by(auth, "worker1", grid, start=10 * n) for n in range(3)]
    auth.login("super1")
    for case_id in ids[:2]:
        assert act(auth, case_id, action="file").status_code == 200
        assert (
            act(auth, case_id, action="dispatch", department_id=city["departments"][0].id).status_code == 200
        )
    app.config["FAKE_NOW"] = "2026-11-30T16:00:00+08:00"  # past both 2-hour handling deadlines
    pages = [
        auth.client.get("/api/v1/cases", query_string={"overdue": 1, "per_page": 1, "page": n}).get_json()
        for n in (1, 2, 3)
    ]
    assert [p["total"] for p in pages] == [2, 2, 2]
    assert sorted(c["id"] for p in pages for c in p["cases"]) == sorted(ids[:2])
    assert all(c["overdue"] for p in pages for c in p["cases"])


def test_nobody_but_the_server_may_visit_a_household_of_another_street(city, auth):
    """A worker pushing into the other street's grid is refused as out of scope."""
    auth.login("worker1")
    [result] = push(auth, visit_item(city["grids2"][0].id))
    assert result["status"] == "forbidden"


def test_the_district_kpis_by_street_give_each_street_its_own_cases(city, auth):
    city["street2"].district_id = city["west"].id
    db.session.commit()
    reported_by(auth, "worker1", city["grids"][0].id)
    reported_by(auth, "worker2", city["worker_other"].grids[0].id, start=5)
    reported_by(auth, "worker3", city["grids2"][0].id, start=10)
    auth.login("westadmin")
    month = "2026-11"
    answer = auth.client.get("/api/v1/reports/kpis", query_string={"month": month, "by": "street"}).get_json()
    parts = {part["id"]: part for part in answer["breakdown"]}
    assert list(parts) == [city["street2"].id, city["street"].id]  # in code order: 360102 before 360103
    reported = {sid: part["figures"]["valid_report_rate"]["denominator"] for sid, part in parts.items()}
    assert reported == {city["street"].id: 2, city["street2"].id: 1}
    assert answer["figures"]["valid_report_rate"]["denominator"] == 3
    # A street supervisor's own view has one street in it.
    auth.login("street2")
    answer = auth.client.get("/api/v1/reports/kpis", query_string={"month": month, "by": "street"}).get_json()
    assert [part["id"] for part in answer["breakdown"]] == [city["street2"].id]
    assert answer["figures"]["valid_report_rate"]["denominator"] == 1
