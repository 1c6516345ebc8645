"""The case-loop KPIs of a month, computed from the CaseEvent log (Asia/Shanghai months), for a
selection of grids as a whole and, on request, per street, community or grid from the same pass.

Each figure carries numerator, denominator, rate (None when nothing was due), a definition in
zh and en, and the case ids counted on each side, so the dashboard can drill down.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select, union

from server import worktime as calendar
from server.auth.scope import Scope
from server.cases.models import Case, CaseEvent
from server.database import member_of, member_of_values
from server.extensions import db
from server.org.models import Community, Grid, Street
from server.register.schedule import month_bounds
from server.timeutil import SHANGHAI
from server.visits.service import visit_rate

MONTH_RE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")

DEFINITIONS = {
    "on_time_handling_rate": (
        "按期处置率 = 按期处置的派遣数 / 应处置的派遣数。应处置：处置期限落在本月、或在本月处置的每一次派遣"
        "（含返工重派）；按期：该次派遣后的首次处置时间不晚于其处置期限。",
        "On-time handling rate = dispatches handled on time / dispatches due for handling. Due: every "
        "dispatch (rework included) whose handling deadline fell in the month or that was handled in the "
        "month; on time: the first handling after it is no later than its deadline.",
    ),
    "closing_rate": (
        "结案率 = 已结案 / 应结案。应结案：全案期限（立案起，处置时限的 2 倍）落在本月、或在本月结案的案件；"
        "已结案：截至月末已结案。",
        "Closing rate = closed / due for closing. Due: cases whose whole-case deadline (from filing, twice "
        "the handling limit) fell in the month or that were closed in the month; closed: by the month's end.",
    ),
    "on_time_closing_rate": (
        "按期结案率 = 按期结案 / 应结案（应结案同上）；按期：结案时间不晚于全案期限。",
        "On-time closing rate = closed no later than the whole-case deadline / due for closing (as above).",
    ),
    "rework_rate": (
        "返工率 = 核查后被返工（重新派遣）过的案件 / 应结案（同上）。",
        "Rework rate = cases sent back to handling after a check at least once / due for closing (as above).",
    ),
    "valid_report_rate": (
        "有效上报率 = 已立案 / 本月上报数。本月上报：本月收到的隐患与城市管理上报；已立案：其中至今已立案的。",
        "Valid report rate = reports filed / reports made. Made: hazard and city reports received in the "
        "month; filed: those of them filed since.",
    ),
    "rectification_rate": (
        "整改率 = 已整改结案 / 本月立案数。本月立案：本月立案的案件；已整改结案：其中至今已核查结案的。",
        "Rectification rate = rectified and closed / filed in the month. Filed: cases filed in the month; "
        "rectified: those of them closed after the on-site check by now.",
    ),
}


def current_month() -> str:
    return calendar.now().astimezone(SHANGHAI).strftime("%Y-%m")


def valid_month(month: str) -> bool:
    return bool(MONTH_RE.match(month))


def last_months(count: int) -> list[str]:
    """The last `count` months up to this one, oldest first."""
    year, month = (int(p) for p in current_month().split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def grids_for(scope: Scope, community_id: int | None, grid_id: int | None) -> list[int] | None:
    """The grids to count: None for the whole street; [] when the filter is outside the scope."""
    if community_id is None and grid_id is None and scope.everything:
        return None
    stmt = scope.filter_grid(select(Grid.id), Grid.id)
    if community_id is not None:
        stmt = stmt.where(Grid.community_id == community_id)
    if grid_id is not None:
        stmt = stmt.where(Grid.id == grid_id)
    return list(db.session.scalars(stmt))


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _figure(key: str, numerator: set, denominator: set) -> dict[str, Any]:
    zh, en = DEFINITIONS[key]
    num, den = len(numerator), len(denominator)
    return {
        "numerator": num,
        "denominator": den,
        "rate": round(num / den, 4) if den else None,
        "definition": {"zh": zh, "en": en},
        "numerator_case_ids": sorted(numerator),
        # The drill-down lists the cases that count first, then those only due (sorted within each).
        "denominator_case_ids": sorted(numerator & denominator) + sorted(denominator - numerator),
    }


# The sets each KPI counts, in the order _figures reads them.
COUNTED = (
    "handle_due",
    "handle_on_time",
    "close_due",
    "closed",
    "closed_on_time",
    "reworked",
    "reports",
    "filed_reports",
    "filed_in_month",
    "rectified",
)
BREAKDOWNS = ("street", "community", "grid")
Counted = dict[str, set[str]]


def _counted_by_grid(month: str, grid_ids: list[int] | None) -> dict[int, Counted]:
    """Each case's place in the month's KPI sets, collected per grid in one pass over the log.

    A case counts by itself alone, so the sets of any group of grids are the union of theirs.
    """
    _, _, start, end = month_bounds(month)

    def in_month(value: datetime | None) -> bool:
        return value is not None and start <= value < end

    # Every figure needs something of the case inside the month: an event (reported, filed,
    # handled, closed), a dispatch deadline or the whole-case deadline. Only those cases are
    # read, so a month costs its own cases, not the street's whole history.
    touched = union(
        select(CaseEvent.case_id.label("case_id")).where(
            or_(
                and_(CaseEvent.at >= start, CaseEvent.at < end),
                and_(CaseEvent.deadline >= start, CaseEvent.deadline < end),
            )
        ),
        select(Case.id).where(Case.close_deadline >= start, Case.close_deadline < end),
    ).subquery("touched")
    # The month's cases, then their logs by the case_event index (on PostgreSQL the case list is
    # computed once and probed, rather than every event hashed against it). Plain Core rows: a
    # district's month is some 100,000 events, and ORM rows cost more than the SQL.
    case_ids = select(Case.id).where(member_of(Case.id, select(touched.c.case_id)))
    if grid_ids is not None:
        case_ids = case_ids.where(Case.grid_id.in_(grid_ids))
    connection = db.session.connection()
    cases = connection.execute(
        select(Case.id, Case.grid_id, Case.close_deadline).where(member_of(Case.id, case_ids))
    ).all()
    logs: dict[Any, list[tuple]] = defaultdict(list)
    if cases:
        event_columns = (CaseEvent.at, CaseEvent.id, CaseEvent.action, CaseEvent.deadline)
        for case_id, *logged in connection.execute(
            select(CaseEvent.case_id, *event_columns).where(
                member_of_values(CaseEvent.case_id, [c.id for c in cases], case_ids)
            )
        ):
            logs[case_id].append(logged)

    by_grid: dict[int, Counted] = defaultdict(lambda: {name: set() for name in COUNTED})
    for case_id, grid_id, close_deadline in cases:
        # Oldest first; the id orders events of the same instant as they were written.
        log = [
            (action, _aware(at), _aware(deadline))
            for at, _, action, deadline in sorted(logs.get(case_id, ()))
        ]
        _count_case(by_grid[grid_id], str(case_id), _aware(close_deadline), log, in_month, end)
    return by_grid


def _count_case(
    counted: Counted,
    cid: str,
    close_deadline: datetime | None,
    log: list[tuple[str, datetime, datetime | None]],
    in_month: Callable[[datetime | None], bool],
    end: datetime,
) -> None:
    """Put one case in the month's sets from its log of (action, at, deadline), oldest first."""
    # Dispatch steps, counted per dispatch but reported by case id ("<case>#n" keeps them apart).
    dispatches = [(at, deadline) for action, at, deadline in log if action in ("dispatch", "rework")]
    for n, (dispatched, deadline) in enumerate(dispatches):
        handled = next((at for action, at, _ in log if action == "handle" and at >= dispatched), None)
        step = cid if len(dispatches) == 1 else f"{cid}#{n + 1}"
        if in_month(deadline) or in_month(handled):
            counted["handle_due"].add(step)
            if handled is not None and deadline is not None and handled <= deadline:
                counted["handle_on_time"].add(step)
    first: dict[str, datetime] = {}
    for action, at, _ in log:
        first.setdefault(action, at)
    closed = first.get("close")
    if in_month(close_deadline) or in_month(closed):
        counted["close_due"].add(cid)
        if closed is not None and closed < end:
            counted["closed"].add(cid)
            if close_deadline is not None and closed <= close_deadline:
                counted["closed_on_time"].add(cid)
        if "rework" in first:
            counted["reworked"].add(cid)
    reported, filed = first.get("report"), first.get("file")
    if in_month(reported):
        counted["reports"].add(cid)
        if filed is not None:
            counted["filed_reports"].add(cid)
    if in_month(filed):
        counted["filed_in_month"].add(cid)
        if closed is not None:
            counted["rectified"].add(cid)


def _figures(by_grid: dict[int, Counted], grid_ids: list[int] | None) -> dict[str, dict[str, Any]]:
    """The six case-loop figures of these grids (None: every grid counted)."""
    wanted = None if grid_ids is None else set(grid_ids)
    c: Counted = {name: set() for name in COUNTED}
    for grid_id, counted in by_grid.items():
        if wanted is None or grid_id in wanted:
            for name in COUNTED:
                c[name] |= counted[name]
    return {
        "on_time_handling_rate": _figure("on_time_handling_rate", c["handle_on_time"], c["handle_due"]),
        "closing_rate": _figure("closing_rate", c["closed"], c["close_due"]),
        "on_time_closing_rate": _figure("on_time_closing_rate", c["closed_on_time"], c["close_due"]),
        "rework_rate": _figure("rework_rate", c["reworked"], c["close_due"]),
        "valid_report_rate": _figure("valid_report_rate", c["filed_reports"], c["reports"]),
        "rectification_rate": _figure("rectification_rate", c["rectified"], c["filed_in_month"]),
    }


def _visit_figure(visit_grids: list[dict], grid_ids: list[int] | None) -> dict[str, Any]:
    """The welfare visit rate of these grids (None: every grid in the scope), from visit_rate's rows."""
    wanted = None if grid_ids is None else set(grid_ids)
    rows = [g for g in visit_grids if wanted is None or g["grid_id"] in wanted]
    due, done = sum(g["due"] for g in rows), sum(g["visited"] for g in rows)
    return {
        "numerator": done,
        "denominator": due,
        "rate": round(done / due, 4) if due else None,
        "definition": {
            "zh": "巡访率 = 当月已巡访人数 / 当月应巡访人数。",
            "en": "Visit rate = residents visited / residents due in the month.",
        },
    }


def _parts(scope: Scope, grid_ids: list[int] | None, by: str) -> list[dict[str, Any]]:
    """The streets, communities or grids the selected grids fall in, in code order, each with its grids."""
    community = (Community.id.label("c_id"), Community.code.label("c_code"), Community.name.label("c_name"))
    street = (Street.id.label("s_id"), Street.code.label("s_code"), Street.name.label("s_name"))
    stmt = (
        select(Grid.id, Grid.code, Grid.name, *community, *street)
        .join(Community, Grid.community_id == Community.id)
        .join(Street, Community.street_id == Street.id)
        .order_by(Street.code, Community.code, Grid.code)
    )
    stmt = scope.filter_grid(stmt, Grid.id)
    if grid_ids is not None:
        stmt = stmt.where(Grid.id.in_(grid_ids))
    parts: dict[int, dict[str, Any]] = {}
    for row in db.session.execute(stmt):
        if by == "grid":
            parts[row.id] = {"id": row.id, "code": row.code, "name": row.name, "grid_ids": [row.id]}
        elif by == "street":
            part = parts.setdefault(
                row.s_id, {"id": row.s_id, "code": row.s_code, "name": row.s_name, "grid_ids": []}
            )
            part["grid_ids"].append(row.id)
        else:
            part = parts.setdefault(
                row.c_id, {"id": row.c_id, "code": row.c_code, "name": row.c_name, "grid_ids": []}
            )
            part["grid_ids"].append(row.id)
    return list(parts.values())


def month_kpis(month: str, grid_ids: list[int] | None, scope: Scope, by: str | None = None) -> dict[str, Any]:
    """Every KPI of the month for these grids (None: all), plus the welfare visit rate.

    `by` ("street", "community" or "grid") adds a breakdown of the same grids: each part's figures are
    what this function answers for that part's grids alone, from the same single pass.
    """
    by_grid = _counted_by_grid(month, grid_ids)
    visit_grids = visit_rate(scope, month)["grids"]
    out: dict[str, Any] = {
        "month": month,
        "grid_ids": grid_ids,
        "figures": _figures(by_grid, grid_ids),
        "visit_rate": _visit_figure(visit_grids, grid_ids),
    }
    if by is not None:
        out["by"] = by
        out["breakdown"] = [
            {
                "id": part["id"],
                "code": part["code"],
                "name": part["name"],
                "figures": _figures(by_grid, part["grid_ids"]),
                "visit_rate": _visit_figure(visit_grids, part["grid_ids"]),
            }
            for part in _parts(scope, grid_ids, by)
        ]
    return out
