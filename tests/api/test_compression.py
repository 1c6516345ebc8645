"""Gzip on the wire: the build's .gz twins by Accept-Encoding, and JSON answers over 1 KB."""

import gzip
import json

import pytest

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
SCRIPT = "console.log('网格通');\n" * 200  # about 5 KB, as a Vite chunk would be


@pytest.fixture
def dist(tmp_path):
    """A build tree as `npm run build` leaves it: files and, for the larger ones, their .gz twins."""
    (tmp_path / "assets").mkdir()
    for path, text in {
        "assets/index-AbC123.js": SCRIPT,
        "index.html": '<!doctype html><script type="module" src="/assets/index-AbC123.js"></script>',
        "manifest.webmanifest": json.dumps({"name": "网格通", "padding": "x" * 2000}),
    }.items():
        (tmp_path / path).write_text(text)
    for path in ("assets/index-AbC123.js", "manifest.webmanifest"):
        (tmp_path / f"{path}.gz").write_bytes(gzip.compress((tmp_path / path).read_bytes()))
    return tmp_path


@pytest.fixture
def web(make_app, dist):
    return make_app(PWA_DIST=dist).test_client()


def fetch(client, path, headers=None):
    response = client.get(path, headers=headers or {})
    body = response.get_data()
    response.close()
    return response, body


def test_a_gzip_client_gets_the_precompressed_twin(web, dist):
    response, body = fetch(web, "/assets/index-AbC123.js", GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.mimetype == "text/javascript"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert body == (dist / "assets/index-AbC123.js.gz").read_bytes()
    assert gzip.decompress(body).decode() == SCRIPT


@pytest.mark.parametrize("accept", [None, "identity", "br", "gzip;q=0"])
def test_a_client_without_gzip_gets_the_file_itself(web, accept):
    response, body = fetch(web, "/assets/index-AbC123.js", {"Accept-Encoding": accept} if accept else {})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert body.decode() == SCRIPT
    # A shared cache must not hand this copy to a gzip client, nor the gzip copy to this one.
    assert "Accept-Encoding" in response.headers["Vary"]


def test_the_twin_revalidates_with_its_own_etag(web):
    first, _ = fetch(web, "/assets/index-AbC123.js", GZIP)
    plain, _ = fetch(web, "/assets/index-AbC123.js")
    assert first.headers["ETag"] != plain.headers["ETag"]
    again, body = fetch(web, "/assets/index-AbC123.js", {**GZIP, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and body == b""


def test_the_manifest_keeps_its_type_when_gzipped(web):
    response, body = fetch(web, "/manifest.webmanifest", GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.mimetype == "application/manifest+json"
    assert json.loads(gzip.decompress(body))["name"] == "网格通"


def test_a_file_without_a_twin_is_sent_as_it_is(web):
    response, body = fetch(web, "/", GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"/assets/index-AbC123.js" in body


def test_a_big_json_answer_is_gzipped_and_decompresses_to_the_same_json(client):
    plain, plain_body = fetch(client, "/api/v1/openapi.json")
    assert len(plain_body) > 1024 and "Content-Encoding" not in plain.headers
    response, body = fetch(client, "/api/v1/openapi.json", GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(body) < len(plain_body) / 3
    assert json.loads(gzip.decompress(body)) == json.loads(plain_body)
    # The security headers still come with it.
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_small_json_answer_is_not_compressed(client):
    response, body = fetch(client, "/api/v1/auth/me", GZIP)
    assert response.status_code == 401
    assert len(body) <= 1024
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["error"]
    assert "Accept-Encoding" in response.headers["Vary"]


def test_a_big_json_answer_stays_plain_when_gzip_is_refused(client):
    response, body = fetch(client, "/api/v1/openapi.json", {"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response.headers
    assert json.loads(body)["openapi"]


def test_a_file_replaced_after_its_twin_is_sent_itself_not_the_stale_twin(web, dist):
    """A deploy that replaces a file (a new service worker) without a new build: never old bytes."""
    import os

    script = dist / "assets/index-AbC123.js"
    script.write_text(SCRIPT + "console.log('v2');\n")
    twin = dist / "assets/index-AbC123.js.gz"
    os.utime(twin, (script.stat().st_mtime - 60, script.stat().st_mtime - 60))
    response, body = fetch(web, "/assets/index-AbC123.js", GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert body.decode().endswith("console.log('v2');\n")
