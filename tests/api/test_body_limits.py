"""Body limits that hold: the JSON cap counts the bytes actually read (a chunked body has no
Content-Length to check), and a refused body leaves the connection usable for the next request."""

import http.client
import io
import json
import os
from collections.abc import Iterator

import pytest

from tests import gunicorn

OVER = 2 * 1024 * 1024  # MAX_JSON_BYTES is 1 MiB


def big_login() -> bytes:
    return json.dumps({"username": "worker1", "password": "x" * OVER}).encode()


def chunks(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), 65536):
        yield body[start : start + 65536]


def test_a_chunked_json_body_over_the_cap_is_413(app, client):
    response = client.post(
        "/api/v1/auth/login",
        input_stream=io.BytesIO(big_login()),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_a_chunked_json_body_over_the_cap_is_413_on_an_authenticated_route(app, org, auth):
    auth.login("worker1")
    body = json.dumps({"device_id": "phone-1", "items": [], "padding": "x" * OVER}).encode()
    response = auth.post(
        "/api/v1/sync/push",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413


def test_a_chunked_json_body_under_the_cap_is_read_whole(app, org, client):
    body = json.dumps({"username": "worker1", "password": "correct-horse-9"}).encode()
    response = client.post(
        "/api/v1/auth/login",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 200


@pytest.fixture(scope="module")
def served(_schema, database_url, tmp_path_factory) -> Iterator[int]:
    """gunicorn (gthread: keep-alive connections) on the test database, one for the module."""
    tmp_path = tmp_path_factory.mktemp("served")
    env = dict(
        os.environ,
        GRIDWALK_CONFIG="default",
        GRIDWALK_INSTANCE=str(tmp_path),
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    env.pop("REDIS_URL", None)
    port = gunicorn.free_port()
    process = gunicorn.start(port, env, tmp_path / "server.log")
    yield port
    gunicorn.stop(process)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_after_a_413_the_same_connection_serves_the_next_request(served, framing):
    """A phone reuses its connection: the request after a refused one must not fail."""
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=20)
    try:
        body = big_login()
        headers = {"Content-Type": "application/json"}
        if framing == "chunked":
            connection.request(
                "POST", "/api/v1/auth/login", body=chunks(body), headers=headers, encode_chunked=True
            )
        else:
            connection.request("POST", "/api/v1/auth/login", body=body, headers=headers)
        refused = connection.getresponse()
        assert refused.status == 413
        assert json.loads(refused.read())["error"]["code"] == "payload_too_large"
        connection.request("GET", "/api/v1/health")
        after = connection.getresponse()
        assert after.status == 200
        assert json.loads(after.read())["db"] == "ok"
    finally:
        connection.close()


def test_an_address_too_long_for_gunicorn_is_answered_in_the_api_envelope(served):
    """gunicorn refuses a request line over 4,094 bytes before the app runs; the answer is still
    JSON with a message, as the fuzz's content-type check and the PWA's error toast expect, and a
    filter list of ordinary length still reaches the app."""
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=20)
    try:
        long_filter = "&".join(f"assignee_id={n}" for n in range(600))  # about 9 KB
        connection.request("GET", f"/api/v1/tasks?{long_filter}")
        refused = connection.getresponse()
        assert refused.status == 414
        assert refused.getheader("Content-Type") == "application/json"
        error = json.loads(refused.read())["error"]
        assert error["code"] == "uri_too_long" and "网址太长" in error["message"]
    finally:
        connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=20)
    try:
        connection.request("GET", "/api/v1/tasks?" + "&".join(f"assignee_id={n}" for n in range(50)))
        answer = connection.getresponse()
        assert answer.status == 401 and json.loads(answer.read())["error"]["code"]  # the app answered
    finally:
        connection.close()


def test_the_api_documents_414_on_every_operation(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    operations = [op for item in spec["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert operations and all("414" in op["responses"] for op in operations)
