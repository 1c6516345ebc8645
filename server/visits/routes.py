"""Visit flags for the supervisor and the monthly visit rate per grid."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from server import xlsx
from server.audit import service as audit
from server.audit.service import export_detail
from server.auth.routes import roles_required
from server.auth.scope import Scope, grid_or_404
from server.errors import not_found
from server.extensions import db
from server.fields import parse_uuid
from server.i18n import msg
from server.register import service as register
from server.register.schedule import follow_up_deadline
from server.register.schemas import MajorChangeSchema, ResidentSchema
from server.register.service import resident_data
from server.timeutil import app_now, iso, local_date, local_today, utcnow
from server.visits import export, service
from server.visits.schemas import (
    DueListsSchema,
    FlagListSchema,
    FlagQuerySchema,
    VisitExportQuerySchema,
    VisitRateQuerySchema,
    VisitRateSchema,
)

bp = Blueprint("visits", __name__, url_prefix="/api/v1", description="Welfare visits")


@bp.route("/visits/flags", methods=["GET"])
@roles_required("worker", "supervisor", "admin")
@bp.arguments(FlagQuerySchema, location="query")
@bp.response(200, FlagListSchema)
def flags(args):
    """Residents not reached twice in a row, in the caller's scope, with where to find them."""
    today = local_today()
    rows = service.flagged_residents(Scope.of(current_user), args.get("grid_id"))
    context = service.flag_context(rows)
    return {
        "residents": [
            dict(resident_data(r, today), not_reached_streak=r["not_reached_streak"], **context[r["id"]])
            for r in rows
        ]
    }


@bp.route("/visits/due", methods=["GET"])
@roles_required("worker", "supervisor", "admin")
@bp.arguments(FlagQuerySchema, location="query")
@bp.response(200, DueListsSchema)
def due(args):
    """今日到期 and 已逾期 in the caller's scope now: the lists the worker's phone shows offline."""
    now = app_now()
    lists = service.due_residents(Scope.of(current_user), now, args.get("grid_id"))
    today = local_date(now)
    return {
        "now": now,
        "today": [_due_data(r, today) for r in lists["due"]],
        "overdue": [_due_data(r, today) for r in lists["overdue"]],
    }


def _due_data(row, today) -> dict:
    """A resident on a due list, with the follow-up deadline when a major change is pending."""
    deadline = follow_up_deadline(row["last_visit_at"], row["major_change_at"])
    return dict(resident_data(row, today), follow_up_due_at=iso(deadline))


@bp.route("/reports/visit-rate", methods=["GET"])
@roles_required("worker", "supervisor", "admin")
@bp.arguments(VisitRateQuerySchema, location="query")
@bp.response(200, VisitRateSchema)
def visit_rate(args):
    """Per grid in scope: residents due in the month, how many were visited, and the rate."""
    month = args.get("month") or local_today().strftime("%Y-%m")
    answer = service.visit_rate(Scope.of(current_user), month, args.get("grid_id"))
    answer["definition"] = msg(
        "巡访率 = 当月已巡访人数 / 当月应巡访人数。应巡访：当月至少到期一次（含逾期、重大变化后 24 小时内到期）的"
        "重点高风险、重点、一般等级居民，每人计一次；已巡访：当月至少一次上门、电话或视频联系上，未联系上不计。",
        "Visit rate = visited / due in the month. Due: residents on the visit list (high, key, general) "
        "whose visit fell due at least once in the month (overdue, or within 24 h of a major change "
        "counts), each counted once. Visited: reached at least once in the month at home, by phone or "
        "by video; not reached does not count.",
    )
    return answer


@bp.route("/visits/export.xlsx", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(VisitExportQuerySchema, location="query")
@bp.doc(responses={"200": {"description": "The workbook, as an attachment", "content": {xlsx.MIMETYPE: {}}}})
def export_xlsx(args):
    """A month's welfare visits in scope as an Excel workbook: one row per resident due, visited or not; audited.

    The same residents as /reports/visit-rate counts for the month; a community or grid outside
    the scope is 404.
    """
    scope, grid_id, community_id = Scope.of(current_user), args.get("grid_id"), args.get("community_id")
    if grid_id is not None:
        grid_or_404(scope, grid_id)
    if community_id is not None and not scope.allows_community(community_id):
        raise not_found()
    month = args.get("month") or local_today().strftime("%Y-%m")
    sheet = export.build_visits_xlsx(scope, month, local_today(), grid_id, community_id)
    with sheet.dropped_on_error():
        filters = {"month": month, "grid_id": grid_id, "community_id": community_id}
        audit.record(
            "export", current_user, "visits", grid_id, export_detail("visits", scope, sheet.rows, filters)
        )
        db.session.commit()
    return xlsx.response(sheet, *export.filenames(month))


@bp.route("/residents/<resident_id>/major-change", methods=["POST"])
@roles_required("supervisor", "admin")
@bp.arguments(MajorChangeSchema)
@bp.response(200, ResidentSchema)
def major_change(body, resident_id: str):
    """Record a major change in a resident's life: the next welfare visit is due within 24 h."""
    entity_id = parse_uuid(resident_id)
    scope = Scope.of(current_user)
    if entity_id is None or register.row_in_scope(register.RESIDENT, entity_id, scope) is None:
        raise not_found()
    service.record_major_change(entity_id, current_user.id, body.get("note"), utcnow())
    detail = {"note": bool(body.get("note"))}
    audit.record("resident.major_change", current_user, register.RESIDENT, entity_id, detail)
    db.session.commit()
    return register.resident_detail(register.row_in_scope(register.RESIDENT, entity_id, scope))
