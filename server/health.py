"""GET /api/v1/health: is the app up, and can it reach what it depends on.

Only the database is vital: without Redis the limiter counts in memory and pushes go out from the
app's own threads, and photo storage failing stops uploads, not the sync of records. So the probe
answers 503 only when the database is down, and names each dependency's state in its body.
"""

import redis
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text

from server.extensions import db
from server.photos.store import photo_store

VERSION = "0.1.0"
STATES = ["ok", "unreachable", "not_configured"]

bp = Blueprint("health", __name__, url_prefix="/api/v1", description="Service health")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok", "degraded"]})
    db = fields.String(required=True, metadata={"enum": ["ok", "unreachable"]})
    redis = fields.String(
        required=True,
        metadata={"enum": STATES, "description": "not_configured: no REDIS_URL (the default install)"},
    )
    photo_storage = fields.String(required=True, metadata={"enum": ["ok", "unreachable"]})
    version = fields.String(required=True)


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # a probe must answer, whatever the database does
        db.session.rollback()
        return "unreachable"
    return "ok"


def _redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not_configured"
    timeout = current_app.config["REDIS_TIMEOUT_SECONDS"]
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError:
        return "unreachable"
    finally:
        client.close()
    return "ok"


def _photo_storage() -> str:
    return "ok" if photo_store().ready() else "unreachable"


@bp.route("/health", methods=["GET"])
@bp.response(200, HealthSchema)
@bp.alt_response(503, schema=HealthSchema, description="The database is unreachable")
@bp.doc(security=[])
def health():
    """Report the service and each dependency's state (no login needed: load balancers call it)."""
    states = {"db": _database(), "redis": _redis(), "photo_storage": _photo_storage()}
    status = 200 if states["db"] == "ok" else 503
    degraded = any(state == "unreachable" for state in states.values())
    return {"status": "degraded" if degraded else "ok", **states, "version": VERSION}, status
