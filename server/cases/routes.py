"""Cases for the desk, handlers and workers: list, one case with its timeline, actions, time limits."""

from __future__ import annotations

import math
from datetime import timedelta
from http import HTTPStatus

from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import Select, func, or_, select

from server import worktime as calendar
from server import xlsx
from server.audit import service as audit
from server.audit.service import export_detail
from server.auth.routes import roles_required
from server.auth.scope import Scope, grid_or_404
from server.cases import export, limits, loop
from server.cases.models import Case
from server.cases.schemas import (
    CaseActionSchema,
    CaseDetailSchema,
    CaseExportQuerySchema,
    CasePageSchema,
    CaseQuerySchema,
    SimilarListSchema,
    TimeLimitsBodySchema,
    TimeLimitsSchema,
)
from server.errors import not_found, validation_failed
from server.extensions import db
from server.i18n import msg
from server.org.models import Grid
from server.push.service import send_all
from server.timeutil import local_date

bp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Cases (GB/T 30428 loop)")

ALL_ROLES = ("worker", "supervisor", "handler", "admin")
SIMILAR_METRES = 50
SIMILAR_DAYS = 30
# One degree of latitude, in metres (longitude shrinks by cos(latitude)).
METRES_PER_DEGREE = 111_320

# The answers are loop.case_data's dicts, sent as built: documented (success=True), never re-dumped.


def _filtered(args: dict, scope: Scope) -> Select:
    """Cases the caller may see, narrowed by the list's filters (the list and its export alike)."""
    stmt = loop.visible(select(Case), current_user, scope)
    if args.get("state"):
        stmt = stmt.where(Case.state.in_(args["state"].split(",")))
    if args.get("category"):
        stmt = stmt.where(Case.category == args["category"])
    if "community_id" in args:
        in_community = select(Grid.id).where(Grid.community_id == args["community_id"])
        stmt = stmt.where(Case.grid_id.in_(in_community))
    if "grid_id" in args:
        stmt = stmt.where(Case.grid_id == args["grid_id"])
    if args.get("overdue"):
        stmt = stmt.where(loop.overdue_clause(calendar.now()))
    return stmt


@bp.route("", methods=["GET"])
@roles_required(*ALL_ROLES)
@bp.arguments(CaseQuerySchema, location="query")
@bp.alt_response(200, schema=CasePageSchema, success=True)
def all_cases(args):
    """Cases in scope, newest first; filters state (comma list), category, community_id, grid_id, overdue=1."""
    stmt = _filtered(args, Scope.of(current_user))
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    stmt = stmt.order_by(Case.created_at.desc(), Case.id)
    rows = list(db.session.scalars(stmt.offset((page - 1) * per_page).limit(per_page)))
    return {
        "cases": [loop.case_data(c, current_user) for c in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
    }


@bp.route("/export.xlsx", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(CaseExportQuerySchema, location="query")
@bp.doc(responses={"200": {"description": "The workbook, as an attachment", "content": {xlsx.MIMETYPE: {}}}})
def export_xlsx(args):
    """Cases in scope as an Excel workbook (案件台账): states, times, deadlines and lights; audited.

    The list's filters (state, category, community_id, grid_id, overdue); an unknown state or
    category is a 422, a community or grid outside the caller's scope a 404.
    """
    scope = Scope.of(current_user)
    if "community_id" in args and not scope.allows_community(args["community_id"]):
        raise not_found()
    if "grid_id" in args:
        grid_or_404(scope, args["grid_id"])
    now = calendar.now()
    sheet = export.build_cases_xlsx(_filtered(args, scope), now)
    with sheet.dropped_on_error():
        audit.record("export", current_user, "cases", None, export_detail("cases", scope, sheet.rows, args))
        db.session.commit()
    return xlsx.response(sheet, *export.filenames(local_date(now)))


@bp.route("/<case_id>", methods=["GET"])
@roles_required(*ALL_ROLES)
@bp.alt_response(200, schema=CaseDetailSchema, success=True)
def get(case_id):
    """One case with its events, before/after photos, clocks and the caller's allowed actions."""
    case = loop.case_or_404(current_user, case_id)
    return loop.case_data(case, current_user, events=True)


@bp.route("/<case_id>/actions", methods=["POST"])
@roles_required(*ALL_ROLES)
@bp.arguments(CaseActionSchema)
@bp.alt_response(200, schema=CaseDetailSchema, success=True)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def act(body, case_id):
    """Take one step of the loop: file, return, void, merge, dispatch, handle, check, rework, close.

    An action the case's state does not allow answers 409 illegal_transition with `allowed`.
    """
    case = loop.case_or_404(current_user, case_id)
    outcome = loop.take_action(case, body, current_user)
    db.session.commit()
    send_all(outcome.pushes)
    return loop.case_data(outcome.case, current_user, events=True)


def _haversine(a: dict, b: dict) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a["lat"], a["lng"], b["lat"], b["lng"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(h))


@bp.route("/<case_id>/similar", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.alt_response(200, schema=SimilarListSchema, success=True)
def similar(case_id):
    """Open cases of the same category within 50 m or in the same building, reported in the last 30 days."""
    case = loop.case_or_404(current_user, case_id)
    since = calendar.now() - timedelta(days=SIMILAR_DAYS)
    stmt = loop.visible(select(Case), current_user, Scope.of(current_user)).where(
        Case.id != case.id,
        Case.category == case.category,
        Case.state.in_(loop.OPEN_STATES),
        Case.created_at >= since,
    )
    # The database narrows it to the building and a box around the point (indexed lat/lng);
    # the exact distance is then measured on those few.
    near = []
    if case.building_id is not None:
        near.append(Case.building_id == case.building_id)
    if case.lat is not None and case.lng is not None:
        dlat = SIMILAR_METRES / METRES_PER_DEGREE
        dlng = dlat / max(math.cos(math.radians(case.lat)), 0.01)
        near.append(
            Case.lat.between(case.lat - dlat, case.lat + dlat)
            & Case.lng.between(case.lng - dlng, case.lng + dlng)
        )
    if not near:
        return {"cases": []}
    found = []
    for other in db.session.scalars(stmt.where(or_(*near)).order_by(Case.created_at.desc())):
        same_building = case.building_id is not None and other.building_id == case.building_id
        distance = None
        if _located(case.location) and _located(other.location):
            distance = _haversine(case.location, other.location)
        if same_building or (distance is not None and distance <= SIMILAR_METRES):
            data = loop.case_data(other)
            data["distance_m"] = round(distance, 1) if distance is not None else None
            data["same_building"] = same_building
            found.append(data)
    return {"cases": found}


def _located(location) -> bool:
    return (
        isinstance(location, dict)
        and isinstance(location.get("lat"), int | float)
        and isinstance(location.get("lng"), int | float)
    )


@bp.route("/time-limits", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.alt_response(200, schema=TimeLimitsSchema, success=True)
def time_limits():
    """Each category code's handling limit (working hours or days), its default, and whether edited."""
    return {"time_limits": limits.all_limits(), "case_limit_factor": limits.CASE_LIMIT_FACTOR}


@bp.route("/time-limits", methods=["PUT"])
@roles_required("admin")
@bp.arguments(TimeLimitsBodySchema)
@bp.alt_response(200, schema=TimeLimitsSchema, success=True)
def put_time_limits(body):
    """Set limits: {"time_limits": [{"code", "value", "unit"}]}; value null restores the default."""
    entries = body["time_limits"]
    known = limits.default_limits()
    if not entries:
        raise validation_failed({"time_limits": [msg("应为非空列表", "A non-empty list")]})
    errors = {}
    for n, entry in enumerate(entries):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("code"), str)
            or entry["code"] not in known
        ):
            errors[str(n)] = [msg("未知的类别", "Unknown category code")]
            continue
        value = entry.get("value")
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
            errors[str(n)] = [msg("时限应为 1–1000 的整数", "value is a whole number 1–1000")]
        elif entry.get("unit") not in limits.UNITS:
            errors[str(n)] = [msg("单位应为工作小时或工作日", f"unit is one of {', '.join(limits.UNITS)}")]
    if errors:
        raise validation_failed(errors)
    limits.set_limits(entries, current_user.id, calendar.now())
    db.session.commit()
    return {"time_limits": limits.all_limits(), "case_limit_factor": limits.CASE_LIMIT_FACTOR}
