"""Benchmark Web Push fan-out: 1,000 subscriptions through the queue vs one sequential sender.

Run: .venv/bin/python bench/push_fanout.py [--db sqlite|postgresql://…] [--redis URL]
                                           [--subscriptions 1000] [--workers 4] [--latency-ms 0,50]

A local push service (a threaded HTTP server that accepts and counts, optionally answering
after a delay like a distant one) receives every push. Per latency, three ways to deliver all:
  sequential  sender.deliver() for each subscription in one thread (the baseline)
  RQ          notify() in a request → fan-out job → a job per subscription, served by
              N `flask push-worker` processes on the real Redis (the production path)
  threads     the same without Redis: the in-process pool with N threads
Then the latency of a request whose view calls notify() (what a dispatch does) for 10 users
holding 10, 100 and 1,000 subscriptions, and for 10, 100 and 1,000 users of one subscription
each: it must not grow with the subscriptions (the request only queues one job).
Goal (issue 6): the queue with 4 workers well ahead of one sender; request latency flat.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sync_push import database  # noqa: E402

DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


class CountingPushService:
    """Answers 201 to every POST after `latency` seconds and counts them."""

    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.count = 0
        self._done = threading.Condition()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real push services speak

            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if service.latency:
                    time.sleep(service.latency)
                with service._done:
                    service.count += 1
                    service._done.notify_all()
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self, latency: float) -> None:
        self.latency = latency
        self.count = 0

    def wait_for(self, n: int, timeout: float) -> None:
        with self._done:
            if not self._done.wait_for(lambda: self.count >= n, timeout):
                raise RuntimeError(f"only {self.count} of {n} pushes arrived in {timeout:.0f} s")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def environment(database_url: str, redis_url: str, queue: str, instance: Path, vapid: str) -> dict:
    """Settings for the bench app and its worker processes alike (read when config is imported)."""
    return {
        "GRIDWALK_CONFIG": "default",
        "DATABASE_URL": database_url,
        "GRIDWALK_INSTANCE": str(instance),
        "REDIS_URL": redis_url,
        "PUSH_QUEUE_NAME": queue,
        "VAPID_PRIVATE_KEY": vapid,
        "PUSH_MAX_ATTEMPTS": "1",  # a bench answer is always 201: no retry ever happens
    }


def seed(db, subscriptions_per_user: list[tuple[int, int]], origin: str) -> dict[str, list[int]]:
    """Users with subscriptions on the local service: {label: [user ids]} per (users, subs each)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from sqlalchemy import insert

    from server.auth.models import User
    from server.push.models import PushSubscription
    from server.push.vapid import b64url
    from server.timeutil import utcnow

    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    p256dh, auth = b64url(point), b64url(os.urandom(16))
    groups: dict[str, list[int]] = {}
    for users, each in subscriptions_per_user:
        label = f"{users}x{each}"
        ids = []
        for n in range(users):
            user = User(
                username=f"b{label}-{n}",
                display_name="压测",
                role="worker",
                password_hash="!",
                created_at=utcnow(),
            )
            db.session.add(user)
            db.session.flush()
            ids.append(user.id)
        rows = [
            {
                "user_id": user_id,
                "endpoint": f"{origin}/push/{label}/{user_id}/{k}",
                "p256dh": p256dh,
                "auth": auth,
                "created_at": utcnow(),
                "failures": 0,
            }
            for user_id in ids
            for k in range(each)
        ]
        db.session.execute(insert(PushSubscription), rows)
        groups[label] = ids
    db.session.commit()
    return groups


def start_workers(n: int, env: dict, queue_name: str, connection) -> list[subprocess.Popen]:
    from rq import Worker

    flask = [sys.executable, "-m", "flask", "--app", "server", "push-worker"]
    procs = [
        subprocess.Popen(
            flask, cwd=ROOT, env=dict(os.environ, **env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        for _ in range(n)
    ]
    deadline = time.monotonic() + 60
    while len([w for w in Worker.all(connection=connection) if queue_name in w.queue_names()]) < n:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            errors = b"".join(p.stderr.read() for p in procs if p.poll() is not None)
            raise RuntimeError(f"push workers did not start:\n{errors.decode()[-2000:]}")
        time.sleep(0.1)
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)  # warm shutdown: finish the current job
    for proc in procs:
        proc.wait(timeout=60)


def timed_fanout(app, service, user_ids: list[int], expected: int, pushes: CountingPushService) -> float:
    """notify() everyone; seconds until the push service has every push."""
    start = time.perf_counter()
    with app.test_request_context():
        service.notify(
            user_ids, kind="task_assigned", title="新任务：压测", url="/tasks/bench", tag="task-bench"
        )
    pushes.wait_for(expected, timeout=600)
    return time.perf_counter() - start


def sequential(app, endpoints: list[tuple[str, int]], pushes: CountingPushService) -> float:
    from server.push import sender, service

    message = service.build_message(
        kind="task_assigned", title="新任务：压测", url="/tasks/bench", tag="task-bench"
    )
    start = time.perf_counter()
    with app.app_context():
        for endpoint, user_id in endpoints:
            assert sender.deliver(endpoint, user_id, message) == sender.SENT
    pushes.wait_for(len(endpoints), timeout=60)
    return time.perf_counter() - start


def request_latency(app, groups: dict[str, list[int]], repeat: int, drain) -> dict[str, tuple[float, float]]:
    """Median and p95 (ms) of POST /bench/dispatch, whose view calls notify() for one group."""
    from server.push import service

    def dispatch(label: str):
        service.notify(
            groups[label], kind="case_dispatched", title="案件已派遣：压测", url="/cases/1", tag="case-1"
        )
        return {"ok": True}

    if "bench_dispatch" not in app.view_functions:
        app.add_url_rule("/bench/dispatch/<label>", "bench_dispatch", dispatch, methods=["POST"])
    client = app.test_client()
    results = {}
    for label in groups:
        client.post(f"/bench/dispatch/{label}")  # warm up
        drain()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.post(f"/bench/dispatch/{label}")
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.get_data(as_text=True)
            drain()
        times.sort()
        results[label] = (statistics.median(times), times[int(len(times) * 0.95) - 1])
    return results


def run(args) -> None:
    import base64

    import redis
    from cryptography.hazmat.primitives.asymmetric import ec

    workdir = Path(tempfile.mkdtemp(prefix="gridwalk-push-bench-"))
    # Made here, not with server.push.vapid: config reads the environment when first imported.
    private_value = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    vapid = base64.urlsafe_b64encode(private_value.to_bytes(32, "big")).rstrip(b"=").decode()

    queue_name = f"gridwalk-bench-push-{uuid.uuid4().hex[:8]}"
    pushes = CountingPushService()
    connection = redis.Redis.from_url(args.redis)
    connection.ping()
    with database(args.db, workdir) as database_url:
        # Worker processes read these from the environment; this process already imported config
        # (via sync_push), so its apps get the same settings as overrides.
        env = environment(database_url, args.redis, queue_name, workdir, vapid)
        settings = {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": workdir,
            "REDIS_URL": args.redis,
            "PUSH_QUEUE_NAME": queue_name,
            "VAPID_PRIVATE_KEY": vapid,
            "PUSH_MAX_ATTEMPTS": 1,
        }
        from flask_migrate import upgrade
        from rq import Queue

        from server import create_app
        from server.extensions import db
        from server.push import service
        from server.push.queue import ThreadQueue

        rq_app = create_app("default", settings)
        thread_app = create_app("default", dict(settings, REDIS_URL=None, PUSH_THREADS=args.workers))
        assert rq_app.config["SQLALCHEMY_DATABASE_URI"] == database_url  # never the dev database
        n = args.subscriptions
        with rq_app.app_context():
            upgrade()
            groups = seed(db, [(n, 1), (10, 1), (10, 10), (10, 100), (100, 1)], pushes.origin)
            from sqlalchemy import select

            from server.push.models import PushSubscription

            fanout_ids = groups[f"{n}x1"]
            endpoints = db.session.execute(
                select(PushSubscription.endpoint, PushSubscription.user_id).where(
                    PushSubscription.user_id.in_(fanout_ids)
                )
            ).all()
        queue = Queue(queue_name, connection=connection)

        rows = []
        failed_jobs = 0
        try:
            for latency_ms in args.latency:
                latency = latency_ms / 1000
                pushes.reset(latency)
                seq = sequential(rq_app, endpoints, pushes)

                procs = start_workers(args.workers, env, queue_name, connection)
                try:
                    pushes.reset(latency)
                    with rq_app.app_context():
                        rq_time = timed_fanout(rq_app, service, fanout_ids, n, pushes)
                        assert service.flush(60), "RQ jobs still running"
                finally:
                    stop_workers(procs)
                failed_jobs += queue.failed_job_registry.count

                pushes.reset(latency)
                with thread_app.app_context():
                    thread_time = timed_fanout(thread_app, service, fanout_ids, n, pushes)
                    assert service.flush(60)
                rows.append((latency_ms, seq, rq_time, thread_time))

            # Request latency: nobody serves the RQ queue meanwhile (jobs pile up and are deleted
            # after); the thread pool is drained between requests, so each one starts idle.
            pushes.reset(0)
            labels = {f"10 users × {each}": groups[f"10x{each}"] for each in (1, 10, 100)} | {
                "100 users × 1": groups["100x1"],
                f"{n} users × 1": groups[f"{n}x1"],
            }
            with rq_app.app_context():
                rq_latency = request_latency(rq_app, labels, args.repeat, drain=lambda: queue.empty())
            with thread_app.app_context():
                pool = service.push_queue()
                assert isinstance(pool, ThreadQueue)
                thread_latency = request_latency(
                    thread_app, labels, args.repeat, drain=lambda: pool.flush(120)
                )
        finally:
            queue.delete(delete_jobs=True)
            pushes.close()
            for app in (rq_app, thread_app):
                with app.app_context():
                    db.engine.dispose()

    engine = "SQLite" if args.db == "sqlite" else "PostgreSQL"
    cores = os.cpu_count()
    print(f"\nPush fan-out: {n} subscriptions, local push service, {engine}, Redis queue, {cores} cores")
    print(
        f"{'service latency':>16} | {'sequential':>11} | {'RQ ' + str(args.workers) + ' workers':>13} | {'ratio':>6} "
        f"| {str(args.workers) + ' threads':>10} | {'ratio':>6}"
    )
    for latency_ms, seq, rq_time, thread_time in rows:
        print(
            f"{latency_ms:>13} ms | {seq:>9.2f} s | {rq_time:>11.2f} s | {seq / rq_time:>5.1f}× "
            f"| {thread_time:>8.2f} s | {seq / thread_time:>5.1f}×"
        )
    print(f"  RQ jobs failed: {failed_jobs} (a push sent but its bookkeeping lost would count here)")
    for latency_ms, seq, rq_time, thread_time in rows:
        print(
            f"  {latency_ms} ms: {n / seq:.0f} pushes/s sequential, {n / rq_time:.0f}/s RQ, {n / thread_time:.0f}/s threads"
        )
    print(
        f"\nRequest that calls notify() (median / p95 of {args.repeat}, ms): queues one job, whatever the fan-out"
    )
    print(f"{'recipients':>20} | {'subscriptions':>13} | {'RQ':>15} | {'threads':>15}")
    for label in labels:
        users, each = label.split(" users × ")
        subs = int(users) * int(each)
        rq_med, rq_p95 = rq_latency[label]
        th_med, th_p95 = thread_latency[label]
        print(f"{label:>20} | {subs:>13} | {rq_med:>6.2f} / {rq_p95:>6.2f} | {th_med:>6.2f} / {th_p95:>6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite (default) or a postgresql:// server URL")
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--latency-ms",
        dest="latency",
        type=lambda text: [int(x) for x in text.split(",")],
        default=[0, 50],
        help="push service answer delays to run, comma-separated (default 0,50)",
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
