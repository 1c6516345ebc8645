"""Register export: a supervisor's or admin's scope as CSV, numbers masked, every export audited."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from tests import clock
from tests.factories import id_number_for, make_building, make_household, make_resident

EXPORT = "/api/v1/register/export.csv"


@pytest.fixture
def register(org) -> dict:
    """Two households in community 1 (one in each of its grids, one of them empty) and one in
    community 2."""
    c1_grids = [g for g in org["grids"] if g.community_id == org["communities"][0].id]
    c2_grid = org["worker_other"].grids[0]
    building = make_building(c1_grids[0].id, "幸福里3栋", "幸福路3号")
    mine = make_household(
        c1_grids[0].id, building, head_name="王建国", address="幸福路3号", room="502", phone="13812345678"
    )
    made = {
        "mother": make_resident(
            mine,
            name="王秀英",
            birth_date=date(1940, 3, 8),
            id_number=id_number_for(date(1940, 3, 8), "female", 24),
            phone="13987654321",
            tags=["living_alone", "low_income"],
        ),
        "son": make_resident(
            mine, name="王小明", gender="male", birth_date=date(1975, 6, 1), relation="child", tags=[]
        ),
    }
    # Typed on a phone: Excel must not read it as a formula.
    make_household(c1_grids[1].id, head_name='=HYPERLINK("http://x")', address="和平路8号", phone=None)
    theirs = make_household(c2_grid.id, head_name="赵其他", address="别的社区1号")
    make_resident(theirs, name="赵外人")
    db.session.commit()
    made["household"] = mine
    return made


def export(client, **query):
    return client.get(EXPORT, query_string=query)


def parse(response) -> list[list[str]]:
    assert response.data.startswith(b"\xef\xbb\xbf"), response.data[:10]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def exports() -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "export")))


def test_a_supervisor_exports_their_communitys_register_masked(org, register, auth, client):
    auth.login("super1")
    response = export(client)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="gridwalk-register-{clock.today():%Y%m%d}.csv"' in disposition
    assert response.headers["Cache-Control"] == "no-store"

    header, *rows = parse(response)
    assert header[:3] == ["网格编码", "网格", "楼栋"] and "身份证号" in header and "电话" in header
    column = {name: n for n, name in enumerate(header)}
    by_name = {row[column["姓名"]]: row for row in rows}
    # Community 1 only: both residents of the household and the empty household's own row.
    assert len(rows) == 3 and set(by_name) == {"王秀英", "王小明", ""}
    assert "赵" not in response.data.decode("utf-8-sig")
    mother = by_name["王秀英"]
    full_id = register["mother"].id_number
    assert mother[column["身份证号"]] == full_id[:4] + "*" * 10 + full_id[-4:]
    assert mother[column["电话"]] == "139****4321"
    assert mother[column["户主电话"]] == "138****5678"
    assert mother[column["楼栋"]] == "幸福里3栋" and mother[column["房号"]] == "502"
    assert mother[column["性别"]] == "女" and mother[column["标签"]] == "独居、低保"
    assert mother[column["状态"]] == "在住" and mother[column["关爱等级"]] == "重点高风险"
    body = response.data.decode("utf-8-sig")
    for secret in (full_id, register["son"].id_number, "13987654321", "13812345678"):
        assert secret not in body
    empty = by_name[""]
    assert empty[column["户主"]] == '\'=HYPERLINK("http://x")'

    [row] = exports()
    assert row.actor_id == org["supervisor"].id and row.target_type == "register" and row.target_id is None
    assert row.detail == {
        "what": "register",
        "format": "csv",
        "scope": "community",
        "community_id": org["communities"][0].id,
        "rows": 3,
        "households": 2,
        "residents": 2,
    }
    assert full_id not in str(row.detail)


def test_headers_and_labels_follow_the_callers_language(org, register, auth, client):
    auth.login("super1")
    response = client.get(EXPORT, headers={"Accept-Language": "en"})
    header, *rows = parse(response)
    assert header[:3] == ["Grid code", "Grid", "Building"] and "ID number" in header
    mother = next(row for row in rows if row[header.index("Name")] == "王秀英")
    assert mother[header.index("Gender")] == "female"


def test_one_grid_of_the_scope_can_be_exported_alone(org, register, auth, client):
    auth.login("super1")
    grid = register["household"].grid_id
    header, *rows = parse(export(client, grid_id=grid))
    assert {row[header.index("姓名")] for row in rows} == {"王秀英", "王小明"}
    [row] = exports()
    assert row.target_id == str(grid) and row.detail["grid_id"] == grid and row.detail["rows"] == 2


def test_a_grid_outside_the_scope_is_404_and_nothing_is_logged_as_exported(org, register, auth, client):
    auth.login("super1")
    response = export(client, grid_id=org["worker_other"].grids[0].id)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert export(client, grid_id="three").status_code == 422
    assert exports() == []


@pytest.mark.parametrize("username", ["worker1", "handler1"])
def test_workers_and_handlers_get_404_and_no_audit_row(org, register, auth, client, username):
    auth.login(username)
    response = export(client)
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert exports() == []


def test_logged_out_gets_401(org, register, client):
    assert export(client).status_code == 401
    assert exports() == []


def test_a_street_wide_export_holds_everything_and_the_admin_reads_the_row(org, register, auth, client):
    auth.login("street1")
    header, *rows = parse(export(client))
    assert {row[header.index("姓名")] for row in rows} == {"王秀英", "王小明", "", "赵外人"}
    client.post("/api/v1/auth/logout", headers=auth.headers())

    auth.login("super1")
    assert auth.client.get("/api/v1/audit").status_code == 404  # the log is the admin's to read
    client.post("/api/v1/auth/logout", headers=auth.headers())

    auth.login("admin1")
    page = client.get("/api/v1/audit", query_string={"action": "export"}).get_json()
    [entry] = page["entries"]
    assert entry["actor"] == "street1" and entry["target_type"] == "register"
    assert entry["detail"]["scope"] == "street" and entry["detail"]["street_id"] == org["street"].id
    assert entry["detail"]["rows"] == 4
    assert entry["detail"]["households"] == 3 and entry["detail"]["residents"] == 3


def test_an_admin_who_gives_a_reason_gets_the_full_numbers_and_the_log_says_why(org, register, auth, client):
    auth.login("admin1")
    assert export(client, unmasked="1").status_code == 422  # no reason: refused, not masked silently
    header, *rows = parse(export(client, unmasked="1", reason="民政局核对低保名单"))
    mother = next(row for row in rows if row[header.index("姓名")] == "王秀英")
    assert mother[header.index("身份证号")] == register["mother"].id_number
    assert mother[header.index("电话")] == "13987654321"
    [row] = exports()
    assert row.detail["unmasked"] is True and row.detail["reason"] == "民政局核对低保名单"
    assert row.detail["format"] == "csv"
