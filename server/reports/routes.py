"""GET /reports/kpis and /reports/kpis/trend: the case-loop KPIs per community, grid and month."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from server.auth.routes import roles_required
from server.auth.scope import Scope
from server.errors import not_found, validation_failed
from server.i18n import msg
from server.reports import kpis

bp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="KPIs")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise validation_failed({name: [msg("编号无效", f"{name} is a number")]})
    return int(value)


@bp.route("/kpis", methods=["GET"])
@roles_required("supervisor", "admin")
def kpi_month():
    """The KPIs of one month (YYYY-MM), for the scope or one community or grid in it.

    by=community (or grid) adds `breakdown`: [{id, code, name, figures, visit_rate}] per community
    (or grid) of the same selection, each as /reports/kpis?community_id= (or grid_id=) answers it.
    """
    month = request.args.get("month") or kpis.current_month()
    if not kpis.valid_month(month):
        raise validation_failed({"month": [msg("月份格式为 YYYY-MM", "month is YYYY-MM")]})
    by = request.args.get("by") or None
    if by is not None and by not in kpis.BREAKDOWNS:
        raise validation_failed(
            {"by": [msg("分组方式应为 community（按社区）或 grid（按网格）", "by is community or grid")]}
        )
    scope = Scope.of(current_user)
    grid_ids = kpis.grids_for(scope, _int_arg("community_id"), _int_arg("grid_id"))
    if grid_ids is not None and not grid_ids:
        raise not_found()
    return kpis.month_kpis(month, grid_ids, scope, by)


@bp.route("/kpis/trend", methods=["GET"])
@roles_required("supervisor", "admin")
def kpi_trend():
    """The KPIs of the last N months (default 6, at most 24), oldest first, without case ids."""
    months = _int_arg("months") or 6
    if not 1 <= months <= 24:
        raise validation_failed({"months": [msg("1–24 个月", "months is 1–24")]})
    scope = Scope.of(current_user)
    grid_ids = kpis.grids_for(scope, _int_arg("community_id"), _int_arg("grid_id"))
    if grid_ids is not None and not grid_ids:
        raise not_found()
    out = []
    for month in kpis.last_months(months):
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
