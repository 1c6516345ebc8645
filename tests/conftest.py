"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL + Redis when asked), clients.

GRIDWALK_TEST_DB=sqlite (default) or a postgresql:// URL of a server to create a throwaway
database on; GRIDWALK_TEST_REDIS=redis://... makes the rate limiter use that Redis. When they
are set and unreachable, the run fails: it never quietly falls back to SQLite.
GRIDWALK_TEST_CLOCK=2027-02-28T16:30:00Z starts every test at that instant (tests/clock.py).
"""

from __future__ import annotations

import contextvars
import gc
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import create_app
from server.extensions import db, limiter
from server.timeutil import SHANGHAI
from tests import clock

TEST_DB = os.environ.get("GRIDWALK_TEST_DB", "sqlite")
TEST_REDIS = os.environ.get("GRIDWALK_TEST_REDIS") or None


@pytest.fixture(scope="session")
def _travelling_clock() -> Iterator:
    """Under GRIDWALK_TEST_CLOCK: the whole process's clock moved there, ticking on (so timeouts
    and sleeps still work); None on the wall clock."""
    instant = clock.start()
    if instant is None:
        yield None
        return
    import time_machine

    with time_machine.travel(instant, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _test_clock(_travelling_clock) -> None:
    """Each test starts at the frozen-clock instant, so none inherits how long the run took."""
    if _travelling_clock is not None:
        _travelling_clock.move_to(clock.start())


# The garbage collector and a test run: every test builds an app, tens of thousands of objects
# that die in cycles after it, so full collections run every test or two, and each walked the
# whole heap. What is alive once the tests are collected, and once the first app has imported
# every module, lives to the end of the run: frozen, no collection walks it again. With
# _forget_compiled_statements and the lazy URL builders (server/routing.py), the SQLite api + unit
# pass went from about 266 s to about 206 s on this machine.
def pytest_collection_finish(session) -> None:
    _freeze_what_lives()


def _freeze_what_lives() -> None:
    gc.collect()
    gc.freeze()


def pytest_report_header(config) -> str | None:
    if clock.TRAVEL_TO:
        start = clock.start()
        return f"test clock: every test starts at {start.isoformat()} (Shanghai {start.astimezone(SHANGHAI):%Y-%m-%d %H:%M})"
    return None


def _postgres_database(base_url: str) -> Iterator[str]:
    """Create a fresh database on the given server for this run and drop it afterwards."""
    name = f"gridwalk_test_{uuid.uuid4().hex[:10]}"
    server = make_url(base_url).set(drivername="postgresql+psycopg")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    if TEST_DB == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        yield from _postgres_database(TEST_DB)


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    if TEST_REDIS:
        import redis

        redis.Redis.from_url(TEST_REDIS).ping()  # unreachable Redis fails the run
    return TEST_REDIS


@pytest.fixture(scope="session")
def app_settings(database_url, redis_url, tmp_path_factory) -> dict:
    instance = tmp_path_factory.mktemp("instance")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "INSTANCE_PATH": instance,
        "PHOTOS_DIR": instance / "photos",
        "PWA_DIST": Path(__file__).resolve().parent.parent / "pwa" / "dist",
    }


@pytest.fixture(scope="session")
def _schema(app_settings):
    """Build the schema once through the real migrations, as `flask db upgrade` does."""
    from flask_migrate import upgrade

    app = create_app("test", app_settings)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    _freeze_what_lives()  # every module the app imports is loaded now
    return True


@pytest.fixture
def make_app(_schema, app_settings):
    """Build extra apps on the test database (other settings); their engines are closed after."""
    made = []

    def factory(config: str = "test", **overrides):
        app = create_app(config, dict(app_settings, **overrides))
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        limiter.reset()  # counters in a shared Redis must not leak from one test to the next
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
        _forget_compiled_statements()
        # Stored photo files belong to the rows just deleted: each test starts with none.
        shutil.rmtree(app.config["PHOTOS_DIR"], ignore_errors=True)


def _forget_compiled_statements() -> None:
    """Each ORM mapper keeps the INSERT and UPDATE statements it compiled, per dialect, up to 100
    (a server process has one dialect, for good). A test app brings a new dialect, so the caches
    filled up with statements of apps long gone: hundreds of thousands of live objects that every
    full garbage collection walked again."""
    for mapper in db.Model.registry.mappers:
        mapper._compiled_cache.clear()


def _empty_tables() -> None:
    """Empty every table for the next test, past the append-only triggers (migration 0007).

    PostgreSQL: replica mode skips user triggers for this transaction only. SQLite has no such
    switch: the triggers are dropped and made again from their own stored SQL before the next
    test starts, so no test runs without them.
    """
    with db.engine.begin() as conn:
        triggers: list[tuple[str, str]] = []
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            triggers = list(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")))
            for name, _sql in triggers:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        for _name, sql in triggers:
            conn.exec_driver_sql(sql)


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, like a real server process.

    The test body holds an app context for factories and assertions; without this, requests
    would share its `g` (Flask-Login's cached user) and its database session.
    """

    def open(self, *args, **kwargs):
        db.session.commit()  # what the test set up is visible to the request
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            db.session.commit()
            db.session.expire_all()  # the test then reads what the request wrote


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log a test client in and send JSON with the CSRF token, as the PWA does."""

    def __init__(self, client):
        self.client = client
        self.csrf: str | None = None

    def login(self, username: str, password: str = "correct-horse-9", remember: bool = True):
        response = self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": password, "remember": remember}
        )
        if response.status_code == 200:
            self.csrf = response.get_json()["csrf_token"]
        return response

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"X-CSRF-Token": self.csrf} if self.csrf else {}
        headers.update(extra or {})
        return headers

    def post(self, url, **kwargs):
        return self.client.post(url, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def patch(self, url, **kwargs):
        return self.client.patch(url, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def put(self, url, **kwargs):
        return self.client.put(url, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def delete(self, url, **kwargs):
        return self.client.delete(url, headers=self.headers(kwargs.pop("headers", None)), **kwargs)


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)
