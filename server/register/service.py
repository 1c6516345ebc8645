"""Register edits, checked and planned the same way for the desk (REST) and the phone (sync push).

An edit is planned against a RegisterState (the database as this request sees it, plus the
edits planned before it in the same push batch, so an offline household and its residents can
arrive together), then executed as plain statements. Nothing here commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from server.audit.service import audit_row, record_many
from server.auth.models import User
from server.auth.scope import Scope
from server.extensions import db
from server.fields import is_id, parse_uuid
from server.geo import imprecise
from server.i18n import field_message, msg
from server.org.models import Grid
from server.register import catalogue
from server.register.care import age_on, effective_tier
from server.register.idcard import (
    birth_date_errors,
    id_number_disagreements,
    id_number_errors,
    mask_id_number,
    mask_phone,
    phone_errors,
)
from server.register.models import Building, Household, Resident
from server.register.schedule import major_change_pending, next_due
from server.sync.changes import change_row, record_changes
from server.sync.protocol import PushContext
from server.timeutil import iso, local_today

HOUSEHOLD = "household"
RESIDENT = "resident"
BUILDING = "building"
TABLES: dict[str, Table] = {
    BUILDING: Building.__table__,
    HOUSEHOLD: Household.__table__,
    RESIDENT: Resident.__table__,
}

# What a phone or the desk may set; everything else on the rows is kept by the server.
HOUSEHOLD_FIELDS = (
    "building_id",
    "grid_id",
    "unit",
    "room",
    "address",
    "housing_type",
    "head_name",
    "phone",
    "notes",
)
RESIDENT_FIELDS = (
    "household_id",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "relation",
    "status",
    "tags",
    "care_tier_override",
    "care_tier_reason",
)
# Keys of the pulled shape a phone may send back unchanged: accepted and ignored.
HOUSEHOLD_READ_ONLY = frozenset({"phone_masked", "version", "updated_at"})
RESIDENT_READ_ONLY = frozenset(
    {
        "grid_id",
        "age",
        "id_number_masked",
        "phone_masked",
        "care_tier",
        "last_visit_at",
        "last_contact_method",
        "next_visit_due",
        "visit_flag",
        "major_change_at",
        "version",
        "updated_at",
    }
)
HOUSEHOLD_TEXT = {"unit": 20, "room": 20, "address": 200, "head_name": 50, "notes": 500}
RESIDENT_TEXT = {"name": 50, "care_tier_reason": 200}
BUILDING_TEXT = {"name": 100, "address": 200}


class StaleWrite(SQLAlchemyError):
    """A row changed between planning an edit and writing it (a concurrent edit)."""


# ---- outcomes of planning one edit ---------------------------------------------------------


@dataclass
class Rejected:
    fields: dict[str, list[str]]


@dataclass
class Forbidden:
    """A grid, household or record outside the editor's scope (or not theirs to see)."""

    field: str


@dataclass
class Unchanged:
    """Nothing to write: a re-sent create of identical content, or an edit that changes nothing."""

    entity: str
    row: dict


@dataclass
class Stale:
    """The edit started from an older version, or a create clashes with different content."""

    entity: str
    row: dict
    reason: str  # stale_base_version | different_content


@dataclass
class RegisterWrite:
    """A checked edit: statements in order, the feed changes and audit rows that go with it."""

    entity: str
    row: dict
    created: bool
    steps: list[tuple] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)


Outcome = Rejected | Forbidden | Unchanged | Stale | RegisterWrite


@dataclass
class EditContext:
    """Who edits, through what, and when."""

    actor: User
    scope: Scope
    now: datetime
    via: str  # "push" | "desk"
    item_id: uuid.UUID | None = None

    @property
    def today(self) -> date:
        return local_today()


# ---- the state edits are planned against ----------------------------------------------------


class RegisterState:
    """Register rows by id as dicts: loaded from the database once, then as planned edits left them.

    `lock` takes row locks on PostgreSQL (SELECT ... FOR UPDATE), so a version checked while
    planning still holds when the edit is written; SQLite has a single writer already.
    """

    def __init__(self, lock: bool = True):
        self.lock = lock
        self.rows: dict[str, dict[uuid.UUID, dict | None]] = {BUILDING: {}, HOUSEHOLD: {}, RESIDENT: {}}
        self.grids: dict[int, bool] = {}

    def load(self, entity: str, ids) -> None:
        """Read the rows of these ids this state does not know yet (one query)."""
        known = self.rows[entity]
        missing = list({i for i in ids if isinstance(i, uuid.UUID) and i not in known})
        if not missing:
            return
        table = TABLES[entity]
        stmt = select(table).where(table.c.id.in_(missing))
        if self.lock:
            stmt = stmt.with_for_update()
        for row in db.session.execute(stmt).mappings():
            known[row["id"]] = dict(row)
        for i in missing:
            known.setdefault(i, None)

    def get(self, entity: str, entity_id: uuid.UUID | None) -> dict | None:
        if entity_id is None:
            return None
        if entity_id not in self.rows[entity]:
            self.load(entity, [entity_id])
        return self.rows[entity][entity_id]

    def put(self, entity: str, row: dict) -> None:
        self.rows[entity][row["id"]] = row

    def absent(self, entity: str, ids) -> None:
        """Ids the caller just made (an import's new records): known missing, never looked up."""
        for i in ids:
            self.rows[entity].setdefault(i, None)

    def residents_of(self, household_id: uuid.UUID) -> list[dict]:
        """Everyone living in a household as planned so far (stored residents and new ones)."""
        table = TABLES[RESIDENT]
        self.load(
            RESIDENT, db.session.scalars(select(table.c.id).where(table.c.household_id == household_id))
        )
        return [row for row in self.rows[RESIDENT].values() if row and row["household_id"] == household_id]

    def grid_exists(self, grid_id: int) -> bool:
        if grid_id not in self.grids:
            self.grids[grid_id] = db.session.get(Grid, grid_id) is not None
        return self.grids[grid_id]


# ---- reading values sent by a phone or the desk ---------------------------------------------


def _text(value: Any, limit: int) -> tuple[str | None, list[str]]:
    """Trimmed text or None for blank; a message when it is not text or too long."""
    if value is None:
        return None, []
    if not isinstance(value, str):
        return None, [field_message("Not a valid string.")]
    value = value.strip()
    if len(value) > limit:
        return None, [msg(f"最多 {limit} 个字", f"At most {limit} characters")]
    return value or None, []


def _choice(value: Any, allowed: frozenset[str], nullable: bool = True) -> tuple[str | None, list[str]]:
    if value is None and nullable:
        return None, []
    if not isinstance(value, str) or value not in allowed:
        return None, [msg("取值不在允许范围内", f"Must be one of: {', '.join(sorted(allowed))}")]
    return value, []


def _date(value: Any) -> tuple[date | None, list[str]]:
    if not isinstance(value, str) or len(value) != 10:
        return None, [msg("日期格式应为 YYYY-MM-DD", "Dates are YYYY-MM-DD")]
    try:
        return date.fromisoformat(value), []
    except ValueError:
        return None, [msg("没有这一天", "No such date")]


def _required() -> list[str]:
    return [msg("必填项", "Required")]


def _unknown_keys(sent: dict, allowed: set[str] | frozenset[str]) -> dict[str, list[str]]:
    return {str(key): [field_message("Unknown field.")] for key in sent if key not in allowed}


def _masked_echo(sent: Any, stored: str | None, mask) -> bool:
    """The phone only holds masked numbers: sending one back unchanged means 'keep the stored one'."""
    return isinstance(sent, str) and "*" in sent and stored is not None and sent == mask(stored)


def parse_base_version(value: Any) -> tuple[int | None, list[str]]:
    if value is None:
        return None, []
    if not is_id(value):
        return None, [msg("版本号应为正整数或 null", "base_version is a positive whole number or null")]
    return value, []


def _values_differ(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(a) != sorted(b)
    return a != b


def _changed_fields(before: dict | None, after: dict, names: tuple[str, ...]) -> list[str]:
    if before is None:
        return sorted(name for name in names if after.get(name) not in (None, []))
    return sorted(name for name in names if _values_differ(before.get(name), after.get(name)))


# ---- households -----------------------------------------------------------------------------


def plan_household(sent: Any, base_version: int | None, state: RegisterState, ctx: EditContext) -> Outcome:
    """Check a household create or edit (and a new building sent with it) and plan its writes."""
    if not isinstance(sent, dict):
        return Rejected({"household": [msg("住户信息应为对象", "household must be an object")]})
    household_id = parse_uuid(sent.get("id"))
    if household_id is None:
        return Rejected(
            {"id": [msg("缺少住户编号，或编号不是 UUID", "The household id is missing or not a UUID")]}
        )
    errors = _unknown_keys(sent, {"id", "building", *HOUSEHOLD_FIELDS, *HOUSEHOLD_READ_ONLY})
    current = state.get(HOUSEHOLD, household_id)
    if current is not None and not ctx.scope.allows_grid(current["grid_id"]):
        return Forbidden("id")
    gate = _version_gate(HOUSEHOLD, current, base_version, sent, HOUSEHOLD_FIELDS, _household_values, ctx)
    if gate is not None:
        return gate

    values, value_errors = _household_values(sent, current, ctx)
    errors.update(value_errors)
    if errors:
        return Rejected(errors)
    if current is None:
        for name in ("grid_id", "head_name"):
            if values.get(name) is None:
                errors[name] = _required()
    grid_id = values.get("grid_id")
    if grid_id is not None:
        if ctx.scope.everything and not state.grid_exists(grid_id):
            # Only a scope holding every grid can say plainly that it does not exist.
            errors["grid_id"] = [msg("网格不存在", "No such grid")]
        elif not ctx.scope.allows_grid(grid_id):
            return Forbidden("grid_id")

    new_building, building_errors = _building(sent, values, state, ctx)
    errors.update(building_errors)
    if not errors and values.get("building_id") is None and values.get("address") is None:
        errors["address"] = [msg("请填写地址或选择楼栋", "Give an address or choose a building")]
    if errors:
        return Rejected(errors)

    created = current is None
    changed = _changed_fields(current, values, HOUSEHOLD_FIELDS)
    if not created and not changed and new_building is None:
        return Unchanged(HOUSEHOLD, current)
    row = dict(current or {}, **values)
    row.update(id=household_id, updated_at=ctx.now, updated_by=ctx.actor.id)
    write = RegisterWrite(HOUSEHOLD, row, created)
    if new_building is not None:
        write.steps.append(("insert", BUILDING, new_building))
        write.changes.append(
            change_row(BUILDING, new_building["id"], grid_id=new_building["grid_id"], at=ctx.now)
        )
        write.audit.append(
            _audit("building.create", BUILDING, new_building["id"], ["address", "name"], 1, ctx)
        )
        state.put(BUILDING, new_building)
    if created:
        row.update(version=1, created_at=ctx.now)
        write.steps.append(("insert", HOUSEHOLD, row))
    else:
        row["version"] = current["version"] + 1
        update_values = {name: row[name] for name in changed}
        update_values.update(version=row["version"], updated_at=ctx.now, updated_by=ctx.actor.id)
        write.steps.append(("update", HOUSEHOLD, household_id, current["version"], update_values))
    old_grid = current["grid_id"] if current else row["grid_id"]
    write.changes.extend(_moved_or_changed(HOUSEHOLD, household_id, old_grid, row["grid_id"], ctx.now))
    if old_grid != row["grid_id"]:
        # Residents follow their household; their grid is a copy for scoping (not an edit: no version).
        for resident in state.residents_of(household_id):
            write.steps.append(("update", RESIDENT, resident["id"], None, {"grid_id": row["grid_id"]}))
            write.changes.extend(
                _moved_or_changed(RESIDENT, resident["id"], old_grid, row["grid_id"], ctx.now)
            )
            state.put(RESIDENT, dict(resident, grid_id=row["grid_id"]))
    action = "household.create" if created else "household.update"
    write.audit.append(_audit(action, HOUSEHOLD, household_id, changed, row["version"], ctx))
    state.put(HOUSEHOLD, row)
    return write


def _household_values(sent: dict, current: dict | None, ctx: EditContext) -> tuple[dict, dict]:
    """The editable values after this edit (current ones where not sent), and field errors."""
    values = {name: current.get(name) if current else None for name in HOUSEHOLD_FIELDS}
    errors: dict[str, list[str]] = {}
    for name, limit in HOUSEHOLD_TEXT.items():
        if name in sent:
            values[name], problems = _text(sent[name], limit)
            if problems:
                errors[name] = problems
    if "head_name" in sent and values.get("head_name") is None and "head_name" not in errors:
        errors["head_name"] = _required()
    if "housing_type" in sent:
        values["housing_type"], problems = _choice(sent["housing_type"], catalogue.HOUSING_TYPE_CODES)
        if problems:
            errors["housing_type"] = problems
    if "grid_id" in sent:
        if is_id(sent["grid_id"]):
            values["grid_id"] = sent["grid_id"]
        else:
            errors["grid_id"] = [msg("请选择网格", "Choose a grid")]
    if "building_id" in sent:
        if sent["building_id"] is None:
            values["building_id"] = None
        else:
            values["building_id"] = parse_uuid(sent["building_id"])
            if values["building_id"] is None:
                errors["building_id"] = [msg("楼栋编号不是 UUID", "building_id is not a UUID")]
    if "phone" in sent:
        phone = sent["phone"]
        if _masked_echo(phone, current and current.get("phone"), mask_phone):
            pass
        elif phone is None or phone == "":
            values["phone"] = None
        else:
            problems = phone_errors(phone)
            if problems:
                errors["phone"] = problems
            else:
                values["phone"] = phone
    return values, errors


def _building(sent: dict, values: dict, state: RegisterState, ctx: EditContext) -> tuple[dict | None, dict]:
    """A building made offline with the household (`building`), and checks on building_id."""
    errors: dict[str, list[str]] = {}
    new_building = None
    nested = sent.get("building")
    if nested is not None:
        if not isinstance(nested, dict):
            return None, {"building": [msg("楼栋信息应为对象", "building must be an object")]}
        building_id = parse_uuid(nested.get("id"))
        problems: dict[str, list[str]] = _unknown_keys(
            nested, {"id", "name", "address", "grid_id", "version"}
        )
        if building_id is None:
            problems["id"] = [
                msg("缺少楼栋编号，或编号不是 UUID", "The building id is missing or not a UUID")
            ]
        elif "building_id" in sent and values.get("building_id") != building_id:
            errors["building_id"] = [msg("与 building.id 不一致", "Differs from building.id")]
        if problems:
            return None, {"building": [f"{k}: {v[0]}" for k, v in problems.items()]}
        values["building_id"] = building_id
        if state.get(BUILDING, building_id) is None:
            # New to the server: made with this household. A known id is a plain reference.
            name, name_problems = _text(nested.get("name"), BUILDING_TEXT["name"])
            address, address_problems = _text(nested.get("address"), BUILDING_TEXT["address"])
            if name_problems or name is None:
                errors["building"] = [
                    msg("楼栋名称：", "Building name: ") + (name_problems or _required())[0]
                ]
            elif address_problems:
                errors["building"] = [msg("楼栋地址：", "Building address: ") + address_problems[0]]
            else:
                new_building = {
                    "id": building_id,
                    "grid_id": values.get("grid_id"),
                    "name": name,
                    "address": address,
                    "version": 1,
                    "created_at": ctx.now,
                    "updated_at": ctx.now,
                }
    building_id = values.get("building_id")
    if building_id is not None and new_building is None and "building_id" not in errors:
        building = state.get(BUILDING, building_id)
        if building is None:
            errors["building_id"] = [msg("找不到该楼栋（请先同步）", "No such building (sync first)")]
        elif building["grid_id"] != values.get("grid_id"):
            errors["building_id"] = [msg("楼栋与住户不在同一网格", "The building is in another grid")]
    return new_building, errors


# ---- residents ------------------------------------------------------------------------------


def plan_resident(sent: Any, base_version: int | None, state: RegisterState, ctx: EditContext) -> Outcome:
    """Check a resident create or edit (numbers, dates, tags, tier) and plan its writes."""
    if not isinstance(sent, dict):
        return Rejected({"resident": [msg("居民信息应为对象", "resident must be an object")]})
    resident_id = parse_uuid(sent.get("id"))
    if resident_id is None:
        return Rejected(
            {"id": [msg("缺少居民编号，或编号不是 UUID", "The resident id is missing or not a UUID")]}
        )
    errors = _unknown_keys(sent, {"id", *RESIDENT_FIELDS, *RESIDENT_READ_ONLY})
    current = state.get(RESIDENT, resident_id)
    if current is not None and not ctx.scope.allows_grid(current["grid_id"]):
        return Forbidden("id")
    gate = _version_gate(RESIDENT, current, base_version, sent, RESIDENT_FIELDS, _resident_values, ctx)
    if gate is not None:
        return gate

    values, value_errors = _resident_values(sent, current, ctx)
    errors.update(value_errors)
    if current is None:
        for name in ("household_id", "name", "gender", "birth_date"):
            if values.get(name) is None and name not in errors:
                errors[name] = _required()
    household = None
    if values.get("household_id") is not None:
        household = state.get(HOUSEHOLD, values["household_id"])
        if household is None:
            errors["household_id"] = [msg("找不到该住户（请先同步）", "No such household (sync first)")]
        elif not ctx.scope.allows_grid(household["grid_id"]):
            # Moving someone into a household of a grid the editor does not cover.
            return Forbidden("household_id")
    if errors:
        return Rejected(errors)

    created = current is None
    changed = _changed_fields(current, values, RESIDENT_FIELDS)
    if not created and not changed:
        return Unchanged(RESIDENT, current)
    row = dict(current or {}, **values)
    row.update(id=resident_id, grid_id=household["grid_id"], updated_at=ctx.now, updated_by=ctx.actor.id)
    if created:
        row.update(
            version=1,
            created_at=ctx.now,
            last_visit_at=None,
            last_contact_method=None,
            not_reached_streak=0,
            major_change_at=None,
            visit_flag=None,
        )
    else:
        row["version"] = current["version"] + 1
    row["care_tier"] = effective_tier(
        row["birth_date"], row["tags"], row["status"], row["care_tier_override"], ctx.today
    )
    row["next_visit_due"] = next_due(
        tier=row["care_tier"],
        created_at=row["created_at"],
        last_visit_at=row["last_visit_at"],
        major_change_at=row["major_change_at"],
    )
    write = RegisterWrite(RESIDENT, row, created)
    if created:
        write.steps.append(("insert", RESIDENT, row))
    else:
        names = [*changed, "grid_id", "care_tier", "next_visit_due", "version", "updated_at", "updated_by"]
        write.steps.append(("update", RESIDENT, resident_id, current["version"], {n: row[n] for n in names}))
    old_grid = current["grid_id"] if current else row["grid_id"]
    write.changes.extend(_moved_or_changed(RESIDENT, resident_id, old_grid, row["grid_id"], ctx.now))
    action = "resident.create" if created else "resident.update"
    write.audit.append(_audit(action, RESIDENT, resident_id, changed, row["version"], ctx))
    state.put(RESIDENT, row)
    return write


def _resident_values(sent: dict, current: dict | None, ctx: EditContext) -> tuple[dict, dict]:
    """The editable values after this edit, with every rule of the register checked."""
    if current:
        values = {name: current.get(name) for name in RESIDENT_FIELDS}
    else:
        values = {name: None for name in RESIDENT_FIELDS}
        values.update(status="present", tags=[])
    errors: dict[str, list[str]] = {}
    today = ctx.today
    for name, limit in RESIDENT_TEXT.items():
        if name in sent:
            values[name], problems = _text(sent[name], limit)
            if problems:
                errors[name] = problems
    if "name" in sent and values.get("name") is None and "name" not in errors:
        errors["name"] = _required()
    if "household_id" in sent:
        values["household_id"] = parse_uuid(sent["household_id"])
        if values["household_id"] is None:
            errors["household_id"] = [msg("住户编号不是 UUID", "household_id is not a UUID")]
    choices = (
        ("gender", catalogue.GENDER_CODES, False),
        ("relation", catalogue.RELATION_CODES, True),
        ("status", catalogue.STATUS_CODES, False),
        ("care_tier_override", catalogue.CARE_TIER_CODES, True),
    )
    for name, allowed, nullable in choices:
        if name in sent:
            values[name], problems = _choice(sent[name], allowed, nullable)
            if problems:
                errors[name] = problems
    if "birth_date" in sent:
        values["birth_date"], problems = _date(sent["birth_date"])
        problems = problems or birth_date_errors(values["birth_date"], today)
        if problems:
            errors["birth_date"] = problems
    if "tags" in sent:
        tags = sent["tags"]
        if tags is None:
            tags = []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            errors["tags"] = [field_message("Not a valid list.")]
        elif wrong := [t for t in tags if t not in catalogue.TAG_CODES]:
            errors["tags"] = [msg(f"未知的标签“{wrong[0]}”", f"Unknown tag “{wrong[0]}”")]
        elif len(set(tags)) != len(tags):
            errors["tags"] = [msg("标签重复", "A tag is listed twice")]
        else:
            values["tags"] = tags
    for name, mask, check in (("id_number", mask_id_number, None), ("phone", mask_phone, phone_errors)):
        if name not in sent:
            continue
        value = sent[name]
        if _masked_echo(value, current and current.get(name), mask):
            continue
        if value is None or value == "":
            values[name] = None
            continue
        problems = check(value) if check else id_number_errors(value, today)
        if problems:
            errors[name] = problems
        else:
            values[name] = value
    if values.get("care_tier_override") is None:
        values["care_tier_reason"] = None
    elif values.get("care_tier_reason") is None and "care_tier_reason" not in errors:
        errors["care_tier_reason"] = [msg("调整巡访等级需填写原因", "Give a reason for overriding the tier")]
    if not errors and values.get("id_number"):
        # Only what this edit touched is blamed: a new number, or a changed date or gender.
        for problem_field, problem in _disagreements(values, sent):
            errors.setdefault(problem_field, []).append(problem)
    return values, errors


def _disagreements(values: dict, sent: dict) -> list[tuple[str, str]]:
    number = values["id_number"]
    out = []
    for check_field, problems in (
        ("birth_date", id_number_disagreements(number, values.get("birth_date"), None)),
        ("gender", id_number_disagreements(number, None, values.get("gender"))),
    ):
        for problem in problems:
            out.append(
                ("id_number" if "id_number" in sent or check_field not in sent else check_field, problem)
            )
    return out


# ---- shared by both ---------------------------------------------------------------------


def _version_gate(
    entity: str,
    current: dict | None,
    base_version: int | None,
    sent: dict,
    names: tuple[str, ...],
    read_values,
    ctx: EditContext,
) -> Outcome | None:
    """Create vs edit by base_version: None to go on, or the outcome that ends it here."""
    if base_version is None:
        if current is None:
            return None
        # A create of an id the server has: the same content again is a duplicate, else a conflict.
        values, errors = read_values(sent, current, ctx)
        if errors or _changed_fields(current, values, names):
            return Stale(entity, current, "different_content")
        return Unchanged(entity, current)
    if current is None:
        label = msg("住户", "household") if entity == HOUSEHOLD else msg("居民", "resident")
        return Rejected(
            {"id": [msg(f"服务器上没有该{label}，无法修改", f"The server has no such {label} to edit")]}
        )
    if base_version > current["version"]:
        return Rejected(
            {"base_version": [msg("版本号比服务器上的还新，无效", "base_version is newer than the server's")]}
        )
    if base_version < current["version"]:
        return Stale(entity, current, "stale_base_version")
    return None


def _moved_or_changed(
    entity: str, entity_id: uuid.UUID, old_grid: int, new_grid: int, at: datetime
) -> list[dict]:
    """The feed changes for an edit; a move tells the old grid's phones to drop the record first."""
    if old_grid == new_grid:
        return [change_row(entity, entity_id, grid_id=new_grid, at=at)]
    return [
        change_row(entity, entity_id, "delete", grid_id=old_grid, at=at),
        change_row(entity, entity_id, grid_id=new_grid, at=at),
    ]


def _audit(
    action: str, target_type: str, target_id: Any, fields: list[str], version: int, ctx: EditContext
) -> dict:
    """Which fields changed, never their values (an audit row must not leak the numbers)."""
    detail: dict[str, Any] = {"fields": fields, "via": ctx.via, "version": version}
    if ctx.item_id is not None:
        detail["item_id"] = str(ctx.item_id)
    return audit_row(action, ctx.actor.id, target_type, target_id, detail, at=ctx.now)


def execute(writes: list[RegisterWrite]) -> None:
    """Write planned edits in order, then their feed changes and audit rows in one statement each."""
    connection = db.session.connection()
    for write in writes:
        for step in write.steps:
            if step[0] == "insert":
                _, entity, row = step
                table = TABLES[entity]
                connection.execute(insert(table), [{c.key: row.get(c.key) for c in table.columns}])
                continue
            _, entity, entity_id, expected_version, values = step
            table = TABLES[entity]
            stmt = update(table).where(table.c.id == entity_id)
            if expected_version is not None:
                stmt = stmt.where(table.c.version == expected_version)
            if connection.execute(stmt.values(**values)).rowcount != 1:
                raise StaleWrite(f"{entity} {entity_id} changed while this edit was being written")
    record_changes([change for write in writes for change in write.changes])
    record_many([row for write in writes for row in write.audit])


def execute_bulk(writes: list[RegisterWrite]) -> None:
    """Write many planned edits (an import): the inserts of each table in one statement, in the
    order buildings, households, residents, then the updates one by one (each checks its version),
    then the feed changes and audit rows."""
    connection = db.session.connection()
    inserts: dict[str, list[dict]] = {BUILDING: [], HOUSEHOLD: [], RESIDENT: []}
    updates = []
    for write in writes:
        for step in write.steps:
            if step[0] == "insert":
                inserts[step[1]].append(step[2])
            else:
                updates.append(step)
    for entity, rows in inserts.items():
        if rows:
            table = TABLES[entity]
            connection.execute(
                insert(table), [{c.key: row.get(c.key) for c in table.columns} for row in rows]
            )
    for _, entity, entity_id, expected_version, values in updates:
        table = TABLES[entity]
        stmt = update(table).where(table.c.id == entity_id)
        if expected_version is not None:
            stmt = stmt.where(table.c.version == expected_version)
        if connection.execute(stmt.values(**values)).rowcount != 1:
            raise StaleWrite(f"{entity} {entity_id} changed while this edit was being written")
    record_changes([change for write in writes for change in write.changes])
    record_many([row for write in writes for row in write.audit])


# ---- what readers get (the pull feed, the REST answers) -------------------------------------


def _compact(data: dict) -> dict:
    """Leave out empty values: the phone reads an absent key as null (or the stated default)."""
    return {key: value for key, value in data.items() if value is not None and value != []}


def building_data(row) -> dict:
    """A building, with its map point (WGS-84) once one is set."""
    point = None
    # .get: a building made offline with a household arrives as a plain dict without a point.
    if row.get("lat") is not None and row.get("lng") is not None:
        point = _compact(
            {
                "lat": row["lat"],
                "lng": row["lng"],
                "accuracy": row.get("point_accuracy"),
                "source": row.get("point_source"),
                "imprecise": imprecise(row.get("point_accuracy")) or None,
            }
        )
    return _compact(
        {
            "id": str(row["id"]),
            "grid_id": row["grid_id"],
            "name": row["name"],
            "address": row["address"],
            "version": row["version"],
            "point": point,
        }
    )


def household_data(row) -> dict:
    """A household as phones and the desk see it (phone masked)."""
    return _compact(
        {
            "id": str(row["id"]),
            "building_id": str(row["building_id"]) if row["building_id"] else None,
            "grid_id": row["grid_id"],
            "unit": row["unit"],
            "room": row["room"],
            "address": row["address"],
            "housing_type": row["housing_type"],
            "head_name": row["head_name"],
            "phone_masked": mask_phone(row["phone"]),
            "notes": row["notes"],
            "version": row["version"],
            "updated_at": iso(row["updated_at"]),
        }
    )


def resident_data(row, today: date | None = None) -> dict:
    """A resident as phones and the desk see it: numbers masked; defaults (status present, tier
    none, no tags, no visit state) left out."""
    today = today or local_today()
    pending = major_change_pending(row["last_visit_at"], row["major_change_at"])
    return _compact(
        {
            "id": str(row["id"]),
            "household_id": str(row["household_id"]),
            "grid_id": row["grid_id"],
            "name": row["name"],
            "gender": row["gender"],
            "birth_date": row["birth_date"].isoformat(),
            "age": age_on(row["birth_date"], today),
            "id_number_masked": mask_id_number(row["id_number"]),
            "phone_masked": mask_phone(row["phone"]),
            "relation": row["relation"],
            "status": None if row["status"] == "present" else row["status"],
            "tags": list(row["tags"] or []),
            "care_tier": None if row["care_tier"] == "none" else row["care_tier"],
            "care_tier_override": row["care_tier_override"],
            "care_tier_reason": row["care_tier_reason"],
            "last_visit_at": iso(row["last_visit_at"]),
            "last_contact_method": row["last_contact_method"],
            "next_visit_due": row["next_visit_due"].isoformat() if row["next_visit_due"] else None,
            "visit_flag": row["visit_flag"],
            "major_change_at": iso(row["major_change_at"]) if pending else None,
            "version": row["version"],
        }
    )


def entity_data(entity: str, row) -> dict:
    if entity == HOUSEHOLD:
        return household_data(row)
    if entity == RESIDENT:
        return resident_data(row)
    return building_data(row)


def server_side(entity: str, row) -> dict:
    """The stored side of a conflict, in the pull feed's change shape (what the phone stores)."""
    return {
        "entity": entity,
        "op": "upsert",
        "id": str(row["id"]),
        "version": row["version"],
        "data": entity_data(entity, row),
    }


def row_dict(obj) -> dict:
    """An ORM object's columns as the dict the serialisers take."""
    return {column.key: getattr(obj, column.key) for column in obj.__table__.columns}


def row_in_scope(entity: str, entity_id: uuid.UUID, scope: Scope) -> dict | None:
    """A register row the scope holds; None for a missing one and for one outside alike."""
    table = TABLES[entity]
    row = db.session.execute(select(table).where(table.c.id == entity_id)).mappings().first()
    if row is None or not scope.allows_grid(row["grid_id"]):
        return None
    return dict(row)


def resident_detail(row) -> dict:
    """A resident as the desk's detail page shows it: with the not-reached streak when there is one."""
    data = resident_data(row)
    if row["not_reached_streak"]:
        data["not_reached_streak"] = row["not_reached_streak"]
    return data


def register_state(ctx: PushContext) -> RegisterState:
    """One state per push: edits planned earlier in the batch are seen by later items (any kind: a
    household survey plans register edits too)."""
    state = ctx.cache.get("register")
    if state is None:
        state = ctx.cache["register"] = RegisterState(lock=True)
    return state
