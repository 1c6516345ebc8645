"""A campaign's target rule: what it may say, and the SQL that finds its matches at launch.

A rule is JSON: {"subject": "household" | "resident", and any of "community_ids", "grid_ids",
"building_ids", "housing_types", "tags", "care_tiers", "ids" (an uploaded list)}. The filters
are ANDed, the values inside one filter ORed; everything stays inside the campaign's own area
(its community, or its street). Residents who moved out or died are never targets.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, literal, select

from server.fields import is_id, parse_uuid
from server.i18n import msg
from server.org.models import Community, Grid
from server.register.catalogue import CARE_TIER_CODES, HOUSING_TYPE_CODES, OFF_REGISTER_STATUSES, TAG_CODES
from server.register.models import Household, Resident

SUBJECTS = ("household", "resident")
LIST_KEYS = ("community_ids", "grid_ids", "building_ids", "housing_types", "tags", "care_tiers", "ids")
# An uploaded list may be long (a street's 优抚 roll); past this it is a job for the register import.
MAX_IDS = 100_000
MAX_VALUES = 500
TIER_RANK = {"high": 0, "key": 1, "general": 2, "none": 3}


def parse_rule(raw: Any) -> tuple[dict, dict[str, list[str]]]:
    """The rule in its stored shape, or the words for each key that is wrong."""
    errors: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        return {}, {"rule": [msg("对象规则应为对象", "The rule must be an object")]}
    unknown = set(raw) - {"subject", *LIST_KEYS}
    for key in sorted(unknown, key=str):
        errors[str(key)] = [msg("未知的规则项", "Unknown rule key")]
    subject = raw.get("subject", "household")
    if subject not in SUBJECTS:
        errors["subject"] = [msg("对象类型只能是住户或居民", "subject is household or resident")]
    rule: dict[str, Any] = {"subject": subject}
    checks = {
        "community_ids": (is_id, MAX_VALUES, msg("社区编号有误", "Not a community id")),
        "grid_ids": (is_id, MAX_VALUES, msg("网格编号有误", "Not a grid id")),
        "building_ids": (lambda v: parse_uuid(v) is not None, MAX_VALUES, msg("楼栋编号有误", "Not a UUID")),
        "housing_types": (
            lambda v: v in HOUSING_TYPE_CODES,
            MAX_VALUES,
            msg("未知的房屋类型", "Unknown type"),
        ),
        "tags": (lambda v: v in TAG_CODES, MAX_VALUES, msg("未知的人员标签", "Unknown tag")),
        "care_tiers": (lambda v: v in CARE_TIER_CODES, MAX_VALUES, msg("未知的关爱等级", "Unknown tier")),
        "ids": (lambda v: parse_uuid(v) is not None, MAX_IDS, msg("名单中有无效的编号", "Not a UUID")),
    }
    for key, (valid, most, words) in checks.items():
        if key not in raw:
            continue
        values = raw[key]
        if not isinstance(values, list) or not values:
            errors[key] = [msg("应为非空列表", "A non-empty list")]
        elif len(values) > most:
            errors[key] = [msg(f"最多 {most} 项", f"At most {most} values")]
        elif not all(isinstance(v, str | int) and not isinstance(v, bool) and valid(v) for v in values):
            errors[key] = [words]
        else:
            uuids = key in ("building_ids", "ids")
            rule[key] = sorted({str(parse_uuid(v)) if uuids else v for v in values}, key=str)
    return rule, errors


def _tag_match(tags: list[str], dialect: str) -> ColumnElement[bool]:
    """Resident.tags (a JSON list) holds one of these."""
    name = "json_array_elements_text" if dialect == "postgresql" else "json_each"
    values = getattr(func, name)(Resident.tags).table_valued("value")
    return exists(select(literal(1)).select_from(values).where(values.c.value.in_(tags)))


def _tier_rank(column: Any) -> Any:
    return case(TIER_RANK, value=column, else_=3)


def matches(rule: dict, area: ColumnElement[bool], dialect: str) -> Select:
    """SELECT subject_id, household_id, resident_id, building_id, grid_id, community_id, care_tier of
    every match, in `area` (a condition on Household.grid_id's grid)."""
    in_area = Household.grid_id.in_(select(Grid.id).join(Community).where(area))
    conditions: list[ColumnElement[bool]] = [in_area]
    if "community_ids" in rule:
        conditions.append(
            Household.grid_id.in_(select(Grid.id).where(Grid.community_id.in_(rule["community_ids"])))
        )
    if "grid_ids" in rule:
        conditions.append(Household.grid_id.in_(rule["grid_ids"]))
    if "building_ids" in rule:
        conditions.append(Household.building_id.in_([parse_uuid(v) for v in rule["building_ids"]]))
    if "housing_types" in rule:
        conditions.append(Household.housing_type.in_(rule["housing_types"]))
    community = select(Grid.community_id).where(Grid.id == Household.grid_id).scalar_subquery()
    present = Resident.status.not_in(OFF_REGISTER_STATUSES)
    if rule["subject"] == "resident":
        conditions.append(present)
        if "tags" in rule:
            conditions.append(_tag_match(rule["tags"], dialect))
        if "care_tiers" in rule:
            conditions.append(Resident.care_tier.in_(rule["care_tiers"]))
        if "ids" in rule:
            conditions.append(Resident.id.in_([parse_uuid(v) for v in rule["ids"]]))
        return (
            select(
                Resident.id.label("subject_id"),
                Household.id.label("household_id"),
                Resident.id.label("resident_id"),
                Household.building_id,
                Household.grid_id,
                community.label("community_id"),
                Resident.care_tier,
            )
            .join(Household, Household.id == Resident.household_id)
            .where(*conditions)
        )
    resident_conditions: list[ColumnElement[bool]] = [Resident.household_id == Household.id, present]
    if "tags" in rule:
        resident_conditions.append(_tag_match(rule["tags"], dialect))
    if "care_tiers" in rule:
        resident_conditions.append(Resident.care_tier.in_(rule["care_tiers"]))
    if len(resident_conditions) > 2:
        conditions.append(exists(select(literal(1)).select_from(Resident).where(*resident_conditions)))
    if "ids" in rule:
        conditions.append(Household.id.in_([parse_uuid(v) for v in rule["ids"]]))
    # The household's most cared-for resident sets its place on the checklist.
    best = (
        select(func.min(_tier_rank(Resident.care_tier)))
        .where(Resident.household_id == Household.id, present)
        .scalar_subquery()
    )
    tier = case({0: "high", 1: "key", 2: "general"}, value=best, else_="none")
    return select(
        Household.id.label("subject_id"),
        Household.id.label("household_id"),
        literal(None).label("resident_id"),
        Household.building_id,
        Household.grid_id,
        community.label("community_id"),
        tier.label("care_tier"),
    ).where(*conditions)
