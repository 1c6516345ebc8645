"""Web Push delivery against a real local push service: VAPID JWT, encryption, retries, pruning.

The receiver (tests/push_receiver.py) checks each VAPID JWT as a push service does and
answers 403 when it is wrong; the test decrypts the body with the browser side's keys.
Both queues run here: threads (no Redis) and RQ on a real Redis, processed by rq's SimpleWorker.
"""

from __future__ import annotations

import base64
import gc
import logging
import threading
import uuid
import weakref

import http_ece
import pytest
import redis
from cryptography.hazmat.primitives.asymmetric import ec
from pywebpush import webpush
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from server import create_app
from server.extensions import db
from server.push import sender, service
from server.push.models import PushSubscription
from server.push.queue import RedisQueue, ThreadQueue, push_queue
from server.push.vapid import vapid_keys
from tests import clock
from tests.factories import org_with_users
from tests.push_receiver import BrowserSubscription, PushReceiver, VapidError, verify_vapid

# The RQ test's Redis when the run has none (the SQLite pass): every dev and CI machine runs one.
LOCAL_REDIS = "redis://127.0.0.1:6379/15"
FAST_RETRIES = {"PUSH_RETRY_BASE_SECONDS": 0.01, "PUSH_RETRY_MAX_SECONDS": 5, "PUSH_MAX_ATTEMPTS": 4}


@pytest.fixture
def push_app(app, make_app):
    """An app on the test database whose pushes go through the thread pool (no Redis)."""
    threaded = make_app(REDIS_URL=None, **FAST_RETRIES)
    with threaded.app_context():
        yield threaded
        assert service.flush(10), "push threads still busy at the end of the test"
        db.session.remove()


@pytest.fixture
def org(push_app):
    return org_with_users()


@pytest.fixture
def receiver(push_app):
    with PushReceiver(public_key=vapid_keys().public_key) as running:
        yield running


def subscribe(user, browser: BrowserSubscription) -> PushSubscription:
    keys = browser.to_json()["keys"]
    sub, _ = service.subscribe(user, browser.endpoint, keys["p256dh"], keys["auth"], "Test/1.0")
    db.session.commit()
    return sub


def send_task(user_ids, task_id: str = "7f0c", **overrides) -> bool:
    args = {
        "kind": "task_assigned",
        "title": "新任务：关爱巡访 王秀英",
        "url": f"/tasks/{task_id}",
        "tag": f"task-{task_id}",
        "data": {"task_id": task_id},
    }
    args.update(overrides)
    return service.notify(user_ids, **args)


def check_push(push, receiver: PushReceiver, browser: BrowserSubscription) -> dict:
    """The checks a browser's push service and the browser itself make; returns the payload."""
    claims = verify_vapid(push.header("authorization"), vapid_keys().public_key, receiver.origin)
    assert claims["sub"] == "mailto:ops@example.invalid"
    assert push.header("content-encoding") == "aes128gcm"
    assert push.status == 201
    return browser.decrypt(push.body)


def test_push_arrives_signed_encrypted_with_ttl_urgency_and_topic(org, receiver):
    browser = BrowserSubscription(receiver.endpoint("phone"))
    sub = subscribe(org["worker"], browser)

    assert send_task([org["worker"].id], task_id="7f0c") is True
    assert service.flush(10)

    [push] = receiver.to("phone")
    payload = check_push(push, receiver, browser)
    assert payload == {
        "kind": "task_assigned",
        "title": "新任务：关爱巡访 王秀英",
        "url": "/tasks/7f0c",
        "tag": "task-7f0c",
        "data": {"task_id": "7f0c"},
    }
    assert 24 * 3600 - 60 <= int(push.header("ttl")) <= 24 * 3600
    assert push.header("urgency") == "normal"
    assert push.header("topic") == "task-7f0c"
    assert len(push.body) < 1024  # ids and a title: well inside the 1 KB budget
    db.session.refresh(sub)
    assert sub.last_success_at is not None and sub.failures == 0


def test_returned_submission_is_urgent_and_long_tags_become_a_valid_topic(org, receiver):
    browser = BrowserSubscription(receiver.endpoint("phone"))
    subscribe(org["worker"], browser)
    submission_id = str(uuid.uuid4())

    service.notify(
        [org["worker"].id],
        kind="submission_returned",
        title="上报被退回：楼道堆物",
        url=f"/submissions/{submission_id}",
        tag=f"submission-{submission_id}",
        data={"submission_id": submission_id},
    )
    assert service.flush(10)

    [push] = receiver.to("phone")
    assert push.header("urgency") == "high"
    assert 71 * 3600 < int(push.header("ttl")) <= 72 * 3600
    topic = push.header("topic")
    assert len(topic) <= 32 and all(c.isalnum() or c in "-_" for c in topic)
    assert topic == service.topic_for(f"submission-{submission_id}")  # stable per record
    assert check_push(push, receiver, browser)["tag"] == f"submission-{submission_id}"


def test_two_push_services_each_get_a_jwt_for_their_own_origin(org, push_app):
    """The fresh-claims trap: pywebpush writes `aud` into the claims dict it is given."""
    public_key = vapid_keys().public_key
    with PushReceiver(public_key) as fcm, PushReceiver(public_key) as mozilla:
        phone = BrowserSubscription(fcm.endpoint("phone"))
        laptop = BrowserSubscription(mozilla.endpoint("laptop"))
        subscribe(org["worker"], phone)
        subscribe(org["worker"], laptop)

        for task_id in ("a1", "b2"):
            send_task([org["worker"].id], task_id=task_id)
        assert service.flush(10)

        for receiver, browser, name in ((fcm, phone, "phone"), (mozilla, laptop, "laptop")):
            pushes = receiver.to(name)
            assert [p.status for p in pushes] == [201, 201], [p.vapid_error for p in pushes]
            assert sorted(check_push(p, receiver, browser)["url"] for p in pushes) == [
                "/tasks/a1",
                "/tasks/b2",
            ]


def test_the_receiver_catches_a_reused_claims_dict(org, push_app):
    """Guard for the test above: one dict reused across services does get a 403 here."""
    public_key = vapid_keys().public_key
    with PushReceiver(public_key) as first, PushReceiver(public_key) as second:
        claims = {"sub": "mailto:ops@example.invalid"}
        for receiver in (first, second):
            browser = BrowserSubscription(receiver.endpoint("x"))
            try:
                webpush(browser.to_json(), "{}", vapid_private_key=vapid_keys().signer, vapid_claims=claims)
            except Exception as exc:  # pywebpush raises on the 403
                assert "403" in str(exc)
        assert [p.status for p in first.pushes] == [201]
        assert [p.status for p in second.pushes] == [403]
        assert "aud" in second.pushes[0].vapid_error


def test_gone_subscriptions_are_deleted(org, receiver):
    kept, not_found, gone = (BrowserSubscription(receiver.endpoint(n)) for n in ("kept", "404", "410"))
    for browser in (kept, not_found, gone):
        subscribe(org["worker"], browser)
    receiver.answer("404", 404)
    receiver.answer("410", 410)

    send_task([org["worker"].id])
    assert service.flush(10)

    assert {p.path: p.status for p in receiver.pushes} == {
        "/push/kept": 201,
        "/push/404": 404,
        "/push/410": 410,
    }
    endpoints = db.session.scalars(select(PushSubscription.endpoint)).all()
    assert endpoints == [kept.endpoint]


def test_429_is_retried_after_the_time_the_service_asks(org, receiver):
    browser = BrowserSubscription(receiver.endpoint("busy"))
    sub = subscribe(org["worker"], browser)
    receiver.answer("busy", (429, {"Retry-After": "1"}))

    send_task([org["worker"].id])
    assert service.flush(10)

    first, second = receiver.to("busy")
    assert (first.status, second.status) == (429, 201)
    assert second.at - first.at >= 0.9  # Retry-After: 1 obeyed (the backoff here is 10 ms)
    assert check_push(second, receiver, browser)["url"] == "/tasks/7f0c"
    db.session.refresh(sub)
    assert sub.last_success_at is not None and sub.failures == 0


def test_5xx_is_retried_with_backoff_until_delivered(org, receiver):
    browser = BrowserSubscription(receiver.endpoint("flaky"))
    subscribe(org["worker"], browser)
    receiver.answer("flaky", 503, 500)

    send_task([org["worker"].id])
    assert service.flush(10)

    assert [p.status for p in receiver.to("flaky")] == [503, 500, 201]


def test_5xx_every_time_gives_up_after_a_few_tries_and_keeps_the_subscription(org, receiver, caplog):
    browser = BrowserSubscription(receiver.endpoint("down"))
    sub = subscribe(org["worker"], browser)
    receiver.answer("down", *[500] * 10)

    with caplog.at_level(logging.WARNING, logger="server.push.sender"):
        send_task([org["worker"].id])
        assert service.flush(10)

    assert [p.status for p in receiver.to("down")] == [500] * FAST_RETRIES["PUSH_MAX_ATTEMPTS"]
    assert "gave up after 4 tries" in caplog.text
    db.session.refresh(sub)
    assert sub.failures == 1 and sub.last_success_at is None


def test_a_retry_after_longer_than_the_cap_gives_up_at_once(org, receiver, caplog):
    subscribe(org["worker"], BrowserSubscription(receiver.endpoint("slow")))
    receiver.answer("slow", (429, {"Retry-After": "3600"}))

    with caplog.at_level(logging.WARNING, logger="server.push.sender"):
        send_task([org["worker"].id])
        assert service.flush(10)

    assert [p.status for p in receiver.to("slow")] == [429]
    assert "asks to wait 3600 s" in caplog.text


def test_other_4xx_is_counted_not_retried(org, receiver):
    sub = subscribe(org["worker"], BrowserSubscription(receiver.endpoint("bad")))
    receiver.answer("bad", 400)

    send_task([org["worker"].id])
    assert service.flush(10)

    assert [p.status for p in receiver.to("bad")] == [400]
    db.session.refresh(sub)
    assert sub.failures == 1


def test_unreachable_push_service_is_retried_then_given_up(org, push_app):
    with PushReceiver() as closed:
        endpoint = closed.endpoint("nobody")  # the port is free once the receiver stops
    sub = subscribe(org["worker"], BrowserSubscription(endpoint))

    send_task([org["worker"].id])
    assert service.flush(10)

    db.session.refresh(sub)
    assert sub.failures == 1


def test_payload_over_4kb_encrypted_is_refused_before_sending(org, receiver):
    subscribe(org["worker"], BrowserSubscription(receiver.endpoint("phone")))

    with pytest.raises(service.PushPayloadTooLarge, match="4096"):
        send_task([org["worker"].id], data={"note": "楼道堆物" * 400})
    assert service.flush(10)

    assert receiver.pushes == []
    queue = push_queue()
    assert isinstance(queue, ThreadQueue) and queue._threads == []  # nothing was ever queued


def test_the_4kb_limit_is_the_real_encrypted_size():
    """sender.encrypted_size matches what http_ece makes, at the limit and one byte over."""
    browser = BrowserSubscription("https://push.example.com/x")
    server_key = ec.generate_private_key(ec.SECP256R1())
    receiver_key = base64.urlsafe_b64decode(browser.p256dh + "=")
    for size in (10, 3993, 3994):
        body = http_ece.encrypt(
            b"x" * size,
            private_key=server_key,
            dh=receiver_key,
            auth_secret=browser.auth_secret,
            version="aes128gcm",
        )
        assert sender.encrypted_size(b"x" * size) == len(body)
    sender.check_size(b"x" * 3993)  # exactly 4096 on the wire: allowed
    with pytest.raises(sender.PushPayloadTooLarge):
        sender.check_size(b"x" * 3994)


@pytest.mark.parametrize(
    "overrides, match",
    [
        ({"kind": "gossip"}, "unknown push kind"),
        ({"title": "  "}, "needs a title"),
        ({"url": "https://evil.example/phish"}, "path inside the app"),
        ({"url": "//evil.example/phish"}, "path inside the app"),
        ({"tag": ""}, "tag"),
        ({"data": ["not", "a", "dict"]}, "dict"),
    ],
)
def test_notify_refuses_bad_arguments(org, receiver, overrides, match):
    subscribe(org["worker"], BrowserSubscription(receiver.endpoint("phone")))
    with pytest.raises(ValueError, match=match):
        send_task([org["worker"].id], **overrides)


def test_long_titles_are_shortened_not_refused(org, receiver):
    browser = BrowserSubscription(receiver.endpoint("phone"))
    subscribe(org["worker"], browser)

    send_task([org["worker"].id], title="新任务：" + "幸福小区" * 30)
    assert service.flush(10)

    title = check_push(receiver.pushes[0], receiver, browser)["title"]
    assert len(title) == service.TITLE_MAX_CHARS and title.endswith("…")


def test_nothing_is_queued_for_users_without_subscriptions(org, receiver):
    assert send_task([org["worker"].id, org["supervisor"].id]) is False
    assert send_task([]) is False
    assert push_queue()._threads == []


def test_notify_returns_before_the_push_service_answers(org, receiver):
    """Off the request path: the caller is back while the push is still in flight."""
    subscribe(org["worker"], BrowserSubscription(receiver.endpoint("phone")))
    receiver.hold.clear()  # the push service takes as long as the test likes

    assert send_task([org["worker"].id]) is True
    assert receiver.pushes == []  # notify() returned; the push has not been answered yet

    receiver.hold.set()
    assert service.flush(10)
    assert [p.status for p in receiver.pushes] == [201]


def test_each_user_gets_only_their_own_pushes_and_inactive_users_none(org, receiver):
    mine = BrowserSubscription(receiver.endpoint("mine"))
    theirs = BrowserSubscription(receiver.endpoint("theirs"))
    retired = BrowserSubscription(receiver.endpoint("retired"))
    subscribe(org["worker"], mine)
    subscribe(org["worker_other"], theirs)
    subscribe(org["handler"], retired)
    org["handler"].active = False
    db.session.commit()

    send_task([org["worker"].id, org["handler"].id])
    assert service.flush(10)

    assert [p.path for p in receiver.pushes] == ["/push/mine"]


def test_a_queued_push_does_not_follow_the_endpoint_to_the_next_user(org, receiver):
    """Shared phone: the next user subscribes the same browser before the push goes out."""
    browser = BrowserSubscription(receiver.endpoint("shared"))
    subscribe(org["worker"], browser)
    message = service.build_message(kind="task_assigned", title="新任务", url="/tasks/1", tag="task-1")
    subscribe(org["worker_other"], browser)  # same endpoint, now the other worker's

    assert sender.deliver(browser.endpoint, org["worker"].id, message) == sender.GONE
    assert sender.deliver(browser.endpoint, org["worker_other"].id, message) == sender.SENT
    assert len(receiver.pushes) == 1


def test_a_push_past_its_ttl_is_dropped(org, receiver):
    browser = BrowserSubscription(receiver.endpoint("late"))
    subscribe(org["worker"], browser)
    message = service.build_message(kind="deadline_near", title="即将到期", url="/tasks/1", tag="task-1")
    message["expires_at"] = clock.now().timestamp() - 1

    assert sender.deliver(browser.endpoint, org["worker"].id, message) == sender.EXPIRED
    assert receiver.pushes == []


# ---- the RQ path on a real Redis --------------------------------------------------------


@pytest.fixture
def redis_for_rq(redis_url) -> str:
    """The run's Redis, else the local one; never skipped: Redis runs on every dev and CI machine."""
    url = redis_url or LOCAL_REDIS
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"the RQ push test needs Redis at {url} (start redis-server): {exc}")
    return url


def test_rq_path_delivers_through_redis(app, make_app, redis_for_rq):
    queue_name = f"gridwalk-test-push-{uuid.uuid4().hex[:8]}"
    rq_app = make_app(REDIS_URL=redis_for_rq, PUSH_QUEUE_NAME=queue_name, **FAST_RETRIES)
    connection = redis.Redis.from_url(redis_for_rq)
    try:
        with rq_app.app_context():
            org = org_with_users()
            with PushReceiver(vapid_keys().public_key) as receiver:
                phone = BrowserSubscription(receiver.endpoint("phone"))
                desk = BrowserSubscription(receiver.endpoint("desk"))
                gone = BrowserSubscription(receiver.endpoint("gone"))
                subscribe(org["worker"], phone)
                subscribe(org["supervisor"], desk)
                subscribe(org["supervisor"], gone)
                receiver.answer("gone", 410)

                queue = push_queue()
                assert isinstance(queue, RedisQueue)
                assert service.notify(
                    [org["worker"].id, org["supervisor"].id],
                    kind="case_dispatched",
                    title="案件已派遣：占道经营",
                    url="/cases/42",
                    tag="case-42",
                    data={"case_id": 42},
                )
                assert queue.queue.count == 1  # one fan-out job; the request did nothing more
                assert receiver.pushes == []

                SimpleWorker([Queue(queue_name, connection=connection)], connection=connection).work(
                    burst=True
                )

                assert sorted((p.path, p.status) for p in receiver.pushes) == [
                    ("/push/desk", 201),
                    ("/push/gone", 410),
                    ("/push/phone", 201),
                ]
                for push, browser in ((receiver.to("phone")[0], phone), (receiver.to("desk")[0], desk)):
                    payload = check_push(push, receiver, browser)
                    assert payload["url"] == "/cases/42" and payload["data"] == {"case_id": 42}
                    assert push.header("urgency") == "high" and push.header("topic") == "case-42"
                assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 2
                assert queue.flush(5)
                assert queue.queue.count == 0 and queue.queue.failed_job_registry.count == 0
            db.session.remove()
    finally:
        Queue(queue_name, connection=connection).delete(delete_jobs=True)
        connection.close()


def test_verify_vapid_rejects_what_a_push_service_would(push_app):
    """The receiver's own checks: wrong key, forged signature, wrong audience, expired."""
    from py_vapid import Vapid

    keys = vapid_keys()
    claims = {
        "sub": "mailto:ops@example.invalid",
        "aud": "http://127.0.0.1:1",
        "exp": int(clock.now().timestamp()) + 60,
    }
    authorization = keys.signer.sign(dict(claims))["Authorization"]
    assert verify_vapid(authorization, keys.public_key, "http://127.0.0.1:1")["aud"] == "http://127.0.0.1:1"
    with pytest.raises(VapidError, match="aud"):
        verify_vapid(authorization, keys.public_key, "http://127.0.0.1:2")
    with pytest.raises(VapidError, match="exp"):
        verify_vapid(authorization, keys.public_key, "http://127.0.0.1:1", now=clock.now().timestamp() + 3600)
    with pytest.raises(VapidError, match="public key"):
        verify_vapid(authorization, BrowserSubscription("x").p256dh, "http://127.0.0.1:1")
    impostor = Vapid()
    impostor.generate_keys()
    forged = impostor.sign(dict(claims))["Authorization"].split(",k=")[0] + ",k=" + keys.public_key
    with pytest.raises(VapidError, match="signature"):
        verify_vapid(forged, keys.public_key, "http://127.0.0.1:1")


def test_an_app_nothing_uses_any_more_lets_its_push_threads_end(app_settings):
    """The push threads must not keep their app alive: a process that builds many apps (the
    tests, a script) would otherwise keep every one of them, and its threads, to the end."""
    other = create_app("test", dict(app_settings, REDIS_URL=None))
    queue = push_queue(other)
    ran = threading.Event()
    queue.enqueue(ran.set)
    assert ran.wait(5), "the queued job never ran"
    threads = list(queue._threads)
    assert len(threads) == other.config["PUSH_THREADS"] and all(t.is_alive() for t in threads)

    gone = weakref.ref(other)
    # The next app built takes over the module-level extensions (flask-smorest's Api keeps the
    # last app it was given), as the next test's app or a script's next one does.
    newer = create_app("test", dict(app_settings, REDIS_URL=None))
    del other
    gc.collect()
    assert gone() is None, "something still holds the app"
    for thread in threads:
        thread.join(5)
    assert not any(t.is_alive() for t in threads)
    assert newer.extensions.get("gridwalk.push_queue") is None  # its own, made on its first push
