"""WGS-84 ⇄ GCJ-02 against published reference points (server/coords.py; the PWA's
src/map/coords.test.ts holds its copy to the same points).

Sources, read from the public repositories:
- wandergis/coordtransform, README.md and test/app.js at 606c6f3b: wgs84togcj02(116.404, 39.915)
  = [116.41024449916938, 39.91640428150164]; its gcj02towgs84 is the one-step approximation
  [116.39775550083061, 39.91359571849836], which the exact inverse lands near, not on.
- hujiulong/gcoord, test/fixtures/china-cities.json at fa43556e (the pairs its
  test/unit/crs/GCJ02.spec.ts checks to 4 decimals, about 10 m): WGS84 and GCJ02 of eight cities
  across China's extremes, given to 1e-7°.
"""

from __future__ import annotations

import pytest

from server.coords import distance_m, gcj02_to_wgs84, in_china, wgs84_to_gcj02

# name, WGS-84 (lng, lat), GCJ-02 (lng, lat): gcoord's china-cities.json.
GCOORD_CITIES = [
    ("驻马店市", (114.0164322, 33.0133556), (114.022306, 33.0115324)),
    ("拉萨市", (91.1706414, 29.655277), (91.1721167, 29.6524954)),
    ("三亚市", (109.507813, 18.2545417), (109.5119135, 18.2528524)),
    ("乌鲁木齐市", (87.6140048, 43.824388), (87.6168579, 43.8255962)),
    ("广州市", (113.2590543, 23.131788), (113.2643859, 23.1291146)),
    ("南昌市", (115.8532883, 28.6862124), (115.8582048, 28.6828963)),
    ("哈尔滨市", (126.528903, 45.8017783), (126.5349726, 45.8037804)),
    ("杭州市", (120.1503589, 30.2764043), (120.1550722, 30.274088)),
]


def test_forward_matches_coordtransform_to_the_last_digit():
    lng, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lng == pytest.approx(116.41024449916938, abs=1e-12)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)


def test_exact_inverse_lands_within_decimetres_of_coordtransforms_one_step_inverse():
    lng, lat = gcj02_to_wgs84(116.404, 39.915)
    assert distance_m(lng, lat, 116.39775550083061, 39.91359571849836) < 0.2


@pytest.mark.parametrize(("name", "wgs", "gcj"), GCOORD_CITIES, ids=[c[0] for c in GCOORD_CITIES])
def test_both_ways_within_a_metre_of_gcoords_city_pairs(name, wgs, gcj):
    # The fixture's pairs differ from the formula by about 0.7 m everywhere (they were made by
    # another implementation); the 500 m shift itself is what a wrong or missing transform breaks.
    assert distance_m(*wgs84_to_gcj02(*wgs), *gcj) < 1.0
    assert distance_m(*gcj02_to_wgs84(*gcj), *wgs) < 1.0
    assert distance_m(*wgs, *gcj) > 100


@pytest.mark.parametrize(("name", "wgs", "gcj"), GCOORD_CITIES, ids=[c[0] for c in GCOORD_CITIES])
def test_round_trip_error_is_far_under_half_a_metre(name, wgs, gcj):
    assert distance_m(*gcj02_to_wgs84(*wgs84_to_gcj02(*wgs)), *wgs) < 0.5
    assert distance_m(*wgs84_to_gcj02(*gcj02_to_wgs84(*gcj)), *gcj) < 0.5
    # In fact to a millimetre: the iteration stops at 1e-9°.
    assert distance_m(*gcj02_to_wgs84(*wgs84_to_gcj02(*wgs)), *wgs) < 0.001


def test_outside_china_nothing_moves():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(183.0, 45.0) == (183.0, 45.0)
    assert not in_china(31.2, 121.5)  # lat and lng swapped: the import says so
    assert in_china(121.5, 31.2)
