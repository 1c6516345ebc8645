"""Handling time limits per category code: the admin's CategoryTimeLimit row, else the catalogue default.

Hazard reports have no subcategory: their limit depends on the focus area, default 3 working
days (1 for a report marked as immediate danger is left to the dispatcher's deadline override).
The whole-case limit (filed → closed) is twice the handling limit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.cases.catalogue import CITY_SUBCATEGORIES, HAZARD_CATEGORIES
from server.cases.models import Case, CategoryTimeLimit
from server.extensions import db
from server.sync.changes import record_change

UNITS = ("working_hours", "working_days")
HAZARD_DEFAULT = {"value": 3, "unit": "working_days"}
CASE_LIMIT_FACTOR = 2


def default_limits() -> dict[str, dict]:
    """Every category code with its catalogue default limit and label."""
    limits = {item["code"]: {"label": item["label"], "default": HAZARD_DEFAULT} for item in HAZARD_CATEGORIES}
    for code, sub in CITY_SUBCATEGORIES.items():
        limits[code] = {"label": sub["label"], "default": sub["time_limit"]}
    return limits


def limits_in_force() -> dict[str, dict]:
    """{code: {"value", "unit"}} for every category code: the admin's edit, else the default."""
    edited = {
        row.code: {"value": row.value, "unit": row.unit}
        for row in db.session.scalars(select(CategoryTimeLimit))
    }
    return {code: edited.get(code, entry["default"]) for code, entry in default_limits().items()}


def all_limits() -> list[dict]:
    """The editable table: code, label, default, the limit in force and whether it was edited."""
    edited = {row.code: row for row in db.session.scalars(select(CategoryTimeLimit))}
    out = []
    for code, entry in default_limits().items():
        row = edited.get(code)
        limit = {"value": row.value, "unit": row.unit} if row else entry["default"]
        out.append(
            {
                "code": code,
                "label": entry["label"],
                "default": entry["default"],
                "time_limit": limit,
                "edited": row is not None,
            }
        )
    return out


def limit_for(case: Case) -> dict:
    """The handling limit in force for a case's category."""
    code = case.subcategory or case.category
    row = db.session.get(CategoryTimeLimit, code)
    if row is not None:
        return {"value": row.value, "unit": row.unit}
    return default_limits().get(code, {"default": HAZARD_DEFAULT})["default"]


def set_limits(entries: list[dict], user_id: int, at: datetime) -> None:
    """Apply validated {"code", "value", "unit"} entries (value None restores the default).

    Every phone carries the limits in its pulled catalogue (server/sync/pull.py), so each
    catalogue whose limits changed goes into the feed for everyone, in the caller's transaction.
    """
    changed: set[str] = set()
    for entry in entries:
        code = entry["code"]
        row = db.session.get(CategoryTimeLimit, code)
        if entry.get("value") is None:
            if row is not None:
                db.session.delete(row)
                changed.add(code)
            continue
        if row is None:
            row = CategoryTimeLimit(code=code)
            db.session.add(row)
        if (row.value, row.unit) != (entry["value"], entry["unit"]):
            changed.add(code)
        row.value, row.unit, row.updated_by, row.updated_at = entry["value"], entry["unit"], user_id, at
    catalogues = {
        "city_case_categories" if code in CITY_SUBCATEGORIES else "hazard_categories" for code in changed
    }
    for catalogue in sorted(catalogues):
        record_change("catalogue", catalogue)
