"""A point on the earth as the phone sends it ({lat, lng, accuracy?}): checked the same way for a
form's location answer, a pushed item's location and a case's place. WGS-84, as phone GPS gives it."""

from __future__ import annotations

import math
from typing import Any

from server.i18n import msg

# No phone sends a whole number JavaScript cannot hold exactly; past it, math.isfinite and
# float() would raise OverflowError on Python's unbounded ints.
MAX_SAFE_INTEGER = 2**53 - 1

# A fix worse than this many metres is kept but marked imprecise: never used for distance hints
# (the duplicate hint, a building's point on the map) — 100 m is a street block.
IMPRECISE_ACCURACY_M = 100.0


def imprecise(accuracy: float | None) -> bool:
    """Whether a fix is too rough for distance hints (no accuracy: a tap, taken as exact)."""
    return accuracy is not None and accuracy > IMPRECISE_ACCURACY_M


def is_number(value: Any) -> bool:
    """A JSON number that is finite (bool is an int in Python, not here)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    return isinstance(value, float) and math.isfinite(value)


def geopoint_errors(value: Any) -> list[str]:
    """Problems with a {lat, lng, accuracy?, ...} point; an empty list when it is fine.

    Extra keys a phone adds (altitude, source, ...) may pass if they are plain values.
    """
    if not isinstance(value, dict):
        return [msg("位置格式应为 {lat, lng, accuracy}", "A location is {lat, lng, accuracy}")]
    lat, lng, accuracy = value.get("lat"), value.get("lng"), value.get("accuracy")
    if not is_number(lat) or not -90 <= lat <= 90:
        return [msg("纬度应在 -90 到 90 之间", "Latitude must be between -90 and 90")]
    if not is_number(lng) or not -180 <= lng <= 180:
        return [msg("经度应在 -180 到 180 之间", "Longitude must be between -180 and 180")]
    if accuracy is not None and (not is_number(accuracy) or accuracy < 0):
        return [msg("定位精度应为不小于 0 的数", "Accuracy must be a number ≥ 0")]
    extras = {k: v for k, v in value.items() if k not in ("lat", "lng", "accuracy")}
    plain = all(
        isinstance(k, str)
        and len(k) <= 40
        and (v is None or isinstance(v, bool) or is_number(v) or (isinstance(v, str) and len(v) <= 100))
        for k, v in extras.items()
    )
    if len(extras) > 10 or not plain:
        return [msg("位置含无法识别的附加项", "The location has extra keys that are not plain values")]
    return []
