"""The organisation tree by scope, grid reads, and admin management of users."""

import pytest

from server.auth.models import User
from server.extensions import db
from tests.factories import PASSWORD, org_with_users


@pytest.fixture
def org(app):
    return org_with_users()


def _grid_codes(tree):
    return sorted(g["code"] for c in tree["communities"] for g in c["grids"])


def test_worker_sees_only_own_grid(org, auth, client):
    auth.login("worker1")
    tree = client.get("/api/v1/org").get_json()
    assert tree["street"]["name"] == "测试街道"
    assert _grid_codes(tree) == [org["worker"].grids[0].code]
    assert [c["name"] for c in tree["communities"]] == ["测试社区1"]


def test_community_supervisor_sees_own_community_street_supervisor_everything(org, auth, client):
    auth.login("super1")
    tree = client.get("/api/v1/org").get_json()
    assert [c["name"] for c in tree["communities"]] == ["测试社区1"]
    assert len(_grid_codes(tree)) == 2
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("street1")
    tree = client.get("/api/v1/org").get_json()
    assert len(tree["communities"]) == 2 and len(_grid_codes(tree)) == 4


def test_handler_sees_own_department_and_no_grids(org, auth, client):
    auth.login("handler1")
    tree = client.get("/api/v1/org").get_json()
    assert [d["name"] for d in tree["departments"]] == ["城管执法中队"]
    assert _grid_codes(tree) == []


def test_worker_asking_for_another_communitys_grid_gets_404(org, auth, client):
    auth.login("worker1")
    own = org["worker"].grids[0]
    other = org["worker_other"].grids[0]
    assert client.get(f"/api/v1/org/grids/{own.id}").status_code == 200
    response = client.get(f"/api/v1/org/grids/{other.id}")
    missing = client.get("/api/v1/org/grids/999999")
    assert response.status_code == missing.status_code == 404
    assert response.get_json() == missing.get_json()


def test_admin_creates_edits_and_deactivates_a_user(org, auth, client):
    auth.login("admin1")
    grid = org["grids"][1]
    created = auth.post(
        "/api/v1/users",
        json={
            "username": "li.na",
            "display_name": "李娜",
            "password": "long-enough-1",
            "role": "worker",
            "phone": "13812345678",
            "grid_ids": [grid.id],
        },
    )
    assert created.status_code == 201, created.get_json()
    user_id = created.get_json()["id"]
    assert created.get_json()["grids"][0]["code"] == grid.code
    assert "password" not in created.get_json()

    listed = client.get("/api/v1/users").get_json()["users"]
    assert next(u for u in listed if u["username"] == "li.na")["phone"] == "138****5678"

    edited = auth.patch(f"/api/v1/users/{user_id}", json={"grid_ids": [org["grids"][2].id]})
    assert edited.status_code == 200
    assert edited.get_json()["grids"][0]["id"] == org["grids"][2].id

    new_client = client.application.test_client()
    assert (
        new_client.post(
            "/api/v1/auth/login", json={"username": "li.na", "password": "long-enough-1"}
        ).status_code
        == 200
    )
    assert auth.patch(f"/api/v1/users/{user_id}", json={"active": False}).status_code == 200
    assert new_client.get("/api/v1/auth/me").status_code == 401


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "张三"}, "username"),
        ({"username": "a'b\"c"}, "username"),
        ({"username": "x" * 500}, "username"),
        ({"phone": "1381234567"}, "phone"),
        ({"phone": "0791-8888888"}, "phone"),
        ({"password": "short"}, "password"),
        ({"role": "mayor"}, "role"),
        ({"grid_ids": []}, "grid_ids"),
        ({"grid_ids": [999999]}, "grid_ids"),
        ({"username": "worker1"}, "username"),
    ],
)
def test_bad_user_data_is_422_and_nothing_is_stored(org, auth, client, payload, field):
    auth.login("admin1")
    base = {
        "username": "new.worker",
        "display_name": "新网格员",
        "password": "long-enough-1",
        "role": "worker",
        "grid_ids": [org["grids"][0].id],
    }
    count = db.session.query(User).count()
    response = auth.post("/api/v1/users", json=base | payload)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.query(User).count() == count


def test_non_admins_cannot_manage_users(org, auth, client):
    auth.login("worker1")
    assert client.get("/api/v1/users").status_code == 404
    response = auth.post(
        "/api/v1/users",
        json={"username": "sneaky", "display_name": "x", "password": PASSWORD, "role": "admin"},
    )
    assert response.status_code == 404
    assert db.session.scalar(db.select(User).where(User.username == "sneaky")) is None


def test_admin_cannot_deactivate_self(org, auth):
    auth.login("admin1")
    response = auth.patch(f"/api/v1/users/{org['admin'].id}", json={"active": False})
    assert response.status_code == 409
