"""Benchmark the incremental pull as the change feed grows: a phone that is up to date asks again.

Run: .venv/bin/python bench/pull_feed.py [--db postgresql://…] [--sizes 10000,100000,300000]

PostgreSQL only (SQLite reads its feed by seq, one index). Makes its own throwaway database and
removes it after. The feed is filled with other workers' changes, 100 to a commit as their pushes
write them; between sizes the phone pulls to the head, then its next pull (nothing new) and a
pull after one new change of its own are timed, median of 30 each, through the test client.
Every phone syncs this way all day, so the time must stay that of the new changes, not of the
feed: the printed ratio is against the smallest feed, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from bench.sync_push import DEFAULT_POSTGRES, database, login, setup, visit  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402

PER_COMMIT = 100
REPEATS = 30


def grow(app, rows: int, first: int, analyze: bool) -> None:
    """Other workers' changes (60 user ids nobody logs in as), PER_COMMIT to a sealed commit.

    Without analyze the planner sees the statistics autovacuum has left (on a feed this young,
    often none): as on a fresh server, or in an hour that wrote faster than autovacuum samples.
    """
    from server.sync.changes import change_row, seal
    from server.sync.models import SyncChange

    with app.app_context():
        engine = db.engine
        for start in range(first, first + rows, PER_COMMIT):
            with engine.begin() as conn:
                batch = [
                    change_row("submission", f"other-{n}", user_id=100_000 + n % 60)
                    for n in range(start, start + PER_COMMIT)
                ]
                conn.execute(insert(SyncChange.__table__), batch)
                seal(conn)
        if analyze:
            with engine.begin() as conn:
                conn.execute(text("ANALYZE sync_change, sync_commit"))


def head(client, cursor: str | None) -> str:
    while True:
        query = "?limit=1000" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/sync/pull{query}").get_json()
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor


def timed(client, cursor: str) -> tuple[float, int]:
    started = time.perf_counter()
    page = client.get(f"/api/v1/sync/pull?limit=1000&cursor={cursor}").get_json()
    return time.perf_counter() - started, len(page["changes"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_POSTGRES, help="a postgresql:// server URL")
    parser.add_argument("--sizes", default="10000,100000,300000", help="feed sizes, comma-separated")
    parser.add_argument("--analyze", action="store_true", help="ANALYZE the feed after each growth")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="gridwalk-bench-") as tmp, database(args.db, Path(tmp)) as url:
        workdir = Path(tmp)
        app = create_app(
            "test",
            {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": workdir, "PHOTOS_DIR": workdir / "photos"},
        )
        grid_id = setup(app)
        client = app.test_client()
        headers = login(client)
        cursor = None
        filled = 0
        results = []
        for size in sizes:
            grow(app, size - filled, filled, args.analyze)
            filled = size
            cursor = head(client, cursor)
            idle, fresh = [], []
            for n in range(REPEATS):
                seconds, count = timed(client, cursor)
                assert count == 0, count
                idle.append(seconds)
                item = visit(grid_id, n)
                pushed = client.post(
                    "/api/v1/sync/push", json={"device_id": "bench", "items": [item]}, headers=headers
                )
                assert pushed.status_code == 200, pushed.get_json()
                seconds, count = timed(client, cursor)
                assert count >= 1, count
                fresh.append(seconds)
                cursor = head(client, cursor)
            results.append((size, statistics.median(idle), statistics.median(fresh)))
        with app.app_context():
            db.engine.dispose()
    base_idle, base_fresh = results[0][1], results[0][2]
    statistics_note = "analyzed" if args.analyze else "statistics as autovacuum left them"
    print(f"\nPostgreSQL, incremental pull of a phone at the head, median of {REPEATS} ({statistics_note}):")
    for size, idle, fresh in results:
        print(
            f"  feed {size:>9,} changes   nothing new {idle * 1000:6.1f} ms ({idle / base_idle:4.1f}×)"
            f"   one new {fresh * 1000:6.1f} ms ({fresh / base_fresh:4.1f}×)"
        )


if __name__ == "__main__":
    main()
