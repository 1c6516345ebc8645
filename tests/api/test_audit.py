"""The audit log: logins and full-number views written, never changed, read by the admin only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from server.audit import service as audit
from server.audit.models import AppendOnlyError, AuditLog
from server.extensions import db
from tests import clock
from tests.factories import make_household, make_resident, org_with_users


@pytest.fixture
def org(app):
    made = org_with_users()
    made["resident"] = make_resident(make_household(made["worker"].grids[0].id))
    db.session.commit()
    return made


def entries(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_logins_are_logged_success_and_failure_without_the_password(org, auth):
    assert auth.login("worker1", "wrong-password-123").status_code == 401
    assert auth.login("nobody-here", "another-secret-45").status_code == 401
    assert auth.login("worker1").status_code == 200
    [failed_known, failed_unknown] = entries("auth.login_failed")
    assert failed_known.detail == {"username": "worker1"} and failed_known.actor_id is None
    assert failed_unknown.detail == {"username": "nobody-here"}
    [ok] = entries("auth.login")
    assert ok.actor_id == org["worker"].id and ok.target_id == str(org["worker"].id)
    text = str([(e.detail, e.target_id) for e in db.session.scalars(select(AuditLog))])
    assert "wrong-password" not in text and "another-secret" not in text and "correct-horse" not in text


def test_the_orm_refuses_to_change_or_delete_audit_rows(org):
    audit.record("export", org["admin"], "resident", "x", {"rows": 3})
    db.session.commit()
    row = db.session.scalar(select(AuditLog))
    row.action = "nothing.happened"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.delete(db.session.scalar(select(AuditLog)))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.execute(update(AuditLog).values(action="x"))
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.execute(delete(AuditLog))
    db.session.rollback()
    assert db.session.scalar(select(AuditLog.action)) == "export"


def test_only_the_admin_reads_the_log(org, auth, client):
    auth.login("street1")
    assert client.get("/api/v1/audit").status_code == 404
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker1")
    client.get(f"/api/v1/residents/{org['resident'].id}/identity")
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("admin1")
    page = client.get("/api/v1/audit").get_json()
    assert page["total"] == 6 and page["page"] == 1
    assert [e["action"] for e in page["entries"]] == [
        "auth.login",
        "auth.logout",
        "resident.identity_view",
        "auth.login",
        "auth.logout",
        "auth.login",
    ]
    view = page["entries"][2]
    assert view["actor"] == "worker1" and view["target_type"] == "resident"
    assert view["at"].endswith("+00:00") and view["ip"] == "127.0.0.1"


def test_filters_and_pages(org, auth, client):
    for _ in range(3):
        auth.login("worker1")
    auth.login("admin1")
    worker_id = org["worker"].id
    by_actor = client.get("/api/v1/audit", query_string={"actor_id": worker_id}).get_json()
    assert by_actor["total"] == 3
    page = client.get(
        "/api/v1/audit", query_string={"actor_id": worker_id, "per_page": 2, "page": 2}
    ).get_json()
    assert len(page["entries"]) == 1 and page["total"] == 3
    assert client.get("/api/v1/audit", query_string={"action": "auth.login_failed"}).get_json()["total"] == 0
    later = (clock.now() + timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/audit", query_string={"since": later}).get_json()["total"] == 0
    assert client.get("/api/v1/audit", query_string={"until": later}).get_json()["total"] == 4
    bad = client.get("/api/v1/audit", query_string={"action": "made.up"})
    assert bad.status_code == 422 and "action" in bad.get_json()["error"]["fields"]
    naive = client.get("/api/v1/audit", query_string={"since": "2026-01-01T00:00:00"})
    assert naive.status_code == 422
