"""Fuzz the live API with schemathesis, as a worker and as an admin; exit non-zero on any failure.

    .venv/bin/python -m tests.fuzz.run [--seconds 180] [--database sqlite|postgresql://...]
        [--keep] [-- more `st run` options, e.g. --continue-on-failure or --seed N to replay]

Not a pytest module (no test_ prefix): `make test` runs it as its own step, so a plain `pytest`
stays fast and a fuzz failure reads as one, with schemathesis's own report and reproductions.

It builds a throwaway database (a SQLite file; a fresh PostgreSQL database when
TEST_DATABASE_URL is set, dropped afterwards), migrates it, installs the built-in forms and seeds
a small demo register through the same `flask` commands as `make seed`, serves it with the same
gunicorn app as `make run` (Redis from TEST_REDIS_URL when set), logs in as the demo worker and
the demo admin and runs `st run` against /api/v1/openapi.json for each, with the session cookie
and CSRF token as headers. Login, logout and ending sessions are left out of the fuzzed operations, so the run
never locks an account out or ends its own session; hooks.py keeps it from editing its own account.
Id parameters take real rows' ids half of the time, so bodies get past the 404 to validation.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

from tests import gunicorn

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOOKS = Path(__file__).resolve().parent / "hooks.py"
DEMO_PASSWORD = "demo-gridwalk"
ROLES = ("worker", "admin")  # demo usernames (server/demo.py); the worker goes first, see main()
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Operations that would end the fuzzing session or spend the login rate limit (ending a user's
# sessions hits the fuzzing admin itself whenever its id comes up; a password change renews the
# CSRF token the run holds). Nothing else is left out.
EXCLUDED = (
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/logout",
    "POST /api/v1/auth/password",
    "POST /api/v1/users/{user_id}/end-sessions",
)
# Where the ids of real rows come from: parameter name -> (list route, key of its list).
ID_SOURCES = {
    "household_id": ("/api/v1/households", "households"),
    "building_id": ("/api/v1/buildings", "buildings"),
    "case_id": ("/api/v1/cases", "cases"),
    "task_id": ("/api/v1/tasks", "tasks"),
    "submission_id": ("/api/v1/submissions/mine", "submissions"),
    "user_id": ("/api/v1/users", "users"),
}
# How often a parameter with real ids takes one of them instead of a generated value.
REAL_ID_PROBABILITY = 0.5
# Fuzzing and stateful testing get at least this long per role, however long coverage took.
MIN_RANDOM_SECONDS = 20
# A small register (2 households per grid) so register, visit and sync routes have rows to find.
SETUP_COMMANDS = (["db", "upgrade"], ["forms", "install-builtins"], ["seed-demo", "--households", "2"])


class Database:
    """A throwaway database: a SQLite file in the run's folder, or a fresh PostgreSQL database."""

    def __init__(self, spec: str, folder: Path):
        self.admin = None
        self.name = ""
        if spec == "sqlite":
            self.url = f"sqlite:///{folder / 'fuzz.db'}"
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        server = make_url(spec).set(drivername="postgresql+psycopg")
        self.name = f"gridwalk_fuzz_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = server.set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        """Drop the PostgreSQL database (the SQLite file goes with the run's folder)."""
        if self.admin is None:
            return
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": self.name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}"'))
        self.admin.dispose()


class Server:
    """gunicorn serving server.wsgi:app on a free loopback port, as tests/e2e's LiveServer does."""

    def __init__(self, folder: Path, database_url: str, redis_url: str | None):
        self.port = gunicorn.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        self.access_log = folder / "access.log"  # kept with --keep: every request and its status
        self.env = dict(
            os.environ,
            GRIDWALK_CONFIG="default",
            GRIDWALK_INSTANCE=str(folder / "instance"),
            PWA_DIST=str(ROOT / "pwa" / "dist"),
            DATABASE_URL=database_url,
            PYTHONUNBUFFERED="1",
        )
        self.env.pop("REDIS_URL", None)
        self.redis_url = redis_url
        if redis_url:
            self.env["REDIS_URL"] = redis_url
            # Pushes the fuzzed tasks and cases enqueue go to a queue of this run's own.
            self.env["PUSH_QUEUE_NAME"] = f"fuzz-{uuid.uuid4().hex[:10]}"
        self.process: subprocess.Popen | None = None

    def prepare(self) -> None:
        """Migrate, install the built-in forms and seed the demo: `make seed`'s flask commands.

        One interpreter runs all three through Flask's CLI runner: each `flask` start imports
        the whole app, which costs ~15 s of a loaded 2-core machine for nothing.
        """
        script = (
            "import sys\n"
            "from server import create_app\n"
            "runner = create_app().test_cli_runner()\n"
            f"for args in {SETUP_COMMANDS!r}:\n"
            "    result = runner.invoke(args=args)\n"
            "    if result.exit_code != 0:\n"
            "        print('flask', *args, 'failed:', result.output, repr(result.exception))\n"
            "        sys.exit(1)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise RuntimeError(f"preparing the database failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        """Start gunicorn (two workers, as `make run`) and wait for /health."""
        self.process = gunicorn.start(
            self.port, self.env, self.log, "--access-logfile", str(self.access_log), workers=2, wait=60
        )

    def stop(self) -> None:
        """Stop gunicorn and every worker it forked."""
        gunicorn.stop(self.process, timeout=20)
        self.process = None

    def drop_push_queue(self) -> None:
        """Delete this run's push queue and its jobs: no push worker ever serves it."""
        if not self.redis_url:
            return
        from redis import Redis
        from rq import Queue

        connection = Redis.from_url(self.redis_url)
        Queue(self.env["PUSH_QUEUE_NAME"], connection=connection).delete(delete_jobs=True)
        connection.close()

    def statuses(self, since: int) -> str:
        """Responses by status code in the access log from byte offset `since` (a role's share)."""
        with open(self.access_log, "rb") as log:
            log.seek(since)
            codes = re.findall(rb'" (\d{3}) ', log.read())
        counts: dict[str, int] = {}
        for code in codes:
            counts[code.decode()] = counts.get(code.decode(), 0) + 1
        return ", ".join(f"{code} x{n}" for code, n in sorted(counts.items()))

    def get_json(self, path: str, cookie: str) -> dict | None:
        """GET an API path with this session; None when it answers an error."""
        request = urllib.request.Request(self.url + path, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError:
            return None

    def known_ids(self, cookie: str, own_id: int) -> dict[str, list]:
        """Ids of real rows this session can see, by path/query parameter name (a few of each)."""
        ids: dict[str, list] = {}
        for name, (path, key) in ID_SOURCES.items():
            answer = self.get_json(path, cookie) or {}
            rows = answer.get(key) if isinstance(answer, dict) else None
            ids[name] = [row["id"] for row in rows or [] if isinstance(row, dict) and "id" in row][:8]
        ids["user_id"] = [i for i in ids.get("user_id", []) if i != own_id]  # hooks.py: never own
        residents: list = []
        for household_id in ids.get("household_id", [])[:4]:
            household = self.get_json(f"/api/v1/households/{household_id}", cookie) or {}
            residents += [row["id"] for row in household.get("residents", [])]
        ids["resident_id"] = residents[:8]
        org = self.get_json("/api/v1/org", cookie) or {}
        communities = org.get("communities", [])
        ids["community_id"] = [c["id"] for c in communities][:8]
        ids["grid_id"] = [g["id"] for c in communities for g in c.get("grids", [])][:8]
        return {name: values for name, values in ids.items() if values}

    def logged_in(self, cookie: str) -> bool:
        """Whether this Cookie header still carries a live session (GET /auth/me answers 200)."""
        request = urllib.request.Request(self.url + "/api/v1/auth/me", headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status == 200
        except urllib.error.HTTPError:
            return False

    def login(self, username: str) -> tuple[int, str, str]:
        """Log in; return the user's id, the Cookie header to send and the CSRF token."""
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        request = urllib.request.Request(
            self.url + "/api/v1/auth/login",
            data=json.dumps({"username": username, "password": DEMO_PASSWORD}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with opener.open(request, timeout=30) as response:
            answer = json.load(response)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        return answer["user"]["id"], cookie, answer["csrf_token"]


def write_config(path: Path, ids: dict[str, list]) -> None:
    """A schemathesis.toml that draws id parameters from real rows half of the time.

    Random UUIDs and ints almost always answer 404, so PATCH bodies and case actions would
    rarely reach their validation; the other half still probes ids that do not exist.
    """
    lines = []
    for name, values in sorted(ids.items()):
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    for name in sorted(ids):
        lines.append(f'{name} = {{ dictionary = "{name}", probability = {REAL_ID_PROBABILITY} }}')
    path.write_text("\n".join(lines) + "\n")


def fuzz_role(
    server: Server,
    role: str,
    seconds: int,
    session: tuple[int, str, str],
    spare_id: int,
    folder: Path,
    extra: list[str],
) -> tuple[int, int, int]:
    """Fuzz as one logged-in user for about `seconds`; return (exit code, cases, failures).

    Under one --max-time, schemathesis gives each phase an equal slice, and the admin's coverage
    phase (every schema boundary once, ~40 s here) was cut short. So coverage runs first on its
    own until done, and fuzzing and stateful testing share what is left of the role's time.
    """
    started = time.monotonic()
    write_config(folder / f"{role}.toml", server.known_ids(session[1], session[0]))
    first = fuzz(server, role, "examples,coverage", seconds, session, spare_id, folder, extra)
    left = max(MIN_RANDOM_SECONDS, seconds - round(time.monotonic() - started))
    second = fuzz(server, role, "fuzzing,stateful", left, session, spare_id, folder, extra)
    return max(first[0], second[0]), first[1] + second[1], first[2] + second[2]


def fuzz(
    server: Server,
    role: str,
    phases: str,
    seconds: int,
    session: tuple[int, str, str],
    spare_id: int,
    folder: Path,
    extra: list[str],
) -> tuple[int, int, int]:
    """Run `st run` as one logged-in user; return (exit code, cases generated, failures found)."""
    own_id, cookie, csrf = session
    command = [
        str(BIN / "st"),
        "--config-file",
        str(folder / f"{role}.toml"),
        "run",
        server.url + "/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--phases",
        phases,
        "--max-time",
        str(seconds),
        # One worker: two threads in one interpreter race in ast.parse (hypothesis describing its
        # filters) and CPython 3.11 raises "AST constructor recursion depth mismatch" as a run error.
        "--workers",
        "1",
        # schemathesis gives up on a response after 10 s, an error that fails the run; a 2-core CI
        # box running other suites can stall a request that long. Slowness is not what this checks.
        "--request-timeout",
        "30",
        # Found examples are not replayed from a database in the checkout: every run starts clean.
        "--generation-database",
        "none",
        "--header",
        f"Cookie: {cookie}",
        "--header",
        f"X-CSRF-Token: {csrf}",
        "--report",
        "junit",
        "--report-dir",
        str(folder / "reports" / role / phases.replace(",", "-")),
        "--no-color",
        *extra,
    ]
    for name in EXCLUDED:
        command += ["--exclude-name", name]
    env = dict(
        os.environ,
        SCHEMATHESIS_HOOKS=str(HOOKS),
        FUZZ_OWN_USER_ID=str(own_id),
        FUZZ_SPARE_USER_ID=str(spare_id),
        PYTHONUNBUFFERED="1",
    )
    print(f"== schemathesis as {role}: {phases} (at most {seconds} s) ==", flush=True)
    output: list[str] = []
    with subprocess.Popen(
        # Run in the run's own folder: hypothesis and schemathesis write caches into the cwd.
        command,
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:
                sys.stdout.write(line)
                output.append(line)
        except BaseException:  # interrupted: stop schemathesis too before cleaning up
            process.kill()
            raise
    text = "".join(output)
    generated = _count(r"Test cases:\s*([\d,]+) generated", text)
    failures = _count(r"([\d,]+) unique failures?", text)
    return process.returncode, generated, failures


def unhandled_errors(log: Path) -> list[str]:
    """Each distinct 500 in the server log: the route and the exception it raised."""
    found: dict[str, int] = {}
    route = None
    for line in log.read_text(errors="replace").splitlines():
        if "Unhandled error on " in line:
            route = line.split("Unhandled error on ", 1)[1].strip()
        elif route and line and not line[0].isspace() and not line.startswith("Traceback"):
            key = f"{route}: {line.strip()}"
            found[key] = found.get(key, 0) + 1
            route = None
    return [f"{key} (x{count})" for key, count in found.items()]


def failure_digest(reports: Path, lines_each: int = 12) -> list[str]:
    """Each failed operation in the JUnit reports, with the head of schemathesis's account of it.

    CI keeps only the tail of a run's output, and schemathesis tells its failures far above its
    summary: repeated next to the fuzz summary, a failure can be read (and replayed) from the tail.
    """
    import xml.etree.ElementTree as ElementTree

    digest: list[str] = []
    for report in sorted(reports.rglob("*.xml")):
        role = report.relative_to(reports).parts[0]
        for case in ElementTree.parse(report).iter("testcase"):
            for problem in [*case.iter("failure"), *case.iter("error")]:
                text = (problem.get("message") or "") + "\n" + (problem.text or "")
                head = [line.rstrip() for line in text.splitlines() if line.strip()][:lines_each]
                digest.append(f"  [{role}] {case.get('name')}")
                digest += [f"      {line}" for line in head]
    return digest


def _count(pattern: str, text: str) -> int:
    """The last number matching pattern in schemathesis's summary, 0 when absent."""
    found = re.findall(pattern, text)
    return int(found[-1].replace(",", "")) if found else 0


def main() -> int:
    """Build, seed and serve a throwaway Gridwalk, fuzz it per role, clean up; the exit code says it all."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds",
        type=int,
        default=int(os.environ.get("FUZZ_SECONDS", "180")),
        help="fuzzing time for all roles together (default 180)",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("TEST_DATABASE_URL") or "sqlite",
        help="sqlite, or a postgresql:// server URL (default: TEST_DATABASE_URL, else sqlite)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("TEST_REDIS_URL") or None,
        help="redis:// URL for the rate limiter and push queue (default: TEST_REDIS_URL)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the run's folder (server log, JUnit reports) and print where it is",
    )
    parser.add_argument(
        "st_args", nargs="*", help="more `st run` options after --, e.g. -- --continue-on-failure"
    )
    args = parser.parse_args()

    # A CI timeout's SIGTERM unwinds like Ctrl-C, so the server stops and the database goes.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="gridwalk-fuzz-"))
    database = server = None
    results: dict[str, tuple[int, int, int]] = {}
    digest: list[str] = []
    try:
        database = Database(args.database, folder)
        server = Server(folder, database.url, args.redis)
        (folder / "instance").mkdir()
        print(
            f"fuzz: database {database.name or 'sqlite'}, redis {args.redis or 'none'}; "
            "migrating and seeding",
            flush=True,
        )
        server.prepare()
        server.start()
        # Both log in before either is fuzzed: the admin run may edit or deactivate the worker.
        sessions = {role: server.login(role) for role in ROLES}
        share = max(1, args.seconds // len(ROLES))
        for role in ROLES:
            spare_id = next(session[0] for other, session in sessions.items() if other != role)
            seen = server.access_log.stat().st_size if server.access_log.exists() else 0
            results[role] = fuzz_role(server, role, share, sessions[role], spare_id, folder, args.st_args)
            print(f"fuzz: {role}'s responses by status: {server.statuses(since=seen)}", flush=True)
            # A run that lost its session tested nothing past the 401s: that is a failure too.
            if not server.logged_in(sessions[role][1]):
                print(f"fuzz: the {role}'s session ended during its run", file=sys.stderr)
                results[f"{role}-session"] = (1, 0, 0)
    except Exception as error:  # setup failed: still report and clean up below
        print(f"fuzz: {error}", file=sys.stderr)
        results["setup"] = (1, 0, 0)
    finally:
        cleanup = [server.stop, server.drop_push_queue] if server else []
        cleanup += [database.drop] if database else []
        for step in cleanup:
            try:
                step()
            except Exception as error:  # one failed step must not skip the others
                print(f"fuzz: cleanup {step.__name__} failed: {error}", file=sys.stderr)
                results["cleanup"] = (1, 0, 0)
        if server is not None and server.log.exists():
            for line in unhandled_errors(server.log):
                print(f"fuzz: server: {line}")
        digest = failure_digest(folder / "reports") if (folder / "reports").exists() else []
        if args.keep:
            print(f"fuzz: kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    total = sum(generated for _, generated, _ in results.values())
    failures = sum(found for _, _, found in results.values())
    print("== fuzz summary ==")
    if digest:
        print("failures (replay one with: python -m tests.fuzz.run -- --seed N, the seed printed above):")
        print("\n".join(digest))
    for role, (code, generated, found) in results.items():
        print(f"  {role:7} {generated:6} cases generated, {found} failures, exit {code}")
    print(f"  total   {total:6} cases generated, {failures} failures, {time.monotonic() - started:.0f} s")
    return 1 if any(code != 0 for code, _, _ in results.values()) or failures else 0


if __name__ == "__main__":
    sys.exit(main())
