"""Accounts: the password policy wherever a password is set (admin, the user, `flask create-user`),
and the change an admin-set password forces at the next login."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.auth.models import User
from server.auth.passwords import common_passwords
from server.extensions import db
from tests.api.test_openapi import assert_valid
from tests.conftest import AuthActions
from tests.factories import PASSWORD, org_with_users

NEW = "blue-kettle-on-a-hill"
CHANGE = "/api/v1/auth/password"
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture
def org(app, client):  # `client` first: every test client then runs requests like a server
    return org_with_users()


def device(app) -> AuthActions:
    """Another browser or phone, with its own cookies."""
    return AuthActions(app.test_client())


def login(app, username: str, password: str = PASSWORD) -> AuthActions:
    phone = device(app)
    response = phone.login(username, password)
    assert response.status_code == 200, response.get_json()
    return phone


def admin_creates(app, **overrides):
    admin = login(app, "admin1")
    body = {"username": "li.na", "display_name": "李娜", "password": "first-day-at-work", "role": "admin"}
    return admin.post("/api/v1/users", json=body | overrides)


def stored(username: str) -> User:
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.username == username)).one()


def audit_rows(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


# ---- the forced change --------------------------------------------------------------------


def test_an_account_an_admin_creates_must_change_its_password_before_anything_else(org, app):
    created = admin_creates(app)
    assert created.status_code == 201
    assert created.get_json()["must_change_password"] is True

    phone = login(app, "li.na", "first-day-at-work")
    assert phone.client.get("/api/v1/auth/me").get_json()["user"]["must_change_password"] is True
    for response in (
        phone.client.get("/api/v1/org"),
        phone.client.get("/api/v1/users"),
        phone.patch(f"/api/v1/users/{org['worker'].id}", json={"display_name": "改名"}),
    ):
        assert response.status_code == 403
        error = response.get_json()["error"]
        assert error["code"] == "password_change_required"
        assert error["message"] == "请先修改密码"
    assert stored("worker1").display_name == "测试worker"  # the blocked edit changed nothing
    english = phone.client.get("/api/v1/org", headers=ENGLISH).get_json()["error"]["message"]
    assert english == "Change your password first"
    assert phone.client.get("/api/v1/health").status_code == 200

    changed = phone.post(CHANGE, json={"current_password": "first-day-at-work", "new_password": NEW})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["user"]["must_change_password"] is False
    phone.csrf = changed.get_json()["csrf_token"]
    assert phone.client.get("/api/v1/users").status_code == 200  # this device goes on, unblocked
    assert phone.patch(f"/api/v1/users/{org['worker'].id}", json={"display_name": "改名"}).status_code == 200
    assert stored("li.na").must_change_password is False
    (row,) = audit_rows("auth.password_changed")
    assert (row.actor_id, row.target_id, row.detail) == (
        stored("li.na").id,
        str(stored("li.na").id),
        {"forced": True},
    )


def test_public_operations_answer_as_to_anyone_while_the_change_is_pending(org, app, client):
    admin_creates(app)
    phone = login(app, "li.na", "first-day-at-work")
    for path in ("/api/v1/health", "/api/v1/push/key", "/api/v1/openapi.json"):
        assert phone.client.get(path).status_code == client.get(path).status_code, path


def test_the_answers_match_the_openapi_spec(org, app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/auth/password"]["post"]["requestBody"]["content"]["application/json"]
    assert set(spec["components"]["schemas"][body["schema"]["$ref"].split("/")[-1]]["required"]) == {
        "current_password",
        "new_password",
    }
    admin_creates(app)
    phone = login(app, "li.na", "first-day-at-work")
    assert_valid(spec, "get", "/org", phone.client.get("/api/v1/org"))  # the 403 is documented
    refused = phone.post(CHANGE, json={"current_password": "first-day-at-work", "new_password": "short"})
    assert_valid(spec, "post", "/auth/password", refused)
    changed = phone.post(CHANGE, json={"current_password": "first-day-at-work", "new_password": NEW})
    assert assert_valid(spec, "post", "/auth/password", changed)["user"]["must_change_password"] is False


def test_logout_works_while_the_change_is_pending(org, app):
    admin_creates(app)
    phone = login(app, "li.na", "first-day-at-work")
    assert phone.post("/api/v1/auth/logout").status_code == 204
    assert phone.client.get("/api/v1/auth/me").status_code == 401


def test_a_password_an_admin_resets_must_be_changed_and_the_reset_is_audited(org, app):
    admin = login(app, "admin1")
    reset = admin.patch(f"/api/v1/users/{org['worker'].id}", json={"password": "temporary-key-77"})
    assert reset.status_code == 200
    assert reset.get_json()["must_change_password"] is True
    (row,) = audit_rows("auth.password_reset")
    assert (row.actor_id, row.target_id) == (org["admin"].id, str(org["worker"].id))
    assert "temporary-key-77" not in str(row.detail)

    phone = login(app, "worker1", "temporary-key-77")
    assert phone.client.get("/api/v1/org").get_json()["error"]["code"] == "password_change_required"
    assert (
        phone.post(CHANGE, json={"current_password": "temporary-key-77", "new_password": NEW}).status_code
        == 200
    )
    assert phone.client.get("/api/v1/org").status_code == 200


def test_a_users_own_change_ends_their_other_sessions_and_keeps_this_one(org, app):
    desk = login(app, "worker1")
    phone = login(app, "worker1")
    changed = phone.post(CHANGE, json={"current_password": PASSWORD, "new_password": NEW})
    assert changed.status_code == 200
    assert desk.client.get("/api/v1/auth/me").status_code == 401
    me = phone.client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.get_json()["csrf_token"] == changed.get_json()["csrf_token"] != phone.csrf
    assert device(app).login("worker1", PASSWORD).status_code == 401
    assert device(app).login("worker1", NEW).status_code == 200
    (row,) = audit_rows("auth.password_changed")
    assert row.detail == {"forced": False}


def test_the_remember_me_cookie_is_renewed_with_the_change(org, app):
    phone = login(app, "worker1")
    phone.post(CHANGE, json={"current_password": PASSWORD, "new_password": NEW})
    phone.client.delete_cookie("session")  # the phone restarts: only the remember-me cookie is left
    assert phone.client.get("/api/v1/auth/me").status_code == 200


def test_changing_needs_a_login_and_the_csrf_token(org, app, client):
    assert client.post(CHANGE, json={"current_password": PASSWORD, "new_password": NEW}).status_code == 401
    phone = login(app, "worker1")
    forged = phone.client.post(CHANGE, json={"current_password": PASSWORD, "new_password": NEW})
    assert forged.status_code == 403
    assert forged.get_json()["error"]["code"] == "csrf_failed"
    assert device(app).login("worker1", PASSWORD).status_code == 200


# ---- bad inputs to the user's own change ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code", "field", "message"),
    [
        ({"new_password": "ninechars"}, 422, "validation_failed", "new_password", "密码至少需要 10 个字符"),
        (
            {"new_password": "Password123"},
            422,
            "validation_failed",
            "new_password",
            "这个密码太常见，容易被猜到，请换一个",
        ),
        (
            {"new_password": "QWERTYUIOP"},
            422,
            "validation_failed",
            "new_password",
            "这个密码太常见，容易被猜到，请换一个",
        ),
        (
            {"new_password": "woaini1314520"},
            422,
            "validation_failed",
            "new_password",
            "这个密码太常见，容易被猜到，请换一个",
        ),
        (
            {"new_password": "aaaaaaaaaaaaab"},
            422,
            "validation_failed",
            "new_password",
            "这个密码太常见，容易被猜到，请换一个",
        ),
        ({"new_password": PASSWORD}, 422, "validation_failed", "new_password", "新密码不能与当前密码相同"),
        (
            {"current_password": "not-my-password"},
            422,
            "wrong_password",
            "current_password",
            "当前密码不正确",
        ),
        ({"current_password": ...}, 422, "validation_failed", "current_password", "必填项"),
        ({"new_password": ...}, 422, "validation_failed", "new_password", "必填项"),
        ({"new_password": 12345678901234}, 422, "validation_failed", "new_password", "应为文字"),
        ({"new_password": None}, 422, "validation_failed", "new_password", "不能为空"),
        (
            {"new_password": "blue-kettle\u0000-2027"},
            422,
            "validation_failed",
            "new_password",
            "含有无法保存的隐藏字符",
        ),
        ({"new_password": "x" * 10_000}, 422, "validation_failed", "new_password", "密码不能超过 128 个字符"),
        ({"current_password": "x" * 10_000}, 422, "validation_failed", "current_password", "长度不符合要求"),
    ],
)
def test_a_bad_change_is_refused_with_a_message_and_changes_nothing(
    org, app, body, status, code, field, message
):
    phone = login(app, "worker1")
    before = stored("worker1").password_hash
    payload = {
        k: v for k, v in ({"current_password": PASSWORD, "new_password": NEW} | body).items() if v is not ...
    }
    response = phone.post(CHANGE, json=payload)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert message in error["fields"][field][0]
    assert stored("worker1").password_hash == before
    assert phone.client.get("/api/v1/auth/me").status_code == 200  # still logged in
    assert device(app).login("worker1", PASSWORD).status_code == 200
    assert audit_rows("auth.password_changed") == []


def test_policy_messages_in_english_when_asked(org, app):
    phone = login(app, "worker1")
    short = phone.post(CHANGE, json={"current_password": PASSWORD, "new_password": "short"}, headers=ENGLISH)
    assert short.get_json()["error"]["fields"]["new_password"] == ["Use at least 10 characters"]
    common = phone.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": "iloveyou1314"}, headers=ENGLISH
    )
    assert common.get_json()["error"]["fields"]["new_password"] == [
        "This password is too common and easy to guess; choose another"
    ]


def test_wrong_current_passwords_are_rate_limited(org, app):
    phone = login(app, "worker1")
    before = stored("worker1").password_hash
    statuses = [
        phone.post(CHANGE, json={"current_password": f"guess-number-{n}", "new_password": NEW}).status_code
        for n in range(8)
    ]
    assert statuses[:5] == [422] * 5
    assert statuses[-1] == 429
    # Per user: the same worker's other phone waits too, another worker does not.
    again = login(app, "worker1").post(
        CHANGE, json={"current_password": "one-more-guess", "new_password": NEW}
    )
    assert again.status_code == 429
    other = login(app, "worker2").post(
        CHANGE, json={"current_password": "one-more-guess", "new_password": NEW}
    )
    assert other.status_code == 422
    assert stored("worker1").password_hash == before
    assert device(app).login("worker1", PASSWORD).status_code == 200


# ---- the admin's create and reset follow the same rules ---------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ninechars", "密码至少需要 10 个字符"),
        ("PASSWORD123", "这个密码太常见，容易被猜到，请换一个"),
        ("1111111111", "这个密码太常见，容易被猜到，请换一个"),
        ("x" * 10_000, "密码不能超过 128 个字符"),
    ],
)
def test_admin_create_and_reset_refuse_a_weak_password_and_store_nothing(org, app, password, message):
    created = admin_creates(app, password=password)
    assert created.status_code == 422
    assert created.get_json()["error"]["fields"]["password"] == [message]
    assert db.session.scalar(select(User).where(User.username == "li.na")) is None

    admin = login(app, "admin1")
    before = stored("worker1").password_hash
    reset = admin.patch(f"/api/v1/users/{org['worker'].id}", json={"password": password})
    assert reset.status_code == 422
    assert reset.get_json()["error"]["fields"]["password"] == [message]
    assert stored("worker1").password_hash == before
    assert stored("worker1").must_change_password is False
    assert audit_rows("auth.password_reset") == []


def test_the_bundled_list_is_lower_case_and_refuses_nothing_the_tests_rely_on(app):
    listed = common_passwords()
    assert len(listed) > 1000
    assert all(p == p.lower() and len(p) >= 10 for p in listed)
    for accepted in (
        PASSWORD,
        NEW,
        "first-day-at-work",
        "temporary-key-77",
        "long-enough-1",
        "demo-gridwalk",
    ):
        assert accepted not in listed


# ---- flask create-user ----------------------------------------------------------------------


def create_user(runner, password: str, *extra: str):
    return runner.invoke(
        args=["create-user", "--username", "zhao.li", "--display-name", "赵丽", "--role", "admin", *extra],
        input=f"{password}\n{password}\n",
    )


def test_create_user_sets_the_forced_change_unless_told_not_to(runner, app):
    result = create_user(runner, "first-day-at-work")
    assert result.exit_code == 0, result.output
    assert "must change the password" in result.output
    assert stored("zhao.li").must_change_password is True
    db.session.delete(stored("zhao.li"))
    db.session.commit()
    result = create_user(runner, "first-day-at-work", "--no-must-change")
    assert result.exit_code == 0, result.output
    assert stored("zhao.li").must_change_password is False


@pytest.mark.parametrize(
    ("password", "message"),
    [("ninechars", "密码至少需要 10 个字符"), ("Qwertyuiop123", "这个密码太常见，容易被猜到，请换一个")],
)
def test_create_user_refuses_a_weak_password_with_the_same_message(runner, app, password, message):
    result = create_user(runner, password)
    assert result.exit_code != 0
    assert f"password: {message}" in result.output
    assert db.session.scalar(select(User).where(User.username == "zhao.li")) is None


def test_demo_logins_need_no_change(runner, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalars(select(User).where(User.must_change_password.is_(True))).all() == []
