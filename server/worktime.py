"""The working-day calendar behind case time limits, and the clock the tests can set.

Working time: 08:30–12:00 and 14:00–17:30 Asia/Shanghai (7 hours a day), Monday to Friday,
except public holidays, plus the make-up working days (调休上班) that fall on weekends. A limit
in working days counts 7 working hours per day, so "1 working day" from 10:00 ends at 10:00 the
next working day. Holidays and make-up days: the 2026 list below, replaced by app.config
CALENDAR_HOLIDAYS / CALENDAR_WORKDAYS when set, plus the environment's CALENDAR_EXTRA_HOLIDAYS /
CALENDAR_EXTRA_WORKDAYS (next year's dates, added without a release).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from flask import current_app, has_app_context

from server.timeutil import SHANGHAI, app_now

# 2026 as announced in 国务院办公厅关于2026年部分节假日安排的通知 (4 Nov 2025, published by Xinhua;
# checked against its text). Dates past 2026 count weekends only until the next year's notice
# is set through CALENDAR_HOLIDAYS / CALENDAR_WORKDAYS.
HOLIDAYS_2026 = (
    ["2026-01-01", "2026-01-02", "2026-01-03"]
    + [f"2026-02-{d:02d}" for d in range(15, 24)]
    + ["2026-04-04", "2026-04-05", "2026-04-06"]
    + [f"2026-05-{d:02d}" for d in range(1, 6)]
    + ["2026-06-19", "2026-06-20", "2026-06-21"]
    + ["2026-09-25", "2026-09-26", "2026-09-27"]
    + [f"2026-10-{d:02d}" for d in range(1, 8)]
)
WORKDAYS_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]

WORK_PERIODS = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))
# The two periods above, in minutes (a whole working day).
MINUTES_PER_DAY = 7 * 60
# Never search further than this for working time (a misconfigured calendar must not hang).
MAX_DAYS = 3660


def now() -> datetime:
    """The current time on the case clocks (GRIDWALK_FAKE_NOW in tests and demos): timeutil.app_now."""
    return app_now()


def _dates(key: str, default: list[str]) -> frozenset[date]:
    """CALENDAR_<key> replaces the built-in list; CALENDAR_EXTRA_<key> (the environment) adds to it."""
    config = current_app.config if has_app_context() else {}
    values = config.get(f"CALENDAR_{key}")
    extra = config.get(f"CALENDAR_EXTRA_{key}") or []
    return _parsed(tuple(default if values is None else values), tuple(extra))


@lru_cache(maxsize=16)
def _parsed(values: tuple[str, ...], extra: tuple[str, ...]) -> frozenset[date]:
    # Keyed by the lists' contents: a pull's clocks ask this thousands of times, and a changed
    # setting is a new key, not a stale answer.
    return frozenset(date.fromisoformat(v) for v in (*values, *extra))


def is_working_day(day: date) -> bool:
    """Weekdays that are not holidays, and weekend make-up days."""
    return _working_days()(day)


def _working_days():
    """is_working_day with the calendar read once (a year-long clock asks it for every day)."""
    workdays, holidays = _dates("WORKDAYS", WORKDAYS_2026), _dates("HOLIDAYS", HOLIDAYS_2026)
    return lambda day: day in workdays or (day not in holidays and day.weekday() < 5)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _periods(day: date):
    for start, end in WORK_PERIODS:
        yield (datetime.combine(day, start, SHANGHAI), datetime.combine(day, end, SHANGHAI))


def working_minutes_between(start: datetime, end: datetime) -> float:
    """Working minutes from start to end (0 when end is before start)."""
    start, end = _aware(start).astimezone(SHANGHAI), _aware(end).astimezone(SHANGHAI)
    if end <= start:
        return 0.0
    workdays, holidays = _dates("WORKDAYS", WORKDAYS_2026), _dates("HOLIDAYS", HOLIDAYS_2026)
    first, last = start.date(), end.date()
    # Whole working days strictly inside the span count in full, by arithmetic: an open case a
    # year old would otherwise walk 365 days for each of its two clocks, on every export row.
    total = MINUTES_PER_DAY * _working_days_inside(first, last, workdays, holidays) if last > first else 0.0
    for day in {first, last}:
        if day in workdays or (day not in holidays and day.weekday() < 5):
            for p_start, p_end in _periods(day):
                lo, hi = max(p_start, start), min(p_end, end)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60
    return total


def _working_days_inside(
    first: date, last: date, workdays: frozenset[date], holidays: frozenset[date]
) -> int:
    """Working days d with first < d < last: weekdays, less holidays on weekdays, plus make-up days."""
    lo, hi = first.toordinal() + 1, last.toordinal() - 1
    if hi < lo:
        return 0
    weekday_holidays, weekend_workdays = _exceptions(workdays, holidays)
    return (
        _weekdays_through(hi)
        - _weekdays_through(lo - 1)
        - (bisect_right(weekday_holidays, hi) - bisect_left(weekday_holidays, lo))
        + (bisect_right(weekend_workdays, hi) - bisect_left(weekend_workdays, lo))
    )


@lru_cache(maxsize=16)
def _exceptions(workdays: frozenset[date], holidays: frozenset[date]) -> tuple[list[int], list[int]]:
    """The calendar's departures from Monday–Friday, as sorted day ordinals: holidays that fall on
    weekdays (a make-up day listed as a holiday too stays a working day), and weekend make-up days."""
    off = sorted(d.toordinal() for d in holidays if d.weekday() < 5 and d not in workdays)
    on = sorted(d.toordinal() for d in workdays if d.weekday() >= 5)
    return off, on


def _weekdays_through(ordinal: int) -> int:
    """Monday–Friday days from 0001-01-01 (ordinal 1, a Monday) through the day `ordinal`."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def add_working_minutes(start: datetime, minutes: float) -> datetime:
    """The moment `minutes` of working time after start (UTC)."""
    cursor = _aware(start).astimezone(SHANGHAI)
    left = float(minutes)
    day = cursor.date()
    working = _working_days()
    for _ in range(MAX_DAYS):
        if working(day):
            for p_start, p_end in _periods(day):
                lo = max(p_start, cursor)
                if p_end <= lo:
                    continue
                room = (p_end - lo).total_seconds() / 60
                if left <= room:
                    return (lo + timedelta(minutes=left)).astimezone(UTC)
                left -= room
        day += timedelta(days=1)
    raise ValueError("no working time found within ten years")


def limit_minutes(limit: dict) -> int:
    """A catalogue limit {"value", "unit"} in working minutes."""
    per = 60 if limit["unit"] == "working_hours" else MINUTES_PER_DAY
    return int(limit["value"]) * per


def light(elapsed_minutes: float, limit: float) -> str:
    """green below 80 % of the limit, yellow 80–100 %, red over."""
    if limit <= 0:
        return "red"
    share = elapsed_minutes / limit
    if share < 0.8:
        return "green"
    return "yellow" if share <= 1.0 else "red"
