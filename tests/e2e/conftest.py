"""Browser tests: the real server (gunicorn, started and stopped by the test) and Chromium.

Each test gets its own server instance directory and database, so a worker's offline
basement (server stopped) never leaks into another test. Chromium runs with a persistent
profile so a test can close it and cold-start it again, as a phone does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import clock, gunicorn
from tests.conftest import TEST_DB

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "pwa" / "dist"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "demo-gridwalk"


@pytest.fixture(autouse=True)
def _wall_clock_only() -> None:
    """GRIDWALK_TEST_CLOCK moves this process only: gunicorn and Chromium would keep the wall clock."""
    if clock.TRAVEL_TO:
        pytest.skip("browser tests run on the wall clock (GRIDWALK_TEST_CLOCK moves only this process)")


class LiveServer:
    """gunicorn serving the app on a fixed port; stop() is the basement, start() the street."""

    def __init__(self, instance: Path, dist: Path, database_url: str):
        self.instance = instance
        self.dist = dist
        self.port = gunicorn.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            GRIDWALK_CONFIG="default",
            GRIDWALK_INSTANCE=str(instance),
            PWA_DIST=str(dist),
            DATABASE_URL=database_url,
            PYTHONUNBUFFERED="1",
        )
        self.env.pop("REDIS_URL", None)
        self.process: subprocess.Popen | None = None
        self.log = instance / "server.log"

    def flask(self, *args: str) -> str:
        """Run a flask command against this server's database."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "server", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.process = gunicorn.start(self.port, self.env, self.log)

    def stop(self) -> None:
        gunicorn.stop(self.process, quick=True)  # the signal drops; nothing waits for answers
        self.process = None
        # The port must refuse connections now, like a basement with no signal.
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", self.port)) != 0


class SeededDatabases:
    """A migrated, seeded database per register size, made once a run; each test gets a copy.

    Migrating and seeding through the CLI (three fresh interpreters) takes ~10 s; copying the
    result takes well under one: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on
    PostgreSQL. Each test still owns its database, so nothing one test writes reaches another.
    """

    def __init__(self, root: Path):
        self.root = root
        self.templates: dict[tuple[int, str], str] = {}
        self.admin = None
        if TEST_DB != "sqlite":
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url

            self.base = make_url(TEST_DB).set(drivername="postgresql+psycopg")
            self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")

    def _sql(self, *statements: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))

    def _url(self, name: str) -> str:
        if self.admin is None:
            return f"sqlite:///{name}"
        return self.base.set(database=name).render_as_string(hide_password=False)

    def template(self, households: int) -> str:
        """The template's name (a file on SQLite): the CLI's `db upgrade`, built-in forms, demo data.

        Demo data is dated from today in Shanghai (visits due, cases reported): a run that
        crosses midnight there seeds again rather than hand a test yesterday's register.
        """
        key = (households, clock.today().isoformat())
        if key not in self.templates:
            if self.admin is None:
                name = str(self.root / f"seeded-{households}-{key[1]}.db")
            else:
                name = f"gridwalk_seed_{uuid.uuid4().hex[:10]}_{households}"
                self._sql(f'CREATE DATABASE "{name}"')
            builder = LiveServer(self.root / f"instance-{households}-{key[1]}", DIST, self._url(name))
            builder.instance.mkdir()
            builder.flask("db", "upgrade")
            builder.flask("forms", "install-builtins")
            builder.flask("seed-demo", "--households", str(households))
            if self.admin is None:
                import sqlite3

                # Fold the WAL into the file, so a plain copy holds every row.
                with sqlite3.connect(name) as conn:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.templates[key] = name
        return self.templates[key]

    def copy(self, households: int, tmp_path: Path) -> Iterator[str]:
        template = self.template(households)
        if self.admin is None:
            target = tmp_path / "e2e.db"
            shutil.copyfile(template, target)
            yield self._url(str(target))
            return
        name = f"gridwalk_test_{uuid.uuid4().hex[:10]}"
        self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield self._url(name)
        finally:
            self._drop(name)

    def _drop(self, name: str) -> None:
        self._sql(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
            f'DROP DATABASE IF EXISTS "{name}"',
        )

    def close(self) -> None:
        if self.admin is not None:
            for name in self.templates.values():
                self._drop(name)
            self.admin.dispose()


@pytest.fixture(scope="session")
def seeded_databases(tmp_path_factory) -> Iterator[SeededDatabases]:
    seeded = SeededDatabases(tmp_path_factory.mktemp("seeded"))
    yield seeded
    seeded.close()


# Every module that needs a register seeds this one size: each size costs a migrate + seed of
# ~24 s per run, while a copy of a seeded database costs well under one.
REGISTER_HOUSEHOLDS = 6


@pytest.fixture
def seed_households() -> int:
    """Synthetic households per grid in the demo data: none, or REGISTER_HOUSEHOLDS for modules
    that need a register (they override this fixture)."""
    return 0


@pytest.fixture
def database_for_server(tmp_path, seeded_databases, seed_households) -> Iterator[str]:
    """This test's own migrated, seeded database (a copy of the run's template)."""
    yield from seeded_databases.copy(seed_households, tmp_path)


@pytest.fixture
def server(tmp_path, database_for_server) -> Iterator[LiveServer]:
    """A migrated, seeded server on its own copy of the built PWA (tests may 'deploy' into it)."""
    if not (DIST / "index.html").exists():
        pytest.fail("pwa/dist is missing: run `make build` (make test builds it first)")
    dist = tmp_path / "dist"
    shutil.copytree(DIST, dist)
    live = LiveServer(tmp_path / "instance", dist, database_for_server)
    live.instance.mkdir()
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as driver:
        yield driver


class Phone:
    """A Chromium profile that survives closing, so the app can be cold-started offline."""

    def __init__(self, driver, profile: Path, **options):
        self.driver = driver
        self.profile = profile
        self.options = options
        self.context = None

    def open(self):
        self.context = self.driver.chromium.launch_persistent_context(
            str(self.profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            locale="zh-CN",
            viewport={"width": 360, "height": 740},
            **self.options,
        )
        return self.context

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None


@pytest.fixture
def phone(playwright_driver, tmp_path) -> Iterator[Phone]:
    device = Phone(playwright_driver, tmp_path / "profile")
    yield device
    device.close()


@pytest.fixture
def second_phone(playwright_driver, tmp_path) -> Iterator[Phone]:
    device = Phone(playwright_driver, tmp_path / "profile-2")
    yield device
    device.close()


ALL_DONE = """() => {
    const rows = Array.from(document.querySelectorAll('[data-testid=outbox-item]'));
    return rows.length > 0 && rows.every(e => e.dataset.status === 'done');
}"""


def open_outbox(page) -> None:
    """The tab bar's 待同步 (it carries the badge count); sub-pages have no tab bar.

    By its test id: 我的上报 has a 待同步 tab of its own, which only filters that list.
    """
    tab = page.get_by_test_id("tab-outbox")
    if tab.is_visible():
        tab.click()
    else:
        page.goto("/".join(page.url.split("/")[:3]) + "/outbox")
    page.wait_for_url("**/outbox")


def wait_until_synced(page, timeout: float = 60.0) -> None:
    """Back in signal, the worker opens 待同步 and taps 立即同步 rather than wait for the backoff."""
    open_outbox(page)
    sync_until(page, ALL_DONE, timeout)


def sync_until(page, expression: str, timeout: float = 60.0):
    """On 待同步: tap 立即同步 until the expression holds, as a worker on a flaky signal taps again
    (the engine coalesces taps into one run); returns the expression's value."""
    deadline = time.monotonic() + timeout
    while True:
        page.get_by_role("button", name="立即同步").click()
        try:
            return wait_until(page, expression, timeout=15)
        except AssertionError:
            if time.monotonic() > deadline:
                page.screenshot(
                    path=str(Path(os.environ.get("TMPDIR", "/tmp")) / "gridwalk-sync-timeout.png")
                )
                raise


def query(server, sql: str, **params):
    """One value from the server's database, as the supervisor's desk would see it."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server.env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def first_household_id(server, grid_code: str = "360103-001-001-001") -> str:
    """The first seeded household of a grid (the demo worker's), as the phone spells its UUID."""
    value = query(
        server,
        "SELECT h.id FROM household h JOIN grid g ON g.id = h.grid_id WHERE g.code = :code ORDER BY h.id LIMIT 1",
        code=grid_code,
    )
    return str(uuid.UUID(str(value)))


def api_session(server, username: str):
    """A logged-in API session (and its CSRF token), as the supervisor's desk or a worker's phone."""
    import requests

    session = requests.Session()
    answer = session.post(
        server.url + "/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    return session, answer.json()["csrf_token"]


def login(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login screen, as a worker does."""
    page.goto(base_url + "/login")
    page.get_by_placeholder("用户名").fill(username)
    page.get_by_placeholder("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # Generous: on a loaded two-core CI machine the first visit also installs the worker.
    page.wait_for_url(base_url + "/", timeout=60000)


def wait_until(page, expression: str, timeout: float = 20.0, arg=None):
    """Poll a page expression until it is truthy.

    page.evaluate goes through DevTools, which the app's CSP (no eval) allows; Playwright's
    wait_for_function compiles its predicate inside the page, which that CSP forbids.
    """
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.evaluate(expression, arg)
        except PlaywrightError as error:
            # A reload or navigation we are waiting for replaces the page's context mid-poll.
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout}s waiting for: {expression}\n{_what_the_page_shows(page)}"
            )
        time.sleep(0.2)


def _what_the_page_shows(page) -> str:
    """For a timeout's message: where the page is, its outbox rows and the start of its text."""
    try:
        return page.evaluate(
            "() => location.pathname + ' | outbox: ' + JSON.stringify(Array.from("
            "document.querySelectorAll('[data-testid=outbox-item]')).map(e => e.dataset.status)) + "
            "' | text: ' + document.body.innerText.replace(/\\s+/g, ' ').slice(0, 600)"
        )
    except Exception as error:  # the page may be gone; the timeout is the news
        return f"(page not readable: {error})"


def wait_for_offline_ready(page) -> None:
    """Wait until the service worker controls the page and has precached the shell."""
    wait_until(page, "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
