"""Benchmark the full pull snapshot of a worker with a year of history: the old 90-day rule against
open-and-recent submissions (issue 12 §6).

Run: .venv/bin/python bench/snapshot_size.py [--db sqlite|postgresql://…] [--submissions 5000]
Without --db it runs SQLite only; give --db postgresql://postgres@127.0.0.1:5432/postgres for
PostgreSQL (a throwaway database, removed after). One worker, one grid with its households, and
5,000 submissions over a year as a grid worker makes them: visits reviewed within two weeks (a
few returned or rejected), one in ten a hazard report whose case closes within a month. Both
rules run in the same process on the same data through the same reader: "before" swaps the
submission reader's snapshot_filter for the rule it used to have (made in the last 90 days).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.pull_snapshot import snapshot  # noqa: E402
from bench.sync_push import database  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.timeutil import utcnow  # noqa: E402

PASSWORD = "bench-password-1"
PAGE_LIMIT = 500  # what the PWA asks for
OLD_WINDOW = timedelta(days=90)
REVIEWED_WITHIN = timedelta(days=14)  # visits older than this have had their review
CASES_CLOSE_WITHIN = timedelta(days=30)


def setup(app, submissions: int, households: int) -> dict:
    """Migrate; a worker in one grid of `households`; `submissions` over the past year, bulk inserted."""
    from flask_migrate import upgrade

    from server.auth import service as auth_service
    from server.cases.models import Case
    from server.cases.service import case_row, open_cases
    from server.demo import seed_households
    from server.forms.service import install_builtins
    from server.org.models import Community, Grid, Street
    from server.submissions.models import Submission

    with app.app_context():
        upgrade()
        street = Street(name="基准街道", code="360103-900")
        community = Community(street=street, name="基准社区", code="360103-900-001")
        grid = Grid(community=community, code="360103-900-001-001", name="基准网格1")
        db.session.add_all([street, community, grid])
        db.session.flush()
        worker = auth_service.create_user(
            username="bench", display_name="基准网格员", password=PASSWORD, role="worker", grid_ids=[grid.id]
        )
        install_builtins()
        seed_households(households, grids=[grid])
        now = utcnow()
        rows, cases = [], []
        for n in range(submissions):
            age = timedelta(days=365) * n / submissions
            report = n % 10 == 0
            reviewed = age > REVIEWED_WITHIN and not report
            status = "received"
            if reviewed:
                status = "returned" if n % 200 == 1 else "rejected" if n % 100 == 3 else "accepted"
            sid = uuid.uuid4()
            answers = (
                {"category": "ebike", "severity": "serious", "description": f"楼道电动车充电 {n}"}
                if report
                else {"visit_date": (now - age).date().isoformat(), "anyone_home": True, "note": f"走访 {n}"}
            )
            rows.append(
                {
                    "id": sid,
                    "kind": "hazard_report" if report else "household_visit",
                    "template_key": "hazard_inspection" if report else "household_visit",
                    "template_version": 1,
                    "answers": answers,
                    "grid_id": grid.id,
                    "household_id": None,
                    "resident_id": None,
                    "author_id": worker.id,
                    "device_id": "bench-phone",
                    "location": {"lat": 28.68, "lng": 115.86, "accuracy": 10.0},
                    "created_at": now - age,
                    "received_at": now - age + timedelta(minutes=3),
                    "review_status": status,
                    "review_comment": "请补充" if status in ("returned", "rejected") else None,
                    "version": 2 if reviewed else 1,
                    "content_hash": f"{n:064x}",
                    "resubmits_id": None,
                    "task_id": None,
                    "reviewed_by": None,
                    "reviewed_at": None,
                }
            )
            if report:
                cases.append(
                    case_row(
                        case_kind="hazard",
                        answers=answers,
                        submission_id=sid,
                        grid_id=grid.id,
                        building_id=None,
                        household_id=None,
                        address="基准路1号",
                        location=None,
                        photos=[],
                        reporter_id=worker.id,
                        reported_at=now - age,
                        now=now - age,
                    )
                )
        db.session.execute(insert(Submission.__table__), rows)
        open_cases(cases)
        db.session.execute(
            update(Case).where(Case.reported_at < now - CASES_CLOSE_WITHIN).values(state="closed")
        )
        db.session.commit()
        return {"submissions": submissions, "households": households}


def use_rule(app, rule) -> None:
    """Serve the submission snapshot with `rule` (the reader itself, its paging and serialising, unchanged)."""
    from server.sync import registry

    with app.app_context():
        readers = registry.current()
        old = readers.by_name["submission"]
        new = dataclasses.replace(old, snapshot_filter=rule)
        readers.readers[readers.readers.index(old)] = new
        readers.by_name["submission"] = new


def measure(client, repeats: int) -> dict:
    snapshot(client, PAGE_LIMIT)  # warm up
    times = []
    for _ in range(repeats):
        seconds, bodies, entities = snapshot(client, PAGE_LIMIT)
        times.append(seconds)
    return {
        "ms": statistics.median(times) * 1000,
        "pages": len(bodies),
        "raw": sum(len(b) for b in bodies),
        "gzip": sum(len(gzip.compress(b, 6)) for b in bodies),
        "submissions": entities.get("submission", 0),
        "changes": sum(entities.values()),
    }


def mine_pages(client) -> tuple[int, int, float]:
    """Page all of 我的上报 by cursor, 50 a page as the PWA does: (pages, rows, ms)."""
    pages, rows, cursor = 0, 0, None
    start = time.perf_counter()
    while True:
        query = {"per_page": 50} | ({"cursor": cursor} if cursor else {})
        page = json.loads(client.get("/api/v1/submissions/mine", query_string=query).get_data())
        pages, rows, cursor = pages + 1, rows + len(page["submissions"]), page["next_cursor"]
        if cursor is None:
            return pages, rows, (time.perf_counter() - start) * 1000


def run(spec: str, submissions: int, households: int, repeats: int) -> dict:
    from server.submissions.models import Submission
    from server.submissions.sync import snapshot_rule

    with tempfile.TemporaryDirectory(prefix="gridwalk-bench-") as tmp, database(spec, Path(tmp)) as url:
        workdir = Path(tmp)
        app = create_app(
            "test",
            {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": workdir, "PHOTOS_DIR": workdir / "photos"},
        )
        counts = setup(app, submissions, households)
        client = app.test_client()
        response = client.post("/api/v1/auth/login", json={"username": "bench", "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        after = measure(client, repeats)
        mine = mine_pages(client)
        use_rule(app, snapshot_rule(OLD_WINDOW, with_open=False, since=Submission.created_at))
        before = measure(client, repeats)
        with app.app_context():
            db.engine.dispose()
        return {"counts": counts, "before": before, "after": after, "mine": mine}


def report(name: str, outcome: dict) -> None:
    counts, before, after = outcome["counts"], outcome["before"], outcome["after"]
    print(
        f"\n{name}: one worker, {counts['submissions']:,} submissions over a year, "
        f"{counts['households']:,} households in the grid; {PAGE_LIMIT} changes a page"
    )
    print(f"  {'rule':<28} {'pages':>5} {'changes':>8} {'subm.':>6} {'raw KB':>8} {'gzip KB':>8} {'ms':>7}")
    for label, r in (("before: last 90 days", before), ("after: open + last 7 days", after)):
        print(
            f"  {label:<28} {r['pages']:>5} {r['changes']:>8,} {r['submissions']:>6,} "
            f"{r['raw'] / 1024:>8.0f} {r['gzip'] / 1024:>8.0f} {r['ms']:>7.0f}"
        )
    print(
        f"  after/before: pages {after['pages'] / before['pages']:.2f}, "
        f"submissions {after['submissions'] / before['submissions']:.2f}, "
        f"raw bytes {after['raw'] / before['raw']:.2f}, gzip bytes {after['gzip'] / before['gzip']:.2f}, "
        f"time {after['ms'] / before['ms']:.2f}"
    )
    pages, rows, ms = outcome["mine"]
    print(
        f"  我的上报 by cursor, 50 a page: {pages} pages, {rows:,} rows, {ms:.0f} ms ({ms / pages:.1f} ms a page)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="sqlite or a postgresql:// server URL (repeatable)")
    parser.add_argument("--submissions", type=int, default=5000)
    parser.add_argument("--households", type=int, default=500, help="households in the worker's grid")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    # Figures swing with whatever else the machine runs; say how busy it was.
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    for spec in args.db or ["sqlite"]:
        name = "SQLite" if spec == "sqlite" else f"PostgreSQL ({make_url(spec).host})"
        report(name, run(spec, args.submissions, args.households, args.repeats))


if __name__ == "__main__":
    main()
