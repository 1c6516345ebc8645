"""Benchmark the full pull snapshot of a worker with one grid of 500 households / ~1,300 residents.

Run: .venv/bin/python bench/pull_snapshot.py [--db sqlite|postgresql://…] [--households 500]
Without --db it runs SQLite, then PostgreSQL at postgresql://postgres@127.0.0.1:5432/postgres;
each run makes its own throwaway database (bench/sync_push.py's helper) and removes it after.
Other grids get their own households too, so the worker's queries have something to skip.
Goals (issue 4): the whole snapshot, every page, in ≤ 250 ms of server time and ≤ 150 KB gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import make_url  # noqa: E402

from bench.sync_push import DEFAULT_POSTGRES, database  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402

PASSWORD = "bench-password-1"
GOAL_MS = 250
GOAL_KB = 150
PAGE_LIMITS = (500, 1000)  # the PWA asks for 500 a page; 1000 is the server's cap


def setup(app, households: int, other_grids: int) -> dict:
    """Migrate; a street with the worker's grid and other grids; fictional households in each."""
    from flask_migrate import upgrade

    from server.auth import service as auth_service
    from server.demo import seed_households
    from server.forms.service import install_builtins
    from server.org.models import Community, Grid, Street
    from server.register.models import Household, Resident

    with app.app_context():
        upgrade()
        street = Street(name="基准街道", code="360103-900")
        community = Community(street=street, name="基准社区", code="360103-900-001")
        grids = [
            Grid(community=community, code=f"360103-900-001-{n:03d}", name=f"基准网格{n}")
            for n in range(1, other_grids + 2)
        ]
        db.session.add_all([street, community, *grids])
        db.session.flush()
        auth_service.create_user(
            username="bench",
            display_name="基准网格员",
            password=PASSWORD,
            role="worker",
            grid_ids=[grids[0].id],
        )
        install_builtins()
        seed_households(households, grids=grids[:1])
        if other_grids:
            seed_households(400, grids=grids[1:])
        db.session.commit()
        mine = grids[0].id
        return {
            "households": db.session.query(Household).filter_by(grid_id=mine).count(),
            "residents": db.session.query(Resident).filter_by(grid_id=mine).count(),
            "all_residents": db.session.query(Resident).count(),
        }


def snapshot(client, limit: int) -> tuple[float, list[bytes], dict[str, int]]:
    """Pull every page of a fresh snapshot; returns seconds, the page bodies and changes per entity."""
    bodies: list[bytes] = []
    entities: dict[str, int] = {}
    cursor = None
    start = time.perf_counter()
    while True:
        query = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = client.get("/api/v1/sync/pull", query_string=query)
        if response.status_code != 200:
            raise SystemExit(f"pull answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
        body = response.get_data()
        bodies.append(body)
        page = json.loads(body)
        for change in page["changes"]:
            entities[change["entity"]] = entities.get(change["entity"], 0) + 1
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    return time.perf_counter() - start, bodies, entities


def run(spec: str, households: int, other_grids: int, repeats: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="gridwalk-bench-") as tmp, database(spec, Path(tmp)) as url:
        workdir = Path(tmp)
        app = create_app(
            "test",
            {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": workdir, "PHOTOS_DIR": workdir / "photos"},
        )
        counts = setup(app, households, other_grids)
        client = app.test_client()
        response = client.post("/api/v1/auth/login", json={"username": "bench", "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        results = {}
        for limit in PAGE_LIMITS:
            snapshot(client, limit)  # warm up: imports, caches, the database's own
            times = []
            for _ in range(repeats):
                seconds, bodies, entities = snapshot(client, limit)
                times.append(seconds)
            results[limit] = {
                "ms_median": statistics.median(times) * 1000,
                "ms_best": min(times) * 1000,
                "pages": len(bodies),
                "raw": sum(len(b) for b in bodies),
                # Each page is its own response: gzip them one by one, as a server would.
                "gzip6": sum(len(gzip.compress(b, 6)) for b in bodies),
                "gzip1": sum(len(gzip.compress(b, 1)) for b in bodies),
                "entities": entities,
            }
        with app.app_context():
            db.engine.dispose()
        return {"counts": counts, "results": results}


def report(name: str, outcome: dict) -> bool:
    counts = outcome["counts"]
    print(
        f"\n{name}: worker's grid {counts['households']:,} households / {counts['residents']:,} residents "
        f"({counts['all_residents']:,} residents in the database)"
    )
    print(
        f"  {'page size':>9} {'pages':>5} {'median ms':>10} {'best ms':>8} {'raw KB':>8} "
        f"{'gzip-6 KB':>10} {'gzip-1 KB':>10}"
    )
    ok = True
    for limit, r in outcome["results"].items():
        print(
            f"  {limit:>9} {r['pages']:>5} {r['ms_median']:>10.0f} {r['ms_best']:>8.0f} {r['raw'] / 1024:>8.0f} "
            f"{r['gzip6'] / 1024:>10.0f} {r['gzip1'] / 1024:>10.0f}"
        )
    default = outcome["results"][PAGE_LIMITS[0]]
    time_ok = default["ms_median"] <= GOAL_MS
    size_ok = default["gzip6"] / 1024 <= GOAL_KB
    print(f"  changes: {default['entities']}")
    print(
        f"  time (500/page, median): {default['ms_median']:.0f} ms  (goal ≤ {GOAL_MS} ms)  "
        f"{'ok' if time_ok else 'ABOVE GOAL'}"
    )
    print(
        f"  size (500/page, gzip -6): {default['gzip6'] / 1024:.0f} KB  (goal ≤ {GOAL_KB} KB)  "
        f"{'ok' if size_ok else 'ABOVE GOAL'}"
    )
    return ok and time_ok and size_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="sqlite or a postgresql:// server URL (repeatable)")
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument(
        "--other-grids", type=int, default=20, help="grids of 400 households beside the worker's"
    )
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    # Figures swing with whatever else the machine runs; say how busy it was.
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    ok = True
    for spec in args.db or ["sqlite", DEFAULT_POSTGRES]:
        name = "SQLite" if spec == "sqlite" else f"PostgreSQL ({make_url(spec).host})"
        ok = report(name, run(spec, args.households, args.other_grids, args.repeats)) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
