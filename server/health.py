"""GET /api/v1/health: is the app up and can it reach its database."""

from flask_smorest import Blueprint
from sqlalchemy import text

from server.extensions import db

VERSION = "0.1.0"

bp = Blueprint("health", __name__, url_prefix="/api/v1", description="Service health")


@bp.route("/health", methods=["GET"])
def health():
    """Report the service and database state (no login needed: load balancers call it)."""
    try:
        db.session.execute(text("SELECT 1"))
        db_state = "ok"
    except Exception:  # a probe must answer, whatever the database does
        db.session.rollback()
        db_state = "unreachable"
    status = 200 if db_state == "ok" else 503
    return {"status": "ok" if status == 200 else "degraded", "db": db_state, "version": VERSION}, status
