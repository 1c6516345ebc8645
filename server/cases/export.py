"""Cases as an Excel sheet for the desk: state and category in words, the loop's times, both
deadlines with their traffic lights (as loop.clocks reads them at the moment of export)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import aliased

from server.auth.models import User
from server.cases import catalogue, loop
from server.cases.models import Case
from server.extensions import db
from server.i18n import msg, wants_english
from server.org.models import Department, Grid
from server.xlsx import Column, Spreadsheet, write

# Hazard focus areas and city-management classes: the codes Case.category holds.
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    **{item["code"]: item["label"] for item in catalogue.HAZARD_CATEGORIES},
    **{item["code"]: item["label"] for item in catalogue.CITY_CASE_CATEGORIES},
}
_SUBCATEGORY_LABELS = {code: sub["label"] for code, sub in catalogue.CITY_SUBCATEGORIES.items()}
_SEVERITY_LABELS = {item["code"]: item["label"] for item in catalogue.SEVERITIES}
_KIND_LABELS = {"hazard": {"zh": "安全隐患", "en": "hazard"}, "city": {"zh": "城市管理", "en": "city"}}
_LIGHT_LABELS = {
    "green": {"zh": "绿灯", "en": "green"},
    "yellow": {"zh": "黄灯", "en": "yellow"},
    "red": {"zh": "红灯", "en": "red"},
}
# Read in chunks so a street's whole history never sits in memory at once.
_BATCH = 500
# What a row of the sheet reads from the case (the clocks and the overdue rule among them).
_CASE_COLUMNS = (
    "id",
    "kind",
    "category",
    "subcategory",
    "severity",
    "urgent",
    "state",
    "description",
    "address",
    "reported_at",
    "filed_at",
    "dispatched_at",
    "handled_at",
    "closed_at",
    "handle_deadline",
    "close_deadline",
)


def columns() -> list[Column]:
    return [
        Column(msg("案件编号", "Case id"), 38),
        Column(msg("来源", "Kind"), 10),
        Column(msg("类别", "Category"), 16),
        Column(msg("小类", "Subcategory"), 16),
        Column(msg("严重程度", "Severity"), 8),
        Column(msg("紧急", "Urgent"), 6),
        Column(msg("状态", "State"), 8),
        Column(msg("描述", "Description"), 40),
        Column(msg("地址", "Address"), 24),
        Column(msg("网格编码", "Grid code"), 18),
        Column(msg("网格", "Grid"), 18),
        Column(msg("上报人", "Reporter"), 10),
        Column(msg("处置单位", "Department"), 16),
        Column(msg("处置人", "Assignee"), 10),
        Column(msg("上报时间", "Reported at"), 17, "datetime"),
        Column(msg("立案时间", "Filed at"), 17, "datetime"),
        Column(msg("派遣时间", "Dispatched at"), 17, "datetime"),
        Column(msg("处置时间", "Handled at"), 17, "datetime"),
        Column(msg("结案时间", "Closed at"), 17, "datetime"),
        Column(msg("处置期限", "Handling deadline"), 17, "datetime"),
        Column(msg("处置亮灯", "Handling light"), 8),
        Column(msg("结案期限", "Closing deadline"), 17, "datetime"),
        Column(msg("全案亮灯", "Case light"), 8),
        Column(msg("已超期", "Overdue"), 7),
    ]


def case_rows(stmt: Select, now: datetime) -> Iterator[list[Any]]:
    """One row per case of `stmt` (a select(Case) already scoped and filtered), newest first;
    lights and overdue by the loop's own rules, so the sheet shows what the case screen shows."""
    lang = "en" if wants_english() else "zh"
    yes, no = msg("是", "yes"), msg("否", "no")

    def label(table: dict[str, dict[str, str]], code: str | None) -> str | None:
        return table[code][lang] if code in table else code

    reporter, assignee = aliased(User), aliased(User)
    # Plain rows, not Case objects: the clocks read only the loop's times, which a row carries
    # under the same names, and 200,000 ORM objects cost more than the sheet they fill.
    query = (
        stmt.with_only_columns(
            *(getattr(Case, name) for name in _CASE_COLUMNS),
            Grid.code.label("grid_code"),
            Grid.name.label("grid_name"),
            reporter.display_name.label("reporter_name"),
            Department.name.label("department_name"),
            assignee.display_name.label("assignee_name"),
        )
        .join(Grid, Grid.id == Case.grid_id)
        .outerjoin(reporter, reporter.id == Case.reporter_id)
        .outerjoin(Department, Department.id == Case.department_id)
        .outerjoin(assignee, assignee.id == Case.assignee_id)
        .order_by(Case.created_at.desc(), Case.id)
        .execution_options(yield_per=_BATCH)
    )
    for case in db.session.execute(query):
        clock = loop.clocks(case, now)  # a row, with the Case's names
        handle, whole = clock.get("handle", {}), clock.get("case", {})
        yield [
            str(case.id),
            label(_KIND_LABELS, case.kind),
            label(CATEGORY_LABELS, case.category),
            label(_SUBCATEGORY_LABELS, case.subcategory),
            label(_SEVERITY_LABELS, case.severity),
            yes if case.urgent else no,
            state_label(case.state, lang),
            case.description,
            case.address,
            case.grid_code,
            case.grid_name,
            case.reporter_name,
            case.department_name,
            case.assignee_name,
            case.reported_at,
            case.filed_at,
            case.dispatched_at,
            case.handled_at,
            case.closed_at,
            case.handle_deadline,
            label(_LIGHT_LABELS, handle.get("light")),
            case.close_deadline,
            label(_LIGHT_LABELS, whole.get("light")),
            yes if loop.is_overdue(case, now) else no,
        ]


def state_label(state: str, lang: str) -> str:
    zh, en = loop.STATE_LABELS.get(state, (state, state))
    return en if lang == "en" else zh


def build_cases_xlsx(stmt: Select, now: datetime) -> Spreadsheet:
    """The cases of `stmt` as a workbook (one sheet, 案件台账)."""
    return write(msg("案件台账", "Cases"), columns(), case_rows(stmt, now))


def filenames(today: date) -> tuple[str, str]:
    """The download's ASCII name and its Chinese one."""
    return f"gridwalk-cases-{today:%Y%m%d}.xlsx", f"案件台账-{today:%Y%m%d}.xlsx"
