"""GET /api/v1/push/key; POST and DELETE /api/v1/push/subscriptions (this browser's push)."""

from __future__ import annotations

from functools import wraps
from http import HTTPStatus

from flask import request
from flask_login import current_user, login_required
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from server.errors import ApiError, not_found
from server.extensions import db
from server.i18n import msg
from server.push import service
from server.push.schemas import PublicKeySchema, SubscriptionInSchema, SubscriptionSchema, UnsubscribeSchema
from server.push.vapid import PushNotConfigured, vapid_keys
from server.security import read_body

bp = Blueprint("push", __name__, url_prefix="/api/v1/push", description="Web Push subscriptions")


@bp.record_once
def _check_keys(state) -> None:
    """A VAPID key from the environment that is unusable stops the app at startup, not at a push."""
    if state.app.config.get("VAPID_PRIVATE_KEY"):
        vapid_keys(state.app)


# A subscription is an URL and two keys, well under 1 KB; the app-wide 1 MB JSON cap is for sync.
SUBSCRIPTION_MAX_BYTES = 4096


def small_body(limit: int):
    """Answer 413 for a body over `limit` bytes, before anything parses it."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            read_body(limit, cache=True)  # the schema then parses the cached bytes
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.route("/key", methods=["GET"])
@bp.response(200, PublicKeySchema)
@bp.alt_response(503, response=HTTPStatus.SERVICE_UNAVAILABLE.name)
@bp.doc(security=[])
def key():
    """The VAPID public key browsers subscribe with (applicationServerKey)."""
    try:
        return {"public_key": vapid_keys().public_key}
    except PushNotConfigured:
        raise ApiError(
            503,
            "push_unavailable",
            msg("服务器未配置消息推送", "Push notifications are not set up on this server"),
        ) from None


@bp.route("/subscriptions", methods=["POST"])
@login_required
@small_body(SUBSCRIPTION_MAX_BYTES)
@bp.arguments(SubscriptionInSchema)
@bp.response(201, SubscriptionSchema)
@bp.alt_response(200, schema=SubscriptionSchema, description="This endpoint was already stored")
def subscribe(body):
    """Store this browser's push subscription for the logged-in user (201 new, 200 already known)."""
    keys = body["keys"]
    user_agent = request.headers.get("User-Agent")
    for attempt in (1, 2):
        sub, created = service.subscribe(
            current_user, body["endpoint"], keys["p256dh"], keys["auth"], user_agent
        )
        try:
            db.session.commit()
            break
        except IntegrityError:  # the same browser posting twice at once: the second one updates
            db.session.rollback()
            if attempt == 2:
                raise
    return sub, 201 if created else 200


@bp.route("/subscriptions", methods=["DELETE"])
@login_required
@small_body(SUBSCRIPTION_MAX_BYTES)
@bp.arguments(UnsubscribeSchema)
@bp.response(204)
@bp.alt_response(404, response=HTTPStatus.NOT_FOUND.name)
def unsubscribe(body):
    """Delete this browser's subscription (only the caller's own; anyone else's answers 404)."""
    try:
        service.unsubscribe(current_user, body["endpoint"])
    except service.PushNotFound:
        raise not_found() from None
    db.session.commit()
