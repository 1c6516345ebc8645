"""Handling time limits per category code: the admin's CategoryTimeLimit row, else the catalogue default.

Hazard reports have no subcategory: their limit depends on the focus area, default 3 working
days (1 for a report marked as immediate danger is left to the dispatcher's deadline override).
The whole-case limit (filed → closed) is twice the handling limit.
"""

from __future__ import annotations

from sqlalchemy import select

from server.cases.catalogue import CITY_SUBCATEGORIES, HAZARD_CATEGORIES
from server.cases.models import Case, CategoryTimeLimit
from server.extensions import db

UNITS = ("working_hours", "working_days")
HAZARD_DEFAULT = {"value": 3, "unit": "working_days"}
CASE_LIMIT_FACTOR = 2


def default_limits() -> dict[str, dict]:
    """Every category code with its catalogue default limit and label."""
    limits = {item["code"]: {"label": item["label"], "default": HAZARD_DEFAULT} for item in HAZARD_CATEGORIES}
    for code, sub in CITY_SUBCATEGORIES.items():
        limits[code] = {"label": sub["label"], "default": sub["time_limit"]}
    return limits


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
