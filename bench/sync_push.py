"""Benchmark the sync push: batches vs one item per request vs raw Core executemany, then resends.

Run: .venv/bin/python bench/sync_push.py [--db sqlite|postgresql://…] [--items 10000]
Without --db it runs SQLite, then PostgreSQL at postgresql://postgres@127.0.0.1:5432/postgres;
each run makes its own throwaway database and removes it afterwards. Goals (issue 3): 100-item
batches ≥ 10× one item per request, and ≥ 25 % of the raw insert rate of the same rows
(a push writes two per visit: the submission and its change-feed entry; the submission table
alone is printed too).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, delete, event, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
BATCH = 100
ROUNDS = 3  # batch paths: best of this many
PASSWORD = "bench-password-1"


@contextmanager
def database(spec: str, workdir: Path) -> Iterator[str]:
    """A fresh database URL for one run: a SQLite file, or a new PostgreSQL database dropped after."""
    if spec == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    name = f"gridwalk_bench_{uuid.uuid4().hex[:8]}"
    server = make_url(spec).set(drivername="postgresql+psycopg")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def answers(n: int) -> dict:
    """Ten answers, varied a little per visit."""
    return {
        "visit_date": f"2026-11-{1 + n % 28:02d}",
        "anyone_home": True,
        "people_met": 1 + n % 5,
        "housing": ("owner_occupied", "rented", "group_rental")[n % 3],
        "special_groups": ["living_alone", "aged_80"][: n % 3],
        "needs": ["medical"],
        "needs_detail": f"第{n}户：需要上门测血压，下周复访",
        "hazards_seen": ["ebike"],
        "hazard_note": "楼道内给电动车充电，已当面提醒",
        "notes": "老人精神状态良好，子女每周探望",
    }


def visit(grid_id: int, n: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "kind": "household_visit",
        "template": {"key": "household_visit", "version": 1},
        "created_at": "2026-11-27T09:30:00.000+08:00",
        "payload": {"grid_id": grid_id, "household_id": None, "answers": answers(n)},
        "photos": [],
        "location": {"lat": 28.6829, "lng": 115.8582, "accuracy": 12.5},
    }


def setup(app) -> int:
    """Migrate, add a street with one grid and its worker, install the built-in templates."""
    from flask_migrate import upgrade

    from server.auth import service as auth_service
    from server.forms.service import install_builtins
    from server.org.models import Community, Grid, Street

    with app.app_context():
        upgrade()
        street = Street(name="基准街道", code="360103-900")
        community = Community(street=street, name="基准社区", code="360103-900-001")
        grid = Grid(community=community, code="360103-900-001-001", name="基准网格")
        db.session.add_all([street, community, grid])
        db.session.flush()
        auth_service.create_user(
            username="bench", display_name="基准网格员", password=PASSWORD, role="worker", grid_ids=[grid.id]
        )
        install_builtins()
        db.session.commit()
        return grid.id


def login(client) -> dict:
    response = client.post("/api/v1/auth/login", json={"username": "bench", "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return {"X-CSRF-Token": response.get_json()["csrf_token"], "Content-Type": "application/json"}


def push_all(client, headers: dict, items: list[dict], per_request: int) -> tuple[float, dict[str, int]]:
    """Push the items in requests of `per_request`; returns seconds and a count per status."""
    bodies = [
        json.dumps(
            {"device_id": "bench-phone", "items": items[i : i + per_request]}, ensure_ascii=False
        ).encode()
        for i in range(0, len(items), per_request)
    ]
    statuses: dict[str, int] = {}
    start = time.perf_counter()
    for body in bodies:
        response = client.post("/api/v1/sync/push", data=body, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"push answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
        for result in response.get_json()["results"]:
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    return time.perf_counter() - start, statuses


def raw_rows(app, grid_id: int, items: list[dict]) -> list[dict]:
    """The rows the push would insert for these items, made ready before the clock starts."""
    from server.sync.service import content_hash
    from server.timeutil import parse_time, utcnow

    with app.app_context():
        author = db.session.scalar(text("SELECT id FROM \"user\" WHERE username = 'bench'"))
    now = utcnow()
    return [
        {
            "id": uuid.UUID(item["id"]),
            "kind": item["kind"],
            "template_key": "household_visit",
            "template_version": 1,
            "answers": item["payload"]["answers"],
            "grid_id": grid_id,
            "household_id": None,
            "author_id": author,
            "device_id": "bench-phone",
            "location": item["location"],
            "created_at": parse_time(item["created_at"]),
            "received_at": now,
            "review_status": "received",
            "version": 1,
            "content_hash": content_hash(item),
        }
        for item in items
    ]


def raw_insert(app, rows: list[dict], per_transaction: int, with_feed: bool = False) -> float:
    """SQLAlchemy Core executemany of the rows, committing every `per_transaction` rows.

    with_feed also writes each row's sync_change entry, as the push does (the author's feed).
    """
    from server.submissions.models import Submission
    from server.sync.changes import change_row, seal
    from server.sync.models import SyncChange

    table = Submission.__table__
    with app.app_context():
        engine = db.engine
        start = time.perf_counter()
        for i in range(0, len(rows), per_transaction):
            chunk = rows[i : i + per_transaction]
            with engine.begin() as conn:
                conn.execute(insert(table), chunk)
                if with_feed:
                    feed = [change_row("submission", r["id"], user_id=r["author_id"]) for r in chunk]
                    conn.execute(insert(SyncChange.__table__), feed)
                    seal(conn)  # its feed position, as every commit that records changes takes
        return time.perf_counter() - start


def empty_submissions(app) -> None:
    from server.submissions.models import Submission
    from server.sync.models import SyncChange

    with app.app_context():
        db.session.execute(delete(SyncChange).where(SyncChange.entity == "submission"))
        db.session.execute(delete(Submission))
        db.session.commit()


def count_submissions(app) -> int:
    from server.submissions.models import Submission

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission))


def run(spec: str, n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="gridwalk-bench-") as tmp, database(spec, Path(tmp)) as url:
        workdir = Path(tmp)
        app = create_app(
            "test",
            {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": workdir, "PHOTOS_DIR": workdir / "photos"},
        )
        grid_id = setup(app)
        # As server/wsgi.py does after start-up in every gunicorn worker (both paths measured so).
        gc.freeze()
        client = app.test_client()
        headers = login(client)
        rate = {}

        singles = [visit(grid_id, i) for i in range(n)]
        seconds, statuses = push_all(client, headers, singles, 1)
        assert statuses == {"accepted": n}, statuses
        rate["single"] = n / seconds
        empty_submissions(app)

        # The batch paths and their baselines: best of ROUNDS each, alternating, on an emptied
        # table every time, so one hiccup of the machine does not decide a ratio.
        best = {"raw_batched": 0.0, "raw_one_tx": 0.0, "raw_with_feed": 0.0, "batch": 0.0}
        for _ in range(ROUNDS):
            for key, per_tx, feed in (
                ("raw_batched", BATCH, False),
                ("raw_one_tx", n, False),
                ("raw_with_feed", BATCH, True),
            ):
                rows = raw_rows(app, grid_id, [visit(grid_id, i) for i in range(n)])
                best[key] = max(best[key], n / raw_insert(app, rows, per_tx, with_feed=feed))
                empty_submissions(app)
            batch_items = [visit(grid_id, i) for i in range(n)]
            seconds, statuses = push_all(client, headers, batch_items, BATCH)
            assert statuses == {"accepted": n}, statuses
            best["batch"] = max(best["batch"], n / seconds)
            last_batch = batch_items
            if _ < ROUNDS - 1:
                empty_submissions(app)
        rate.update(best)

        # The last round's 10,000 stay: resend them all.
        batch_items = last_batch
        seconds, statuses = push_all(client, headers, batch_items, BATCH)
        rate["resend"] = n / seconds
        rate["resend_statuses"] = statuses
        rate["rows"] = count_submissions(app)

        # Round trips for one phone-sized batch, new and then sent again (COMMIT not counted).
        ten = [visit(grid_id, i) for i in range(10)]
        rate["statements"] = {}
        for key in ("new", "resent"):
            seen: list[str] = []

            def record(conn, cursor, statement, parameters, context, executemany, seen=seen) -> None:
                seen.append(statement.lstrip().split(None, 1)[0].upper())

            with app.app_context():
                event.listen(db.engine, "before_cursor_execute", record)
                try:
                    push_all(client, headers, ten, 10)
                finally:
                    event.remove(db.engine, "before_cursor_execute", record)
            rate["statements"][key] = seen
        with app.app_context():
            db.engine.dispose()
        return rate


def report(name: str, n: int, rate: dict) -> bool:
    rows = [
        ("push, 100 items per request", rate["batch"]),
        ("push, 1 item per request", rate["single"]),
        ("raw executemany, submission + feed row, 100/commit", rate["raw_with_feed"]),
        ("raw executemany, submission only, 100/commit", rate["raw_batched"]),
        ("raw executemany, submission only, 1 commit", rate["raw_one_tx"]),
        ("resend all (duplicate check), 100 per request", rate["resend"]),
    ]
    print(f"\n{name}: {n:,} household visits, 10 answers each (batch paths: best of {ROUNDS})")
    print(f"  {'path':<48} {'items/s':>10}")
    for label, value in rows:
        print(f"  {label:<48} {value:>10,.0f}")
    speedup = rate["batch"] / rate["single"]
    # The push writes two rows per visit: the submission and its entry in the author's change
    # feed (how the phone's pull learns of reviews). The goal's baseline is those same rows.
    share = rate["batch"] / rate["raw_with_feed"]
    share_table = rate["batch"] / rate["raw_batched"]
    share_one = rate["batch"] / rate["raw_one_tx"]
    ok_rows = rate["rows"] == n and rate["resend_statuses"] == {"duplicate": n}
    print(
        f"  batches / one per request:          {speedup:6.1f}×  (goal ≥ 10×)   {'ok' if speedup >= 10 else 'BELOW GOAL'}"
    )
    print(
        f"  batches / raw, the same rows:         {share:6.0%}  (goal ≥ 25 %) {'ok' if share >= 0.25 else 'BELOW GOAL'}"
    )
    print(f"  batches / raw, submission rows only:  {share_table:6.0%}  (for reference)")
    print(f"  batches / raw, submissions, 1 commit: {share_one:6.0%}  (for reference)")
    print(
        f"  after resend: {rate['resend_statuses']} and {rate['rows']:,} rows (expected {n:,}) {'ok' if ok_rows else 'WRONG'}"
    )
    for key, seen in rate["statements"].items():
        writes = sum(1 for verb in seen if verb in ("INSERT", "UPDATE", "DELETE", "WITH", "SAVEPOINT"))
        print(f"  statements for 10 visits, {key:<7} {len(seen):3d}  (writes and savepoints: {writes})")
    return ok_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="sqlite or a postgresql:// server URL (repeatable)")
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    # Figures swing with whatever else the machine runs; say how busy it was.
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    ok = True
    for spec in args.db or ["sqlite", DEFAULT_POSTGRES]:
        name = "SQLite" if spec == "sqlite" else f"PostgreSQL ({make_url(spec).host})"
        ok = report(name, args.items, run(spec, args.items)) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
