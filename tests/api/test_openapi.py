"""The OpenAPI at /api/v1/openapi.json, read as an integrator reads it: every operation's
parameters, bodies and answers are there, errors have the one envelope, and what the server
really answers validates against what the spec says it answers."""

from __future__ import annotations

import uuid
from typing import Any

import jsonschema
import pytest

from server.reports.kpis import current_month
from server.timeutil import local_today
from tests.factories import (
    city_item,
    install_forms,
    make_household,
    org_with_users,
    upload_photos,
    visit_item,
)

SPEC = "/api/v1/openapi.json"
API = "/api/v1"
PUSH = "/api/v1/sync/push"
MONDAY_9 = "2026-11-30T09:00:00+08:00"
DUE = "2026-12-02T17:00:00+08:00"
UNSAFE = ("post", "put", "patch", "delete")
PUBLIC = {("get", "/health"), ("post", "/auth/login"), ("get", "/push/key")}


@pytest.fixture
def spec(client) -> dict:
    response = client.get(SPEC)
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    app.config["FAKE_NOW"] = MONDAY_9
    return made


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "patch", "delete", "head"):
                yield path.removeprefix(API), method, operation


def operation(spec: dict, method: str, path: str) -> dict:
    return spec["paths"][API + path][method]


def resolve(spec: dict, node: Any) -> Any:
    """Follow a $ref ("#/components/...") to what it names."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def json_schema(spec: dict, node: Any) -> Any:
    """An OpenAPI 3.0 schema as plain JSON Schema: refs inlined, `nullable` as a null alternative."""
    node = resolve(spec, node)
    if isinstance(node, list):
        return [json_schema(spec, n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {key: json_schema(spec, value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def answer_schema(spec: dict, method: str, path: str, status: int | str) -> dict:
    response = resolve(spec, operation(spec, method, path)["responses"][str(status)])
    return json_schema(spec, response["content"]["application/json"]["schema"])


def assert_valid(spec: dict, method: str, path: str, response) -> dict:
    """The answer validates against the schema the spec gives for its status."""
    body = response.get_json()
    jsonschema.validate(body, answer_schema(spec, method, path, response.status_code))
    return body


def parameters(spec: dict, method: str, path: str) -> dict[str, dict]:
    op = operation(spec, method, path)
    shared = spec["paths"][API + path].get("parameters", [])
    return {p["name"]: p for p in (resolve(spec, p) for p in [*shared, *op.get("parameters", [])])}


def body_schema(spec: dict, method: str, path: str) -> dict:
    body = operation(spec, method, path)["requestBody"]
    return resolve(spec, body["content"]["application/json"]["schema"])


# ---- what the spec says ---------------------------------------------------------------------


def test_every_error_answer_is_the_envelope_with_code_and_message(spec):
    for path, method, op in operations(spec):
        codes = [c for c in op["responses"] if c == "default" or c.startswith(("4", "5"))]
        assert "default" in codes, (method, path)
        for code in codes:
            schema = json_schema(
                spec, resolve(spec, op["responses"][code])["content"]["application/json"]["schema"]
            )
            if code == "503" and path == "/health":
                continue  # the health probe answers its own body when the database is down
            assert schema["required"] == ["error"], (method, path, code)
            error = schema["properties"]["error"]
            assert {"code", "message"} <= set(error["required"]), (method, path, code)
            assert {"code", "message", "fields"} <= set(error["properties"]), (method, path, code)


def test_each_operation_lists_the_statuses_its_guards_answer(spec):
    for path, method, op in operations(spec):
        responses = op["responses"]
        public = (method, path) in PUBLIC
        # Login's 401 is the wrong password; every other 401 is "log in first".
        assert ("401" in responses) is (not public or path == "/auth/login"), (method, path)
        assert (op.get("security") == []) is public, (method, path)
        # A NUL in any query string is a 422 for every operation.
        assert "422" in responses, (method, path)
        if method in UNSAFE:
            assert {"400", "413", "415"} <= responses.keys(), (method, path)
            assert ("403" in responses) is not public, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
    # Roles are documented, and a role outside them is answered 404 like a missing record.
    assert operation(spec, "get", "/reports/kpis")["x-roles"] == ["supervisor", "admin"]
    assert "404" in operation(spec, "get", "/reports/kpis")["responses"]
    assert "429" in operation(spec, "post", "/auth/login")["responses"]
    assert "409" in operation(spec, "post", "/cases/{case_id}/actions")["responses"]
    schemes = spec["components"]["securitySchemes"]
    assert schemes["csrf"] == {**schemes["csrf"], "in": "header", "name": "X-CSRF-Token"}


@pytest.mark.parametrize(
    ("method", "path", "wanted"),
    [
        ("get", "/cases", {"state", "category", "community_id", "grid_id", "overdue", "page", "per_page"}),
        ("get", "/tasks", {"status", "assignee_id", "overdue"}),
        ("get", "/submissions", {"community_id", "grid_id", "kind", "review_status", "from", "to", "page"}),
        ("get", "/reports/kpis", {"month", "community_id", "grid_id", "by"}),
        ("get", "/reports/kpis/trend", {"months", "community_id", "grid_id"}),
        ("get", "/households", {"grid_id", "q", "page", "per_page"}),
        ("get", "/audit", {"actor_id", "page", "per_page"}),
    ],
)
def test_list_operations_document_their_query_and_their_answer(spec, method, path, wanted):
    found = parameters(spec, method, path)
    assert wanted <= found.keys()
    for name in wanted & {"grid_id", "community_id", "assignee_id", "actor_id"}:
        assert found[name]["schema"]["type"] == "integer"
        assert (found[name]["schema"]["minimum"], found[name]["schema"]["maximum"]) == (1, 2**31 - 1)
    if "per_page" in found:
        assert (found["per_page"]["schema"]["minimum"], found["per_page"]["schema"]["maximum"]) == (1, 200)
    answer = answer_schema(spec, method, path, 200)
    assert answer["type"] == "object" and answer["properties"] and answer["required"]


@pytest.mark.parametrize(
    ("path", "required", "status"),
    [
        ("/submissions/{submission_id}/review", {"action"}, 200),
        ("/cases/{case_id}/actions", {"action"}, 200),
        ("/tasks", {"kind", "assignee_id", "due_at"}, 201),
        ("/auth/login", {"username", "password"}, 200),
    ],
)
def test_posts_document_their_body_with_required_fields_and_their_answer(spec, path, required, status):
    body = body_schema(spec, "post", path)
    assert set(body["required"]) == required
    assert answer_schema(spec, "post", path, status)["properties"]


def test_the_action_and_review_bodies_name_their_choices(spec):
    actions = body_schema(spec, "post", "/cases/{case_id}/actions")["properties"]["action"]["enum"]
    assert {"file", "dispatch", "handle", "check", "close"} <= set(actions)
    review = body_schema(spec, "post", "/submissions/{submission_id}/review")["properties"]["action"]["enum"]
    assert set(review) == {"approve", "return", "reject"}


def test_health_documents_its_body(spec):
    schema = answer_schema(spec, "get", "/health", 200)
    assert set(schema["required"]) == {"status", "db", "redis", "photo_storage", "version"}
    assert schema["properties"]["redis"]["enum"] == ["ok", "unreachable", "not_configured"]


def test_a_photo_is_named_by_64_lowercase_hex_digits(spec):
    for method in ("get", "put"):
        sha = parameters(spec, method, "/photos/{sha256}")["sha256"]
        assert sha["in"] == "path" and sha["schema"]["pattern"] == "^[0-9a-f]{64}$"
    put = operation(spec, "put", "/photos/{sha256}")
    assert "image/jpeg" in put["requestBody"]["content"]


# ---- what the server answers ----------------------------------------------------------------


def test_an_empty_month_is_this_month_not_a_refusal(org, auth, client):
    auth.login("super1")
    rate = client.get(f"{API}/reports/visit-rate?month=")
    assert rate.status_code == 200, rate.get_json()
    assert rate.get_json()["month"] == local_today().strftime("%Y-%m")
    kpis = client.get(f"{API}/reports/kpis?month=&grid_id=")
    assert kpis.status_code == 200, kpis.get_json()
    assert kpis.get_json()["month"] == current_month()


def test_real_errors_validate_against_the_documented_envelope(spec, org, auth, client):
    anonymous = client.get(f"{API}/auth/me")
    assert anonymous.status_code == 401
    assert_valid(spec, "get", "/auth/me", anonymous)
    auth.login("super1")
    bad_id = client.get(f"{API}/cases?grid_id=%C2%B2")
    assert bad_id.status_code == 422
    assert "grid_id" in assert_valid(spec, "get", "/cases", bad_id)["error"]["fields"]
    too_big = client.get(f"{API}/tasks?assignee_id=99999999999")
    assert too_big.status_code == 422
    assert "assignee_id" in assert_valid(spec, "get", "/tasks", too_big)["error"]["fields"]
    nul = client.get(f"{API}/auth/me?note=a%00b")
    assert nul.status_code == 422
    assert "note" in assert_valid(spec, "get", "/auth/me", nul)["error"]["fields"]
    missing = client.get(f"{API}/cases/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert_valid(spec, "get", "/cases/{case_id}", missing)
    not_json = auth.post(f"{API}/tasks", data="kind=x", content_type="text/plain")
    assert not_json.status_code == 415
    assert_valid(spec, "post", "/tasks", not_json)
    no_token = client.post(f"{API}/tasks", json={})
    assert no_token.status_code == 403
    assert_valid(spec, "post", "/tasks", no_token)
    empty = auth.post(f"{API}/tasks", json={})
    assert empty.status_code == 422
    assert {"kind", "assignee_id", "due_at"} <= assert_valid(spec, "post", "/tasks", empty)["error"][
        "fields"
    ].keys()


def test_real_answers_validate_against_the_documented_schemas(spec, org, auth, client):
    grid = org["worker"].grids[0].id
    household = make_household(grid)
    auth.login("worker1")
    photos = upload_photos(auth, 1)
    visit = visit_item(grid)
    results = auth.post(PUSH, json={"device_id": "phone-1", "items": [city_item(grid, photos), visit]})
    assert [r["status"] for r in results.get_json()["results"]] == ["accepted", "accepted"]
    case_id = results.get_json()["results"][0]["case_id"]

    auth.login("super1")
    assert_valid(spec, "get", "/health", client.get(f"{API}/health"))
    cases = assert_valid(spec, "get", "/cases", client.get(f"{API}/cases?state=reported&page=1&per_page=10"))
    assert [c["id"] for c in cases["cases"]] == [case_id]
    assert_valid(spec, "get", "/cases/{case_id}", client.get(f"{API}/cases/{case_id}"))
    assert_valid(spec, "get", "/cases/{case_id}/similar", client.get(f"{API}/cases/{case_id}/similar"))
    filed = auth.post(f"{API}/cases/{case_id}/actions", json={"action": "file", "comment": "立案"})
    assert filed.status_code == 200, filed.get_json()
    assert assert_valid(spec, "post", "/cases/{case_id}/actions", filed)["state"] == "filed"
    illegal = auth.post(f"{API}/cases/{case_id}/actions", json={"action": "close"})
    assert illegal.status_code == 409
    assert "allowed" in assert_valid(spec, "post", "/cases/{case_id}/actions", illegal)["error"]
    assert_valid(spec, "get", "/cases/time-limits", client.get(f"{API}/cases/time-limits"))

    task = auth.post(
        f"{API}/tasks",
        json={
            "kind": "visit_household",
            "household_id": str(household.id),
            "assignee_id": org["worker"].id,
            "due_at": DUE,
        },
    )
    assert task.status_code == 201, task.get_json()
    task_id = assert_valid(spec, "post", "/tasks", task)["id"]
    assert_valid(spec, "get", "/tasks", client.get(f"{API}/tasks?status=open"))
    moved = auth.patch(f"{API}/tasks/{task_id}", json={"due_at": "2026-12-03T17:00:00+08:00"})
    assert moved.status_code == 200, moved.get_json()
    assert_valid(spec, "patch", "/tasks/{task_id}", moved)

    queue = assert_valid(spec, "get", "/submissions", client.get(f"{API}/submissions?kind=household_visit"))
    assert [s["id"] for s in queue["submissions"]] == [visit["id"]]
    assert_valid(spec, "get", "/submissions/{submission_id}", client.get(f"{API}/submissions/{visit['id']}"))
    reviewed = auth.post(f"{API}/submissions/{visit['id']}/review", json={"action": "approve"})
    assert reviewed.status_code == 200, reviewed.get_json()
    assert (
        assert_valid(spec, "post", "/submissions/{submission_id}/review", reviewed)["review_status"]
        == "accepted"
    )

    kpis = client.get(f"{API}/reports/kpis?month=2026-11&by=grid")
    assert assert_valid(spec, "get", "/reports/kpis", kpis)["breakdown"]
    assert_valid(spec, "get", "/reports/kpis/trend", client.get(f"{API}/reports/kpis/trend?months=2"))
    assert_valid(spec, "get", "/reports/visit-rate", client.get(f"{API}/reports/visit-rate"))
    auth.login("worker1")
    mine = assert_valid(spec, "get", "/submissions/mine", client.get(f"{API}/submissions/mine"))
    assert {s["id"] for s in mine["submissions"]} == {visit["id"], results.get_json()["results"][0]["id"]}
