"""GET /api/v1/health: is the app up and can it reach its database."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text

from server.extensions import db

VERSION = "0.1.0"

bp = Blueprint("health", __name__, url_prefix="/api/v1", description="Service health")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok", "degraded"]})
    db = fields.String(required=True, metadata={"enum": ["ok", "unreachable"]})
    version = fields.String(required=True)


@bp.route("/health", methods=["GET"])
@bp.response(200, HealthSchema)
@bp.alt_response(503, schema=HealthSchema, description="The database is unreachable")
@bp.doc(security=[])
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
