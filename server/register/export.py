"""The register of a supervisor's or admin's scope as one CSV or XLSX file: numbers masked, each export audited.

One row per resident with their household's columns (a household nobody is registered in yet
gets one row of its own), so a spreadsheet can filter and count without joins.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from marshmallow import fields, validate
from sqlalchemy import select

from server import xlsx
from server.apidoc import QuerySchema
from server.auth.scope import Scope
from server.extensions import db
from server.fields import Id, Text
from server.i18n import msg, wants_english
from server.org.models import Grid
from server.register import catalogue
from server.register.care import age_on
from server.register.idcard import mask_id_number, mask_phone
from server.register.models import Building, Household, Resident
from server.xlsx import Column, Spreadsheet, content_disposition, safe_text

# Excel opens a CSV as the system's ANSI code page unless it starts with a byte-order mark.
ENCODING = "utf-8-sig"
_BATCH = 1000


class RegisterExportQuerySchema(QuerySchema):
    grid_id = Id(metadata={"description": "Only this grid (in the caller's scope)"})
    unmasked = fields.Boolean(
        load_default=False,
        metadata={"description": "Full ID-card and phone numbers: admins only, with a `reason` (audited)"},
    )
    reason = Text(
        validate=validate.Length(min=2, max=200),
        metadata={"description": "Why the full numbers are needed (required with unmasked)"},
    )


@dataclass
class RegisterCounts:
    """What the audit row records about an export, counted while its rows are written."""

    households: int = 0
    residents: int = 0
    households_without_residents: int = 0

    @property
    def rows(self) -> int:
        """Data rows in the file (the header not counted)."""
        return self.residents + self.households_without_residents


@dataclass
class RegisterExport(RegisterCounts):
    """The CSV's bytes and what the audit row records about it."""

    body: bytes = b""
    filename: str = ""

    def content_disposition(self) -> str:
        """attachment, with an ASCII name for old clients and the same name in UTF-8 (RFC 6266)."""
        return content_disposition(self.filename, self.filename)


def _labels(items: list[dict]) -> dict[str, dict[str, str]]:
    return {item["code"]: item["label"] for item in items}


_HOUSING = _labels(catalogue.HOUSING_TYPES)
_GENDERS = _labels(catalogue.GENDERS)
_RELATIONS = _labels(catalogue.RELATIONS)
_STATUSES = _labels(catalogue.STATUSES)
_TAGS = _labels(catalogue.RESIDENT_TAGS)
_TIERS = _labels(catalogue.CARE_TIERS)


def _columns() -> list[Column]:
    return [
        Column(msg("网格编码", "Grid code"), 18),
        Column(msg("网格", "Grid"), 18),
        Column(msg("楼栋", "Building"), 14),
        Column(msg("地址", "Address"), 24),
        Column(msg("单元", "Unit"), 6),
        Column(msg("房号", "Room"), 8),
        Column(msg("住房类型", "Housing"), 10),
        Column(msg("户主", "Head of household"), 10),
        Column(msg("户主电话", "Household phone"), 14),
        Column(msg("姓名", "Name"), 10),
        Column(msg("性别", "Gender"), 6),
        Column(msg("出生日期", "Birth date"), 12, "date"),
        Column(msg("年龄", "Age"), 6, "number"),
        Column(msg("身份证号", "ID number"), 20),
        Column(msg("电话", "Phone"), 14),
        Column(msg("与户主关系", "Relation to head"), 10),
        Column(msg("状态", "Status"), 8),
        Column(msg("标签", "Tags"), 18),
        Column(msg("关爱等级", "Care tier"), 12),
        Column(msg("下次巡访", "Next visit due"), 12, "date"),
    ]


def _header() -> list[str]:
    return [column.title for column in _columns()]


def register_rows(
    scope: Scope, today: date, counts: RegisterCounts, grid_id: int | None = None, unmasked: bool = False
) -> Iterator[list[Any]]:
    """The register in scope as typed rows (dates as dates), read by one statement (one consistent
    view); `counts` is filled in as the rows go by. Numbers masked unless `unmasked`."""
    lang = "en" if wants_english() else "zh"
    id_number = (lambda v: v) if unmasked else mask_id_number
    phone = (lambda v: v) if unmasked else mask_phone

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

    last_household = None
    # Streamed from the database in batches: a street's 30,000 residents never sit in memory at once.
    for row in db.session.execute(stmt.execution_options(yield_per=_BATCH)):
        # Rows come ordered by household, so a change of id is a new household.
        if row.household_id != last_household:
            counts.households += 1
            last_household = row.household_id
        person: list[Any]
        if row.resident_id is None:
            counts.households_without_residents += 1
            person = [None] * 11
        else:
            counts.residents += 1
            person = [
                row.name,
                label(_GENDERS, row.gender),
                row.birth_date,
                age_on(row.birth_date, today),
                id_number(row.id_number),
                phone(row.phone),
                label(_RELATIONS, row.relation),
                label(_STATUSES, row.status),
                "、".join(label(_TAGS, tag) or "" for tag in row.tags or []),
                label(_TIERS, row.care_tier),
                row.next_visit_due,
            ]
        yield [
            row.grid_code,
            row.grid_name,
            row.building_name,
            row.address,
            row.unit,
            row.room,
            label(_HOUSING, row.housing_type),
            row.head_name,
            phone(row.household_phone),
            *person,
        ]


def _csv_cell(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(value)


def build_register_export(
    scope: Scope, today: date, grid_id: int | None = None, unmasked: bool = False
) -> RegisterExport:
    """The register in scope as a CSV (UTF-8 with a BOM, so Excel reads the Chinese)."""
    export = RegisterExport(filename=f"gridwalk-register-{today:%Y%m%d}.csv")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    for row in register_rows(scope, today, export, grid_id, unmasked):
        writer.writerow(_csv_cell(value) for value in row)
    export.body = out.getvalue().encode(ENCODING)
    return export


def build_register_xlsx(
    scope: Scope, today: date, grid_id: int | None = None, unmasked: bool = False
) -> tuple[Spreadsheet, RegisterCounts]:
    """The register in scope as an XLSX workbook (one sheet, 居民底册), with its counts."""
    counts = RegisterCounts()
    rows = register_rows(scope, today, counts, grid_id, unmasked)
    return xlsx.write(msg("居民底册", "Register"), _columns(), rows), counts


def filenames(today: date, extension: str) -> tuple[str, str]:
    """The download's ASCII name and its Chinese one."""
    return f"gridwalk-register-{today:%Y%m%d}.{extension}", f"居民底册-{today:%Y%m%d}.{extension}"


def audit_detail(
    counts: RegisterCounts,
    scope: Scope,
    grid_id: int | None,
    file_format: str = "csv",
    reason: str | None = None,
) -> dict:
    """What the audit row says: what was exported, from which scope, how many rows; never a number."""
    where: dict[str, Any] = {"scope": scope.level}
    if scope.level_id is not None:
        where[f"{scope.level}_id"] = scope.level_id
    if grid_id is not None:
        where["grid_id"] = grid_id
    detail = {
        "what": "register",
        "format": file_format,
        **where,
        "rows": counts.rows,
        "households": counts.households,
        "residents": counts.residents,
    }
    if reason is not None:
        # Only an unmasked export has a reason: the log says the full numbers left, and why.
        detail.update(unmasked=True, reason=reason)
    return detail
