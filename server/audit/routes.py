"""GET /audit: the admin reads the audit log."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.audit import service
from server.audit.schemas import AuditPageSchema, AuditQuerySchema
from server.auth.routes import roles_required

bp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit log (admin)")


@bp.route("", methods=["GET"])
@roles_required("admin")
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditPageSchema)
def all_entries(args):
    """Audit entries newest first; filter by action, actor, target and time; paginated."""
    return service.search(**args)
