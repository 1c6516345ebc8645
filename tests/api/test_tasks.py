"""Tasks: a supervisor assigns, the worker gets it by pull, completes it by a submission or an update."""

from __future__ import annotations

import uuid

import pytest

from server.extensions import db
from server.tasks.models import Task
from tests.factories import install_forms, make_household, make_user, org_with_users, push_item, visit_item

PUSH = "/api/v1/sync/push"
NOW = "2026-11-30T09:00:00+08:00"
DUE = "2026-12-02T17:00:00+08:00"


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    app.config["FAKE_NOW"] = NOW
    return made


@pytest.fixture
def household(org):
    household = make_household(org["worker"].grids[0].id)
    db.session.commit()
    return household


def assign(auth, org, household, **overrides):
    body = {
        "kind": "visit_household",
        "household_id": str(household.id),
        "assignee_id": org["worker"].id,
        "due_at": DUE,
        "note": "上门核实",
    }
    body.update(overrides)
    return auth.post("/api/v1/tasks", json=body)


def test_assign_pull_and_complete_by_a_submission(org, household, auth):
    auth.login("super1")
    response = assign(auth, org, household)
    assert response.status_code == 201, response.get_json()
    task = response.get_json()
    assert task["status"] == "open" and task["overdue"] is False and task["title"] == "入户走访"
    auth.login("worker1")
    pulled = auth.client.get("/api/v1/sync/pull").get_json()
    assert [c["id"] for c in pulled["changes"] if c["entity"] == "task"] == [task["id"]]
    assert [t["id"] for t in auth.client.get("/api/v1/tasks").get_json()["tasks"]] == [task["id"]]
    item = visit_item(org["worker"].grids[0].id)
    item["payload"]["household_id"] = str(household.id)
    item["payload"]["task_id"] = task["id"]
    result = auth.post(PUSH, json={"device_id": "p", "items": [item]}).get_json()["results"][0]
    assert result["status"] == "accepted", result
    stored = db.session.get(Task, uuid.UUID(task["id"]))
    assert stored.status == "done" and stored.submission_id == uuid.UUID(item["id"])
    changes = auth.client.get(f"/api/v1/sync/pull?cursor={pulled['cursor']}").get_json()["changes"]
    assert [c["data"]["status"] for c in changes if c["entity"] == "task"] == ["done"]


def test_complete_by_task_update_is_idempotent(org, household, auth):
    auth.login("super1")
    task_id = assign(auth, org, household).get_json()["id"]
    auth.login("worker1")
    item = push_item("task_update", {"task_id": task_id, "status": "done"})
    first = auth.post(PUSH, json={"device_id": "p", "items": [item]}).get_json()["results"][0]
    again = auth.post(PUSH, json={"device_id": "p", "items": [item]}).get_json()["results"][0]
    assert (first["status"], again["status"]) == ("accepted", "duplicate")
    late = push_item("task_update", {"task_id": task_id, "status": "done"})
    assert (
        auth.post(PUSH, json={"device_id": "p", "items": [late]}).get_json()["results"][0]["status"]
        == "conflict"
    )


def test_bad_tasks(org, household, auth):
    auth.login("super1")
    past = assign(auth, org, household, due_at="2026-11-29T09:00:00+08:00")
    assert past.status_code == 422 and "due_at" in past.get_json()["error"]["fields"]
    assert assign(auth, org, household, kind="dance").status_code == 422
    assert assign(auth, org, household, household_id=str(uuid.uuid4())).status_code == 404
    other = assign(auth, org, household, assignee_id=org["worker_other"].id)
    assert other.status_code == 422  # worker2 does not cover the household's grid
    idle = make_user("worker", "idle", grid_ids=[org["worker"].grids[0].id])
    idle.active = False
    db.session.commit()
    assert assign(auth, org, household, assignee_id=idle.id).status_code == 422
    auth.login("worker1")
    assert assign(auth, org, household).status_code == 404


def test_reassign_deletes_it_from_the_old_phone_and_overdue_is_flagged(org, household, auth, app):
    second = make_user("worker", "worker3", grid_ids=[org["worker"].grids[0].id])
    db.session.commit()
    auth.login("super1")
    task_id = assign(auth, org, household).get_json()["id"]
    auth.login("worker1")
    cursor = auth.client.get("/api/v1/sync/pull").get_json()["cursor"]
    auth.login("super1")
    response = auth.patch(f"/api/v1/tasks/{task_id}", json={"assignee_id": second.id})
    assert response.status_code == 200 and response.get_json()["assignee_id"] == second.id
    auth.login("worker1")
    changes = auth.client.get(f"/api/v1/sync/pull?cursor={cursor}").get_json()["changes"]
    assert [(c["entity"], c["op"]) for c in changes if c["entity"] == "task"] == [("task", "delete")]
    app.config["FAKE_NOW"] = "2026-12-03T09:00:00+08:00"
    auth.login("super1")
    assert [t["id"] for t in auth.client.get("/api/v1/tasks?overdue=1").get_json()["tasks"]] == [task_id]
