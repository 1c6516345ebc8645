"""Boundaries imported and edited, building points set and corrected, and what the map reads.
The caller owns the transaction: nothing here commits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from server.audit import service as audit
from server.auth.models import User
from server.auth.scope import Scope
from server.cases.loop import OPEN_STATES, visible
from server.cases.models import Case
from server.coords import in_china
from server.errors import ApiError, validation_failed
from server.extensions import db
from server.geo import geopoint_errors, imprecise
from server.i18n import msg
from server.maps.geometry import (
    SIMPLIFY_TOLERANCE_M,
    CheckedPolygon,
    GeometryError,
    check_geometry,
    contains,
    crs_of,
)
from server.maps.models import CommunityBoundary, GridBoundary
from server.org.models import Community, Grid
from server.register.models import Building
from server.security import parse_json_body
from server.sync.changes import record_change
from server.timeutil import app_now, local_today, utcnow
from server.visits.service import visit_rate

GRID_BOUNDARY = "grid_boundary"
LEVELS = ("grid", "community")
# Most features a file may hold: a street has some 80 grids, a district a few thousand.
MAX_FEATURES = 5_000


def geometry_text(geometry: dict) -> str:
    """Compact JSON: what the phone's snapshot carries."""
    return json.dumps(geometry, separators=(",", ":"))


def boundary_data(row: Any) -> dict:
    """A grid's boundary as phones and the desk read it."""
    return {
        "grid_id": row.grid_id,
        "geometry": json.loads(row.geometry),
        "vertices": row.vertices,
        "version": row.version,
    }


def _features(document: Any) -> list[dict]:
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if isinstance(features, list):
            return features
    if isinstance(document, dict) and document.get("type") == "Feature":
        return [document]
    raise ApiError(
        422,
        "not_geojson",
        msg(
            "文件应为 GeoJSON 的 FeatureCollection，每个面的 properties.code 写网格或社区编码",
            "Send a GeoJSON FeatureCollection whose features name the grid or community in properties.code",
        ),
    )


def import_boundaries(user: User, data: bytes, level: str, crs: str | None) -> dict:
    """Check every feature of a GeoJSON file, then store them all, or none (422 naming each bad one).

    The CRS: the file's "crs" member when it has one (only WGS-84/CGCS2000 names are taken), else
    the `crs` asked (wgs84 or gcj02, converted to WGS-84 here), else WGS-84 assumed, and the
    answer says so.
    """
    document = parse_json_body(data)
    features = _features(document)
    try:
        stated = crs_of(document)
    except GeometryError as error:
        raise ApiError(422, "unsupported_crs", str(error)) from None
    if stated and crs and crs != stated:
        raise ApiError(
            422,
            "crs_mismatch",
            msg(
                f"文件声明的坐标系是 WGS-84，与所选的 {crs} 不一致",
                f"The file states WGS-84, not the {crs} chosen",
            ),
        )
    used = stated or crs or "wgs84"
    if len(features) > MAX_FEATURES:
        raise validation_failed(
            {"features": [msg(f"最多 {MAX_FEATURES} 个面", f"At most {MAX_FEATURES} features")]}
        )

    model, owner = (Grid, GridBoundary) if level == "grid" else (Community, CommunityBoundary)
    scope = Scope.of(user)
    allowed = scope.allows_grid if level == "grid" else scope.allows_community
    by_code = {row.code: row for row in db.session.scalars(select(model))}
    errors: dict[str, list[str]] = {}
    checked: list[tuple[Any, CheckedPolygon]] = []
    seen: set[str] = set()
    for index, feature in enumerate(features):
        where = f"features[{index}]"
        props = feature.get("properties") if isinstance(feature, dict) else None
        code = props.get("code") if isinstance(props, dict) else None
        target = by_code.get(code) if isinstance(code, str) else None
        if target is None or not allowed(target.id):
            name = msg("网格", "grid") if level == "grid" else msg("社区", "community")
            errors[where] = [
                msg(f"找不到编码为 {str(code)[:40]} 的{name}", f"No {name} with code {str(code)[:40]}")
            ]
            continue
        if code in seen:
            errors[where] = [msg(f"编码 {code} 出现了两次", f"Code {code} appears twice")]
            continue
        seen.add(code)
        try:
            checked.append((target, check_geometry(feature.get("geometry"), used, where=str(code))))
        except GeometryError as error:
            errors[where] = [str(error)]
    if errors:
        raise validation_failed(errors)

    imported = []
    for target, polygon in checked:
        row = _store(owner, target.id, polygon, user)
        if level == "grid":
            record_change(GRID_BOUNDARY, target.id, grid_id=target.id)
        imported.append(
            {
                "id": target.id,
                "code": target.code,
                "vertices": polygon.vertices,
                "vertices_before": polygon.vertices_before,
                "simplified": polygon.simplified,
                "version": row.version,
            }
        )
    audit.record(f"{level}_boundary.import", user, level, None, {"count": len(imported), "crs": used})
    return {
        "level": level,
        "crs": used,
        "crs_assumed": stated is None and crs is None,
        "simplify_tolerance_m": SIMPLIFY_TOLERANCE_M,
        "imported": imported,
    }


def _store(owner: Any, key: int, polygon: CheckedPolygon, user: User) -> Any:
    row = db.session.get(owner, key)
    text = geometry_text(polygon.geometry)
    if row is None:
        row = owner(geometry=text, vertices=polygon.vertices, version=1, updated_by=user.id)
        setattr(row, "grid_id" if owner is GridBoundary else "community_id", key)
        db.session.add(row)
    else:
        row.geometry, row.vertices, row.version = text, polygon.vertices, row.version + 1
        row.updated_at, row.updated_by = utcnow(), user.id
    db.session.flush()
    return row


def edit_grid_boundary(user: User, grid: Grid, geometry: Any, base_version: int | None) -> GridBoundary:
    """Moved vertices from the desk map: checked like an import (no simplifying: the admin sees
    every vertex), refused when someone saved the boundary since it was opened."""
    current = db.session.get(GridBoundary, grid.id)
    if base_version is not None and current is not None and current.version != base_version:
        raise ApiError(
            409,
            "stale",
            msg("边界已被他人修改，请刷新后重试", "Someone changed the boundary since; reload and retry"),
        )
    try:
        polygon = check_geometry(geometry, "wgs84", simplify_ok=False)
    except GeometryError as error:
        raise validation_failed({"geometry": [str(error)]}) from None
    row = _store(GridBoundary, grid.id, polygon, user)
    record_change(GRID_BOUNDARY, grid.id, grid_id=grid.id)
    audit.record("grid_boundary.edit", user, "grid", grid.id, {"vertices": polygon.vertices})
    return row


def grid_geometry(grid_id: int) -> dict | None:
    row = db.session.get(GridBoundary, grid_id)
    return json.loads(row.geometry) if row else None


def set_building_point(user: User, building: Building, body: dict) -> dict:
    """Set or correct where a building stands (WGS-84; the phone converts a tap on a GCJ-02
    basemap back before sending). A point outside the building's grid is a warning (409
    outside_grid) until confirmed; a rough fix is kept and marked imprecise."""
    point = {"lat": body["lat"], "lng": body["lng"], "accuracy": body.get("accuracy")}
    problems = geopoint_errors(point)
    if problems:
        raise validation_failed({"lat": problems})
    if not in_china(point["lng"], point["lat"]):
        raise validation_failed(
            {
                "lat": [
                    msg(
                        "位置不在中国范围内，经纬度可能颠倒",
                        "Outside China: latitude and longitude may be swapped",
                    )
                ]
            }
        )
    boundary = grid_geometry(building.grid_id)
    outside = boundary is not None and not contains(boundary, point["lng"], point["lat"])
    if outside and not body.get("confirm"):
        raise ApiError(
            409,
            "outside_grid",
            msg(
                "该位置在楼栋所属网格的边界之外。确认无误请再次保存（confirm）",
                "This point is outside the building's grid. Save again with confirm to keep it",
            ),
        )
    correction = user.role in ("supervisor", "admin")
    source = "supervisor" if correction else body.get("source", "gps")
    before = {"lat": building.lat, "lng": building.lng}
    building.lat, building.lng = float(point["lat"]), float(point["lng"])
    building.point_accuracy = None if source == "tap" else point["accuracy"]
    building.point_source = source
    building.version += 1
    building.updated_at = utcnow()
    db.session.flush()
    record_change("building", building.id, grid_id=building.grid_id)
    audit.record(
        "building.point",
        user,
        "building",
        building.id,
        {"source": source, "outside_grid": outside, "before": before if before["lat"] is not None else None},
    )
    return {"outside_grid": outside, "imprecise": imprecise(building.point_accuracy)}


# ---- the desk's 一张图 -------------------------------------------------------------------------

# The most case points one answer carries (a district's month is some thousands).
OVERVIEW_MAX_CASES = 20_000


def case_light(state: str, overdue_at: datetime | None, remind_at: datetime | None, now: datetime) -> str:
    """A case's light from its indexed clock columns (the lists' rule): red past its deadline,
    yellow past 80 % of the handling time, green running, none once it stopped."""
    if state not in OPEN_STATES:
        return "none"
    # SQLite gives back naive datetimes: UTC by our storage rule.
    overdue_at = overdue_at and (overdue_at if overdue_at.tzinfo else overdue_at.replace(tzinfo=UTC))
    remind_at = remind_at and (remind_at if remind_at.tzinfo else remind_at.replace(tzinfo=UTC))
    if overdue_at is not None and overdue_at < now:
        return "red"
    if remind_at is not None and remind_at < now:
        return "yellow"
    return "green"


def overview(user: User, community_id: int | None, days: int, state: str) -> dict:
    """Grids in scope with their boundaries and this month's visit coverage, and the cases
    reported in the last `days` days with a point, as the desk map draws them."""
    scope = Scope.of(user)
    now = app_now()
    grid_stmt = scope.filter_grid(select(Grid), Grid.id)
    if community_id is not None:
        grid_stmt = grid_stmt.where(Grid.community_id == community_id)
    grids = list(db.session.scalars(grid_stmt.order_by(Grid.code)))
    ids = [g.id for g in grids]
    boundaries = {
        b.grid_id: json.loads(b.geometry)
        for b in db.session.scalars(select(GridBoundary).where(GridBoundary.grid_id.in_(ids)))
    }
    rates = {r["grid_id"]: r for r in visit_rate(scope, local_today().strftime("%Y-%m"))["grids"]}
    cases_stmt = (
        visible(
            select(
                Case.id,
                Case.lat,
                Case.lng,
                Case.category,
                Case.kind,
                Case.state,
                Case.grid_id,
                Case.overdue_at,
                Case.remind_at,
            ),
            user,
            scope,
        )
        .where(Case.grid_id.in_(ids), Case.lat.is_not(None), Case.created_at >= now - timedelta(days=days))
        .order_by(Case.created_at.desc())
        .limit(OVERVIEW_MAX_CASES)
    )
    if state == "open":
        cases_stmt = cases_stmt.where(Case.state.in_(OPEN_STATES))
    elif state == "closed":
        cases_stmt = cases_stmt.where(Case.state.not_in(OPEN_STATES))
    cases = [
        {
            "id": str(row.id),
            "lat": row.lat,
            "lng": row.lng,
            "category": row.category,
            "kind": row.kind,
            "state": row.state,
            "grid_id": row.grid_id,
            "light": case_light(row.state, row.overdue_at, row.remind_at, now),
        }
        for row in db.session.execute(cases_stmt)
    ]
    return {
        "grids": [
            {
                "id": g.id,
                "code": g.code,
                "name": g.name,
                "community_id": g.community_id,
                "geometry": boundaries.get(g.id),
                "visits_due": rates.get(g.id, {}).get("due", 0),
                "visited": rates.get(g.id, {}).get("visited", 0),
                "coverage": rates.get(g.id, {}).get("rate"),
            }
            for g in grids
        ],
        "cases": cases,
    }
