"""Excel exports for the desk: each opens in openpyxl with Chinese headers, a frozen header row,
real dates, only the caller's scope, and an audit row; bad requests are the JSON envelope."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta
from urllib.parse import quote

import openpyxl
import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.cases.models import Case
from server.extensions import db
from server.xlsx import FORMULA_STARTS, MIMETYPE, local_naive
from tests import clock
from tests.api.test_case_loop import act, push
from tests.factories import (
    city_answers,
    city_item,
    id_number_for,
    make_building,
    make_household,
    make_resident,
    upload_photos,
    welfare_item,
)

REGISTER = "/api/v1/register/export.xlsx"
CASES = "/api/v1/cases/export.xlsx"
VISITS = "/api/v1/visits/export.xlsx"
KPIS = "/api/v1/reports/kpis.xlsx"
TASKS = "/api/v1/tasks/export.xlsx"
# The case clock's "now" for cases, KPIs and tasks (a Monday morning in Shanghai).
NOW = "2026-11-30T09:00:00+08:00"


def switch(auth, username: str) -> None:
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    assert auth.login(username).status_code == 200


def workbook(response, ascii_name: str, name: str) -> tuple[list[str], list[dict], object]:
    """The sheet's header and rows (as dicts by header), after checking what every export shares."""
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == MIMETYPE
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    assert response.headers["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert all(cell.font.b for cell in sheet[1])
    # Sized for their contents, not Excel's default 8.43 characters throughout.
    widths = {sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert len(widths) > 1
    rows = [dict(zip(header, values, strict=True)) for values in sheet.iter_rows(min_row=2, values_only=True)]
    # Formula-looking text is kept as typed, marked as text (Excel's quote prefix): never run,
    # and no apostrophe that a re-import or a copy would carry along.
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
    return header, rows, sheet


def exports() -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id)))


def assert_error(response, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    if field is not None:
        assert field in error["fields"], error


# ---- the register ---------------------------------------------------------------------------


@pytest.fixture
def register(org) -> dict:
    """A household with two residents in community 1, an empty one whose head's name looks like
    a formula, and one in community 2."""
    c1_grids = [g for g in org["grids"] if g.community_id == org["communities"][0].id]
    building = make_building(c1_grids[0].id, "幸福里3栋", "幸福路3号")
    mine = make_household(
        c1_grids[0].id, building, head_name="王建国", address="幸福路3号", room="502", phone="13812345678"
    )
    mother = make_resident(
        mine,
        name="王秀英",
        birth_date=date(1940, 3, 8),
        id_number=id_number_for(date(1940, 3, 8), "female", 24),
        phone="13987654321",
        tags=["living_alone"],
    )
    make_resident(mine, name="王小明", gender="male", birth_date=date(1975, 6, 1), relation="child", tags=[])
    make_household(c1_grids[1].id, head_name='=HYPERLINK("http://x")', address="和平路8号", phone=None)
    theirs = make_household(org["worker_other"].grids[0].id, head_name="赵其他", address="别的社区1号")
    make_resident(theirs, name="赵外人")
    db.session.commit()
    return {"mother": mother}


def register_names(today: date | None = None) -> tuple[str, str]:
    today = today or clock.today()
    return f"gridwalk-register-{today:%Y%m%d}.xlsx", f"居民底册-{today:%Y%m%d}.xlsx"


def test_a_supervisor_exports_their_communitys_register_masked(org, register, auth, client):
    auth.login("super1")
    header, rows, sheet = workbook(client.get(REGISTER), *register_names())
    assert header[:3] == ["网格编码", "网格", "楼栋"] and "身份证号" in header and "出生日期" in header
    assert {row["姓名"] for row in rows} == {"王秀英", "王小明", None}
    mother = next(row for row in rows if row["姓名"] == "王秀英")
    full_id = register["mother"].id_number
    assert mother["身份证号"] == full_id[:4] + "*" * 10 + full_id[-4:]
    assert mother["电话"] == "139****4321" and mother["户主电话"] == "138****5678"
    # A date is a date cell, not the text "1940-03-08".
    assert mother["出生日期"] == datetime(1940, 3, 8) and isinstance(mother["年龄"], int)
    birth_cell = sheet.cell(row=rows.index(mother) + 2, column=header.index("出生日期") + 1)
    assert birth_cell.is_date and birth_cell.number_format == "yyyy-mm-dd"
    # Typed on a phone: stays text, never a formula Excel would run.
    empty = next(row for row in rows if row["姓名"] is None)
    assert empty["户主"] == '=HYPERLINK("http://x")'
    formula_cell = sheet.cell(row=rows.index(empty) + 2, column=header.index("户主") + 1)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix

    [row] = exports()
    assert row.actor_id == org["supervisor"].id and row.target_type == "register"
    assert row.detail == {
        "what": "register",
        "format": "xlsx",
        "scope": "community",
        "community_id": org["communities"][0].id,
        "rows": 3,
        "households": 2,
        "residents": 2,
    }


def test_an_admin_with_a_reason_gets_full_numbers_and_the_log_says_why(org, register, auth, client):
    auth.login("admin1")
    reason = "区民政局核对低保名单"
    response = client.get(REGISTER, query_string={"unmasked": "1", "reason": reason})
    _, rows, _ = workbook(response, *register_names())
    mother = next(row for row in rows if row["姓名"] == "王秀英")
    assert mother["身份证号"] == register["mother"].id_number and mother["电话"] == "13987654321"
    assert {row["姓名"] for row in rows} == {"王秀英", "王小明", None, "赵外人"}
    [row] = exports()
    assert row.detail["unmasked"] is True and row.detail["reason"] == reason
    assert row.detail["format"] == "xlsx" and row.detail["rows"] == 4


def test_full_numbers_need_an_admin_and_a_reason(org, register, auth, client):
    auth.login("admin1")
    assert_error(client.get(REGISTER, query_string={"unmasked": "1"}), 422, "validation_failed", "reason")
    bad = {"unmasked": "1", "reason": "核对\x00名单"}
    assert_error(client.get(REGISTER, query_string=bad), 422, "validation_failed", "reason")
    switch(auth, "super1")
    response = client.get(REGISTER, query_string={"unmasked": "1", "reason": "核对名单"})
    assert_error(response, 403, "forbidden")
    # The CSV keeps the same rules.
    response = client.get("/api/v1/register/export.csv", query_string={"unmasked": "1", "reason": "核对"})
    assert_error(response, 403, "forbidden")
    assert exports() == []


@pytest.mark.parametrize("username", ["worker1", "handler1"])
def test_workers_and_handlers_cannot_export_the_register(org, register, auth, client, username):
    auth.login(username)
    assert_error(client.get(REGISTER), 404, "not_found")
    assert exports() == []


def test_a_grid_outside_the_scope_is_404_and_a_bad_grid_is_422(org, register, auth, client):
    auth.login("super1")
    other = org["worker_other"].grids[0].id
    assert_error(client.get(REGISTER, query_string={"grid_id": other}), 404, "not_found")
    assert_error(client.get(REGISTER, query_string={"grid_id": "3\x00"}), 422, "validation_failed", "grid_id")
    assert exports() == []


def test_the_headers_follow_the_callers_language(org, register, auth, client):
    auth.login("super1")
    response = client.get(REGISTER, headers={"Accept-Language": "en"})
    header, rows, _ = workbook(response, *register_names())
    assert header[:3] == ["Grid code", "Grid", "Building"]
    assert next(row for row in rows if row["Name"] == "王秀英")["Gender"] == "female"


# ---- cases ----------------------------------------------------------------------------------


@pytest.fixture
def cases(org, auth, app) -> dict:
    """A dispatched case in community 1 (with a formula-looking description), a reported one in
    community 2."""
    app.config["FAKE_NOW"] = NOW
    grid1, grid2 = org["worker"].grids[0].id, org["worker_other"].grids[0].id
    auth.login("worker1")
    photos = upload_photos(auth, 1)
    answers = city_answers(photos, description="=1+2 路口占道经营")
    [mine] = push(auth, city_item(grid1, photos, answers))
    switch(auth, "worker2")
    [theirs] = push(auth, city_item(grid2, upload_photos(auth, 1, start=5)))
    switch(auth, "super1")
    assert act(auth, mine["case_id"], action="file").status_code == 200
    dispatch = act(auth, mine["case_id"], action="dispatch", department_id=org["departments"][0].id)
    assert dispatch.status_code == 200, dispatch.get_json()
    return {"mine": mine["case_id"], "theirs": theirs["case_id"]}


def cases_names() -> tuple[str, str]:
    return "gridwalk-cases-20261130.xlsx", "案件台账-20261130.xlsx"


def test_cases_in_scope_with_states_times_deadlines_and_lights(org, cases, auth, client):
    header, rows, sheet = workbook(client.get(CASES), *cases_names())
    assert header[:7] == ["案件编号", "来源", "类别", "小类", "严重程度", "紧急", "状态"]
    # Another community's case is not in a community supervisor's sheet.
    [row] = rows
    case = db.session.get(Case, uuid.UUID(cases["mine"]))
    assert row["案件编号"] == cases["mine"] and row["状态"] == "处置中" and row["来源"] == "城市管理"
    assert row["类别"] == "街面秩序" and row["小类"] == "无照经营游商"
    assert row["网格编码"] == org["worker"].grids[0].code and row["处置单位"] == "城管执法中队"
    # Times are datetimes on the Shanghai wall clock.
    assert row["上报时间"] == local_naive(case.reported_at)
    assert row["派遣时间"] == datetime(2026, 11, 30, 9, 0)
    assert row["处置期限"] == local_naive(case.handle_deadline) and row["处置期限"] > row["派遣时间"]
    assert row["结案期限"] == local_naive(case.close_deadline)
    assert row["处置亮灯"] == "绿灯" and row["全案亮灯"] == "绿灯" and row["已超期"] == "否"
    assert row["结案时间"] is None
    column = header.index("处置期限") + 1
    assert sheet.cell(row=2, column=column).is_date
    assert (
        row["描述"] == "=1+2 路口占道经营"
        and sheet.cell(row=2, column=header.index("描述") + 1).data_type == "s"
    )

    [entry] = exports()
    assert entry.target_type == "cases" and entry.detail["what"] == "cases" and entry.detail["rows"] == 1
    assert entry.detail["community_id"] == org["communities"][0].id


def test_the_cases_sheet_takes_the_lists_filters_and_the_clock_turns_the_lights(
    org, cases, auth, client, app
):
    switch(auth, "street1")
    _, rows, _ = workbook(client.get(CASES), *cases_names())
    assert {row["案件编号"] for row in rows} == {cases["mine"], cases["theirs"]}
    _, rows, _ = workbook(client.get(CASES, query_string={"state": "reported"}), *cases_names())
    assert [row["案件编号"] for row in rows] == [cases["theirs"]] and rows[0]["状态"] == "待受理"
    community2 = org["communities"][1].id
    _, rows, _ = workbook(client.get(CASES, query_string={"community_id": community2}), *cases_names())
    assert [row["案件编号"] for row in rows] == [cases["theirs"]]
    # Two working hours to handle a street vendor: by 16:00 the handling light is red.
    app.config["FAKE_NOW"] = "2026-11-30T16:00:00+08:00"
    _, rows, _ = workbook(client.get(CASES, query_string={"overdue": "1"}), *cases_names())
    [late] = rows
    assert late["案件编号"] == cases["mine"] and late["处置亮灯"] == "红灯" and late["已超期"] == "是"
    assert len(exports()) == 4


@pytest.mark.parametrize(
    "query, status, field",
    [
        ({"state": "lost"}, 422, "state"),
        ({"state": "filed,lost"}, 422, "state"),
        ({"category": "no_such_class"}, 422, "category"),
        ({"category": "street_order\x00"}, 422, "category"),
        ({"grid_id": "two"}, 422, "grid_id"),
        ({"overdue": "maybe"}, 422, "overdue"),
    ],
)
def test_bad_case_filters_are_422_and_nothing_is_exported(org, cases, auth, client, query, status, field):
    assert_error(client.get(CASES, query_string=query), status, "validation_failed", field)
    assert exports() == []


def test_a_community_or_grid_outside_the_scope_is_404(org, cases, auth, client):
    assert_error(client.get(CASES, query_string={"community_id": org["communities"][1].id}), 404, "not_found")
    grid = org["worker_other"].grids[0].id
    assert_error(client.get(CASES, query_string={"grid_id": grid}), 404, "not_found")
    assert exports() == []


@pytest.mark.parametrize("username", ["worker1", "handler1"])
def test_workers_and_handlers_cannot_export_cases(org, cases, auth, client, username):
    switch(auth, username)
    for url in (CASES, KPIS, TASKS, VISITS):
        assert_error(client.get(url), 404, "not_found")
    assert exports() == []


def test_logged_out_gets_401(org, client):
    for url in (REGISTER, CASES, KPIS, TASKS, VISITS):
        assert_error(client.get(url), 401, "unauthorized")


# ---- KPIs -----------------------------------------------------------------------------------


def kpi_names(month: str) -> tuple[str, str]:
    return f"gridwalk-kpis-{month}.xlsx", f"考核指标-{month}.xlsx"


def test_kpis_one_row_per_figure_with_its_definition(org, cases, auth, client):
    response = client.get(KPIS, query_string={"month": "2026-11"})
    header, rows, sheet = workbook(response, *kpi_names("2026-11"))
    assert header == ["月份", "范围", "编码", "名称", "指标", "分子", "分母", "比率", "定义"]
    assert [row["指标"] for row in rows] == [
        "按期处置率",
        "结案率",
        "按期结案率",
        "返工率",
        "有效上报率",
        "整改率",
        "巡访率",
    ]
    figures = client.get("/api/v1/reports/kpis", query_string={"month": "2026-11"}).get_json()["figures"]
    valid = next(row for row in rows if row["指标"] == "有效上报率")
    expected = figures["valid_report_rate"]
    assert (valid["分子"], valid["分母"], valid["比率"]) == (1, 1, 1.0)
    assert (expected["numerator"], expected["denominator"], expected["rate"]) == (1, 1, 1.0)
    assert valid["定义"] == expected["definition"]["zh"] and valid["范围"] == "合计"
    assert sheet.cell(row=rows.index(valid) + 2, column=8).number_format == "0.0%"
    handling = next(row for row in rows if row["指标"] == "按期处置率")
    assert (handling["分子"], handling["分母"], handling["比率"]) == (0, 1, 0)
    # Nobody was due a visit: no rate, an empty cell rather than 0 %.
    assert next(row for row in rows if row["指标"] == "巡访率")["比率"] is None
    [entry] = exports()
    assert entry.target_type == "kpis" and entry.detail["month"] == "2026-11" and entry.detail["rows"] == 7


def test_kpis_by_community_add_the_breakdown_rows_in_scope(org, cases, auth, client):
    _, rows, _ = workbook(
        client.get(KPIS, query_string={"month": "2026-11", "by": "community"}), *kpi_names("2026-11")
    )
    parts = [row for row in rows if row["范围"] == "社区"]
    assert len(rows) == 14 and len(parts) == 7
    assert {row["名称"] for row in parts} == {org["communities"][0].name}
    switch(auth, "street1")
    _, rows, _ = workbook(
        client.get(KPIS, query_string={"month": "2026-11", "by": "grid"}), *kpi_names("2026-11")
    )
    assert len({row["编码"] for row in rows if row["范围"] == "网格"}) == 4


@pytest.mark.parametrize(
    "query, status, field",
    [
        ({"month": "2026-13"}, 422, "month"),
        ({"month": "2026-11\x00"}, 422, "month"),
        ({"month": "november"}, 422, "month"),
        ({"by": "department"}, 422, "by"),
        ({"by": "grid\x00"}, 422, "by"),
    ],
)
def test_bad_kpi_requests_are_422(org, cases, auth, client, query, status, field):
    assert_error(client.get(KPIS, query_string=query), status, "validation_failed", field)
    assert exports() == []


def test_kpis_of_a_grid_outside_the_scope_are_404(org, cases, auth, client):
    grid = org["worker_other"].grids[0].id
    assert_error(client.get(KPIS, query_string={"grid_id": grid}), 404, "not_found")
    assert exports() == []


# ---- tasks ----------------------------------------------------------------------------------


@pytest.fixture
def tasks(org, auth, app) -> dict:
    """A task for worker1 (community 1) whose note looks like a formula, one for worker2 (community 2)."""
    app.config["FAKE_NOW"] = NOW
    mine = make_household(org["worker"].grids[0].id, address="幸福路9号")
    theirs = make_household(org["worker_other"].grids[0].id, address="别的社区2号")
    db.session.commit()
    made = {}
    switch(auth, "street1")
    for key, household, worker in (("mine", mine, org["worker"]), ("theirs", theirs, org["worker_other"])):
        body = {
            "kind": "visit_household",
            "household_id": str(household.id),
            "assignee_id": worker.id,
            "due_at": "2026-12-02T17:00:00+08:00",
            "note": "@上门核实",
        }
        response = auth.post("/api/v1/tasks", json=body)
        assert response.status_code == 201, response.get_json()
        made[key] = response.get_json()
    switch(auth, "super1")
    return made


def task_names() -> tuple[str, str]:
    return "gridwalk-tasks-20261130.xlsx", "任务清单-20261130.xlsx"


def test_tasks_in_scope(org, tasks, auth, client, app):
    header, rows, sheet = workbook(client.get(TASKS), *task_names())
    assert header[:2] == ["任务", "对象"] and "截止时间" in header
    [row] = rows
    assert row["任务"] == "入户走访" and row["对象"] == "幸福路9号" and row["状态"] == "待完成"
    assert row["执行人"] == org["worker"].display_name and row["已逾期"] == "否"
    assert row["截止时间"] == datetime(2026, 12, 2, 17, 0) and row["下达时间"] == datetime(2026, 11, 30, 9, 0)
    assert sheet.cell(row=2, column=header.index("截止时间") + 1).is_date
    assert row["备注"] == "@上门核实"
    switch(auth, "street1")
    _, rows, _ = workbook(client.get(TASKS), *task_names())
    assert len(rows) == 2
    app.config["FAKE_NOW"] = "2026-12-03T09:00:00+08:00"
    names = ("gridwalk-tasks-20261203.xlsx", "任务清单-20261203.xlsx")
    _, rows, _ = workbook(
        client.get(TASKS, query_string={"overdue": "1", "assignee_id": org["worker"].id}), *names
    )
    assert [row["对象"] for row in rows] == ["幸福路9号"] and rows[0]["已逾期"] == "是"
    assert [e.detail["rows"] for e in exports()] == [1, 2, 1]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"status": "lost"}, "status"),
        ({"status": "open\x00"}, "status"),
        ({"assignee_id": "-1"}, "assignee_id"),
    ],
)
def test_bad_task_filters_are_422(org, tasks, auth, client, query, field):
    assert_error(client.get(TASKS, query_string=query), 422, "validation_failed", field)
    assert exports() == []


# ---- welfare visits -------------------------------------------------------------------------


@pytest.fixture
def residents(org) -> dict:
    """Two high-risk residents due this month in community 1 (one visited), one in community 2."""
    long_ago = clock.shanghai_now() - timedelta(days=200)
    grid1, grid2 = org["worker"].grids[0].id, org["worker_other"].grids[0].id
    home = make_household(grid1, address="幸福路3号")
    made = {
        "visited": make_resident(
            home, name="王秀英", birth_date=date(1940, 3, 8), tags=["living_alone"], created_at=long_ago
        ),
        "not_visited": make_resident(
            home, name="+李大爷", birth_date=date(1938, 1, 2), tags=["living_alone"], created_at=long_ago
        ),
        "theirs": make_resident(
            make_household(grid2, address="别的社区1号"),
            name="赵外人",
            birth_date=date(1939, 1, 1),
            tags=["living_alone"],
            created_at=long_ago,
        ),
    }
    db.session.commit()
    return made


def this_month() -> str:
    return clock.today().strftime("%Y-%m")


def test_visits_one_row_per_resident_due_with_visited_and_when(org, residents, auth, client):
    auth.login("worker1")
    when = clock.shanghai_now().replace(microsecond=0)
    item = welfare_item(org["worker"].grids[0].id, residents["visited"].id, created_at=when.isoformat())
    [result] = push(auth, item)
    assert result["status"] == "accepted", result
    switch(auth, "super1")
    month = this_month()
    header, rows, sheet = workbook(
        client.get(VISITS, query_string={"month": month}),
        f"gridwalk-visits-{month}.xlsx",
        f"关爱巡访-{month}.xlsx",
    )
    assert header[:4] == ["月份", "网格编码", "网格", "姓名"] and "本月已巡访" in header
    by_name = {row["姓名"]: row for row in rows}
    assert set(by_name) == {"王秀英", "+李大爷"}
    visited = by_name["王秀英"]
    assert visited["本月已巡访"] == "是" and visited["本月巡访次数"] == 1
    assert visited["最近巡访时间"] == when.replace(tzinfo=None)
    assert visited["关爱等级"] == "重点高风险" and visited["住址"] == "幸福路3号"
    assert sheet.cell(row=rows.index(visited) + 2, column=header.index("最近巡访时间") + 1).is_date
    assert by_name["+李大爷"]["本月已巡访"] == "否" and by_name["+李大爷"]["最近巡访时间"] is None
    # The sheet adds up to the month's visit rate.
    rate = client.get("/api/v1/reports/visit-rate", query_string={"month": month}).get_json()["total"]
    assert (rate["due"], rate["visited"]) == (2, 1)
    [entry] = exports()
    assert entry.target_type == "visits" and entry.detail["month"] == month and entry.detail["rows"] == 2

    switch(auth, "street1")
    names = (f"gridwalk-visits-{month}.xlsx", f"关爱巡访-{month}.xlsx")
    _, rows, _ = workbook(client.get(VISITS), *names)
    assert {row["姓名"] for row in rows} == {"王秀英", "+李大爷", "赵外人"}
    community2 = org["communities"][1].id
    _, rows, _ = workbook(client.get(VISITS, query_string={"community_id": community2}), *names)
    assert [row["姓名"] for row in rows] == ["赵外人"]


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "november", "1999-01", "2026-01\x00"])
def test_a_bad_visit_month_is_422(org, residents, auth, client, month):
    auth.login("super1")
    assert_error(client.get(VISITS, query_string={"month": month}), 422, "validation_failed", "month")
    assert exports() == []


def test_visits_of_a_community_or_grid_outside_the_scope_are_404(org, residents, auth, client):
    auth.login("super1")
    grid = org["worker_other"].grids[0].id
    assert_error(client.get(VISITS, query_string={"grid_id": grid}), 404, "not_found")
    community = org["communities"][1].id
    assert_error(client.get(VISITS, query_string={"community_id": community}), 404, "not_found")
    assert exports() == []


# ---- the API description --------------------------------------------------------------------


def test_every_export_is_documented_as_a_workbook(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/register/export.xlsx",
        "/cases/export.xlsx",
        "/visits/export.xlsx",
        "/reports/kpis.xlsx",
        "/tasks/export.xlsx",
    ):
        operation = spec["paths"]["/api/v1" + path]["get"]
        assert MIMETYPE in operation["responses"]["200"]["content"], path
        assert operation["x-roles"] == ["supervisor", "admin"]
        assert "Excel" in operation["summary"]
