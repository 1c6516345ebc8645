"""Life without Redis: REDIS_URL names a Redis that is down, or one that accepts connections and
never answers. Logins still work (the limiter counts in memory and says so in the log), pushes
go out from the app's own threads, and the health probe names Redis as unreachable without
failing the app."""

import logging
import socket
import threading
from collections.abc import Iterator

import pytest

from server.extensions import db, limiter
from server.push.message import WebPush
from server.push.service import flush, send_all
from server.push.vapid import vapid_keys
from tests.conftest import AuthActions
from tests.factories import PASSWORD
from tests.push_receiver import BrowserSubscription, PushReceiver


def _closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SilentRedis:
    """A TCP server that accepts every connection and never sends a byte, as a hung Redis would."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self.server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.held.append(connection)  # read nothing, answer nothing

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for connection in self.held:
            connection.close()
        self.server.close()


@pytest.fixture(params=["down", "silent"])
def broken_redis_url(request) -> Iterator[str]:
    if request.param == "down":
        yield f"redis://127.0.0.1:{_closed_port()}/0"
        return
    silent = SilentRedis()
    yield f"redis://127.0.0.1:{silent.port}/0"
    silent.close()
    assert silent.held, "the app never tried the silent Redis: the test proved nothing"


@pytest.fixture
def broken_app(app, make_app, broken_redis_url):
    """An app whose REDIS_URL does not work; the test runs in its app context."""
    broken = make_app(REDIS_URL=broken_redis_url, PUSH_RETRY_BASE_SECONDS=0.01, PUSH_RETRY_MAX_SECONDS=1)
    with broken.app_context():
        yield broken
        assert flush(10), "push threads still busy at the end of the test"
        db.session.remove()
    # One limiter serves the whole process (routes are decorated at import): the next test's app
    # must not start out counting in memory because this one's Redis was dead.
    limiter._storage_dead = False


@pytest.fixture
def broken_auth(broken_app) -> AuthActions:
    return AuthActions(broken_app.test_client())


def test_logins_work_and_the_limiter_says_it_counts_in_memory(org, broken_app, broken_auth, caplog):
    caplog.set_level(logging.WARNING)
    response = broken_auth.login("worker1")
    assert response.status_code == 200, response.get_json()
    assert broken_auth.client.get("/api/v1/auth/me").get_json()["user"]["username"] == "worker1"
    assert "falling back to in-memory storage" in caplog.text


def test_the_login_limit_still_holds_in_memory(org, broken_app, broken_auth):
    statuses = [
        broken_auth.client.post(
            "/api/v1/auth/login", json={"username": "worker2", "password": "bad-guess"}
        ).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[-1] == 429
    right = broken_auth.client.post("/api/v1/auth/login", json={"username": "worker2", "password": PASSWORD})
    assert right.status_code == 429


def test_pushes_go_out_from_the_apps_own_threads(org, broken_app, broken_auth, caplog):
    caplog.set_level(logging.WARNING)
    with PushReceiver(public_key=vapid_keys().public_key) as receiver:
        browser = BrowserSubscription(receiver.endpoint("worker1"))
        assert broken_auth.login("worker1").status_code == 200
        response = broken_auth.post("/api/v1/push/subscriptions", json=browser.to_json())
        assert response.status_code == 201, response.get_json()
        worker = org["worker"].id
        send_all(
            [WebPush([worker], "task_assigned", "新任务：关爱巡访", "/tasks/x", "task-x", {"task_id": "x"})]
        )
        assert flush(10)
        [push] = receiver.to("worker1")
        assert push.status == 201
        assert browser.decrypt(push.body)["title"] == "新任务：关爱巡访"
    assert "Redis unreachable: pushes go out from this process" in caplog.text


def test_health_names_redis_unreachable_and_still_answers_200(broken_app):
    response = broken_app.test_client().get("/api/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["db"] == "ok"
    assert body["redis"] == "unreachable"
    assert body["photo_storage"] == "ok"
    assert body["status"] == "degraded"


def test_redis_waits_are_bounded_by_one_second(broken_app):
    """The bound every Redis call of the app uses: the limiter's storage and the push queue."""
    assert broken_app.config["REDIS_TIMEOUT_SECONDS"] <= 1
    options = broken_app.config["RATELIMIT_STORAGE_OPTIONS"]
    assert options["socket_connect_timeout"] <= 1 and options["socket_timeout"] <= 1
