"""The tests' one clock: every test reads "now" and "today" here, never the wall clock directly.

Fixture dates are derived from it ("three days before today"), so no fixed date is ever
compared with the real today. GRIDWALK_TEST_CLOCK=2027-02-28T16:30:00Z moves the whole test
process there (tests/conftest.py, with time-machine, ticking on): these functions, the app's
utcnow() and local_today() all follow it. The database server's own clock (SQL now()) does not.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, time, timedelta

from server.timeutil import SHANGHAI

# The instant a frozen-clock run starts every test at (None: the wall clock).
TRAVEL_TO: str | None = os.environ.get("GRIDWALK_TEST_CLOCK") or None


def start() -> datetime | None:
    """The instant GRIDWALK_TEST_CLOCK names, aware UTC; None when the run uses the wall clock."""
    if TRAVEL_TO is None:
        return None
    value = datetime.fromisoformat(TRAVEL_TO.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"GRIDWALK_TEST_CLOCK needs an offset (Z or +08:00): {TRAVEL_TO}")
    return value.astimezone(UTC)


def now() -> datetime:
    """The current instant, aware UTC."""
    return datetime.now(UTC)


def shanghai_now() -> datetime:
    """The current instant on a Shanghai wall clock (what a worker's phone shows)."""
    return now().astimezone(SHANGHAI)


def today() -> date:
    """Today's date in Asia/Shanghai (the day a worker lives in, not the UTC one)."""
    return shanghai_now().date()


def days_ago(days: int) -> date:
    """The Shanghai date this many days before today."""
    return today() - timedelta(days=days)


def yesterday_at(hour: int, minute: int = 0) -> datetime:
    """Yesterday (Shanghai) at this Shanghai wall-clock time, aware: a field record's usual time."""
    return datetime.combine(days_ago(1), time(hour, minute), SHANGHAI)


def stamp(value: datetime) -> str:
    """An instant as the PWA writes created_at: ISO 8601, milliseconds, Shanghai offset."""
    return value.astimezone(SHANGHAI).isoformat(timespec="milliseconds")


# Runs `python -m MODULE ARGS...` with the clock moved to argv[1], ticking on.
_CHILD = (
    "import runpy, sys, time_machine; from datetime import datetime; "
    "time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=True).start(); "
    "sys.argv = sys.argv[3:]; runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)"
)


def python_m(module: str, *args: str) -> list[str]:
    """The command for `python -m module args...` in a child process on this test's clock.

    A child starts on the wall clock; under GRIDWALK_TEST_CLOCK it is moved to this process's now.
    """
    if TRAVEL_TO is None:
        return [sys.executable, "-m", module, *args]
    return [sys.executable, "-c", _CHILD, now().isoformat(), "-m", module, *args]
