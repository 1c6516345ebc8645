"""The register of a supervisor's or admin's scope as one CSV file: numbers masked, each export audited.

One row per resident with their household's columns (a household nobody is registered in yet
gets one row of its own), so a spreadsheet can filter and count without joins.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from marshmallow import Schema
from sqlalchemy import select

from server.auth.scope import Scope
from server.extensions import db
from server.fields import Id
from server.i18n import msg, wants_english
from server.org.models import Grid
from server.register import catalogue
from server.register.care import age_on
from server.register.idcard import mask_id_number, mask_phone
from server.register.models import Building, Household, Resident

# Excel opens a CSV as the system's ANSI code page unless it starts with a byte-order mark.
ENCODING = "utf-8-sig"
# A cell starting with one of these is a formula to Excel (CSV injection): names and addresses
# are typed on phones, so such a cell is written with a leading apostrophe, as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class RegisterExportQuerySchema(Schema):
    grid_id = Id(metadata={"description": "Only this grid (in the caller's scope)"})


@dataclass
class RegisterExport:
    """The file's bytes and what the audit row records about it."""

    body: bytes
    filename: str
    households: int
    residents: int
    households_without_residents: int

    @property
    def rows(self) -> int:
        """Data rows in the file (the header not counted)."""
        return self.residents + self.households_without_residents

    def content_disposition(self) -> str:
        """attachment, with an ASCII name for old clients and the same name in UTF-8 (RFC 6266)."""
        return f"attachment; filename=\"{self.filename}\"; filename*=UTF-8''{quote(self.filename)}"


def _labels(items: list[dict]) -> dict[str, dict[str, str]]:
    return {item["code"]: item["label"] for item in items}


_HOUSING = _labels(catalogue.HOUSING_TYPES)
_GENDERS = _labels(catalogue.GENDERS)
_RELATIONS = _labels(catalogue.RELATIONS)
_STATUSES = _labels(catalogue.STATUSES)
_TAGS = _labels(catalogue.RESIDENT_TAGS)
_TIERS = _labels(catalogue.CARE_TIERS)


def _header() -> list[str]:
    return [
        msg("网格编码", "Grid code"),
        msg("网格", "Grid"),
        msg("楼栋", "Building"),
        msg("地址", "Address"),
        msg("单元", "Unit"),
        msg("房号", "Room"),
        msg("住房类型", "Housing"),
        msg("户主", "Head of household"),
        msg("户主电话", "Household phone"),
        msg("姓名", "Name"),
        msg("性别", "Gender"),
        msg("出生日期", "Birth date"),
        msg("年龄", "Age"),
        msg("身份证号", "ID number"),
        msg("电话", "Phone"),
        msg("与户主关系", "Relation to head"),
        msg("状态", "Status"),
        msg("标签", "Tags"),
        msg("关爱等级", "Care tier"),
        msg("下次巡访", "Next visit due"),
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def build_register_export(scope: Scope, today: date, grid_id: int | None = None) -> RegisterExport:
    """Read the register in scope (one statement, so one consistent view) and write the CSV."""
    lang = "en" if wants_english() else "zh"

    def label(table: dict[str, dict[str, str]], code: str | None) -> str | None:
        return table[code][lang] if code in table else code

    h, r = Household.__table__.c, Resident.__table__.c
    stmt = (
        select(
            Grid.code.label("grid_code"),
            Grid.name.label("grid_name"),
            Building.name.label("building_name"),
            h.id.label("household_id"),
            h.address,
            h.unit,
            h.room,
            h.housing_type,
            h.head_name,
            h.phone.label("household_phone"),
            r.id.label("resident_id"),
            r.name,
            r.gender,
            r.birth_date,
            r.id_number,
            r.phone,
            r.relation,
            r.status,
            r.tags,
            r.care_tier,
            r.next_visit_due,
        )
        .select_from(Household.__table__)
        .join(Grid, Grid.id == h.grid_id)
        .outerjoin(Building, Building.id == h.building_id)
        .outerjoin(Resident.__table__, r.household_id == h.id)
        .order_by(Grid.code, h.address, h.unit, h.room, h.id, r.birth_date, r.id)
    )
    stmt = scope.filter_grid(stmt, h.grid_id, h.street_id)
    if grid_id is not None:
        stmt = stmt.where(h.grid_id == grid_id)

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    households: set = set()
    residents = empty = 0
    for row in db.session.execute(stmt):
        households.add(row.household_id)
        person: list[Any]
        if row.resident_id is None:
            empty += 1
            person = [None] * 11
        else:
            residents += 1
            person = [
                row.name,
                label(_GENDERS, row.gender),
                row.birth_date.isoformat(),
                age_on(row.birth_date, today),
                mask_id_number(row.id_number),
                mask_phone(row.phone),
                label(_RELATIONS, row.relation),
                label(_STATUSES, row.status),
                "、".join(label(_TAGS, tag) or "" for tag in row.tags or []),
                label(_TIERS, row.care_tier),
                row.next_visit_due.isoformat() if row.next_visit_due else None,
            ]
        writer.writerow(
            _cell(value)
            for value in [
                row.grid_code,
                row.grid_name,
                row.building_name,
                row.address,
                row.unit,
                row.room,
                label(_HOUSING, row.housing_type),
                row.head_name,
                mask_phone(row.household_phone),
                *person,
            ]
        )
    return RegisterExport(
        body=out.getvalue().encode(ENCODING),
        filename=f"gridwalk-register-{today:%Y%m%d}.csv",
        households=len(households),
        residents=residents,
        households_without_residents=empty,
    )


def audit_detail(export: RegisterExport, scope: Scope, grid_id: int | None) -> dict:
    """What the audit row says: what was exported, from which scope, how many rows; never a number."""
    where: dict[str, Any] = {"scope": scope.level}
    if scope.level_id is not None:
        where[f"{scope.level}_id"] = scope.level_id
    if grid_id is not None:
        where["grid_id"] = grid_id
    return {
        "what": "register",
        "format": "csv",
        **where,
        "rows": export.rows,
        "households": export.households,
        "residents": export.residents,
    }
