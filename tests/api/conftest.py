"""Fixtures shared by the API tests: the usual cast with the built-in forms installed, and
Web Push delivered end to end to a local push service."""

from collections.abc import Iterator

import pytest

from server.extensions import db
from tests.conftest import AuthActions, IsolatedClient
from tests.factories import install_forms, org_with_users
from tests.push_receiver import BrowserSubscription, PushReceiver


@pytest.fixture
def org(app):
    """org_with_users() plus the built-in form templates (modules may define their own org)."""
    made = org_with_users()
    install_forms()
    return made


@pytest.fixture
def grid(org) -> int:
    """The first worker's grid."""
    return org["worker"].grids[0].id


@pytest.fixture
def worker(org, auth):
    """The first worker, logged in."""
    auth.login("worker1")
    return auth


# ---- Web Push end to end: the real API, delivering to a local push service ----------------


@pytest.fixture
def delivering_app(app, make_app):
    """An app on the test database that sends Web Push from its own threads (no Redis), so a
    push queued by a request reaches the local push service; tests run in its app context."""
    from server.push.service import flush

    threaded = make_app(REDIS_URL=None, PUSH_RETRY_BASE_SECONDS=0.01, PUSH_RETRY_MAX_SECONDS=1)
    with threaded.app_context():
        yield threaded
        assert flush(10), "push threads still busy at the end of the test"
        db.session.remove()


@pytest.fixture
def delivering_auth(delivering_app) -> AuthActions:
    """AuthActions on a client of delivering_app (each request in its own app context)."""
    delivering_app.test_client_class = IsolatedClient
    return AuthActions(delivering_app.test_client())


class Phones:
    """Users' phones subscribed through the API to a local push service, and what each received."""

    def __init__(self, receiver: PushReceiver):
        self.receiver = receiver
        self.browsers: dict[str, BrowserSubscription] = {}

    def subscribe(self, auth: AuthActions, username: str) -> None:
        """Log in as `username` and subscribe a browser of theirs (as the PWA does)."""
        assert auth.login(username).status_code == 200
        browser = BrowserSubscription(self.receiver.endpoint(username))
        response = auth.post("/api/v1/push/subscriptions", json=browser.to_json())
        assert response.status_code == 201, response.get_json()
        self.browsers[username] = browser

    def received(self) -> dict[str, list[dict]]:
        """Once the push threads are idle: each subscribed user's decrypted payloads, in order."""
        from server.push.service import flush

        assert flush(10)
        assert all(p.status == 201 for p in self.receiver.pushes), [
            p.vapid_error for p in self.receiver.pushes
        ]
        return {
            name: [browser.decrypt(p.body) for p in self.receiver.to(name)]
            for name, browser in self.browsers.items()
        }


@pytest.fixture
def phones(delivering_app) -> Iterator[Phones]:
    """A local push service checking the server's VAPID signature (tests/push_receiver.py)."""
    from server.push.vapid import vapid_keys

    with PushReceiver(public_key=vapid_keys().public_key) as receiver:
        yield Phones(receiver)
