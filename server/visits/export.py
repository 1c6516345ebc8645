"""A month's welfare visits as an Excel sheet: one row per resident due in the month, visited or not.

Who is due and who was visited are service.month_due's answers, so the sheet adds up to the
visit rate the dashboard shows for the same month and grids.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select

from server.auth.scope import Scope
from server.extensions import db
from server.i18n import msg, wants_english
from server.org.models import Grid
from server.register import catalogue
from server.register.care import age_on
from server.register.models import Building, Household, Resident
from server.visits.service import MonthDue, month_due
from server.xlsx import Column, Spreadsheet, write

_GENDERS = {item["code"]: item["label"] for item in catalogue.GENDERS}
_TIERS = {item["code"]: item["label"] for item in catalogue.CARE_TIERS}


def columns() -> list[Column]:
    return [
        Column(msg("月份", "Month"), 9),
        Column(msg("网格编码", "Grid code"), 18),
        Column(msg("网格", "Grid"), 18),
        Column(msg("姓名", "Name"), 10),
        Column(msg("性别", "Gender"), 6),
        Column(msg("年龄", "Age"), 6, "number"),
        Column(msg("关爱等级", "Care tier"), 12),
        Column(msg("住址", "Address"), 28),
        Column(msg("本月已巡访", "Visited this month"), 10),
        Column(msg("本月巡访次数", "Visits this month"), 10, "number"),
        Column(msg("最近巡访时间", "Last visit"), 17, "datetime"),
    ]


def visit_rows(found: MonthDue, today: date) -> Iterator[list[Any]]:
    """The residents due in the month, by grid, address and name, with their visits in it."""
    lang = "en" if wants_english() else "zh"
    yes, no = msg("是", "yes"), msg("否", "no")
    due = {r.id for r in found.due}
    if not due:
        return
    stmt = (
        select(
            Resident.id,
            Resident.name,
            Resident.gender,
            Resident.birth_date,
            Resident.care_tier,
            Grid.code,
            Grid.name.label("grid_name"),
            Household.address,
            Household.room,
            Building.address.label("building_address"),
        )
        .join(Grid, Grid.id == Resident.grid_id)
        .join(Household, Household.id == Resident.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .where(Resident.grid_id.in_([g.id for g in found.grids]), Resident.care_tier.is_not(None))
        .order_by(Grid.code, Household.address, Household.room, Resident.name, Resident.id)
    )
    for row in db.session.execute(stmt.execution_options(yield_per=1000)):
        if row.id not in due:
            continue
        visits = found.visits.get(row.id, 0)
        address = row.address or " ".join(p for p in (row.building_address, row.room) if p) or None
        yield [
            found.month,
            row.code,
            row.grid_name,
            row.name,
            _GENDERS[row.gender][lang] if row.gender in _GENDERS else row.gender,
            age_on(row.birth_date, today),
            _TIERS[row.care_tier][lang] if row.care_tier in _TIERS else row.care_tier,
            address,
            yes if visits else no,
            visits,
            found.last_visit.get(row.id),
        ]


def build_visits_xlsx(
    scope: Scope, month: str, today: date, grid_id: int | None = None, community_id: int | None = None
) -> Spreadsheet:
    """The month's welfare visits in scope as a workbook (one sheet, 关爱巡访)."""
    found = month_due(scope, month, grid_id, community_id)
    return write(msg(f"关爱巡访{month}", f"Visits {month}"), columns(), visit_rows(found, today))


def filenames(month: str) -> tuple[str, str]:
    """The download's ASCII name and its Chinese one."""
    return f"gridwalk-visits-{month}.xlsx", f"关爱巡访-{month}.xlsx"
