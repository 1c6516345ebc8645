"""Serving the built PWA, security headers, and the JSON envelope for every /api error."""

import io
import json

import pytest


@pytest.fixture
def dist(tmp_path):
    """A small build tree with the shape Vite writes (hashed assets, shell, worker, manifest)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-AbC123.js").write_text("console.log('app')")
    (tmp_path / "index.html").write_text(
        '<!doctype html><script type="module" src="/assets/index-AbC123.js"></script>'
    )
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    (tmp_path / "manifest.webmanifest").write_text(json.dumps({"name": "网格通"}))
    return tmp_path


class ClosingClient:
    """Reads and closes each response, so streamed files never leak a handle."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, method):
        def call(*args, **kwargs):
            response = getattr(self.client, method)(*args, **kwargs)
            response.get_data()
            response.close()
            return response

        return call


@pytest.fixture
def web(make_app, dist):
    return ClosingClient(make_app(PWA_DIST=dist).test_client())


def test_hashed_assets_are_immutable_for_a_year(web):
    response = web.get("/assets/index-AbC123.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("path", ["/", "/sw.js", "/index.html"])
def test_shell_and_worker_are_revalidated(web, path):
    response = web.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_client_routes_get_the_shell(web):
    response = web.get("/me")
    assert response.status_code == 200
    assert b"/assets/index-AbC123.js" in response.data
    assert web.get("/tasks/7/edit").status_code == 200


def test_build_metadata_is_not_served(web, dist):
    (dist / ".vite").mkdir()
    (dist / ".vite" / "manifest.json").write_text("{}")
    assert web.get("/.vite/manifest.json").status_code == 404


def test_missing_file_is_404_not_the_shell(web):
    assert web.get("/missing.png").status_code == 404
    assert web.get("/assets/nope.js").status_code == 404


def test_webmanifest_has_its_mime_type(web):
    response = web.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"


def test_security_headers_on_pages_and_api(web):
    for path in ("/", "/api/v1/health"):
        headers = web.get(path).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_path_traversal_is_refused(web):
    assert web.get("/..%2Fconfig%2F__init__.py").status_code == 404
    assert web.get("/assets/..%2F..%2Fconfig%2F__init__.py").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api", "/api/", "/api/v1/nothing-here", "/api/v2/health", "/api/unknown.js"]
)
def test_unknown_api_path_is_a_json_404_not_the_spa(web, path):
    response = web.get(path)
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_a_json_405(web):
    response = web.delete("/api/v1/health")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_request_bigger_than_max_content_length_is_a_json_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1000, MAX_JSON_BYTES=5000)
    response = app.test_client().post(
        "/api/v1/auth/login", data='{"username": "' + "x" * 2000 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_backup_bigger_than_import_max_bytes_is_a_json_413_and_nothing_is_stored(app, make_app):
    from sqlalchemy import func, select

    from server.extensions import db
    from server.submissions.models import Submission
    from tests.conftest import AuthActions, IsolatedClient
    from tests.factories import org_with_users, visit_item

    org = org_with_users()
    small_cap = make_app(IMPORT_MAX_BYTES=2000)
    small_cap.test_client_class = IsolatedClient
    auth = AuthActions(small_cap.test_client())
    assert auth.login("super1").status_code == 200
    grid = org["worker"].grids[0].id
    items = [dict(visit_item(grid), owner="worker1", status="pending") for _ in range(10)]
    body = json.dumps(
        {
            "format": "gridwalk-outbox-backup",
            "version": 1,
            "device_id": "lost-phone",
            "owner": "worker1",
            "items": items,
            "photos": [],
        }
    ).encode()
    assert len(body) > 2000
    response = auth.post("/api/v1/sync/import", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    # Chunked, with no length up front (as gunicorn passes it on): refused too, not cut short.
    chunked = auth.post(
        "/api/v1/sync/import",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert chunked.status_code == 413
    assert chunked.get_json()["error"]["code"] == "payload_too_large"
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_server_fault_is_a_json_500_without_internals(make_app):
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == "server_error"
    assert "secret" not in response.get_data(as_text=True)


def test_health_reports_database(web):
    body = web.get("/api/v1/health").get_json()
    assert body["status"] == "ok" and body["db"] == "ok" and body["version"]


def test_openapi_document_lists_the_api(web):
    spec = web.get("/api/v1/openapi.json").get_json()
    assert spec["info"]["title"].startswith("Gridwalk")
    assert "/api/v1/auth/login" in spec["paths"]


def test_shell_missing_says_how_to_build(make_app, tmp_path):
    app = make_app(PWA_DIST=tmp_path / "nothing")
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert b"make run" in response.data


def test_health_reports_each_dependency(web, make_app, tmp_path):
    """The default install has no Redis; photo storage that cannot be written is named, and only a
    dead database turns the probe to 503 (a load balancer must not drop a host for the rest)."""
    body = web.get("/api/v1/health").get_json()
    assert body["redis"] in ("not_configured", "ok")
    assert body["photo_storage"] == "ok"
    blocked = tmp_path / "a-file"
    blocked.write_text("photos cannot go under a file")
    app = make_app(PHOTOS_DIR=blocked / "photos")
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json()["photo_storage"] == "unreachable"
    assert response.get_json()["status"] == "degraded"
