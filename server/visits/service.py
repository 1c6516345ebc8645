"""Keeping each resident's visit state (last visit, streak, flag, next due) and the monthly rate.

The state is recomputed from the visit and major-change rows, never incremented: visits synced
late or out of order (a phone offline for a week) still give the right answer. The caller commits.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from server.auth.scope import Scope
from server.extensions import db
from server.org.models import Grid
from server.register.care import effective_tier
from server.register.catalogue import OFF_REGISTER_STATUSES
from server.register.idcard import mask_phone
from server.register.models import Building, Household, Resident
from server.register.schedule import (
    due_in_month_clause,
    due_state,
    interval_days,
    month_bounds,
    next_due,
    visit_flag,
)
from server.sync.changes import change_row, record_changes
from server.timeutil import iso, local_date, local_today
from server.visits.models import REACHED_METHODS, MajorChange, WelfareVisit

RESIDENT_ENTITY = "resident"
# The order the due lists show tiers in (high risk first), as on the phone.
TIER_ORDER = {"high": 0, "key": 1, "general": 2}
VISIT_STATE = ("last_visit_at", "last_contact_method", "not_reached_streak", "visit_flag", "major_change_at")


def visit_row(
    submission_id: uuid.UUID,
    resident: dict,
    answers: dict,
    visitor_id: int,
    created_at: datetime,
    now: datetime,
) -> dict[str, Any]:
    """The schedule's row for a checked welfare_visit submission."""
    method = answers["how_contacted"]
    return {
        "submission_id": submission_id,
        "resident_id": resident["id"],
        "grid_id": resident["grid_id"],
        "visitor_id": visitor_id,
        # A phone whose clock runs ahead must not push the schedule into the future.
        "visited_at": min(created_at, now),
        "how_contacted": method,
        "reached": method in REACHED_METHODS,
        "major_change": answers.get("major_change") is True,
        "referral_needed": answers.get("referral_needed") is True,
    }


def record_visits(rows: list[dict], now: datetime) -> None:
    """Store a batch's visits (and the major changes they report), then refresh those residents."""
    if not rows:
        return
    connection = db.session.connection()
    connection.execute(insert(WelfareVisit.__table__), rows)
    changes = [
        {
            "resident_id": row["resident_id"],
            "at": row["visited_at"],
            "actor_id": row["visitor_id"],
            "source": "visit",
            "submission_id": row["submission_id"],
            "note": None,
        }
        for row in rows
        if row["major_change"]
    ]
    if changes:
        connection.execute(insert(MajorChange.__table__), changes)
    refresh_visit_state({row["resident_id"] for row in rows})


def record_major_change(resident_id: uuid.UUID, actor_id: int, note: str | None, now: datetime) -> None:
    """A supervisor learnt of a major change: the next visit is due within 24 hours."""
    db.session.connection().execute(
        insert(MajorChange.__table__),
        [{"resident_id": resident_id, "at": now, "actor_id": actor_id, "source": "supervisor", "note": note}],
    )
    refresh_visit_state({resident_id})


def refresh_visit_state(resident_ids: set[uuid.UUID]) -> None:
    """Recompute these residents' visit state and next due date; phones learn of what changed."""
    if not resident_ids:
        return
    ids = list(resident_ids)
    table = Resident.__table__
    residents = db.session.execute(select(table).where(table.c.id.in_(ids))).mappings().all()
    visits: dict[uuid.UUID, list] = defaultdict(list)
    for row in db.session.execute(
        select(
            WelfareVisit.resident_id,
            WelfareVisit.visited_at,
            WelfareVisit.how_contacted,
            WelfareVisit.reached,
        )
        .where(WelfareVisit.resident_id.in_(ids))
        .order_by(WelfareVisit.resident_id, WelfareVisit.visited_at)
    ):
        visits[row.resident_id].append(row)
    majors = dict(
        db.session.execute(
            select(MajorChange.resident_id, func.max(MajorChange.at))
            .where(MajorChange.resident_id.in_(ids))
            .group_by(MajorChange.resident_id)
        ).all()
    )
    updates, changes = [], []
    for resident in residents:
        state = visit_state(visits.get(resident["id"], []), majors.get(resident["id"]))
        state["next_visit_due"] = next_due(
            tier=resident["care_tier"],
            created_at=resident["created_at"],
            last_visit_at=state["last_visit_at"],
            major_change_at=state["major_change_at"],
        )
        if any(resident[key] != value for key, value in state.items()):
            updates.append({"rid": resident["id"], **state})
            changes.append(change_row(RESIDENT_ENTITY, resident["id"], grid_id=resident["grid_id"]))
    if updates:
        # Visit state is not an edit: the version stays, so a worker's pending edit does not conflict.
        db.session.connection().execute(update(table).where(table.c.id == bindparam("rid")), updates)
        record_changes(changes)


def visit_state(visits: list, major_change_at: datetime | None) -> dict[str, Any]:
    """Last reached visit, the latest contact method, the not-reached streak and its flag."""
    reached = [v.visited_at for v in visits if v.reached]
    last_reached = reached[-1] if reached else None
    streak = 0
    for visit in reversed(visits):
        if visit.reached:
            break
        streak += 1
    return {
        "last_visit_at": last_reached,
        "last_contact_method": visits[-1].how_contacted if visits else None,
        "not_reached_streak": streak,
        "visit_flag": visit_flag(streak),
        "major_change_at": major_change_at,
    }


def refresh_care_tiers(chunk: int = 2000) -> int:
    """Recompute every resident's tier for today's age (run daily: people turn 60 and 80)."""
    table = Resident.__table__
    today = local_today()
    changed = 0
    last_id = None
    while True:
        stmt = select(table).order_by(table.c.id).limit(chunk)
        if last_id is not None:
            stmt = stmt.where(table.c.id > last_id)
        rows = db.session.execute(stmt).mappings().all()
        if not rows:
            return changed
        last_id = rows[-1]["id"]
        updates, changes = [], []
        for row in rows:
            tier = effective_tier(
                row["birth_date"], row["tags"], row["status"], row["care_tier_override"], today
            )
            if tier == row["care_tier"]:
                continue
            due = next_due(
                tier=tier,
                created_at=row["created_at"],
                last_visit_at=row["last_visit_at"],
                major_change_at=row["major_change_at"],
            )
            updates.append({"rid": row["id"], "care_tier": tier, "next_visit_due": due})
            changes.append(change_row(RESIDENT_ENTITY, row["id"], grid_id=row["grid_id"]))
        if updates:
            db.session.connection().execute(update(table).where(table.c.id == bindparam("rid")), updates)
            record_changes(changes)
            changed += len(updates)


def flagged_residents(scope: Scope, grid_id: int | None = None) -> list:
    """Residents with a visit flag (not reached twice in a row) in the caller's scope."""
    stmt = select(Resident.__table__).where(Resident.visit_flag.is_not(None))
    stmt = scope.filter_grid(stmt, Resident.grid_id, Resident.street_id)
    if grid_id is not None:
        stmt = stmt.where(Resident.grid_id == grid_id)
    return db.session.execute(stmt.order_by(Resident.grid_id, Resident.name)).mappings().all()


def flag_context(rows: list) -> dict[uuid.UUID, dict[str, Any]]:
    """What the supervisor needs to act on a flag, by resident id: the grid, where the household
    lives (and its phone, for someone without their own), and the dates of the failed attempts."""
    if not rows:
        return {}
    ids = [r["id"] for r in rows]
    grids = {
        g.id: {"id": g.id, "code": g.code, "name": g.name}
        for g in db.session.execute(
            select(Grid.id, Grid.code, Grid.name).where(Grid.id.in_({r["grid_id"] for r in rows}))
        )
    }
    places = {
        h.id: h
        for h in db.session.execute(
            select(
                Household.id,
                Household.address,
                Household.unit,
                Household.room,
                Household.phone,
                Building.name.label("building_name"),
                Building.address.label("building_address"),
            )
            .outerjoin(Building, Building.id == Household.building_id)
            .where(Household.id.in_({r["household_id"] for r in rows}))
        )
    }
    attempts: dict[uuid.UUID, list[datetime]] = defaultdict(list)
    for row in db.session.execute(
        select(WelfareVisit.resident_id, WelfareVisit.visited_at)
        .where(WelfareVisit.resident_id.in_(ids))
        .order_by(WelfareVisit.resident_id, WelfareVisit.visited_at.desc())
    ):
        # Flagged means the newest visits did not reach them: the streak is the newest rows.
        attempts[row.resident_id].append(row.visited_at)
    answer = {}
    for r in rows:
        place = places.get(r["household_id"])
        answer[r["id"]] = {
            "grid": grids.get(r["grid_id"]),
            "household_address": _address_line(place),
            "household_phone_masked": mask_phone(place.phone) if place else None,
            "attempts": [iso(at) for at in attempts[r["id"]][: min(r["not_reached_streak"], 2)]],
        }
    return answer


def _address_line(place) -> str:
    """The household's own address (written in full, door included), else its building's and the door."""
    if place is None:
        return ""
    if place.address:
        return place.address
    unit = f"{place.unit}单元" if place.unit and place.unit.isdigit() else place.unit
    door = "".join(part for part in (unit, place.room) if part)
    return " ".join(part for part in (place.building_address or place.building_name, door) if part)


def due_residents(scope: Scope, now: datetime, grid_id: int | None = None) -> dict[str, list]:
    """The server's 今日到期 and 已逾期 at `now` (schedule.due_state), the most urgent tier first."""
    stmt = select(Resident.__table__).where(
        Resident.care_tier.in_(list(TIER_ORDER)),
        Resident.status.not_in(list(OFF_REGISTER_STATUSES)),
        # A pending follow-up's due date is the change's own date, so never after today.
        Resident.next_visit_due <= local_date(now),
    )
    stmt = scope.filter_grid(stmt, Resident.grid_id, Resident.street_id)
    if grid_id is not None:
        stmt = stmt.where(Resident.grid_id == grid_id)
    lists: dict[str, list] = {"due": [], "overdue": []}
    for row in db.session.execute(stmt).mappings():
        state = due_state(row["next_visit_due"], row["last_visit_at"], row["major_change_at"], now)
        if state in lists:
            lists[state].append(row)
    for rows in lists.values():
        rows.sort(key=lambda r: (TIER_ORDER[r["care_tier"]], r["next_visit_due"], r["name"]))
    return lists


@dataclass
class MonthDue:
    """Who was due a welfare visit in a month, in the grids of a scope, and who was visited."""

    month: str
    # (id, code, name) of the grids counted, in code order.
    grids: list
    # (id, grid_id) of each resident due at least once in the month.
    due: list
    # Visits that reached them in the month, per resident (absent: none).
    visits: dict[uuid.UUID, int]
    # When the last of those visits was made, per resident.
    last_visit: dict[uuid.UUID, datetime]


def _month_grids(scope: Scope, grid_id: int | None, community_id: int | None) -> list:
    stmt = scope.filter_grid(select(Grid.id, Grid.code, Grid.name), Grid.id).order_by(Grid.code)
    if grid_id is not None:
        stmt = stmt.where(Grid.id == grid_id)
    if community_id is not None:
        stmt = stmt.where(Grid.community_id == community_id)
    return db.session.execute(stmt).all()


def _due_in_month(scope: Scope, month: str, grid_id: int | None, community_id: int | None, *columns):
    """SELECT columns FROM the residents due at least once in the month, with `in_month` (their
    reaching visits in it: count, last) joined. Due: see schedule.due_in_month, asked of the
    database (due_in_month_clause) over per-resident aggregates. Visited: at least one visit that
    reached them (home, phone or video) in the month. Residents who moved out or died are left
    out, and the current tier stands for the whole month. Joined on the residents' current grid
    (not the grid a visit was made in: people move)."""
    _, _, start, end = month_bounds(month)
    reached = WelfareVisit.reached.is_(True)
    last_before = _per_resident(
        func.max(WelfareVisit.visited_at), WelfareVisit, reached, WelfareVisit.visited_at < start
    )
    in_month = (
        select(
            WelfareVisit.resident_id.label("resident_id"),
            func.count().label("visits"),
            func.max(WelfareVisit.visited_at).label("last"),
        )
        .where(reached, WelfareVisit.visited_at >= start, WelfareVisit.visited_at < end)
        .group_by(WelfareVisit.resident_id)
        .subquery()
    )
    major_before = _per_resident(func.max(MajorChange.at), MajorChange, MajorChange.at < start)
    major_in_month = _per_resident(
        func.min(MajorChange.at), MajorChange, MajorChange.at >= start, MajorChange.at < end
    )
    is_due = due_in_month_clause(
        month,
        interval_days(),
        Resident.care_tier,
        Resident.created_at,
        last_before.c.value,
        major_before.c.value,
        major_in_month.c.value,
    )
    stmt = (
        select(*(column(in_month) if callable(column) else column for column in columns))
        .select_from(Resident)
        .outerjoin(last_before, last_before.c.resident_id == Resident.id)
        .outerjoin(in_month, in_month.c.resident_id == Resident.id)
        .outerjoin(major_before, major_before.c.resident_id == Resident.id)
        .outerjoin(major_in_month, major_in_month.c.resident_id == Resident.id)
        .where(Resident.status.not_in(list(OFF_REGISTER_STATUSES)), is_due)
    )
    stmt = scope.filter_grid(stmt, Resident.grid_id, Resident.street_id)
    if grid_id is not None:
        stmt = stmt.where(Resident.grid_id == grid_id)
    if community_id is not None:
        stmt = stmt.where(Resident.grid_id.in_(select(Grid.id).where(Grid.community_id == community_id)))
    return stmt


def month_due(
    scope: Scope, month: str, grid_id: int | None = None, community_id: int | None = None
) -> MonthDue:
    """The residents due at least once in the month and their visits in it (the export's rows;
    visit_rate counts the same residents)."""
    stmt = _due_in_month(
        scope,
        month,
        grid_id,
        community_id,
        Resident.id,
        Resident.grid_id,
        lambda in_month: in_month.c.visits,
        lambda in_month: in_month.c.last,
    )
    due, visits, last_visit = [], {}, {}
    for row in db.session.execute(stmt):
        due.append(row)
        if row.visits:
            visits[row.id], last_visit[row.id] = row.visits, row.last
    return MonthDue(month, _month_grids(scope, grid_id, community_id), due, visits, last_visit)


def visit_rate(scope: Scope, month: str, grid_id: int | None = None) -> dict[str, Any]:
    """Per grid: residents due at least once in the month, how many of them were visited, the rate
    (who counts: _due_in_month), counted by the database."""
    stmt = _due_in_month(
        scope,
        month,
        grid_id,
        None,
        Resident.grid_id,
        func.count().label("due"),
        lambda in_month: func.count(in_month.c.resident_id).label("visited"),
    ).group_by(Resident.grid_id)
    due: dict[int, int] = defaultdict(int)
    done: dict[int, int] = defaultdict(int)
    for row in db.session.execute(stmt):
        due[row.grid_id], done[row.grid_id] = row.due, row.visited
    grids = _month_grids(scope, grid_id, None)
    rows = [
        {
            "grid_id": g.id,
            "grid_code": g.code,
            "grid_name": g.name,
            "due": due[g.id],
            "visited": done[g.id],
            "rate": round(done[g.id] / due[g.id], 4) if due[g.id] else None,
        }
        for g in grids
    ]
    total_due, total_done = sum(due.values()), sum(done.values())
    return {
        "month": month,
        "grids": rows,
        "total": {
            "due": total_due,
            "visited": total_done,
            "rate": round(total_done / total_due, 4) if total_due else None,
        },
    }


def _per_resident(aggregate, model, *conditions):
    """(resident_id, value): one aggregate per resident over a model's rows (visits, major changes)."""
    return (
        select(model.resident_id.label("resident_id"), aggregate.label("value"))
        .where(*conditions)
        .group_by(model.resident_id)
        .subquery()
    )
