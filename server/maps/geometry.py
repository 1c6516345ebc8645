"""GeoJSON polygons checked before they are stored: closed rings, no self-intersection, a CRS we
know, coordinates inside China (else latitude and longitude are likely swapped), and a bounded
vertex count (simplified with a stated tolerance, or refused). Pure functions: no database.

Stored geometry is always a GeoJSON Polygon or MultiPolygon in WGS-84 [lng, lat] order, rounded
to 1e-7° (about 1 cm): what a phone's snapshot carries, compact.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from server.coords import CHINA_BBOX, gcj02_to_wgs84, in_china
from server.geo import is_number
from server.i18n import msg

# Douglas–Peucker tolerance for boundaries past SIMPLIFY_ABOVE vertices: 1 m is below what a
# phone's GPS or a drawn boundary can tell apart, and turns a surveyed million-vertex ring into
# a few hundred vertices.
SIMPLIFY_TOLERANCE_M = 1.0
SIMPLIFY_ABOVE = 2_000
# Still more vertices than this after simplifying: refused (no grid boundary needs it).
MAX_VERTICES = 20_000
DECIMALS = 7

# The names of WGS-84 (and CGCS2000, within a metre of it) a GeoJSON "crs" member may use.
WGS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:ogc:1.3:crs84",
        "urn:ogc:def:crs:epsg::4326",
        "epsg:4326",
        "urn:ogc:def:crs:epsg::4490",
        "epsg:4490",
    }
)
CRS_CHOICES = ("wgs84", "gcj02")

M_PER_DEG = 111_320.0


class GeometryError(ValueError):
    """A polygon we refuse, with a message the admin understands."""


@dataclass
class CheckedPolygon:
    """A valid geometry ready to store, and what was done to it on the way."""

    geometry: dict
    vertices: int
    vertices_before: int
    simplified: bool = False
    notes: list[str] = field(default_factory=list)


def crs_of(document: dict) -> str | None:
    """The CRS a GeoJSON document states ('wgs84'), None when it states none; raises for others."""
    crs = document.get("crs")
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if isinstance(name, str) and name.strip().lower() in WGS84_NAMES:
        return "wgs84"
    raise GeometryError(
        msg(
            f"不支持的坐标系 {str(name)[:60]}：请先转换为经纬度 (WGS-84, EPSG:4326)",
            f"Unsupported CRS {str(name)[:60]}: convert to longitude/latitude (WGS-84, EPSG:4326) first",
        )
    )


def _position(value: Any, where: str, crs: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) < 2 or not is_number(value[0]) or not is_number(value[1]):
        raise GeometryError(msg(f"{where}：坐标应为 [经度, 纬度]", f"{where}: a position is [lng, lat]"))
    lng, lat = float(value[0]), float(value[1])
    if not in_china(lng, lat):
        swapped = in_china(lat, lng)
        raise GeometryError(
            msg(
                f"{where}：坐标 [{lng}, {lat}] 不在中国范围内，经纬度可能颠倒"
                + ("（交换后在范围内）" if swapped else "")
                + "；GeoJSON 的顺序是 [经度, 纬度]",
                f"{where}: [{lng}, {lat}] is outside China; latitude and longitude may be swapped"
                + (" (swapped, it is inside)" if swapped else "")
                + "; GeoJSON order is [lng, lat]",
            )
        )
    if crs == "gcj02":
        lng, lat = gcj02_to_wgs84(lng, lat)
    return lng, lat


def _local_xy(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Metres east and north of the first point (equirectangular: exact enough within a street)."""
    lng0, lat0 = points[0]
    k = math.cos(math.radians(lat0)) * M_PER_DEG
    return [((lng - lng0) * k, (lat - lat0) * M_PER_DEG) for lng, lat in points]


def simplify(points: list[tuple[float, float]], tolerance_m: float) -> list[tuple[float, float]]:
    """A closed ring simplified: a radial pass (drop points within the tolerance of the last kept
    one, linear), then Douglas–Peucker, as simplify-js does; the ring stays closed."""
    xy = _local_xy(points)
    keep = [0]
    for i in range(1, len(xy) - 1):
        px, py = xy[keep[-1]]
        if (xy[i][0] - px) ** 2 + (xy[i][1] - py) ** 2 > tolerance_m**2:
            keep.append(i)
    keep.append(len(xy) - 1)
    # DP on the ring opened at its farthest point from the start, so both halves have a chord.
    sub = [xy[i] for i in keep]
    far = max(range(len(sub)), key=lambda i: (sub[i][0] - sub[0][0]) ** 2 + (sub[i][1] - sub[0][1]) ** 2)
    marked = [False] * len(sub)
    marked[0] = marked[far] = marked[-1] = True
    stack = [(0, far), (far, len(sub) - 1)]
    tol2 = tolerance_m**2
    while stack:
        first, last = stack.pop()
        ax, ay = sub[first]
        bx, by = sub[last]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        best, index = tol2, -1
        for i in range(first + 1, last):
            x, y = sub[i]
            if length2 == 0:
                d2 = (x - ax) ** 2 + (y - ay) ** 2
            else:
                t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
                d2 = (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2
            if d2 > best:
                best, index = d2, i
        if index >= 0:
            marked[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [points[keep[i]] for i in range(len(sub)) if marked[i]]


def _segments_cross(p1, p2, p3, p4) -> bool:
    """Whether segments p1p2 and p3p4 meet (touching counts)."""

    def orient(a, b, c) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    def on(a, b, c) -> bool:
        return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])

    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True
    return (
        (d1 == 0 and on(p3, p4, p1))
        or (d2 == 0 and on(p3, p4, p2))
        or (d3 == 0 and on(p1, p2, p3))
        or (d4 == 0 and on(p1, p2, p4))
    )


def self_intersection(ring: list[tuple[float, float]]) -> tuple[float, float] | None:
    """A point where the closed ring crosses or touches itself, else None.

    Segments are bucketed in a uniform grid (about √n cells a side), so only segments sharing a
    cell are compared: near-linear for a real boundary, where n² pairs would take minutes.
    """
    n = len(ring) - 1  # segments; ring[-1] == ring[0]
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    min_x, min_y = min(xs), min(ys)
    side = max(int(math.sqrt(n)), 1)
    cell_w = (max(xs) - min_x) / side or 1.0
    cell_h = (max(ys) - min_y) / side or 1.0
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(n):
        (ax, ay), (bx, by) = ring[i], ring[i + 1]
        x0 = int((min(ax, bx) - min_x) / cell_w)
        x1 = int((max(ax, bx) - min_x) / cell_w)
        y0 = int((min(ay, by) - min_y) / cell_h)
        y1 = int((max(ay, by) - min_y) / cell_h)
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                cells[(cx, cy)].append(i)
    checked: set[tuple[int, int]] = set()
    for members in cells.values():
        for a_index, i in enumerate(members):
            for j in members[a_index + 1 :]:
                if abs(i - j) in (1, n - 1) or (i, j) in checked:
                    continue  # neighbours share a vertex by construction
                checked.add((i, j))
                if _segments_cross(ring[i], ring[i + 1], ring[j], ring[j + 1]):
                    return ring[j]
    return None


def _area2(ring: list[tuple[float, float]]) -> float:
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))


def _ring(value: Any, where: str, crs: str, simplify_ok: bool, result: CheckedPolygon) -> list[list[float]]:
    if not isinstance(value, list) or len(value) < 4:
        raise GeometryError(
            msg(f"{where}：至少需要 4 个坐标（首尾相同）", f"{where}: needs at least 4 positions")
        )
    points = [_position(p, where, crs) for p in value]
    result.vertices_before += len(points) - 1
    # A surveyed ring often repeats a vertex; a zero-length edge would look like a touch.
    points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    if points[0] != points[-1]:
        raise GeometryError(
            msg(
                f"{where}：环未闭合，首尾坐标应相同",
                f"{where}: the ring is not closed (first ≠ last position)",
            )
        )
    if len(points) - 1 > SIMPLIFY_ABOVE and simplify_ok:
        points = simplify(points, SIMPLIFY_TOLERANCE_M)
        result.simplified = True
    if len(points) < 4:
        raise GeometryError(
            msg(f"{where}：至少需要 4 个坐标（首尾相同）", f"{where}: needs at least 4 positions")
        )
    crossing = self_intersection(points)
    if crossing is not None:
        raise GeometryError(
            msg(
                f"{where}：边界自相交（约在 {crossing[0]:.6f}, {crossing[1]:.6f} 附近）",
                f"{where}: the boundary crosses itself (near {crossing[0]:.6f}, {crossing[1]:.6f})",
            )
        )
    if _area2(points) == 0:
        raise GeometryError(msg(f"{where}：面积为零", f"{where}: the ring has no area"))
    result.vertices += len(points) - 1
    return [[round(lng, DECIMALS), round(lat, DECIMALS)] for lng, lat in points]


def check_geometry(
    geometry: Any, crs: str = "wgs84", where: str = "", simplify_ok: bool = True
) -> CheckedPolygon:
    """A Polygon or MultiPolygon checked (and converted from GCJ-02, simplified) for storage."""
    prefix = f"{where} " if where else ""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            msg(f"{prefix}应为 Polygon 或 MultiPolygon 面", f"{prefix}must be a Polygon or MultiPolygon")
        )
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise GeometryError(msg(f"{prefix}没有坐标", f"{prefix}has no coordinates"))
    result = CheckedPolygon(geometry={}, vertices=0, vertices_before=0)
    checked = []
    for p, rings in enumerate(polygons):
        if not isinstance(rings, list) or not rings:
            raise GeometryError(msg(f"{prefix}第 {p + 1} 个面没有环", f"{prefix}polygon {p + 1} has no ring"))
        checked.append(
            [
                _ring(
                    ring,
                    msg(f"{prefix}第 {p + 1} 个面第 {r + 1} 个环", f"{prefix}polygon {p + 1} ring {r + 1}"),
                    crs,
                    simplify_ok,
                    result,
                )
                for r, ring in enumerate(rings)
            ]
        )
    if result.vertices > MAX_VERTICES:
        raise GeometryError(
            msg(
                f"{prefix}顶点过多（按 {SIMPLIFY_TOLERANCE_M:g} 米容差简化后仍有 {result.vertices} 个，上限 {MAX_VERTICES}）",
                f"{prefix}too many vertices ({result.vertices} after simplifying at {SIMPLIFY_TOLERANCE_M:g} m; "
                f"at most {MAX_VERTICES})",
            )
        )
    result.geometry = (
        {"type": "Polygon", "coordinates": checked[0]}
        if geometry["type"] == "Polygon"
        else {"type": "MultiPolygon", "coordinates": checked}
    )
    return result


def contains(geometry: dict, lng: float, lat: float) -> bool:
    """Whether the point lies inside the polygon (even-odd rule over all rings: holes excluded)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    inside = False
    for rings in polygons:
        for ring in rings:
            for i in range(len(ring) - 1):
                (x1, y1), (x2, y2) = ring[i], ring[i + 1]
                if (y1 > lat) != (y2 > lat) and lng < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                    inside = not inside
    return inside


__all__ = [
    "CHINA_BBOX",
    "CRS_CHOICES",
    "CheckedPolygon",
    "GeometryError",
    "check_geometry",
    "contains",
    "crs_of",
]
