"""Coordinate systems: WGS-84 (what we store; phone GPS, and 天地图's CGCS2000 within a metre)
and GCJ-02 (the shifted system AMap and Tencent basemaps are drawn in).

Only a basemap boundary converts: an import of boundaries digitised on a GCJ-02 map, or a tap
on such a map (the PWA's src/map/coords.ts is the same code). Everything stored is WGS-84, so no
point is ever converted twice. The formulas are the published GCJ-02 approximation (as in
gcoord and coordtransform); the inverse has no closed form and is found by iteration.
"""

from __future__ import annotations

import math

# Krasovsky 1940 ellipsoid, as the GCJ-02 approximation uses it.
_A = 6378245.0
_EE = 0.006693421622965823
EARTH_RADIUS_M = 6371008.8

# A rough box around China (gcoord's): outside it GCJ-02 equals WGS-84, and an imported
# coordinate outside it is most likely latitude and longitude swapped.
CHINA_BBOX = (72.004, 0.8293, 137.8347, 55.8271)  # min lng, min lat, max lng, max lat


def in_china(lng: float, lat: float) -> bool:
    min_lng, min_lat, max_lng, max_lat = CHINA_BBOX
    return min_lng <= lng <= max_lng and min_lat <= lat <= max_lat


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """A WGS-84 point as a GCJ-02 basemap draws it; unchanged outside China."""
    if not in_china(lng, lat):
        return lng, lat
    d_lng = _transform_lng(lng - 105.0, lat - 35.0)
    d_lat = _transform_lat(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lng = d_lng * 180.0 / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    d_lat = d_lat * 180.0 / (_A * (1 - _EE) / (magic * sqrt_magic) * math.pi)
    return lng + d_lng, lat + d_lat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """The WGS-84 point a GCJ-02 basemap shows at (lng, lat): fixed-point iteration until the
    forward transform lands within 1e-9° (≈ 0.1 mm), so a round trip stays far under 0.5 m."""
    if not in_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _ in range(30):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        d_lng, d_lat = g_lng - lng, g_lat - lat
        if abs(d_lng) < 1e-9 and abs(d_lat) < 1e-9:
            break
        w_lng, w_lat = w_lng - d_lng, w_lat - d_lat
    return w_lng, w_lat


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine on a sphere: within 0.5 % of the ellipsoid)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
