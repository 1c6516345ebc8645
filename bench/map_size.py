"""Benchmark the map's share of a worker's pull (issue 15 §4: the grid's geometry ≤ 30 KB gzip).

Run: .venv/bin/python bench/map_size.py [--vertices 400] [--buildings 60]
A realistic grid: a surveyed boundary of a few hundred vertices (an irregular, star-shaped ring
of 250–400 m radius, 1e-7° precision as stored), imported through the admin's GeoJSON import,
and 60 buildings whose points a worker set by GPS through the API. The worker's snapshot is
pulled as the phone pulls it; the grid_boundary and building changes are measured alone, as
the JSON the server sends, raw and gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pull_snapshot import snapshot  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402

PASSWORD = "bench-password-1"
CENTRE = (115.8582, 28.6829)
GOAL_KB = 30.0


def boundary(vertices: int, seed: int = 15) -> list[list[float]]:
    """A closed, irregular ring that never crosses itself (radius varies with the angle only)."""
    rng = random.Random(seed)
    k = math.cos(math.radians(CENTRE[1])) * 111_320
    radius, points = 320.0, []
    for i in range(vertices):
        radius = min(400.0, max(250.0, radius + rng.uniform(-12, 12)))
        angle = 2 * math.pi * i / vertices
        points.append(
            [
                round(CENTRE[0] + radius * math.cos(angle) / k, 7),
                round(CENTRE[1] + radius * math.sin(angle) / 111_320, 7),
            ]
        )
    return [*points, points[0]]


def setup(app, buildings: int) -> str:
    """Migrate; a street with one grid, its worker and an admin; `buildings` buildings."""
    from flask_migrate import upgrade

    from server.auth import service as auth_service
    from server.org.models import Community, Grid, Street
    from server.register.models import Building

    with app.app_context():
        upgrade()
        street = Street(name="基准街道", code="360103-900")
        community = Community(street=street, name="基准社区", code="360103-900-001")
        grid = Grid(community=community, code="360103-900-001-001", name="基准网格1")
        db.session.add_all([street, community, grid])
        db.session.flush()
        auth_service.create_user(
            username="bench", display_name="基准网格员", password=PASSWORD, role="worker", grid_ids=[grid.id]
        )
        auth_service.create_user(
            username="bench-admin", display_name="管理员", password=PASSWORD, role="admin"
        )
        for n in range(buildings):
            db.session.add(
                Building(
                    id=uuid.uuid4(), grid_id=grid.id, name=f"幸福小区{n + 1}栋", address=f"幸福路{n + 1}号"
                )
            )
        db.session.commit()
        return grid.code


def login(app, username: str):
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return client, {"X-CSRF-Token": response.get_json()["csrf_token"]}


def run(vertices: int, buildings: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="gridwalk-bench-") as tmp:
        workdir = Path(tmp)
        app = create_app(
            "test",
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
                "INSTANCE_PATH": workdir,
                "PHOTOS_DIR": workdir / "photos",
            },
        )
        code = setup(app, buildings)
        admin, admin_headers = login(app, "bench-admin")
        ring = boundary(vertices)
        file = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": code},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            ],
        }
        response = admin.post(
            "/api/v1/maps/boundaries/import",
            data=json.dumps(file),
            headers=dict(admin_headers, **{"Content-Type": "application/geo+json"}),
        )
        assert response.status_code == 200, response.get_json()
        worker, headers = login(app, "bench")
        rng = random.Random(60)
        k = math.cos(math.radians(CENTRE[1])) * 111_320
        listed = worker.get("/api/v1/buildings").get_json()["buildings"]
        for building in listed:
            east, north = rng.uniform(-200, 200), rng.uniform(-200, 200)
            point = {
                "lat": round(CENTRE[1] + north / 111_320, 7),
                "lng": round(CENTRE[0] + east / k, 7),
                "accuracy": round(rng.uniform(3, 30), 1),
            }
            response = worker.put(
                f"/api/v1/maps/buildings/{building['id']}/point", json=point, headers=headers
            )
            assert response.status_code == 200, response.get_json()
        _seconds, bodies, entities = snapshot(worker, 500)
        changes = [c for body in bodies for c in json.loads(body)["changes"]]
        geometry = [c for c in changes if c["entity"] in ("grid_boundary", "building")]
        # As the server writes JSON (flask's compact provider, ASCII-escaped).
        raw = json.dumps(geometry, separators=(",", ":")).encode()
        with app.app_context():
            db.engine.dispose()
        return {
            "vertices": vertices,
            "buildings": entities.get("building", 0),
            "boundaries": entities.get("grid_boundary", 0),
            "raw": len(raw),
            "gzip": len(gzip.compress(raw, 6)),
            "pull_gzip": sum(len(gzip.compress(b, 6)) for b in bodies),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vertices", type=int, default=400, help="boundary vertices (a few hundred is real)")
    parser.add_argument("--buildings", type=int, default=60)
    args = parser.parse_args(argv)
    out = run(args.vertices, args.buildings)
    kb = out["gzip"] / 1024
    print(
        f"map geometry in the worker's pull: 1 grid boundary of {out['vertices']} vertices, {out['buildings']} buildings"
    )
    print(
        f"  raw {out['raw'] / 1024:.1f} KB, gzip {kb:.1f} KB (goal ≤ {GOAL_KB:.0f} KB): {'ok' if kb <= GOAL_KB else 'OVER GOAL'}"
    )
    print(f"  whole snapshot gzip {out['pull_gzip'] / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
