"""The worker's 地图 in Chromium with the server stopped (issue 15 §4): the grid's boundary and
the buildings are drawn from the pulled snapshot. Checked on the canvas's pixels: the boundary's
stroke colour, and one filled disc per placed building; a tap on a disc lists its households."""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    REGISTER_HOUSEHOLDS,
    api_session,
    login,
    query,
    wait_for_offline_ready,
    wait_until,
)

GRID_CODE = "360103-001-001-001"  # the demo worker's grid
CENTRE = (115.8582, 28.6829)
# The map's colours (src/map/MapPage.vue): the grid's stroke and the building fills.
GRID_RGB = (0x14, 0x66, 0xC9)
BUILDING_RGB = [(0xE0, 0x39, 0x3E), (0xFF, 0x8F, 0x1F), (0x07, 0xA3, 0x5A), (0x8A, 0x8F, 0x99)]


@pytest.fixture
def seed_households() -> int:
    return REGISTER_HOUSEHOLDS


def offset(east_m: float, north_m: float) -> tuple[float, float]:
    k = math.cos(math.radians(CENTRE[1])) * 111_320
    return CENTRE[0] + east_m / k, CENTRE[1] + north_m / 111_320


def add_buildings(server, count: int) -> None:
    """More buildings in the worker's grid (the demo seeds one), as a register import would add them."""
    from sqlalchemy import create_engine, insert

    from server.register.models import Building

    grid_id = query(server, "SELECT id FROM grid WHERE code = :code", code=GRID_CODE)
    engine = create_engine(server.env["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            rows = [
                {"id": uuid.uuid4(), "grid_id": grid_id, "name": f"幸福小区{n + 2}栋"} for n in range(count)
            ]
            conn.execute(insert(Building.__table__), rows)
    finally:
        engine.dispose()


def place_the_grid(server) -> list[str]:
    """The admin imports the grid's boundary (a 400 m octagon); the worker places each building
    of the grid 120 m apart by GPS. Returns the building ids."""
    admin, admin_csrf = api_session(server, "admin")
    ring = [list(offset(400 * math.cos(a * math.pi / 4), 400 * math.sin(a * math.pi / 4))) for a in range(8)]
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": GRID_CODE},
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            }
        ],
    }
    answer = admin.post(
        server.url + "/api/v1/maps/boundaries/import",
        data=json.dumps(geojson),
        headers={"X-CSRF-Token": admin_csrf, "Content-Type": "application/geo+json"},
    )
    assert answer.status_code == 200, answer.text
    worker, csrf = api_session(server, "worker")
    buildings = worker.get(server.url + "/api/v1/buildings").json()["buildings"]
    assert len(buildings) == 5
    for n, building in enumerate(buildings):
        lng, lat = offset(-180 + 120 * (n % 4), -120 + 120 * (n // 4))
        point = {"lat": lat, "lng": lng, "accuracy": 6, "source": "gps"}
        put = worker.put(
            f"{server.url}/api/v1/maps/buildings/{building['id']}/point",
            json=point,
            headers={"X-CSRF-Token": csrf},
        )
        assert put.status_code == 200, put.text
    return [b["id"] for b in buildings]


# Reads the map's canvas: pixels of the grid colour, and the discs of building colours as
# connected blobs (4-neighbour flood fill) with their centres in page coordinates.
READ_CANVAS = """([grid, fills]) => {
    const canvas = document.querySelector('[data-testid=map] canvas');
    if (!canvas || !canvas.width) return null;
    const {width, height} = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const same = (i, [r, g, b]) => data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255;
    let gridPixels = 0;
    const mask = new Uint8Array(width * height);
    for (let p = 0; p < width * height; p++) {
        if (same(p * 4, grid)) gridPixels++;
        if (fills.some((c) => same(p * 4, c))) mask[p] = 1;
    }
    const blobs = [];
    for (let p = 0; p < mask.length; p++) {
        if (mask[p] !== 1) continue;
        let n = 0, sx = 0, sy = 0;
        const stack = [p];
        mask[p] = 2;
        while (stack.length) {
            const q = stack.pop(), x = q % width, y = (q - x) / width;
            n++; sx += x; sy += y;
            for (const r of [q - 1, q + 1, q - width, q + width]) {
                if (r >= 0 && r < mask.length && mask[r] === 1 && Math.abs((r % width) - x) <= 1) { mask[r] = 2; stack.push(r); }
            }
        }
        if (n >= 40) blobs.push({n, x: sx / n, y: sy / n});
    }
    const box = canvas.getBoundingClientRect();
    const scale = box.width / width;
    return {gridPixels, blobs: blobs.map((b) => ({n: b.n, x: box.left + b.x * scale, y: box.top + b.y * scale}))};
}"""


def test_the_map_draws_the_grid_and_buildings_with_the_server_stopped(server, phone):
    add_buildings(server, 4)
    building_ids = place_the_grid(server)
    context = phone.open()
    context.grant_permissions(["geolocation"], origin=server.url)
    context.set_geolocation({"latitude": CENTRE[1], "longitude": CENTRE[0], "accuracy": 10})
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)
    page.get_by_test_id("tab-roster").click()
    wait_until(page, "() => document.querySelectorAll('[data-testid=building-group]').length > 0", timeout=60)

    server.stop()
    page.goto(server.url + "/")  # a cold navigation, served by the service worker
    page.get_by_test_id("tab-map").click()
    read = page.evaluate_handle(f"() => ({READ_CANVAS})")
    figures = wait_until(
        page,
        "([read, args]) => { const r = read(args); return r && r.blobs.length > 0 && r; }",
        arg=[read, [list(GRID_RGB), [list(c) for c in BUILDING_RGB]]],
        timeout=30,
    )
    # The boundary: a 400 m octagon's stroke, hundreds of pixels of the grid colour.
    assert figures["gridPixels"] > 300, figures
    # One disc per building, none merged or missing.
    assert len(figures["blobs"]) == len(building_ids), figures["blobs"]

    # A tap on a building lists its households, from the phone's copy.
    page.mouse.click(figures["blobs"][0]["x"], figures["blobs"][0]["y"])
    sheet = page.get_by_test_id("building-sheet")
    sheet.get_by_role("heading").wait_for()
    name = sheet.get_by_role("heading").inner_text()
    households = query(
        server,
        "SELECT count(*) FROM household h JOIN building b ON b.id = h.building_id WHERE b.name = :name "
        "AND b.grid_id = (SELECT id FROM grid WHERE code = :code)",
        name=name,
        code=GRID_CODE,
    )
    assert households > 0
    assert sheet.get_by_test_id("sheet-household").count() == households
    sheet.locator(".van-popup__close-icon").click()

    # 我在这里: the GPS fix is drawn in the grid colour at the map's centre.
    before = figures["gridPixels"]
    page.get_by_test_id("map-here").click()
    colours = [list(GRID_RGB), [list(c) for c in BUILDING_RGB]]
    try:
        wait_until(
            page,
            "([read, args, before]) => { const r = read(args); return r && r.gridPixels > before + 100; }",
            arg=[read, colours, before],
        )
    except AssertionError as error:
        # Seen once in a full e2e run, never alone: say what the canvas held, for the next one.
        now = page.evaluate("([read, args]) => read(args)", [read, colours])
        raise AssertionError(f"{error}\ngrid pixels before the tap {before}, canvas now {now}") from None


def seed_open_case(server, tmp_path, lat: float, lng: float) -> str:
    """An open hazard case of the first category (住宅小区), 20 m from where the phone stands, as
    another report of the worker's grid already brought it."""
    import hashlib

    from tests import clock
    from tests.e2e.test_field_work import scene_photo

    worker, csrf = api_session(server, "worker")
    grid = worker.get(server.url + "/api/v1/auth/me").json()["user"]["grids"][0]["id"]
    photo = Path(scene_photo(tmp_path, "earlier.jpg", (90, 90, 90))).read_bytes()
    sha = hashlib.sha256(photo).hexdigest()
    assert worker.put(
        f"{server.url}/api/v1/photos/{sha}",
        data=photo,
        headers={"Content-Type": "image/jpeg", "X-CSRF-Token": csrf},
    ).status_code in (200, 201)
    answers = {
        "category": "residential",
        "severity": "general",
        "immediate_danger": False,
        "description": "小区消防通道被占用",
        "scene_photos": [sha],
    }
    item = {
        "id": str(uuid.uuid4()),
        "kind": "hazard_report",
        "template": {"key": "hazard_inspection", "version": 1},
        "created_at": clock.now().isoformat(),
        "payload": {"grid_id": grid, "answers": answers},
        "photos": [sha],
        "location": {"lat": lat + 20 / 111_320, "lng": lng, "accuracy": 8},
    }
    answer = worker.post(
        server.url + "/api/v1/sync/push",
        json={"device_id": "e2e-other", "items": [item]},
        headers={"X-CSRF-Token": csrf},
    ).json()["results"][0]
    assert answer["status"] == "accepted", answer
    return answer["case_id"]


def test_the_duplicate_hint_works_offline_and_becomes_a_merge_suggestion(server, playwright_driver, tmp_path):
    from tests.e2e.conftest import Phone, wait_until_synced
    from tests.e2e.test_field_work import GPS, RED, pick, scene_photo

    earlier = seed_open_case(server, tmp_path, GPS["latitude"], GPS["longitude"])
    phone = Phone(playwright_driver, tmp_path / "gps-profile", geolocation=GPS, permissions=["geolocation"])
    try:
        page = phone.open().new_page()
        login(page, server.url, "worker")
        wait_for_offline_ready(page)
        page.get_by_test_id("tab-roster").click()
        wait_until(
            page, "() => document.querySelectorAll('[data-testid=building-group]').length > 0", timeout=60
        )
        page.get_by_test_id("tab-map").click()  # the pull is in: the map shows the seeded case too
        page.goto(server.url + "/")

        server.stop()
        page.get_by_role("button", name="上报隐患").first.click()
        page.get_by_role("radiogroup", name="隐患类别").get_by_role("radio").first.click()
        pick(page, "隐患等级", "一般")
        pick(page, "是否存在现实危险", "否")
        page.get_by_label("隐患描述").fill("消防通道又被车辆占用")
        page.locator("input[type=file]").first.set_input_files(scene_photo(tmp_path, "scene.jpg", RED))
        page.locator("img[src^='blob:']").first.wait_for()
        locate = page.get_by_role("button", name="获取当前位置")
        if locate.count():  # the form may have taken the fix by itself
            locate.first.click()
        page.get_by_text("已定位").first.wait_for()
        # Offline, before saving: the open case 20 m away, of the same category, is offered.
        hint = page.get_by_test_id("dup-case")
        hint.first.wait_for()
        assert [hint.nth(i).get_attribute("data-case-id") for i in range(hint.count())] == [earlier]
        assert "约 20 米" in hint.first.inner_text()
        page.get_by_role("button", name="同一问题，补充到该案件").click()
        page.get_by_test_id("dup-marked").wait_for()
        page.get_by_role("button", name="保存").click()
        page.get_by_text("已保存").first.wait_for()

        server.start()
        page.goto(server.url + "/")
        wait_until_synced(page)
        mine = query(server, "SELECT id FROM \"case\" WHERE description = '消防通道又被车辆占用'")
        desk, _ = api_session(server, "supervisor")
        new = desk.get(f"{server.url}/api/v1/cases/{uuid.UUID(str(mine))}").json()
        # A merge suggestion for the supervisor, not a merge: both cases stay open.
        assert new["suggested_merge_into_id"] == earlier
        assert new["state"] == "reported" and new["merged_into_id"] is None
    finally:
        phone.close()


def test_an_admin_moves_a_boundary_vertex_on_the_desk_map(server, phone):
    admin, csrf = api_session(server, "admin")
    ring = [list(offset(400 * math.cos(a * math.pi / 4), 400 * math.sin(a * math.pi / 4))) for a in range(8)]
    feature = {
        "type": "Feature",
        "properties": {"code": GRID_CODE},
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }
    answer = admin.post(
        server.url + "/api/v1/maps/boundaries/import",
        data=json.dumps({"type": "FeatureCollection", "features": [feature]}),
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/geo+json"},
    )
    assert answer.status_code == 200, answer.text
    grid_id = answer.json()["imported"][0]["id"]
    page = phone.open().new_page()
    page.set_viewport_size({"width": 1100, "height": 800})
    login(page, server.url, "admin")
    page.goto(server.url + "/map/desk")
    page.get_by_test_id("desk-edit-grid").select_option(str(grid_id))
    handles = page.locator(".vertex-handle")
    wait_until(page, "() => document.querySelectorAll('.vertex-handle').length === 8")
    box = handles.first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 20, y + 15, steps=5)
    page.mouse.move(x + 40, y + 30, steps=5)
    page.mouse.up()
    page.get_by_test_id("desk-edit-save").click()
    page.get_by_text("边界已保存").wait_for()
    saved = admin.get(f"{server.url}/api/v1/maps/grids/{grid_id}/boundary").json()
    assert saved["version"] == 2
    first, closing = saved["geometry"]["coordinates"][0][0], saved["geometry"]["coordinates"][0][-1]
    assert first == closing  # the ring stays closed
    # The dragged vertex (400 m east of the centre) moved east and south; the others stayed.
    assert first[0] > ring[0][0] + 1e-5 and first[1] < ring[0][1] - 1e-5
    assert saved["geometry"]["coordinates"][0][1:-1] == [[round(v, 7) for v in p] for p in ring[1:]]
