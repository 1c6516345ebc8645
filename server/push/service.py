"""Web Push for the rest of the app: `notify()` users, and keep their browsers' subscriptions.

A push only wakes the phone: it carries ids and a short zh-CN title, and the app fetches the
record itself by sync pull (which every task and case also arrives by, push or no push).

    from server.push.service import notify
    notify([worker.id], kind="task_assigned", title="新任务：关爱巡访 王秀英",
           url=f"/tasks/{task.id}", tag=f"task-{task.id}", data={"task_id": str(task.id)})
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from server.auth.models import User
from server.extensions import db
from server.push.message import WebPush
from server.push.models import PushSubscription
from server.push.queue import job, push_queue
from server.push.sender import PushPayloadTooLarge, check_size, deliver

__all__ = [
    "KINDS",
    "PushNotFound",
    "PushPayloadTooLarge",
    "WebPush",
    "flush",
    "notify",
    "send_all",
    "subscribe",
    "unsubscribe",
]

log = logging.getLogger(__name__)

HOUR = 3600


@dataclass(frozen=True)
class PushKind:
    """How long a push of this kind is worth delivering, and how hard to wake the phone."""

    ttl: int  # seconds the push service keeps it for an offline phone
    urgency: str  # RFC 8030: very-low | low | normal | high


# Something sent back to the worker or dispatched to act on is urgent; the rest can wait for
# the phone's next wake-up. A push past its TTL is dropped: the record still arrives by pull.
KINDS: dict[str, PushKind] = {
    "task_assigned": PushKind(ttl=24 * HOUR, urgency="normal"),
    "submission_returned": PushKind(ttl=72 * HOUR, urgency="high"),
    "case_returned": PushKind(ttl=72 * HOUR, urgency="high"),
    "case_dispatched": PushKind(ttl=24 * HOUR, urgency="high"),
    "deadline_near": PushKind(ttl=6 * HOUR, urgency="normal"),
}

TITLE_MAX_CHARS = 60
TAG_MAX_CHARS = 64
URL_MAX_CHARS = 300
# The design budget; only the 4 KB encrypted limit refuses a push.
PAYLOAD_BUDGET = 1024
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")


class PushNotFound(LookupError):
    """No subscription with that endpoint belongs to this user."""


def topic_for(tag: str) -> str:
    """The Topic header (RFC 8030: ≤ 32 base64url characters) for a notification tag.

    A newer push with the same topic replaces an undelivered older one at the push service,
    as the same tag replaces the shown notification on the phone: one per task or case.
    """
    if _TOPIC.fullmatch(tag):
        return tag
    digest = hashlib.sha256(tag.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


def build_message(*, kind: str, title: str, url: str, tag: str, data: dict | None = None) -> dict:
    """Check the arguments and make the queued message; raises ValueError (PushPayloadTooLarge)."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown push kind {kind!r}; one of {', '.join(KINDS)}")
    title = (title or "").strip()
    if not title:
        raise ValueError("a push needs a title")
    if len(title) > TITLE_MAX_CHARS:  # titles carry names and addresses: shorten, don't fail
        title = title[: TITLE_MAX_CHARS - 1] + "…"
    # The service worker opens this URL on a tap: only paths inside the app.
    if (
        not isinstance(url, str)
        or not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or len(url) > URL_MAX_CHARS
    ):
        raise ValueError(f"push url must be a path inside the app (like /tasks/…), not {url!r}")
    if not isinstance(tag, str) or not 0 < len(tag) <= TAG_MAX_CHARS:
        raise ValueError(f"push tag must be 1–{TAG_MAX_CHARS} characters")
    if data is not None and not isinstance(data, dict):
        raise ValueError("push data must be a dict of ids")
    body = {"kind": kind, "title": title, "url": url, "tag": tag}
    if data:
        body["data"] = data
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    raw = payload.encode()
    check_size(raw)
    if len(raw) > PAYLOAD_BUDGET:
        log.warning("push %s payload is %d bytes (budget %d): send ids only", kind, len(raw), PAYLOAD_BUDGET)
    return {
        "payload": payload,
        "urgency": spec.urgency,
        "topic": topic_for(tag),
        "ttl": spec.ttl,
        "expires_at": time.time() + spec.ttl,
    }


def notify(
    user_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    url: str,
    tag: str,
    data: dict | None = None,
) -> bool:
    """Queue a push to every browser these users subscribed; returns at once.

    kind: one of KINDS (sets TTL and urgency); title: short zh-CN text; url: the app path a tap
    opens; tag: one per task or case (a newer push replaces the older one, and becomes the
    Topic header); data: ids only. Call it after the commit that makes the record visible.

    Bad arguments and a payload over 4 KB encrypted raise ValueError before anything is
    queued. Delivery failures never reach the caller: returns True when something was queued,
    False when none of the users has a subscription (or the queue could not be reached).
    """
    message = build_message(kind=kind, title=title, url=url, tag=tag, data=data)
    ids = sorted({int(user_id) for user_id in user_ids})
    if not ids:
        return False
    # Most phones here have no push service at all: queue nothing for nobody.
    any_subscription = db.session.scalar(
        select(PushSubscription.id).where(PushSubscription.user_id.in_(ids)).limit(1)
    )
    if any_subscription is None:
        return False
    try:
        push_queue().enqueue(fan_out, ids, message, ttl=message["ttl"])
    except Exception:  # the record is saved and arrives by pull: a push is never worth a 500
        log.exception("push %s for %d users not queued", kind, len(ids))
        return False
    return True


def send_all(pushes: Iterable[WebPush]) -> None:
    """After the caller's commit: wake the phones. Delivery failures never reach the caller."""
    for push in pushes:
        if not push.user_ids:
            continue
        try:
            notify(
                push.user_ids, kind=push.kind, title=push.title, url=push.url, tag=push.tag, data=push.data
            )
        except ValueError:
            # The record is committed and reaches the phones by pull; a message that cannot be
            # built (too long once encrypted) must not turn the saved action into a 500.
            log.exception("push %s not sent", push.kind)


@job
def fan_out(user_ids: list[int], message: dict) -> int:
    """Queue one delivery per subscription of these users (runs in the worker, not the request)."""
    targets: list[tuple[str, int]] = []
    for start in range(0, len(user_ids), 500):
        chunk = user_ids[start : start + 500]
        rows = db.session.execute(
            select(PushSubscription.endpoint, PushSubscription.user_id)
            .join(User, User.id == PushSubscription.user_id)
            .where(PushSubscription.user_id.in_(chunk), User.active.is_(True))
        )
        targets.extend((endpoint, user_id) for endpoint, user_id in rows)
    db.session.rollback()
    remaining = int(message["expires_at"] - time.time())
    if remaining <= 0:
        return 0
    return push_queue().enqueue_many(
        ((deliver, (endpoint, user_id, message)) for endpoint, user_id in targets), ttl=remaining
    )


def flush(timeout: float = 10.0) -> bool:
    """Wait until the push work queued so far is done (tests, CLI); False on timeout.

    Threads: this process's pool. RQ: the queue empty and no job running in any worker.
    """
    return push_queue().flush(timeout)


def subscribe(user: User, endpoint: str, p256dh: str, auth: str, user_agent: str | None):
    """Store this browser's subscription for `user` (upsert by endpoint); returns (sub, created).

    An endpoint already stored moves to `user`: it is the browser, and whoever logs in on it
    now is who it should wake. The caller commits.
    """
    sub = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    created = sub is None
    if created:
        sub = PushSubscription(endpoint=endpoint, user_id=user.id, failures=0)
        db.session.add(sub)
    sub.user_id = user.id
    sub.p256dh = p256dh
    sub.auth = auth
    sub.user_agent = (user_agent or "")[:300] or None
    sub.failures = 0
    db.session.flush()
    _drop_oldest(user.id, keep=current_app.config["PUSH_MAX_SUBSCRIPTIONS_PER_USER"], spare=sub.id)
    return sub, created


def _drop_oldest(user_id: int, keep: int, spare: int) -> None:
    """Keep a user's `keep` most recently working subscriptions (browsers cleared, phones lost)."""
    last_used = func.coalesce(PushSubscription.last_success_at, PushSubscription.created_at)
    ids = db.session.scalars(
        select(PushSubscription.id)
        .where(PushSubscription.user_id == user_id, PushSubscription.id != spare)
        .order_by(last_used.desc(), PushSubscription.id.desc())
    ).all()
    for stale_id in ids[max(keep - 1, 0) :]:
        db.session.delete(db.session.get(PushSubscription, stale_id))


def unsubscribe(user: User, endpoint: str) -> None:
    """Delete the user's own subscription at `endpoint`; PushNotFound for anyone else's."""
    sub = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )
    if sub is None:
        raise PushNotFound(endpoint)
    db.session.delete(sub)
