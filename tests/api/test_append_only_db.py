"""The audit log and the case event log refuse changes in the database itself (migration 0007).

The ORM already refuses them (test_audit.py); these go around it with raw SQL, as a console
session or a bulk script would, and find the rows untouched.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from server.audit.service import record
from server.extensions import db
from tests.factories import city_item, install_forms, make_user, org_with_users, upload_photos

AUDIT = "SELECT id, action, actor_id FROM audit_log ORDER BY id"
EVENTS = "SELECT id, action, comment FROM case_event ORDER BY id"


def raw(statement: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(statement))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'forged'",
        "UPDATE audit_log SET actor_id = NULL",
        "DELETE FROM audit_log",
    ],
)
def test_raw_sql_cannot_change_or_remove_an_audit_row(app, statement):
    record("login", actor=make_user("admin"))
    db.session.commit()
    before = db.session.execute(text(AUDIT)).all()
    assert len(before) == 1
    with pytest.raises(DBAPIError, match="append-only"):
        raw(statement)
    assert db.session.execute(text(AUDIT)).all() == before
    # Adding stays possible: the log goes on.
    record("logout", actor=None)
    db.session.commit()
    assert len(db.session.execute(text(AUDIT)).all()) == 2


@pytest.mark.parametrize("statement", ["UPDATE case_event SET comment = 'forged'", "DELETE FROM case_event"])
def test_raw_sql_cannot_change_or_remove_a_case_event(app, auth, statement):
    org = org_with_users()
    install_forms()
    auth.login("worker1")
    [result] = auth.post(
        "/api/v1/sync/push",
        json={
            "device_id": "phone-1",
            "items": [city_item(org["worker"].grids[0].id, upload_photos(auth, 1))],
        },
    ).get_json()["results"]
    assert result["status"] == "accepted", result
    before = db.session.execute(text(EVENTS)).all()
    assert [row.action for row in before] == ["report"]
    with pytest.raises(DBAPIError, match="append-only"):
        raw(statement)
    assert db.session.execute(text(EVENTS)).all() == before
