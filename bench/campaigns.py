"""Benchmark campaigns on PostgreSQL: a launch over a street, a worker's pull of their targets, and the
roll-call board while the street's workers confirm.

Run: .venv/bin/python bench/campaigns.py [--db postgresql://…] [--households 30000] [--pull-targets 500]
     [--confirmers 60] [--repeats 7]
One throwaway database per run (bench/sync_push.py's helper), dropped after. The street has 18
communities × 4 grids with one worker each; the households are spread over them, and one more grid
(the measured worker's) holds --pull-targets households. Everything goes through the real app
(Flask test client, in process). Goals (issue 14):
- launch a campaign over 30,000 households: ≤ 10 s (the whole request, targets and feed rows written);
- a worker's pull of 500 targets: ≤ 150 ms of server time, ≤ 150 KB gzip (the feed pages after
  the launch: the targets and their campaign);
- the roll-call board of the 18 communities while 60 workers confirm: ≤ 100 ms a query.
Exit status 0 even when a goal is missed (a measurement); 1 when a request does not answer as asked.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sync_push import DEFAULT_POSTGRES, database  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402

PASSWORD = "bench-password-1"
COMMUNITIES = 18
GRIDS_PER_COMMUNITY = 4
GOAL_LAUNCH_S = 10.0
GOAL_PULL_MS = 150.0
GOAL_PULL_KB = 150.0
GOAL_BOARD_MS = 100.0
# The confirming workers run in a few processes of their own (threads inside): 60 interpreters
# would not fit the machine, 60 threads in this one would time the GIL instead of the board.
CONFIRM_PROCESSES = 4
STARTUP_S = 60.0


class BenchFailed(Exception):
    pass


def setup(app, households: int, pull_targets: int) -> dict:
    """Migrate; a street of 18 communities × 4 grids (a worker each), households spread over them,
    one more grid with the measured worker's households; a street supervisor."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from server.auth.models import User, user_grid
    from server.demo import seed_households
    from server.forms.service import install_builtins
    from server.org.models import Community, Grid, Street

    with app.app_context():
        upgrade()
        street = Street(name="基准街道", code="360103-900")
        db.session.add(street)
        db.session.flush()
        grids: list[Grid] = []
        for c in range(1, COMMUNITIES + 1):
            community = Community(street_id=street.id, name=f"基准社区{c:02d}", code=f"360103-900-{c:03d}")
            db.session.add(community)
            db.session.flush()
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                grids.append(
                    Grid(community_id=community.id, code=f"{community.code}-{g:03d}", name=f"社区{c}网格{g}")
                )
        measured = Grid(
            community_id=grids[0].community_id, code="360103-900-001-099", name="基准网格（被测）"
        )
        db.session.add_all([*grids, measured])
        db.session.flush()
        # A cheap hash the app accepts: 74 accounts hashed with scrypt would outlast the bench.
        from werkzeug.security import generate_password_hash

        hashed = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
        users = [
            {"username": f"w{n:03d}", "display_name": f"网格员{n}", "role": "worker", "password_hash": hashed}
            for n in range(len(grids) + 1)
        ]
        users.append(
            {
                "username": "chief",
                "display_name": "值班长",
                "role": "supervisor",
                "street_wide": True,
                "street_id": street.id,
                "password_hash": hashed,
            }
        )
        connection = db.session.connection()
        columns = {c.key for c in User.__table__.columns}
        # One set of keys for every row: an executemany takes its columns from the first row.
        defaults = {"active": True, "must_change_password": False, "street_wide": False, "street_id": None}
        connection.execute(
            insert(User.__table__),
            [{k: v for k, v in ({**defaults, **u}).items() if k in columns} for u in users],
        )
        ids = dict(db.session.execute(db.select(User.username, User.id)).all())
        links = [
            {"user_id": ids[f"w{n:03d}"], "grid_id": grid.id} for n, grid in enumerate([measured, *grids])
        ]
        connection.execute(insert(user_grid), links)
        install_builtins()
        per_grid = max(1, (households - pull_targets) // len(grids))
        spread, residents = seed_households(per_grid, grids=grids)
        mine, mine_residents = seed_households(pull_targets, seed=7, grids=[measured])
        db.session.commit()
        return {
            "households": spread + mine,
            "residents": residents + mine_residents,
            "grids": len(grids) + 1,
            "measured_grid": measured.id,
        }


def client_for(app, username: str):
    client = app.test_client()
    answer = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    if answer.status_code != 200:
        raise BenchFailed(f"login {username}: {answer.status_code} {answer.get_data(as_text=True)[:200]}")
    return client, answer.get_json()["csrf_token"]


def campaign_body(name: str, mode: str = "normal") -> dict:
    from server.timeutil import iso, utcnow

    now = utcnow()
    body = {
        "name": name,
        "template": {"key": "household_visit", "version": 1},
        "rule": {"subject": "household"},
        "starts_at": iso(now - timedelta(hours=1)),
        "ends_at": iso(now + timedelta(days=7)),
        "mode": mode,
    }
    if mode == "roll_call":
        body["deadline_hours"] = 12
    return body


def launch(client, csrf: str, body: dict) -> tuple[float, dict]:
    created = client.post("/api/v1/campaigns", json=body, headers={"X-CSRF-Token": csrf})
    if created.status_code != 201:
        raise BenchFailed(f"create: {created.status_code} {created.get_data(as_text=True)[:300]}")
    start = time.perf_counter()
    answer = client.post(
        f"/api/v1/campaigns/{created.get_json()['id']}/launch", headers={"X-CSRF-Token": csrf}
    )
    seconds = time.perf_counter() - start
    if answer.status_code != 200:
        raise BenchFailed(f"launch: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
    return seconds, answer.get_json()


def pull_pages(client, cursor: str | None) -> tuple[float, list[bytes], dict[str, int], str]:
    """Every page from `cursor` on: server seconds, bodies, changes per entity, the last cursor."""
    bodies: list[bytes] = []
    entities: dict[str, int] = {}
    elapsed = 0.0
    while True:
        query = {"limit": 500} | ({"cursor": cursor} if cursor else {})
        start = time.perf_counter()
        response = client.get("/api/v1/sync/pull", query_string=query)
        elapsed += time.perf_counter() - start
        if response.status_code != 200:
            raise BenchFailed(f"pull: {response.status_code} {response.get_data(as_text=True)[:300]}")
        body = response.get_data()
        bodies.append(body)
        page = json.loads(body)
        for change in page["changes"]:
            entities[change["entity"]] = entities.get(change["entity"], 0) + 1
        cursor = page["cursor"]
        if not page["has_more"]:
            return elapsed, bodies, entities, cursor


def confirm_loop(app, username: str, targets: list[str], stop, counter, pace: float = 0.0) -> None:
    """One worker confirming their targets, ten answers a push (one push every `pace` seconds; 0:
    flat out), until told to stop."""
    from server.timeutil import iso, utcnow

    client, csrf = client_for(app, username)
    for start in range(0, len(targets), 10):
        if stop.is_set():
            return
        items = [
            {
                "id": str(uuid.uuid4()),
                "kind": "campaign_answer",
                "created_at": iso(utcnow()),
                "payload": {"target_id": target, "outcome": "reached"},
                "photos": [],
            }
            for target in targets[start : start + 10]
        ]
        answer = client.post(
            "/api/v1/sync/push",
            json={"device_id": f"bench-{username}", "items": items},
            headers={"X-CSRF-Token": csrf},
        )
        if answer.status_code == 200:
            stored = sum(1 for r in answer.get_json()["results"] if r["status"] == "accepted")
            with counter.get_lock():
                counter.value += stored
        if pace and stop.wait(pace):
            return


def app_for(url: str, workdir: Path, pool: int = 5):
    return create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": workdir,
            "PHOTOS_DIR": workdir / "photos",
            "REDIS_URL": None,
            # Measured in the request: the whole launch, not a job's first chunk.
            "CAMPAIGN_INLINE_TARGETS": 10**9,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": pool, "max_overflow": 10},
            "RATELIMIT_ENABLED": False,
        },
    )


def confirm_process(
    url: str, workdir: str, assignments: dict[str, list[str]], stop, counter, pace: float = 0.0
) -> None:
    """A process of confirming workers (its own app and interpreter: the board's timing in the
    main process shares no GIL with them), one thread per worker."""
    app = app_for(url, Path(workdir), pool=len(assignments) + 2)
    threads = [
        threading.Thread(target=confirm_loop, args=(app, name, targets, stop, counter, pace), daemon=True)
        for name, targets in assignments.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run(
    spec: str,
    households: int,
    pull_targets: int,
    confirmers: int,
    repeats: int,
    processes: int = CONFIRM_PROCESSES,
    pace: float = 0.0,
) -> dict:
    from sqlalchemy import select

    from server.campaigns.models import CampaignTarget

    with tempfile.TemporaryDirectory(prefix="gridwalk-bench-") as tmp, database(spec, Path(tmp)) as url:
        workdir = Path(tmp)
        app = app_for(url, workdir)
        counts = setup(app, households, pull_targets)
        chief, csrf = client_for(app, "chief")
        worker, _ = client_for(app, "w000")
        _, _, _, cursor = pull_pages(worker, None)  # the phone's snapshot before the launch

        launch_s, campaign = launch(chief, csrf, campaign_body("基准专项"))
        # The worker's next pull carries the launch: their targets and the campaign.
        pulls = []
        for _ in range(repeats):
            seconds, bodies, entities, _ = pull_pages(worker, cursor)
            pulls.append((seconds, bodies, entities))
        pull_ms = statistics.median(p[0] for p in pulls) * 1000
        bodies, entities = pulls[0][1], pulls[0][2]
        snapshot_s, snapshot_bodies, snapshot_entities, _ = pull_pages(worker, None)

        roll_s, roll = launch(chief, csrf, campaign_body("基准叫应", "roll_call"))
        with app.app_context():
            rows = db.session.execute(
                select(CampaignTarget.assignee_id, CampaignTarget.id).where(
                    CampaignTarget.campaign_id == roll["id"]
                )
            ).all()
            names = dict(db.session.execute(db.text('SELECT id, username FROM "user"')).all())
        by_worker: dict[str, list[str]] = {}
        for assignee, target in rows:
            by_worker.setdefault(names[assignee], []).append(str(target))
        spawn = multiprocessing.get_context("spawn")
        stop, counter = spawn.Event(), spawn.Value("i", 0)
        chosen = sorted(by_worker.items())[:confirmers]
        if processes:
            workers: list = [
                spawn.Process(
                    target=confirm_process,
                    args=(url, str(workdir), dict(chosen[n::processes]), stop, counter, pace),
                )
                for n in range(min(processes, len(chosen)))
            ]
        else:  # --confirm-processes 0: threads of this process (quick, but they share its GIL)
            workers = [
                threading.Thread(
                    target=confirm_loop, args=(app, name, targets, stop, counter, pace), daemon=True
                )
                for name, targets in chosen
            ]
        for worker_run in workers:
            worker_run.start()
        started = time.monotonic()
        # Until the processes are up and confirming (threads start at once).
        while processes and counter.value == 0 and time.monotonic() - started < STARTUP_S:
            time.sleep(0.1)
        before = counter.value
        board_times, sql_times = [], []
        with app.app_context():
            from server.auth.models import User
            from server.campaigns import service
            from server.campaigns.models import Campaign

            duty_chief = db.session.scalar(select(User).where(User.username == "chief"))
            for _ in range(max(repeats, 5)):
                start = time.perf_counter()
                answer = chief.get(f"/api/v1/campaigns/{roll['id']}/roll-call")
                board_times.append(time.perf_counter() - start)
                if answer.status_code != 200:
                    raise BenchFailed(f"roll-call board: {answer.status_code}")
                # The board's queries alone, as the service runs them (no HTTP, no JSON).
                start = time.perf_counter()
                service.roll_call_board(db.session.get(Campaign, roll["id"]), duty_chief)
                sql_times.append(time.perf_counter() - start)
                db.session.rollback()
        confirmed_during = counter.value - before
        stop.set()
        for worker_run in workers:
            worker_run.join(120)
        with app.app_context():
            db.engine.dispose()
        return {
            "counts": counts,
            "launch_s": launch_s,
            "launch_targets": campaign["launch"]["total"],
            "roll_launch_s": roll_s,
            "pull_ms": pull_ms,
            "pull_raw_kb": sum(len(b) for b in bodies) / 1024,
            "pull_gzip_kb": sum(len(gzip.compress(b, 6)) for b in bodies) / 1024,
            "pull_entities": entities,
            "snapshot_ms": snapshot_s * 1000,
            "snapshot_gzip_kb": sum(len(gzip.compress(b, 6)) for b in snapshot_bodies) / 1024,
            "snapshot_entities": snapshot_entities,
            "board_ms_median": statistics.median(board_times) * 1000,
            "board_ms_p95": sorted(board_times)[max(0, round(len(board_times) * 0.95) - 1)] * 1000,
            "board_query_ms_median": statistics.median(sql_times) * 1000,
            "confirmers": len(chosen),
            "pace": pace,
            "confirmed_during": confirmed_during,
        }


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER GOAL"


def report(outcome: dict) -> None:
    counts = outcome["counts"]
    print(
        f"street: {COMMUNITIES} communities, {counts['grids']} grids, {counts['households']:,} households, "
        f"{counts['residents']:,} residents"
    )
    print(
        f"  launch over {outcome['launch_targets']:,} households: {outcome['launch_s']:.2f} s "
        f"(goal {GOAL_LAUNCH_S:.0f} s) {verdict(outcome['launch_s'] <= GOAL_LAUNCH_S)}"
    )
    print(f"  roll-call launch over the same street: {outcome['roll_launch_s']:.2f} s")
    targets = outcome["pull_entities"].get("campaign_target", 0)
    print(
        f"  worker's pull of {targets} targets: {outcome['pull_ms']:.1f} ms server (goal {GOAL_PULL_MS:.0f}) "
        f"{verdict(outcome['pull_ms'] <= GOAL_PULL_MS)}, {outcome['pull_gzip_kb']:.1f} KB gzip "
        f"({outcome['pull_raw_kb']:.1f} KB raw; goal {GOAL_PULL_KB:.0f}) "
        f"{verdict(outcome['pull_gzip_kb'] <= GOAL_PULL_KB)}; entities {outcome['pull_entities']}"
    )
    print(
        f"  the same worker's full snapshot (register + targets): {outcome['snapshot_ms']:.1f} ms, "
        f"{outcome['snapshot_gzip_kb']:.1f} KB gzip"
    )
    pace = f"ten answers every {outcome['pace']:g} s each" if outcome["pace"] else "flat out"
    print(
        f"  roll-call board, {COMMUNITIES} communities, while {outcome['confirmers']} workers confirm ({pace}; "
        f"{outcome['confirmed_during']:,} answers stored meanwhile): median {outcome['board_ms_median']:.1f} ms, "
        f"p95 {outcome['board_ms_p95']:.1f} ms per request; its queries alone: median "
        f"{outcome['board_query_ms_median']:.1f} ms (goal {GOAL_BOARD_MS:.0f}) "
        f"{verdict(outcome['board_query_ms_median'] <= GOAL_BOARD_MS)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_POSTGRES, help="a postgresql:// server URL")
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--pull-targets", type=int, default=500)
    parser.add_argument("--confirmers", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--confirm-processes",
        type=int,
        default=CONFIRM_PROCESSES,
        help="0: the confirmers are threads of this one",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="seconds between a worker's pushes of ten answers (0: flat out)",
    )
    args = parser.parse_args(argv)
    try:
        outcome = run(
            args.db,
            args.households,
            args.pull_targets,
            args.confirmers,
            args.repeats,
            args.confirm_processes,
            args.pace,
        )
    except BenchFailed as failure:
        print(f"FAILED: {failure}")
        return 1
    report(outcome)
    return 0


if __name__ == "__main__":
    sys.exit(main())
