"""The push API: the VAPID key, subscribing and unsubscribing a browser, and the bad inputs."""

from __future__ import annotations

import base64
import io
import os

import pytest
from sqlalchemy import func, select

from config import ConfigError
from server.extensions import db
from server.push.models import PushSubscription
from server.push.vapid import KEY_FILE, vapid_keys
from tests.conftest import AuthActions
from tests.factories import org_with_users
from tests.push_receiver import BrowserSubscription, b64url

SUBSCRIPTIONS = "/api/v1/push/subscriptions"
FCM = "https://fcm.googleapis.com/fcm/send/dK9x"


@pytest.fixture
def org(app):
    return org_with_users()


@pytest.fixture
def worker(org, auth) -> AuthActions:
    auth.login("worker1")
    return auth


def subscription(endpoint: str = FCM) -> dict:
    return BrowserSubscription(endpoint).to_json()


def stored() -> list[PushSubscription]:
    return db.session.scalars(select(PushSubscription).order_by(PushSubscription.id)).all()


def test_public_key_is_a_p256_point_generated_once_into_instance(client, app):
    first = client.get("/api/v1/push/key")
    assert first.status_code == 200
    key = first.get_json()["public_key"]
    point = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(point) == 65 and point[0] == 4 and "=" not in key
    assert client.get("/api/v1/push/key").get_json()["public_key"] == key
    key_file = app.config["INSTANCE_PATH"] / KEY_FILE
    assert key_file.stat().st_mode & 0o077 == 0
    assert "PRIVATE KEY" in key_file.read_text()


def test_keys_from_the_environment_win_and_must_match(make_app, tmp_path):
    from py_vapid import Vapid

    from server.push.vapid import public_key_of, raw_private_key

    signer = Vapid()
    signer.generate_keys()
    raw, public = raw_private_key(signer), public_key_of(signer.private_key)
    app = make_app(VAPID_PRIVATE_KEY=raw, VAPID_PUBLIC_KEY=public, INSTANCE_PATH=tmp_path)
    assert app.test_client().get("/api/v1/push/key").get_json() == {"public_key": public}
    assert not (tmp_path / KEY_FILE).exists()
    # A PEM squeezed into one environment line works too.
    pem = signer.private_pem().decode().replace("\n", "\\n")
    with make_app(VAPID_PRIVATE_KEY=pem).app_context():
        assert vapid_keys().public_key == public

    other = Vapid()
    other.generate_keys()
    with pytest.raises(ConfigError, match="VAPID_PUBLIC_KEY does not belong"):
        make_app(VAPID_PRIVATE_KEY=raw, VAPID_PUBLIC_KEY=public_key_of(other.private_key))
    with pytest.raises(ConfigError, match="not a usable P-256 private key"):
        make_app(VAPID_PRIVATE_KEY="not-a-key")


def test_production_without_a_key_does_not_generate_one_per_host(make_app, tmp_path):
    app = make_app(VAPID_GENERATE_KEYS=False, INSTANCE_PATH=tmp_path)
    response = app.test_client().get("/api/v1/push/key")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "push_unavailable"
    assert not (tmp_path / KEY_FILE).exists()


def test_subscribe_then_the_same_browser_again(worker):
    body = subscription()
    first = worker.post(
        SUBSCRIPTIONS, json=body, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/126"}
    )
    assert first.status_code == 201
    created = first.get_json()
    assert created["endpoint"] == FCM and created["last_success_at"] is None
    assert created["created_at"].endswith("+00:00")

    body["keys"] = subscription()["keys"]  # the browser renewed its keys
    again = worker.post(SUBSCRIPTIONS, json=body)
    assert again.status_code == 200
    assert again.get_json()["id"] == created["id"]
    [sub] = stored()
    assert sub.p256dh == body["keys"]["p256dh"] and sub.auth == body["keys"]["auth"]


def test_user_agent_is_kept_for_the_admin(worker):
    worker.post(SUBSCRIPTIONS, json=subscription(), headers={"User-Agent": "Huawei Browser " + "x" * 400})
    [sub] = stored()
    assert sub.user_agent.startswith("Huawei Browser") and len(sub.user_agent) == 300


def test_subscribing_needs_a_login_and_the_csrf_token(org, client, auth):
    assert client.post(SUBSCRIPTIONS, json=subscription()).status_code == 401
    auth.login("worker1")
    response = client.post(SUBSCRIPTIONS, json=subscription())
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert stored() == []


def test_the_endpoint_moves_to_whoever_is_logged_in_on_the_browser(org, client):
    body = subscription()
    first, second = AuthActions(client), AuthActions(client)
    first.login("worker1")
    assert first.post(SUBSCRIPTIONS, json=body).status_code == 201
    client.post("/api/v1/auth/logout", headers=first.headers())
    second.login("worker2")
    assert second.post(SUBSCRIPTIONS, json=body).status_code == 200
    [sub] = stored()
    assert sub.user_id == org["worker_other"].id


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.com/send/1",  # plain http off this machine
        "http://192.168.1.20/send/1",
        "ftp://push.example.com/1",
        "javascript:alert(1)",
        "not a url",
        "https://user:secret@push.example.com/1",
        "https:///no-host",
        "https://push.example.com:99999/1",
        "https://push.example.com/" + "a" * 1024,
    ],
)
def test_bad_endpoints_are_refused(worker, endpoint):
    response = worker.post(SUBSCRIPTIONS, json=subscription(endpoint))
    assert response.status_code == 422, response.get_json()
    assert "endpoint" in response.get_json()["error"]["fields"]
    assert stored() == []


@pytest.mark.parametrize("endpoint", ["http://localhost:8080/push/1", "http://127.0.0.1:5001/push/1"])
def test_localhost_http_endpoints_are_allowed_for_dev_and_tests(worker, endpoint):
    assert worker.post(SUBSCRIPTIONS, json=subscription(endpoint)).status_code == 201


def test_production_takes_no_local_or_private_endpoints(make_app, org):
    app = make_app(PUSH_ALLOW_LOCALHOST=False)
    from tests.conftest import IsolatedClient

    app.test_client_class = IsolatedClient
    auth = AuthActions(app.test_client())
    auth.login("worker1")
    for endpoint in ("http://127.0.0.1:5001/push/1", "https://localhost/push/1", "https://10.0.0.8/push/1"):
        response = auth.post(SUBSCRIPTIONS, json=subscription(endpoint))
        assert response.status_code == 422, endpoint
    assert auth.post(SUBSCRIPTIONS, json=subscription()).status_code == 201


def test_an_allow_list_of_push_services_when_configured(make_app, org):
    app = make_app(PUSH_ENDPOINT_HOSTS="push.services.mozilla.com, notify.windows.com")
    from tests.conftest import IsolatedClient

    app.test_client_class = IsolatedClient
    auth = AuthActions(app.test_client())
    auth.login("worker1")
    refused = auth.post(SUBSCRIPTIONS, json=subscription(FCM))
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["endpoint"] == ["不支持该推送服务"]
    ok = auth.post(SUBSCRIPTIONS, json=subscription("https://updates.push.services.mozilla.com/wpush/v2/abc"))
    assert ok.status_code == 201
    # A look-alike host is not a subdomain.
    evil = auth.post(SUBSCRIPTIONS, json=subscription("https://evilnotify.windows.com.example/x"))
    assert evil.status_code == 422


def _point_off_the_curve() -> str:
    return b64url(b"\x04" + b"\x00" * 31 + b"\x01" + b"\x00" * 31 + b"\x01")


@pytest.mark.parametrize(
    "keys, field",
    [
        ({"p256dh": b64url(os.urandom(64)), "auth": b64url(os.urandom(16))}, "p256dh"),  # too short
        ({"p256dh": _point_off_the_curve(), "auth": b64url(os.urandom(16))}, "p256dh"),
        ({"p256dh": "BO+/" + "A" * 83, "auth": b64url(os.urandom(16))}, "p256dh"),  # base64, not base64url
        ({"p256dh": "B" + "!" * 86, "auth": b64url(os.urandom(16))}, "p256dh"),
        ({"p256dh": None, "auth": b64url(os.urandom(16))}, "p256dh"),
        ({"auth": b64url(os.urandom(16))}, "p256dh"),
        ({"p256dh": "GOOD", "auth": b64url(os.urandom(15))}, "auth"),
        ({"p256dh": "GOOD", "auth": b64url(os.urandom(17))}, "auth"),
        ({"p256dh": "GOOD", "auth": "*" * 22}, "auth"),
        ({"p256dh": "GOOD", "auth": 12345}, "auth"),
    ],
)
def test_bad_keys_are_refused(worker, keys, field):
    body = subscription()
    if keys.get("p256dh") == "GOOD":
        keys["p256dh"] = body["keys"]["p256dh"]
    body["keys"] = keys
    response = worker.post(SUBSCRIPTIONS, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]["keys"]
    assert stored() == []


def test_missing_keys_or_endpoint_are_refused(worker):
    response = worker.post(SUBSCRIPTIONS, json={"endpoint": FCM})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"keys": ["必填项"]}
    response = worker.post(SUBSCRIPTIONS, json={"keys": subscription()["keys"]})
    assert response.get_json()["error"]["fields"] == {"endpoint": ["必填项"]}


def test_english_messages_when_asked(worker):
    response = worker.post(
        SUBSCRIPTIONS, json=subscription("http://push.example.com/1"), headers={"Accept-Language": "en"}
    )
    assert response.get_json()["error"]["fields"]["endpoint"] == ["The push endpoint must use https://"]


def test_10kb_of_json_is_413(worker):
    body = subscription()
    body["padding"] = "x" * 10_000
    response = worker.post(SUBSCRIPTIONS, json=body)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    body["padding"] = "x" * (4096 - len(str(subscription())) - 200)
    assert worker.post(SUBSCRIPTIONS, json=body).status_code == 201  # just under 4 KB is fine
    assert worker.delete(SUBSCRIPTIONS, json={"endpoint": FCM, "padding": "x" * 10_000}).status_code == 413
    assert len(stored()) == 1


def test_a_chunked_body_without_a_length_is_cut_off_at_4kb(worker):
    body = io.BytesIO(b'{"endpoint": "' + b"x" * 10_000 + b'"}')
    response = worker.client.post(
        SUBSCRIPTIONS,
        input_stream=body,
        headers=worker.headers({"Content-Type": "application/json", "Transfer-Encoding": "chunked"}),
        environ_base={"wsgi.input_terminated": True},  # as gunicorn marks a chunked body
    )
    assert response.status_code == 413, response.get_json()
    assert stored() == []


def test_unsubscribe_own_subscription(worker):
    worker.post(SUBSCRIPTIONS, json=subscription())
    assert worker.delete(SUBSCRIPTIONS, json={"endpoint": FCM}).status_code == 204
    assert stored() == []
    assert worker.delete(SUBSCRIPTIONS, json={"endpoint": FCM}).status_code == 404


def test_unsubscribing_another_users_browser_answers_404(org, client):
    owner, other = AuthActions(client), AuthActions(client)
    owner.login("worker1")
    owner.post(SUBSCRIPTIONS, json=subscription())
    client.post("/api/v1/auth/logout", headers=owner.headers())
    other.login("worker2")
    response = other.delete(SUBSCRIPTIONS, json={"endpoint": FCM})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert [s.user_id for s in stored()] == [org["worker"].id]


def test_unsubscribe_needs_a_login(org, client):
    assert client.delete(SUBSCRIPTIONS, json={"endpoint": FCM}).status_code == 401


def test_a_user_keeps_only_the_newest_subscriptions(make_app, org):
    from tests.conftest import IsolatedClient

    app = make_app(PUSH_MAX_SUBSCRIPTIONS_PER_USER=3)
    app.test_client_class = IsolatedClient
    auth = AuthActions(app.test_client())
    auth.login("worker1")
    endpoints = [f"{FCM}-{n}" for n in range(5)]
    for endpoint in endpoints:
        assert auth.post(SUBSCRIPTIONS, json=subscription(endpoint)).status_code == 201
    assert [s.endpoint for s in stored()] == endpoints[2:]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 3


def test_openapi_documents_the_push_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/api/v1/push/key"])
    assert {"post", "delete"} <= set(paths["/api/v1/push/subscriptions"])


def test_flask_push_keys_prints_the_public_key(app, runner, client):
    result = runner.invoke(args=["push-keys"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == client.get("/api/v1/push/key").get_json()["public_key"]
    new = runner.invoke(args=["push-keys", "--new"])
    lines = dict(line.split("=", 1) for line in new.stdout.strip().splitlines())
    assert set(lines) == {"VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"}
    assert lines["VAPID_PUBLIC_KEY"] != result.stdout.strip()  # --new stores nothing


def test_flask_push_keys_refuses_to_invent_a_production_key(make_app, tmp_path):
    app = make_app(VAPID_GENERATE_KEYS=False, INSTANCE_PATH=tmp_path)
    result = app.test_cli_runner().invoke(args=["push-keys"])
    assert result.exit_code != 0
    assert "VAPID_PRIVATE_KEY is unset" in result.output


def test_flask_push_worker_needs_redis(app, runner):
    result = runner.invoke(args=["push-worker", "--burst"])
    if app.config["REDIS_URL"]:
        assert result.exit_code == 0, result.output  # an empty queue: nothing to do
    else:
        assert result.exit_code != 0 and "REDIS_URL is unset" in result.output
