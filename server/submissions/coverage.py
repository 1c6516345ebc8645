"""走访覆盖率: each worker's month, from what they sent (issue 14 §5).

Proof of work without tracking anyone: only the submissions themselves are read — the phone's
time of each record and when it arrived, the location the worker chose to attach (with its
accuracy), the photos. Who sees it: the worker their own, a supervisor their community's, the
street its own; workers are listed by grid, never ranked.

- coverage = households in the worker's grids visited at least once in the month ÷ households in
  those grids. Visited: named by any record of theirs in the month other than a welfare visit
  (a survey, a hazard or city report at the door), or a welfare visit made at home (上门探访);
  a phone or video call visits a person, not a household.
- per day = their records in the month ÷ the month's days so far (Asia/Shanghai).
- welfare visits on time = residents of their grids due a welfare visit in the month who were
  visited in it (home, phone or video), as the monthly visit rate counts them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import distinct, func, select

from server.auth.models import User, user_grid
from server.auth.scope import Scope
from server.extensions import db
from server.i18n import msg
from server.org.models import Grid
from server.register.models import Household, Resident
from server.register.schedule import month_bounds
from server.submissions.models import Submission, submission_photo
from server.timeutil import aware, local_date
from server.visits.models import WelfareVisit
from server.visits.service import visit_rate

# A phone clock this far ahead of the server's receipt is worth a supervisor's look.
CLOCK_AHEAD_MINUTES = 10


def definitions() -> dict[str, str]:
    return {
        "coverage": msg(
            "覆盖率 = 本月走访过的户数 ÷ 所负责网格的户数。走访过：本月有任何一条记录（入户调查、隐患或城市管理上报等）"
            "指向该户，或对该户居民上门探访；电话、视频巡访不计入户。",
            "Coverage = households visited in the month ÷ households in the worker's grids. Visited: named by "
            "any record of theirs in the month (survey, hazard or city report), or a welfare visit made at home; "
            "phone and video calls do not count as a household visit.",
        ),
        "per_day": msg(
            "日均记录 = 本月提交的记录数 ÷ 本月已过天数。",
            "Per day = records made in the month ÷ days of the month so far.",
        ),
        "welfare": msg(
            "巡访按期 = 本月应巡访的对象中本月已走访（上门、电话或视频）的人数，与月度巡访率口径相同。",
            "Welfare visits on time = residents due a visit in the month who were visited in it "
            "(home, phone or video), as the monthly visit rate counts them.",
        ),
        "proof": msg(
            "工作留痕只取记录本身：设备时间、到达服务器时间、网格员附加的定位及精度、照片数。不做定位追踪，不排名。",
            "Proof of work comes from the records alone: device time, time received, the location the "
            "worker attached and its accuracy, photo count. No tracking, no ranking.",
        ),
    }


def elapsed_days(month: str, today: date) -> int:
    """Days of the month that have begun by today (0 for a month still to come)."""
    first, last, _, _ = month_bounds(month)
    if today < first:
        return 0
    return (min(today, last) - first).days + 1


def coverage(
    scope: Scope, month: str, today: date, community_id: int | None = None, grid_id: int | None = None
) -> dict[str, Any]:
    """Each worker's month in the scope (a worker: only themselves), listed by grid code."""
    _, _, start, end = month_bounds(month)
    workers = _workers(scope, community_id, grid_id)
    grids_of: dict[int, list] = defaultdict(list)
    for worker_id, grid in workers["grids"]:
        grids_of[worker_id].append(grid)
    grid_ids = {grid.id for grids in grids_of.values() for grid in grids}
    household_grid = dict(
        db.session.execute(
            select(Household.id, Household.grid_id).where(Household.grid_id.in_(grid_ids))
        ).all()
    )
    households_in: dict[int, int] = defaultdict(int)
    for grid in household_grid.values():
        households_in[grid] += 1
    ids = list(grids_of)
    records = _records(ids, start, end)
    visited = _visited_households(ids, start, end)
    photos = _photos(ids, start, end)
    welfare = {row["grid_id"]: row for row in visit_rate(scope, month)["grids"]} if ids else {}
    days = elapsed_days(month, today)

    rows = []
    for user in workers["users"]:
        grids = grids_of.get(user.id, [])
        if not grids:
            continue
        mine = {grid.id for grid in grids}
        households = sum(households_in[g] for g in mine)
        reached = {h for h in visited.get(user.id, ()) if household_grid.get(h) in mine}
        own = records.get(user.id, [])
        due = sum(welfare[g]["due"] for g in mine if g in welfare)
        done = sum(welfare[g]["visited"] for g in mine if g in welfare)
        rows.append(
            {
                "user_id": user.id,
                "name": user.display_name,
                "grids": [{"id": g.id, "code": g.code, "name": g.name} for g in grids],
                "households": households,
                "households_visited": len(reached),
                "coverage": _ratio(len(reached), households),
                "records": len(own),
                "days_active": len({local_date(r.created_at) for r in own}),
                "per_day": round(len(own) / days, 1) if days else None,
                "welfare": {"due": due, "visited": done, "rate": _ratio(done, due)},
                "proof": _proof(own, photos.get(user.id, 0)),
            }
        )
    rows.sort(key=lambda row: (row["grids"][0]["code"], row["name"]))
    return {"month": month, "days": days, "workers": rows, "definitions": definitions()}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _workers(scope: Scope, community_id: int | None, grid_id: int | None) -> dict[str, list]:
    """Active workers in scope (a worker: themselves) and their grids in scope, by grid code."""
    users = select(User).where(User.role == "worker", User.active.is_(True))
    users = (
        users.where(User.id == scope.user_id) if scope.role == "worker" else users.where(scope.user_clause())
    )
    found = list(db.session.scalars(users.order_by(User.id)))
    grids = (
        select(user_grid.c.user_id, Grid)
        .join(Grid, Grid.id == user_grid.c.grid_id)
        .where(user_grid.c.user_id.in_([u.id for u in found]), scope.grid_clause(Grid.id))
        .order_by(Grid.code)
    )
    if community_id is not None:
        grids = grids.where(Grid.community_id == community_id)
    if grid_id is not None:
        grids = grids.where(Grid.id == grid_id)
    return {"users": found, "grids": db.session.execute(grids).all()}


def _records(author_ids: list[int], start: datetime, end: datetime) -> dict[int, list]:
    """Each worker's records made (by the phone's clock) in the month."""
    stmt = select(
        Submission.author_id, Submission.created_at, Submission.received_at, Submission.location
    ).where(Submission.author_id.in_(author_ids), Submission.created_at >= start, Submission.created_at < end)
    rows: dict[int, list] = defaultdict(list)
    for row in db.session.execute(stmt):
        rows[row.author_id].append(row)
    return rows


def _visited_households(author_ids: list[int], start: datetime, end: datetime) -> dict[int, set]:
    named = select(Submission.author_id, Submission.household_id).where(
        Submission.author_id.in_(author_ids),
        Submission.created_at >= start,
        Submission.created_at < end,
        Submission.household_id.is_not(None),
        Submission.kind != "welfare_visit",
    )
    at_home = (
        select(WelfareVisit.visitor_id, Resident.household_id)
        .join(Resident, Resident.id == WelfareVisit.resident_id)
        .where(
            WelfareVisit.visitor_id.in_(author_ids),
            WelfareVisit.visited_at >= start,
            WelfareVisit.visited_at < end,
            WelfareVisit.how_contacted == "home",
        )
    )
    visited: dict[int, set] = defaultdict(set)
    for author_id, household_id in [*db.session.execute(named), *db.session.execute(at_home)]:
        visited[author_id].add(household_id)
    return visited


def _photos(author_ids: list[int], start: datetime, end: datetime) -> dict[int, int]:
    stmt = (
        select(Submission.author_id, func.count(distinct(submission_photo.c.sha256)))
        .join(submission_photo, submission_photo.c.submission_id == Submission.id)
        .where(
            Submission.author_id.in_(author_ids), Submission.created_at >= start, Submission.created_at < end
        )
        .group_by(Submission.author_id)
    )
    return dict(db.session.execute(stmt).all())


def _proof(records: list, photos: int) -> dict[str, Any]:
    """What the records themselves show: located ones and how precisely, photos, how long they
    took to arrive (offline in a basement is normal), and any made "in the future"."""
    accuracies, lags, ahead, located = [], [], 0, 0
    for row in records:
        point = row.location if isinstance(row.location, dict) else None
        if point and point.get("lat") is not None:
            located += 1
            if isinstance(point.get("accuracy"), int | float):
                accuracies.append(float(point["accuracy"]))
        made, received = aware(row.created_at), aware(row.received_at)
        minutes = (received - made).total_seconds() / 60
        if minutes < -CLOCK_AHEAD_MINUTES:
            ahead += 1
        lags.append(max(minutes, 0.0))
    return {
        "with_location": located,
        "median_accuracy_m": round(statistics.median(accuracies)) if accuracies else None,
        "photos": photos,
        "median_sync_minutes": round(statistics.median(lags), 1) if lags else None,
        "clock_ahead": ahead,
    }
