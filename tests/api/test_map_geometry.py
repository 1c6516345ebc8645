"""一张图's geometry (issue 15 §1, §3): boundaries imported and edited, building points set and
corrected, each bad input refused with nothing stored changed, and the worker's pull."""

from __future__ import annotations

import json
import math

import pytest

from server.coords import distance_m, gcj02_to_wgs84
from server.extensions import db
from server.maps.models import GridBoundary
from tests.conftest import AuthActions
from tests.factories import make_building, org_with_users

IMPORT = "/api/v1/maps/boundaries/import"
CENTRE = (115.8582, 28.6829)  # 南昌, where the factories' fixes are


def ring(lng: float, lat: float, radius_m: float, vertices: int) -> list[list[float]]:
    """A closed ring of `vertices` vertices around a point."""
    k = math.cos(math.radians(lat)) * 111_320
    points = [
        [
            round(lng + radius_m * math.cos(2 * math.pi * i / vertices) / k, 7),
            round(lat + radius_m * math.sin(2 * math.pi * i / vertices) / 111_320, 7),
        ]
        for i in range(vertices)
    ]
    return [*points, points[0]]


def feature(code: str, coordinates: list, kind: str = "Polygon") -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features: dict, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def offset(meters_east: float, meters_north: float = 0.0) -> tuple[float, float]:
    """A point this far from CENTRE (lng, lat)."""
    k = math.cos(math.radians(CENTRE[1])) * 111_320
    return CENTRE[0] + meters_east / k, CENTRE[1] + meters_north / 111_320


@pytest.fixture
def org(app):
    made = org_with_users()
    made["grid"] = made["worker"].grids[0]
    made["other_grid"] = made["worker_other"].grids[0]
    made["building"] = make_building(made["grid"].id)
    made["other_building"] = make_building(made["other_grid"].id, name="别的楼")
    db.session.commit()
    return made


class User(AuthActions):
    """A logged-in client of its own (the admin and a worker side by side), with get."""

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)


def login(app, username: str) -> User:
    user = User(app.test_client())
    assert user.login(username).status_code == 200
    return user


@pytest.fixture
def admin(org, client, app) -> User:
    return login(app, "admin1")


def upload(auth: AuthActions, body: bytes, query: str = ""):
    return auth.post(
        IMPORT + query, data=body, headers=auth.headers({"Content-Type": "application/geo+json"})
    )


def stored(grid_id: int) -> dict | None:
    db.session.expire_all()
    row = db.session.get(GridBoundary, grid_id)
    return None if row is None else {"geometry": json.loads(row.geometry), "version": row.version}


def import_grid(admin: AuthActions, org, radius_m: float = 300, vertices: int = 64) -> dict:
    response = upload(admin, collection(feature(org["grid"].code, [ring(*CENTRE, radius_m, vertices)])))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# ---- boundaries ---------------------------------------------------------------------------------


def test_admin_imports_boundaries_crs_assumed_and_said(admin, org):
    body = collection(
        feature(org["grid"].code, [ring(*CENTRE, 300, 64)]),
        feature(org["other_grid"].code, [ring(*offset(2000), 300, 32)]),
    )
    answer = upload(admin, body).get_json()
    assert answer["crs"] == "wgs84" and answer["crs_assumed"] is True
    assert [(i["code"], i["vertices"], i["simplified"]) for i in answer["imported"]] == [
        (org["grid"].code, 64, False),
        (org["other_grid"].code, 32, False),
    ]
    assert stored(org["grid"].id)["geometry"]["coordinates"][0][:2] == ring(*CENTRE, 300, 64)[:2]
    # The file may state WGS-84 itself: then nothing is assumed.
    stated = collection(
        feature(org["grid"].code, [ring(*CENTRE, 300, 8)]),
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    )
    answer = upload(admin, stated).get_json()
    assert answer["crs_assumed"] is False and answer["imported"][0]["version"] == 2


def test_gcj02_boundaries_are_stored_as_wgs84(admin, org):
    drawn = ring(*CENTRE, 300, 16)
    answer = upload(admin, collection(feature(org["grid"].code, [drawn])), "?crs=gcj02").get_json()
    assert answer["crs"] == "gcj02" and answer["crs_assumed"] is False
    first = stored(org["grid"].id)["geometry"]["coordinates"][0][0]
    expected = gcj02_to_wgs84(*drawn[0])
    assert distance_m(*first, *expected) < 0.05
    assert distance_m(*first, *drawn[0]) > 100  # really moved: GCJ-02 is some 500 m off


@pytest.mark.parametrize(
    ("coordinates", "words"),
    [
        ([ring(*CENTRE, 300, 16)[:-1]], "环未闭合"),  # last position missing
        (
            [[[115.85, 28.68], [115.86, 28.69], [115.86, 28.68], [115.85, 28.69], [115.85, 28.68]]],
            "边界自相交",
        ),
        ([[[lat, lng] for lng, lat in ring(*CENTRE, 300, 16)]], "经纬度可能颠倒"),
        ([[[115.85, 28.68], [115.86, 28.68], [115.85, 28.68]]], "至少需要 4 个坐标"),
    ],
    ids=["unclosed", "self-intersecting", "swapped", "too-few"],
)
def test_bad_rings_are_refused_and_nothing_changes(admin, org, coordinates, words):
    before = import_grid(admin, org) and stored(org["grid"].id)
    body = collection(
        feature(org["other_grid"].code, [ring(*offset(2000), 300, 8)]), feature(org["grid"].code, coordinates)
    )
    response = upload(admin, body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert words in error["fields"]["features[1]"][0], error
    # All or none: the good feature beside it is not stored either, the old boundary stays.
    assert stored(org["grid"].id) == before
    assert stored(org["other_grid"].id) is None


def test_other_bad_files(admin, org):
    mercator = collection(
        feature(org["grid"].code, [ring(*CENTRE, 300, 8)]),
        crs={"type": "name", "properties": {"name": "EPSG:3857"}},
    )
    response = upload(admin, mercator)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "unsupported_crs"
    assert "WGS-84" in response.get_json()["error"]["message"]
    unknown = upload(admin, collection(feature("no-such-grid", [ring(*CENTRE, 300, 8)])))
    assert "找不到编码为 no-such-grid 的网格" in unknown.get_json()["error"]["fields"]["features[0]"][0]
    assert (
        upload(admin, b'{"type": "Point", "coordinates": [1, 2]}').get_json()["error"]["code"]
        == "not_geojson"
    )
    assert upload(admin, b"{not json").status_code == 400
    assert stored(org["grid"].id) is None


def test_a_50_mb_file_is_413(admin, org):
    response = upload(admin, b" " * (50 * 1024 * 1024))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_a_million_vertices_are_simplified_at_the_stated_tolerance(admin, org):
    # A 300 m circle surveyed every 2 mm: a million vertices, about 25 MB of GeoJSON.
    vertices = 1_000_000
    k = math.cos(math.radians(CENTRE[1])) * 111_320
    parts = [
        f"[{CENTRE[0] + 300 * math.cos(2 * math.pi * i / vertices) / k:.7f},"
        f"{CENTRE[1] + 300 * math.sin(2 * math.pi * i / vertices) / 111_320:.7f}]"
        for i in range(vertices)
    ]
    parts.append(parts[0])
    head = '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"'
    body = (head + org["grid"].code + '"},"geometry":{"type":"Polygon","coordinates":[[').encode()
    body += ",".join(parts).encode() + b"]]}}]}"
    answer = upload(admin, body).get_json()
    assert answer["simplify_tolerance_m"] == 1.0
    imported = answer["imported"][0]
    assert imported["simplified"] is True and imported["vertices_before"] == vertices
    assert 20 < imported["vertices"] < 400, imported
    # Still the same circle: every kept vertex lies on it (within the tolerance).
    for lng, lat in stored(org["grid"].id)["geometry"]["coordinates"][0]:
        assert abs(distance_m(lng, lat, *CENTRE) - 300) < 1.5


def test_only_an_admin_imports(org, app):
    auth = login(app, "super1")
    assert upload(auth, collection(feature(org["grid"].code, [ring(*CENTRE, 300, 8)]))).status_code == 404


def test_moving_vertices_saves_a_new_version_and_stale_edits_are_refused(admin, org):
    import_grid(admin, org, vertices=8)
    url = f"/api/v1/maps/grids/{org['grid'].id}/boundary"
    current = admin.get(url).get_json()
    assert current["version"] == 1 and current["vertices"] == 8
    moved = json.loads(json.dumps(current["geometry"]))
    moved["coordinates"][0][2] = list(offset(10, 320))
    response = admin.put(url, json={"geometry": moved, "base_version": 1})
    assert response.status_code == 200 and response.get_json()["version"] == 2
    assert stored(org["grid"].id)["geometry"]["coordinates"][0][2] == [round(v, 7) for v in offset(10, 320)]
    # Someone saved since: refused, and so is a drag that makes the ring cross itself.
    assert admin.put(url, json={"geometry": current["geometry"], "base_version": 1}).status_code == 409
    crossed = json.loads(json.dumps(moved))
    crossed["coordinates"][0][2], crossed["coordinates"][0][5] = (
        crossed["coordinates"][0][5],
        crossed["coordinates"][0][2],
    )
    response = admin.put(url, json={"geometry": crossed, "base_version": 2})
    assert response.status_code == 422 and "自相交" in response.get_json()["error"]["fields"]["geometry"][0]
    assert stored(org["grid"].id)["version"] == 2


# ---- building points ------------------------------------------------------------------------


def point_url(building) -> str:
    return f"/api/v1/maps/buildings/{building.id}/point"


def test_worker_sets_points_outside_the_grid_only_when_confirmed(admin, org, app):
    import_grid(admin, org)
    worker = login(app, "worker1")
    url = point_url(org["building"])
    lng, lat = offset(50, 20)
    answer = worker.put(url, json={"lat": lat, "lng": lng, "accuracy": 8, "source": "gps"}).get_json()
    assert answer["building"]["point"] == {"lat": lat, "lng": lng, "accuracy": 8, "source": "gps"}
    assert answer["outside_grid"] is False and answer["building"]["version"] == 2

    far_lng, far_lat = offset(900)
    response = worker.put(url, json={"lat": far_lat, "lng": far_lng, "source": "tap"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "outside_grid"
    assert "网格的边界之外" in response.get_json()["error"]["message"]
    assert (
        worker.get(f"/api/v1/buildings?grid_id={org['grid'].id}").get_json()["buildings"][0]["point"]["lat"]
        == lat
    )

    confirmed = worker.put(
        url, json={"lat": far_lat, "lng": far_lng, "source": "tap", "confirm": True}
    ).get_json()
    assert confirmed["outside_grid"] is True
    assert confirmed["building"]["point"] == {"lat": far_lat, "lng": far_lng, "source": "tap"}

    # Another worker's building: as if it did not exist.
    assert worker.put(point_url(org["other_building"]), json={"lat": lat, "lng": lng}).status_code == 404


def test_a_2000_m_fix_is_kept_and_marked_imprecise(org, app):
    worker = login(app, "worker1")
    lng, lat = offset(30)
    answer = worker.put(
        point_url(org["building"]), json={"lat": lat, "lng": lng, "accuracy": 2000}
    ).get_json()
    assert answer["imprecise"] is True
    assert answer["building"]["point"] == {
        "lat": lat,
        "lng": lng,
        "accuracy": 2000,
        "source": "gps",
        "imprecise": True,
    }


def test_bad_points_are_refused(org, app):
    worker = login(app, "worker1")
    lng, lat = CENTRE
    # 乌鲁木齐 with latitude and longitude swapped: both in range, but far outside China.
    swapped = worker.put(point_url(org["building"]), json={"lat": 87.614, "lng": 43.824})
    assert swapped.status_code == 422
    assert "经纬度可能颠倒" in swapped.get_json()["error"]["fields"]["lat"][0]
    assert worker.put(point_url(org["building"]), json={"lat": 95, "lng": lng}).status_code == 422
    assert (
        worker.put(point_url(org["building"]), json={"lat": lat, "lng": lng, "accuracy": -1}).status_code
        == 422
    )
    assert (
        worker.put("/api/v1/maps/buildings/not-a-uuid/point", json={"lat": lat, "lng": lng}).status_code
        == 404
    )


def test_a_supervisor_corrects_a_point(org, app):
    supervisor = login(app, "super1")
    lng, lat = offset(5, 5)
    answer = supervisor.put(
        point_url(org["building"]), json={"lat": lat, "lng": lng, "source": "tap"}
    ).get_json()
    assert answer["building"]["point"] == {"lat": lat, "lng": lng, "source": "supervisor"}


# ---- the worker's pull ----------------------------------------------------------------------


def test_the_workers_pull_carries_their_grids_boundary_and_building_points(admin, org, app):
    import_grid(admin, org)
    upload(admin, collection(feature(org["other_grid"].code, [ring(*offset(2000), 300, 8)])))
    worker = login(app, "worker1")
    lng, lat = offset(10)
    worker.put(point_url(org["building"]), json={"lat": lat, "lng": lng, "accuracy": 5})

    changes = pull_all(worker)
    boundaries = [c for c in changes if c["entity"] == "grid_boundary"]
    assert [c["id"] for c in boundaries] == [org["grid"].id]  # not the other worker's grid
    assert boundaries[0]["data"]["geometry"]["coordinates"][0][0] == ring(*CENTRE, 300, 64)[0]
    buildings = {c["id"]: c["data"] for c in changes if c["entity"] == "building"}
    assert buildings[str(org["building"].id)]["point"]["lat"] == lat
    cursor = worker.get("/api/v1/sync/pull").get_json()["cursor"]

    # A vertex moved on the desk reaches the phone by the feed.
    url = f"/api/v1/maps/grids/{org['grid'].id}/boundary"
    moved = admin.get(url).get_json()["geometry"]
    moved["coordinates"][0][1] = list(offset(300, 40))
    assert admin.put(url, json={"geometry": moved}).status_code == 200
    page = worker.get(f"/api/v1/sync/pull?cursor={cursor}").get_json()
    assert [(c["entity"], c["version"]) for c in page["changes"]] == [("grid_boundary", 2)]


def pull_all(auth: AuthActions) -> list[dict]:
    changes, cursor = [], None
    for _ in range(100):
        page = auth.get("/api/v1/sync/pull" + (f"?cursor={cursor}" if cursor else "")).get_json()
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes
    raise AssertionError("pull never finished")


def test_tile_source_reaches_phones_in_the_catalogue(make_app):
    app = make_app(MAP_TILE_URL="https://t{s}.example.invalid/{z}/{x}/{y}.png", MAP_TILE_CRS="gcj02")
    with app.test_request_context():
        from server.maps.sync import tile_sources

        assert tile_sources()["map_tiles"] == [
            {
                "url": "https://t{s}.example.invalid/{z}/{x}/{y}.png",
                "attribution": "",
                "crs": "gcj02",
                "max_zoom": 18,
            }
        ]


def test_the_tile_host_may_serve_images_and_nothing_else_changes(make_app):
    from server.security import CONTENT_SECURITY_POLICY, tile_origin

    assert (
        tile_origin("https://t{s}.tianditu.gov.cn/img_w/wmts?tk=KEY&TILECOL={x}")
        == "https://*.tianditu.gov.cn"
    )
    assert tile_origin("http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png") == "http://10.0.0.5:8080"
    assert tile_origin("javascript:alert(1)") is None
    plain = make_app().test_client().get("/api/v1/health").headers["Content-Security-Policy"]
    assert plain == CONTENT_SECURITY_POLICY
    app = make_app(MAP_TILE_URL="https://t{s}.tianditu.gov.cn/{z}/{x}/{y}")
    policy = app.test_client().get("/api/v1/health").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://*.tianditu.gov.cn;" in policy
    assert "connect-src 'self' https://*.tianditu.gov.cn" in policy
    assert "default-src 'self'" in policy
