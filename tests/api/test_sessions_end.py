"""Sessions that really end: after logout, a password change, an admin's "end sessions" or a
deactivation, neither a copied session cookie nor a copied remember-me cookie gets back in."""

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from tests.conftest import AuthActions, IsolatedClient
from tests.factories import org_with_users


@pytest.fixture
def org(app):
    # Each request in its own app context, as on a server: a shared `g` would hand every client
    # the user the previous request loaded, whatever cookie it sent.
    app.test_client_class = IsolatedClient
    return org_with_users()


def phone_cookies(app, username="worker1") -> tuple[AuthActions, dict[str, str]]:
    """A phone logged in with "remember me", and a copy of its two cookies (as a thief would keep)."""
    phone = AuthActions(app.test_client())
    assert phone.login(username, remember=True).status_code == 200
    cookies = {name: phone.client.get_cookie(name).value for name in ("session", "remember_token")}
    return phone, cookies


def replay(app, name: str, value: str) -> int:
    """/auth/me from a fresh browser holding only this one cookie."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser.get("/api/v1/auth/me").status_code


def test_each_copied_cookie_works_while_the_session_lives(org, app):
    _, cookies = phone_cookies(app)
    assert replay(app, "session", cookies["session"]) == 200
    assert replay(app, "remember_token", cookies["remember_token"]) == 200


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_after_logout_neither_cookie_gets_back_in(org, app, cookie):
    phone, cookies = phone_cookies(app)
    assert phone.post("/api/v1/auth/logout").status_code == 204
    assert replay(app, cookie, cookies[cookie]) == 401
    logout = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.logout")).one()
    assert logout.actor_id == org["worker"].id


def test_logging_out_ends_the_users_sessions_on_every_device(org, app):
    desk, _ = phone_cookies(app)
    phone, _ = phone_cookies(app)
    assert desk.post("/api/v1/auth/logout").status_code == 204
    assert phone.client.get("/api/v1/auth/me").status_code == 401
    # Logging in again works at once, on either.
    assert phone.login("worker1").status_code == 200


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_an_admin_ends_a_lost_phones_sessions(org, app, cookie):
    _, cookies = phone_cookies(app)
    admin = AuthActions(app.test_client())
    admin.login("admin1")
    response = admin.post(f"/api/v1/users/{org['worker'].id}/end-sessions")
    assert response.status_code == 204
    assert replay(app, cookie, cookies[cookie]) == 401
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.sessions_ended")).one()
    assert (row.actor_id, row.target_id) == (org["admin"].id, str(org["worker"].id))


def test_only_an_admin_may_end_someone_elses_sessions(org, app):
    phone, _ = phone_cookies(app)
    for username in ("worker2", "super1"):
        other = AuthActions(app.test_client())
        other.login(username)
        assert other.post(f"/api/v1/users/{org['worker'].id}/end-sessions").status_code == 404
    assert phone.client.get("/api/v1/auth/me").status_code == 200
    admin = AuthActions(app.test_client())
    admin.login("admin1")
    assert admin.post("/api/v1/users/999999/end-sessions").status_code == 404


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_password_change_or_deactivation_ends_them_too(org, app, cookie):
    _, cookies = phone_cookies(app)
    admin = AuthActions(app.test_client())
    admin.login("admin1")
    assert (
        admin.patch(f"/api/v1/users/{org['worker'].id}", json={"password": "a-new-one-2027"}).status_code
        == 200
    )
    assert replay(app, cookie, cookies[cookie]) == 401
    _, cookies = phone_cookies(app, "worker2")
    assert admin.patch(f"/api/v1/users/{org['worker_other'].id}", json={"active": False}).status_code == 200
    assert replay(app, cookie, cookies[cookie]) == 401
