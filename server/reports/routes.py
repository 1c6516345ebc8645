"""GET /reports/kpis and /reports/kpis/trend: the case-loop KPIs per community, grid and month."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from server import xlsx
from server.audit import service as audit
from server.audit.service import export_detail
from server.auth.routes import roles_required
from server.auth.scope import Scope
from server.errors import not_found
from server.extensions import db
from server.reports import export, kpis
from server.reports.schemas import KpiQuerySchema, MonthKpisSchema, TrendQuerySchema, TrendSchema

bp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="KPIs")

# The answers are kpis.month_kpis's dicts, sent as built: documented (success=True), never re-dumped.


@bp.route("/kpis", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(KpiQuerySchema, location="query")
@bp.alt_response(200, schema=MonthKpisSchema, success=True)
def kpi_month(args):
    """The KPIs of one month (YYYY-MM), for the scope or one community or grid in it.

    by=community (or grid) adds `breakdown`: [{id, code, name, figures, visit_rate}] per community
    (or grid) of the same selection, each as /reports/kpis?community_id= (or grid_id=) answers it.
    """
    month = args.get("month") or kpis.current_month()
    scope = Scope.of(current_user)
    grid_ids = kpis.grids_for(scope, args.get("community_id"), args.get("grid_id"))
    if grid_ids is not None and not grid_ids:
        raise not_found()
    return kpis.month_kpis(month, grid_ids, scope, args.get("by"))


@bp.route("/kpis.xlsx", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(KpiQuerySchema, location="query")
@bp.doc(responses={"200": {"description": "The workbook, as an attachment", "content": {xlsx.MIMETYPE: {}}}})
def kpi_month_xlsx(args):
    """The KPIs of one month as an Excel workbook: one row per figure with its definition; audited.

    The same selection as /reports/kpis (month, community_id, grid_id; outside the scope: 404);
    by=street, community or grid adds the same figures per part below the totals.
    """
    month = args.get("month") or kpis.current_month()
    scope = Scope.of(current_user)
    grid_ids = kpis.grids_for(scope, args.get("community_id"), args.get("grid_id"))
    if grid_ids is not None and not grid_ids:
        raise not_found()
    sheet = export.build_kpis_xlsx(kpis.month_kpis(month, grid_ids, scope, args.get("by")))
    with sheet.dropped_on_error():
        filters = {key: args.get(key) for key in ("community_id", "grid_id", "by")}
        detail = export_detail("kpis", scope, sheet.rows, {"month": month, **filters})
        audit.record("export", current_user, "kpis", None, detail)
        db.session.commit()
    return xlsx.response(sheet, *export.filenames(month))


@bp.route("/kpis/trend", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(TrendQuerySchema, location="query")
@bp.alt_response(200, schema=TrendSchema, success=True)
def kpi_trend(args):
    """The KPIs of the last N months (default 6, at most 24), oldest first, without case ids."""
    scope = Scope.of(current_user)
    grid_ids = kpis.grids_for(scope, args.get("community_id"), args.get("grid_id"))
    if grid_ids is not None and not grid_ids:
        raise not_found()
    out = []
    for month in kpis.last_months(args["months"]):
        data = kpis.month_kpis(month, grid_ids, scope)
        out.append(
            {
                "month": month,
                "figures": {
                    k: {x: v[x] for x in ("numerator", "denominator", "rate")}
                    for k, v in data["figures"].items()
                },
            }
        )
    return {"months": out}
