"""Deliver one push message to one subscription: VAPID-signed, encrypted, retried, pruned.

Push service answers: 201/202 delivered; 404/410 the subscription is gone (deleted here);
429 and 5xx (and no answer at all) retried with doubling waits, Retry-After obeyed; any other
4xx is our fault or the key's, logged and counted on the subscription.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from flask import current_app
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select, update

from server.extensions import db
from server.push.models import PushSubscription
from server.push.queue import job
from server.push.vapid import vapid_keys
from server.timeutil import utcnow

log = logging.getLogger(__name__)

# Push services refuse bodies over 4096 bytes. aes128gcm in one record adds 103 bytes: the
# header (16 salt, 4 record size, 1 + 65 sender key) and the padding delimiter plus a 16-byte tag.
ENCRYPTED_LIMIT = 4096
ENCRYPTION_OVERHEAD = 103
# pywebpush only adds `exp` when missing; ours is fresh per send and well inside the 24 h cap.
CLAIM_LIFETIME = 12 * 3600

SENT, PRUNED, FAILED, GAVE_UP, GONE, EXPIRED = "sent", "pruned", "failed", "gave_up", "gone", "expired"


class PushPayloadTooLarge(ValueError):
    """The encrypted payload would exceed the push services' 4 KB limit: nothing is sent."""


def encrypted_size(payload: bytes) -> int:
    """Bytes on the wire for this payload (exact for every payload under the limit)."""
    return len(payload) + ENCRYPTION_OVERHEAD


def check_size(payload: bytes) -> None:
    size = encrypted_size(payload)
    if size > ENCRYPTED_LIMIT:
        raise PushPayloadTooLarge(
            f"push payload of {len(payload)} bytes would be {size} bytes encrypted "
            f"(push services take at most {ENCRYPTED_LIMIT}); send ids, not content"
        )


def origin(endpoint: str) -> str:
    """The JWT audience: scheme and host (and port) of the push service."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def fresh_claims(endpoint: str) -> dict:
    """A new dict for every send: pywebpush writes aud/exp into the one it is given, and a
    reused dict would carry the first push service's `aud` to the second (which answers 403)."""
    return {
        "sub": current_app.config["VAPID_SUBJECT"],
        "aud": origin(endpoint),
        "exp": int(time.time()) + CLAIM_LIFETIME,
    }


_sessions = threading.local()


def _http() -> requests.Session:
    """One keep-alive session per worker thread: most pushes go to the same few services."""
    session = getattr(_sessions, "session", None)
    if session is None:
        session = _sessions.session = requests.Session()
    return session


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _backoff(attempt: int) -> float:
    """Doubling waits with ±20 % jitter, so a thousand 429s don't come back at the same instant."""
    config = current_app.config
    wait = config["PUSH_RETRY_BASE_SECONDS"] * 2 ** (attempt - 1) * random.uniform(0.8, 1.2)
    return min(wait, config["PUSH_RETRY_MAX_SECONDS"])


def _send_once(info: dict, message: dict, ttl: int) -> tuple[int | None, str | None]:
    """One POST to the push service: (status, Retry-After); status None when nothing answered."""
    config = current_app.config
    try:
        response = webpush(
            info,
            data=message["payload"],
            vapid_private_key=vapid_keys().signer,
            vapid_claims=fresh_claims(info["endpoint"]),
            ttl=ttl,
            headers={"Urgency": message["urgency"], "Topic": message["topic"]},
            timeout=config["PUSH_TIMEOUT_SECONDS"],
            requests_session=_http(),
        )
        return response.status_code, None
    except WebPushException as exc:
        if exc.response is None:  # refused before sending (bad keys): retrying cannot help
            log.warning("push not sent: %s", exc.message)
            return 0, None
        return exc.status_code, exc.retry_after
    except requests.RequestException as exc:
        log.info("push service unreachable (%s): will retry", type(exc).__name__)
        return None, None


def _retryable(status: int | None) -> bool:
    return status is None or status == 429 or status >= 500


@job
def deliver(endpoint: str, user_id: int, message: dict) -> str:
    """Send `message` to the subscription at `endpoint` if it still belongs to `user_id`.

    The owner check matters on shared phones: a subscription re-registered by the next user
    must not receive what was queued for the previous one.
    """
    sub = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user_id
        )
    )
    if sub is None:
        return GONE
    sub_id, info, host = sub.id, sub.subscription_info(), urlsplit(endpoint).hostname
    db.session.rollback()  # no transaction stays open across the network calls and waits

    payload = message["payload"].encode()
    check_size(payload)
    attempts = current_app.config["PUSH_MAX_ATTEMPTS"]
    for attempt in range(1, attempts + 1):
        ttl = int(message["expires_at"] - time.time())
        if ttl <= 0:
            log.info("push %s to subscription %s expired before delivery", message["topic"], sub_id)
            return EXPIRED
        status, retry_after = _send_once(info, message, ttl)
        if status is not None and 200 <= status < 300:
            _record(sub_id, success=True)
            return SENT
        if status in (404, 410):
            db.session.execute(delete(PushSubscription).where(PushSubscription.id == sub_id))
            db.session.commit()
            log.info("push subscription %s on %s is gone (%s): deleted", sub_id, host, status)
            return PRUNED
        if not _retryable(status):
            _record(sub_id, success=False)
            log.warning("push to subscription %s on %s refused with %s", sub_id, host, status)
            return FAILED
        if attempt == attempts:
            break
        wait = retry_after_seconds(retry_after)
        if wait is not None and wait > current_app.config["PUSH_RETRY_MAX_SECONDS"]:
            log.warning("push service %s asks to wait %.0f s: giving up on this push", host, wait)
            break
        time.sleep(wait if wait is not None else _backoff(attempt))
    _record(sub_id, success=False)
    log.warning(
        "push to subscription %s on %s gave up after %s tries (last answer %s)", sub_id, host, attempt, status
    )
    return GAVE_UP


def _record(sub_id: int, *, success: bool) -> None:
    """Note the outcome on the subscription (if it still exists)."""
    values = (
        {"last_success_at": utcnow(), "failures": 0}
        if success
        else {"failures": PushSubscription.failures + 1}
    )
    db.session.execute(update(PushSubscription).where(PushSubscription.id == sub_id).values(**values))
    db.session.commit()
