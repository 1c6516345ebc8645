"""Load the sync over HTTP: many phones against gunicorn on PostgreSQL + Redis, with faults.

Run: .venv/bin/python bench/load_sync.py [--db postgresql://…] [--redis redis://…]
                                         [--phones 60] [--seconds 90] [--max-requests 30000]
                                         [--workers 2] [--threads 4] [--keep-alive]

Each run makes its own throwaway database (bench/sync_push.py's helper) and removes it after.
It seeds one street with a grid per phone (--households each), starts gunicorn as `make run`
does (2 workers × 4 threads), and then every phone, logged in once, pushes batches of 5–15
household visits the way the PWA's outbox does: an answer that never came (a timeout, a reset
connection, a 5xx) means the same batch again, until every item in it is answered. A phone
reaches gunicorn as the README's nginx does, a new connection per request (--keep-alive: one
connection held per phone, as without nginx). On top:
- 20 % of answers are thrown away by the phone, which then sends the batch again;
- 10 % of batches are sent twice at the same moment (a phone and its retry racing);
- every 10th batch the phone pulls a full snapshot (every page), as after a reinstall;
- a third of the way in, one gunicorn worker is SIGKILLed; two thirds in, the whole server
  (master and workers) is stopped and started again on the same port.
Bounded by --seconds and --max-requests: whichever comes first ends the run (a phone finishes
the batch in hand). Then the database is counted: every acknowledged item stored exactly once,
nothing stored that was never sent, no conflict rows. It prints items/s and p50/p95/p99 of the
push and of the full snapshot pull (by its size in pages), the CPU the server, PostgreSQL and
the phones used (Linux /proc), and, measured in the same job, the in-process rate of
100-item batches (bench/sync_push.py's path) with the ratio. Goals (issue 12 §7): HTTP items/s
≥ 50 % of the in-process rate, push p95 ≤ 1 s, snapshot pull p95 ≤ 1 s.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.sync_push import BATCH, DEFAULT_POSTGRES, database, push_all, visit  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from tests import gunicorn  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
PASSWORD = "bench-password-1"
DROP_ANSWER = 0.20
SEND_TWICE = 0.10
PULL_EVERY = 10  # batches
PULL_PAGE = 1000  # changes per pull page, as the PWA asks (pwa/src/outbox/engine.ts PULL_LIMIT)
GOALS = {"ratio": 0.50, "push_p95": 1.0, "pull_p95": 1.0}


def seed(url: str, workdir: Path, phones: int, households: int) -> list[tuple[str, int]]:
    """Migrate; one street, one community, a grid and a worker per phone; households per grid."""
    from flask_migrate import upgrade

    from server.auth import service as auth_service
    from server.demo import seed_households
    from server.forms.service import install_builtins
    from server.org.models import Community, Grid, Street

    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": workdir / "seed"})
    with app.app_context():
        upgrade()
        street = Street(name="压测街道", code="360103-901")
        community = Community(street=street, name="压测社区", code="360103-901-001")
        grids = [
            Grid(community=community, code=f"360103-901-001-{n:03d}", name=f"压测网格{n}")
            for n in range(phones)
        ]
        db.session.add_all([street, community, *grids])
        db.session.flush()
        logins = []
        for n, grid in enumerate(grids):
            username = f"load{n:03d}"
            auth_service.create_user(
                username=username,
                display_name=f"压测网格员{n}",
                password=PASSWORD,
                role="worker",
                grid_ids=[grid.id],
            )
            logins.append((username, grid.id))
        install_builtins()
        seed_households(households, grids=grids)
        db.session.commit()
        db.engine.dispose()
    return logins


class Stats:
    """What every phone saw, under one lock."""

    def __init__(self, max_requests: int):
        self.lock = threading.Lock()
        self.push_seconds: list[float] = []
        self.pull_seconds: list[float] = []
        self.pull_pages: list[int] = []
        self.pull_changes: list[int] = []
        self.sent: set[str] = set()
        self.acknowledged: set[str] = set()
        self.statuses: dict[str, int] = {}
        self.failures: dict[str, int] = {}
        self.requests = 0
        self.max_requests = max_requests

    def take_request(self) -> bool:
        with self.lock:
            self.requests += 1
            return self.requests <= self.max_requests

    def failure(self, what: str) -> None:
        with self.lock:
            self.failures[what] = self.failures.get(what, 0) + 1


# What "no answer" looks like to a phone: refused, reset, cut short, timed out, garbled.
NO_ANSWER = (OSError, http.client.HTTPException)


class Link:
    """One phone's way to the server, with the cookies its browser would keep.

    By default a new connection per request, as the README's nginx reaches gunicorn (nginx
    speaks HTTP/1.0 to its upstream and keeps no connection open unless told to): each request
    is taken by whichever worker accepts it. With keep_alive, one connection held for the whole
    run, as a phone talking to gunicorn directly (`make run`) does; a worker then serves the
    same phones until their connection breaks, and after the SIGKILL or the restart the
    reconnecting phones all land on the worker that was up first.

    The standard library's client, not httpx: the 60 phones share these two cores with the
    server, and httpx spent about 4x the CPU per request (263 vs 71 µs measured here); what a
    real phone spends on its own HTTP stack is no load on the server.
    """

    def __init__(self, port: int, keep_alive: bool = False):
        self.port, self.keep_alive = port, keep_alive
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, body bytes); raises one of NO_ANSWER when no whole answer came."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Accept-Encoding": "gzip", **(headers or {})}
        if not self.keep_alive:
            sent["Connection"] = "close"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            data = response.read()
        except NO_ANSWER:
            self.close()  # the next request opens a new connection, as a browser would
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        if response.will_close or not self.keep_alive:
            self.close()
        return response.status, data

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Phone(threading.Thread):
    def __init__(
        self,
        port: int,
        username: str,
        grid_id: int,
        stats: Stats,
        stop_at: float,
        seed: int,
        page: int,
        keep_alive: bool,
    ):
        super().__init__(daemon=True)
        self.page = page
        self.username, self.grid_id = username, grid_id
        self.stats, self.stop_at = stats, stop_at
        self.random = random.Random(seed)
        self.device = f"load-{username}"
        self.link = Link(port, keep_alive)
        # Two concurrent sends of one batch race on two connections, as a phone and its retry do.
        self.second_link = Link(port, keep_alive)
        self.headers: dict[str, str] = {}
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.login()
            batches = 0
            while time.monotonic() < self.stop_at and self.stats.take_request():
                items = [
                    visit(self.grid_id, self.random.randrange(10_000))
                    for _ in range(self.random.randint(5, 15))
                ]
                with self.stats.lock:
                    self.stats.sent.update(item["id"] for item in items)
                self.deliver(items)
                batches += 1
                if batches % PULL_EVERY == 0:
                    self.snapshot()
        except BaseException as error:  # reported by main
            self.error = error
        finally:
            self.link.close()
            self.second_link.close()

    def login(self) -> None:
        while True:
            login = {"username": self.username, "password": PASSWORD, "remember": True}
            try:
                status, data = self.link.request(
                    "POST", "/api/v1/auth/login", orjson.dumps(login), {"Content-Type": "application/json"}
                )
            except NO_ANSWER:
                time.sleep(0.5)
                continue
            if status == 200:
                self.headers = {
                    "X-CSRF-Token": orjson.loads(data)["csrf_token"],
                    "Content-Type": "application/json",
                }
                self.second_link.cookies = self.link.cookies  # one browser, one cookie jar
                return
            raise RuntimeError(f"{self.username} could not log in: {status} {data[:200]!r}")

    def post(self, body: bytes, link: Link | None = None) -> bytes | None:
        """One push; its answer, or None when none came (as the outbox sees a timeout or a reset)."""
        started = time.perf_counter()
        try:
            status, data = (link or self.link).request("POST", "/api/v1/sync/push", body, self.headers)
        except NO_ANSWER as error:
            self.stats.failure(type(error).__name__)
            return None
        if status != 200:
            self.stats.failure(f"HTTP {status}")
            return None
        with self.stats.lock:
            self.stats.push_seconds.append(time.perf_counter() - started)
        return data

    def deliver(self, items: list[dict]) -> None:
        """Send until every item is answered accepted or duplicate, as the outbox does."""
        # Encoded once, in C, as the answers are read: the phones share these two cores with the
        # server, and what their JSON costs here a real phone pays on its own CPU.
        body = orjson.dumps({"device_id": self.device, "items": items})
        roll = self.random.random()
        if roll < SEND_TWICE:
            with ThreadPoolExecutor(2) as pair:
                list(pair.map(self.post, [body, body], [self.link, self.second_link]))
        elif roll < SEND_TWICE + DROP_ANSWER:
            self.post(body)  # the answer is lost on the way back: the phone never reads it
        for attempt in range(1000):
            answer = self.post(body)
            if answer is not None:
                results = orjson.loads(answer)["results"]
                with self.stats.lock:
                    for result in results:
                        self.stats.statuses[result["status"]] = (
                            self.stats.statuses.get(result["status"], 0) + 1
                        )
                done = [r["id"] for r in results if r["status"] in ("accepted", "duplicate")]
                if len(done) == len(items):
                    with self.stats.lock:
                        self.stats.acknowledged.update(done)
                    return
                raise RuntimeError(f"unexpected answers: {results[:3]}")
            time.sleep(min(0.2 * (attempt + 1), 2))  # the server is restarting: back off a little
        raise RuntimeError("a batch was never answered")

    def snapshot(self) -> None:
        started = time.perf_counter()
        cursor = None
        pages = changes = 0
        while True:
            pages += 1
            query = {"limit": self.page} | ({"cursor": cursor} if cursor else {})
            try:
                status, data = self.link.request("GET", f"/api/v1/sync/pull?{urlencode(query)}")
            except NO_ANSWER as error:
                self.stats.failure(f"pull {type(error).__name__}")
                return  # the server went away mid-snapshot: not a timing of a pull
            if status != 200:
                self.stats.failure(f"pull HTTP {status}")
                return
            page = orjson.loads(data)
            changes += len(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        with self.stats.lock:
            self.stats.pull_seconds.append(time.perf_counter() - started)
            self.stats.pull_pages.append(pages)
            self.stats.pull_changes.append(changes)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


class CpuMeter(threading.Thread):
    """Who used the machine's cores during the run: gunicorn (master and workers, the killed and
    restarted ones too), PostgreSQL's processes, and this process (the phones).

    Read from /proc every half second; a process's CPU counts up to its last reading, so a
    SIGKILLed worker is lost for at most half a second of its life.
    """

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, server: dict):
        super().__init__(daemon=True)
        self.server = server
        self.stopped = threading.Event()
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.masters: set[int] = set()

    def read(self, initial: bool = False) -> None:
        # gunicorn runs in a session of its own (tests/gunicorn.py): its master's pid is the
        # session id of every worker it forks, before and after the restart.
        self.masters.add(self.server["process"].pid)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                stat = (entry / "stat").read_text()
                name = stat[stat.index("(") + 1 : stat.rindex(")")]
                fields = stat[stat.rindex(")") + 2 :].split()
            except (OSError, ValueError):
                continue  # gone between the listing and the read
            if int(fields[3]) in self.masters:
                who = "server (gunicorn)"
            elif name == "postgres":
                who = "PostgreSQL"
            elif pid == os.getpid():
                who = "phones (this process)"
            else:
                continue
            seconds = (int(fields[11]) + int(fields[12])) / self.TICK  # utime + stime
            # Counted from the first reading; a process started later, from its start.
            self.first.setdefault(pid, seconds if initial else 0.0)
            self.last[pid] = (who, seconds)

    @staticmethod
    def busy() -> float:
        """CPU seconds the whole machine has been busy (all of /proc/stat but idle and iowait)."""
        ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        return (sum(ticks) - ticks[3] - ticks[4]) / CpuMeter.TICK

    def run(self) -> None:
        self.started = time.monotonic()
        self.busy_at_start = self.busy()
        self.read(initial=True)
        while not self.stopped.wait(0.5):
            self.read()

    def shares(self) -> dict[str, float]:
        """Per kind of process, its CPU as a share of one core over the run (2 cores: 200 %)."""
        self.stopped.set()
        self.join()
        self.read()
        wall = time.monotonic() - self.started
        used: dict[str, float] = {"whole machine": self.busy() - self.busy_at_start}
        for pid, (who, seconds) in self.last.items():
            used[who] = used.get(who, 0.0) + seconds - self.first.get(pid, 0.0)
        return {who: value / wall for who, value in used.items()}


def chaos(server: dict, started: float, seconds: float, log: list[str]) -> None:
    """Kill a worker a third of the way in; restart the whole server two thirds in."""
    time.sleep(max(0.0, started + seconds / 3 - time.monotonic()))
    pids = worker_pids(server["process"].pid)
    if pids:
        os.kill(pids[0], signal.SIGKILL)
        log.append(f"{time.monotonic() - started:5.1f} s  SIGKILL gunicorn worker {pids[0]}")
    time.sleep(max(0.0, started + 2 * seconds / 3 - time.monotonic()))
    log.append(f"{time.monotonic() - started:5.1f} s  stopping the gunicorn master")
    gunicorn.stop(server["process"])
    server["process"] = gunicorn.start(
        server["port"],
        server["env"],
        server["log"],
        workers=server["workers"],
        threads=server["threads"],
        wait=60,
    )
    log.append(f"{time.monotonic() - started:5.1f} s  gunicorn serving again")


def count_database(url: str, workdir: Path, sent: set[str]) -> dict:
    from server.submissions.models import Submission
    from server.sync.models import SyncConflict

    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": workdir / "count"})
    with app.app_context():
        stored = [str(row) for row in db.session.scalars(select(Submission.id))]
        conflicts = db.session.scalar(select(func.count()).select_from(SyncConflict))
        db.session.remove()  # hands its connection back, so dispose() closes it
        db.engine.dispose()
    stored_set = set(stored)
    return {
        "stored": len(stored),
        "duplicated": len(stored) - len(stored_set),
        "never_sent": len(stored_set - sent),
        "conflicts": conflicts,
        "stored_set": stored_set,
    }


def in_process_rates(spec: str, items: int) -> tuple[float, float]:
    """bench/sync_push.py's path through the test client on its own database, best of two each:
    100-item batches (the goal's baseline) and 10-item batches (the phones' mean batch)."""
    from bench import sync_push

    with tempfile.TemporaryDirectory(prefix="gridwalk-bench-") as tmp, database(spec, Path(tmp)) as url:
        workdir = Path(tmp)
        app = create_app(
            "test",
            {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": workdir, "PHOTOS_DIR": workdir / "photos"},
        )
        grid_id = sync_push.setup(app)
        client = app.test_client()
        headers = sync_push.login(client)
        best = {BATCH: 0.0, 10: 0.0}
        sent = 0
        for _ in range(2):
            for batch in best:
                batch_items = [visit(grid_id, sent + i) for i in range(items)]
                sent += items
                seconds, statuses = push_all(client, headers, batch_items, batch)
                assert statuses == {"accepted": items}, statuses
                best[batch] = max(best[batch], items / seconds)
        with app.app_context():
            db.engine.dispose()
        return best[BATCH], best[10]


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a (too few)"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49] * 1000:6.0f} ms   p95 {cuts[94] * 1000:6.0f} ms   p99 {cuts[98] * 1000:6.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_POSTGRES, help="a postgresql:// server URL")
    parser.add_argument("--redis", default=DEFAULT_REDIS, help="a redis:// URL ('' for none)")
    parser.add_argument("--phones", type=int, default=60)
    parser.add_argument("--households", type=int, default=100, help="households in each phone's grid")
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--max-requests", type=int, default=30_000, help="push batches, all phones together")
    parser.add_argument("--page", type=int, default=PULL_PAGE, help="changes per pull page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (make run: 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (make run: 4)")
    parser.add_argument("--baseline-items", type=int, default=3_000)
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="each phone holds one connection to gunicorn (as without nginx) instead of one per request",
    )
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    with tempfile.TemporaryDirectory(prefix="gridwalk-load-") as tmp, database(args.db, Path(tmp)) as url:
        workdir = Path(tmp)
        logins = seed(url, workdir, args.phones, args.households)
        port = gunicorn.free_port()
        env = dict(
            os.environ,
            GRIDWALK_CONFIG="default",
            GRIDWALK_INSTANCE=str(workdir / "instance"),
            DATABASE_URL=url,
            SECRET_KEY=uuid.uuid4().hex * 2,  # the same after the restart: sessions survive it
            PUSH_QUEUE_NAME=f"load-{uuid.uuid4().hex[:10]}",
            PYTHONUNBUFFERED="1",
        )
        env.pop("REDIS_URL", None)
        if args.redis:
            env["REDIS_URL"] = args.redis
        log = workdir / "server.log"
        server = {"port": port, "env": env, "log": log, "workers": args.workers, "threads": args.threads}
        server["process"] = gunicorn.start(
            port, env, log, workers=args.workers, threads=args.threads, wait=60
        )
        stats = Stats(args.max_requests)
        events: list[str] = []
        try:
            started = time.monotonic()
            stop_at = started + args.seconds
            phones = [
                Phone(port, username, grid_id, stats, stop_at, n, args.page, args.keep_alive)
                for n, (username, grid_id) in enumerate(logins)
            ]
            meter = CpuMeter(server)
            meter.start()
            for phone in phones:
                phone.start()
            breaker = threading.Thread(
                target=chaos, args=(server, started, args.seconds, events), daemon=True
            )
            breaker.start()
            for phone in phones:
                phone.join()
            elapsed = time.monotonic() - started
            breaker.join(timeout=90)
            cpu = meter.shares()
        finally:
            gunicorn.stop(server["process"])
        errors = [f"{phone.username}: {phone.error!r}" for phone in phones if phone.error]
        counted = count_database(url, workdir, stats.sent)
        if args.redis:
            from redis import Redis
            from rq import Queue

            Queue(env["PUSH_QUEUE_NAME"], connection=Redis.from_url(args.redis)).delete(delete_jobs=True)

    lost = len(stats.acknowledged - counted["stored_set"])
    baseline, baseline_small = in_process_rates(args.db, args.baseline_items)
    rate = len(stats.acknowledged) / elapsed
    ratio = rate / baseline
    push_p95 = (
        statistics.quantiles(stats.push_seconds, n=100, method="inclusive")[94] if stats.push_seconds else 0
    )
    pull_p95 = (
        statistics.quantiles(stats.pull_seconds, n=100, method="inclusive")[94] if stats.pull_seconds else 0
    )

    print(
        f"\nPostgreSQL ({make_url(args.db).host}), Redis {'on' if args.redis else 'off'}: {args.phones} phones, "
    )
    print(f"  {args.households} households a grid, {elapsed:.1f} s, {stats.requests:,} batches taken")
    connections = "one held per phone (--keep-alive)" if args.keep_alive else "one per request, as nginx"
    print(f"  gunicorn {args.workers} workers x {args.threads} threads; connections: {connections}")
    for line in events:
        print(f"  chaos  {line}")
    print(f"  answers: {dict(sorted(stats.statuses.items()))}")
    print(f"  no answer (then sent again): {dict(sorted(stats.failures.items())) or 'none'}")
    print(
        f"  items sent {len(stats.sent):,}, acknowledged {len(stats.acknowledged):,}, stored {counted['stored']:,}; "
        f"lost {lost}, duplicated {counted['duplicated']}, stored but never sent {counted['never_sent']}, "
        f"conflicts {counted['conflicts']}"
    )
    print(f"  push  ({len(stats.push_seconds):,} answered requests)  {percentiles(stats.push_seconds)}")
    print(f"  pull  ({len(stats.pull_seconds):,} full snapshots)    {percentiles(stats.pull_seconds)}")
    if stats.pull_pages:
        # A phone's snapshot carries its last week of submissions, so it grows with what the
        # phone pushed in the run (thousands here; a worker sends a few hundred a week).
        print(
            f"        changes per snapshot: median {statistics.median(stats.pull_changes):,.0f}, "
            f"max {max(stats.pull_changes):,} (pages of {args.page})"
        )
        for pages in sorted(set(stats.pull_pages)):
            took = [t for t, n in zip(stats.pull_seconds, stats.pull_pages, strict=True) if n == pages]
            print(
                f"        {pages} page{'s' if pages > 1 else ' '}: {len(took):5,} snapshots  {percentiles(took)}"
            )
    shares = ", ".join(f"{who} {share:.0%}" for who, share in sorted(cpu.items(), key=lambda kv: -kv[1]))
    print(f"  CPU, as a share of one core ({os.cpu_count()} cores: {os.cpu_count()}00 %): {shares}")
    print(f"  HTTP items/s (acknowledged, whole run incl. the restart): {rate:8,.0f}")
    print(f"  in-process 100-item batches items/s (same job):          {baseline:8,.0f}")
    print(
        f"  in-process 10-item batches items/s (same job):           {baseline_small:8,.0f}"
        f"   (HTTP / this: {rate / baseline_small:.0%})"
    )
    verdict = [
        ("HTTP / in-process", f"{ratio:.0%}", ratio >= GOALS["ratio"], "≥ 50 %"),
        ("push p95", f"{push_p95:.2f} s", push_p95 <= GOALS["push_p95"], "≤ 1 s"),
        ("snapshot pull p95", f"{pull_p95:.2f} s", pull_p95 <= GOALS["pull_p95"], "≤ 1 s"),
    ]
    for name, value, ok, goal in verdict:
        print(f"  {name:<20} {value:>8}  (goal {goal})  {'ok' if ok else 'MISSED'}")
    correct = not errors and lost == 0 and counted["duplicated"] == 0 and counted["never_sent"] == 0
    correct = correct and counted["conflicts"] == 0 and stats.acknowledged == stats.sent
    if errors:
        print("  phone errors:", *errors[:5], sep="\n    ")
    print(f"  exactly once: {'ok' if correct else 'WRONG'}")
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
