"""Login limits that see the real client: per address across usernames (password spraying),
per address and username, a phone that logged in before kept apart from a stranger's guesses,
and behind TRUSTED_PROXIES the phone's own address, in the limits and in the audit log."""

from sqlalchemy import select

from server.audit.models import AuditLog
from server.extensions import db
from tests.factories import PASSWORD

LOGIN = "/api/v1/auth/login"


def attempt(client, username, password="bad-guess", address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post(LOGIN, json={"username": username, "password": password}, headers=headers)


def test_one_address_spraying_many_usernames_is_stopped(org, client):
    statuses = [attempt(client, f"guess{n:02d}").status_code for n in range(25)]
    assert statuses[:20] == [401] * 20
    assert statuses[20:] == [429] * 5
    # The address is limited for every name now, known or not.
    assert attempt(client, "worker1", PASSWORD).status_code == 429


def test_a_phone_that_logged_in_before_gets_in_while_its_username_is_under_attack(org, app, client):
    phone = app.test_client()
    assert attempt(phone, "worker1", PASSWORD).status_code == 200  # yesterday, on the worker's phone
    assert phone.post("/api/v1/auth/logout", headers=_csrf(phone)).status_code == 204
    stranger = client
    statuses = [attempt(stranger, "worker1").status_code for _ in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
    # Another browser without the cookie is held back too: the limit is real.
    assert attempt(app.test_client(), "worker1", PASSWORD).status_code == 429
    # The worker's phone, same address, right password: in.
    assert attempt(phone, "worker1", PASSWORD).status_code == 200


def test_the_phones_own_wrong_guesses_are_still_limited(org, app):
    phone = app.test_client()
    assert attempt(phone, "worker1", PASSWORD).status_code == 200
    statuses = [attempt(phone, "worker1").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429


def test_a_device_cookie_for_another_user_or_forged_counts_for_nothing(org, app, client):
    phone = app.test_client()
    assert attempt(phone, "worker2", PASSWORD).status_code == 200  # the phone knows worker2
    for _ in range(5):
        attempt(client, "worker1")
    assert attempt(phone, "worker1", PASSWORD).status_code == 429
    forged = app.test_client()
    forged.set_cookie("gw_device", "eyJ1Ijoid29ya2VyMSIsImQiOiJ4In0.forged.sig", path="/api/v1/auth")
    assert attempt(forged, "worker1", PASSWORD).status_code == 429


def test_the_device_cookie_is_httponly_and_scoped_to_login(org, client):
    response = attempt(client, "worker1", PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("gw_device="))
    assert "HttpOnly" in cookie and "Path=/api/v1/auth" in cookie and "SameSite=Lax" in cookie


def test_without_trusted_proxies_a_forwarded_header_changes_nothing(org, client):
    """Anyone can send X-Forwarded-For: believed by default, it would let one client pose as many."""
    statuses = [attempt(client, "worker1", address=f"203.0.113.{n}").status_code for n in range(6)]
    assert statuses[5] == 429
    failed = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.login_failed")).all()
    assert {row.ip for row in failed} == {"127.0.0.1"}


def test_behind_one_trusted_proxy_each_phone_has_its_own_limit_and_audit_address(org, make_app):
    proxied = make_app(TRUSTED_PROXIES=1)
    client = proxied.test_client()
    for _ in range(5):
        assert attempt(client, "worker1", address="203.0.113.7").status_code == 401
    assert attempt(client, "worker1", PASSWORD, address="203.0.113.7").status_code == 429
    # Another phone behind the same proxy is not locked out by the first one's guesses.
    assert attempt(client, "worker1", PASSWORD, address="198.51.100.20").status_code == 200
    with proxied.app_context():
        failed = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.login_failed")).all()
        assert [row.ip for row in failed] == ["203.0.113.7"] * 5


def _csrf(client) -> dict:
    return {"X-CSRF-Token": client.get("/api/v1/auth/me").get_json()["csrf_token"]}
