"""The date maths of the visit schedule: pure functions, unit-tested (no database here).

Due dates are Asia/Shanghai calendar dates: the worker's lists are 今日到期 and 已逾期.

A major change is the one deadline kept to the minute. From the moment it is recorded (on a
visit, or by a supervisor) until a later visit reaches the resident, a follow-up is pending:
the due date is the change's own date, so the resident is in 今日到期 at once, and the
resident turns overdue when the change is 24 h old, not at a midnight. No extra column: the
deadline is major_change_at + 24 h, and phones get major_change_at while it is pending.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import ColumnElement, and_, or_

from server.timeutil import SHANGHAI, local_date

DEFAULT_INTERVAL_DAYS = {"high": 7, "key": 30, "general": 90}
MAJOR_CHANGE_HOURS = 24
NOT_REACHED_FLAG = "not_reached_twice"
NOT_REACHED_LIMIT = 2


def interval_days() -> dict[str, int]:
    """Days between visits per tier (config WELFARE_VISIT_INTERVAL_DAYS)."""
    if has_app_context():
        return current_app.config.get("WELFARE_VISIT_INTERVAL_DAYS") or DEFAULT_INTERVAL_DAYS
    return DEFAULT_INTERVAL_DAYS


def major_change_pending(last_visit_at: datetime | None, major_change_at: datetime | None) -> bool:
    """A major change not yet followed by a visit (a visit that records one leaves it pending)."""
    if major_change_at is None:
        return False
    return last_visit_at is None or _utc(major_change_at) >= _utc(last_visit_at)


def next_due(
    *,
    tier: str,
    created_at: datetime,
    last_visit_at: datetime | None,
    major_change_at: datetime | None,
    intervals: dict[str, int] | None = None,
) -> date | None:
    """The date the next visit is due; None for a resident off the visit list.

    Never visited: due the day they were registered (so at once). Visited: the last visit's
    date plus the tier's interval. A pending major change: due from its own date (at once);
    when it turns overdue is follow_up_deadline's business, not this date's.
    """
    intervals = intervals if intervals is not None else interval_days()
    if tier not in intervals:
        return None
    if last_visit_at is None:
        due = local_date(created_at)
    else:
        due = local_date(last_visit_at) + timedelta(days=intervals[tier])
    if major_change_pending(last_visit_at, major_change_at):
        due = min(due, local_date(major_change_at))
    return due


def follow_up_deadline(last_visit_at: datetime | None, major_change_at: datetime | None) -> datetime | None:
    """When a pending major change's follow-up turns overdue (24 h after it); None when none is pending."""
    if not major_change_pending(last_visit_at, major_change_at):
        return None
    return _utc(major_change_at) + timedelta(hours=MAJOR_CHANGE_HOURS)


def due_state(
    next_visit_due: date | None,
    last_visit_at: datetime | None,
    major_change_at: datetime | None,
    now: datetime,
) -> str | None:
    """ "overdue", "due" (the 今日到期 list), "later", or None off the visit list, at `now`.

    By date (Shanghai): before today overdue, today due. A pending follow-up is due from the
    change until its 24 h deadline, then overdue, whatever the dates say; a resident already
    overdue by the tier's date before the change stays overdue.
    """
    if next_visit_due is None:
        return None
    deadline = follow_up_deadline(last_visit_at, major_change_at)
    if deadline is not None:
        already_late = next_visit_due < local_date(major_change_at)
        return "overdue" if already_late or _utc(now) >= deadline else "due"
    today = local_date(now)
    if next_visit_due < today:
        return "overdue"
    return "due" if next_visit_due == today else "later"


def visit_flag(not_reached_streak: int) -> str | None:
    """Not reached twice in a row raises a flag to the supervisor."""
    return NOT_REACHED_FLAG if not_reached_streak >= NOT_REACHED_LIMIT else None


def month_bounds(month: str) -> tuple[date, date, datetime, datetime]:
    """'2026-11' → first and last day, and the month's start and end as UTC instants (Shanghai time)."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    # As UTC: stored times are UTC, and SQLite compares them as text.
    start = datetime(first.year, first.month, 1, tzinfo=SHANGHAI).astimezone(UTC)
    end = datetime(following.year, following.month, 1, tzinfo=SHANGHAI).astimezone(UTC)
    return first, following - timedelta(days=1), start, end


def due_in_month(
    *,
    tier: str,
    created_at: datetime,
    last_visit_before: datetime | None,
    major_change_before: datetime | None,
    first_major_change_in_month: datetime | None,
    month: str,
    intervals: dict[str, int] | None = None,
) -> bool:
    """Whether a resident was due at least once in the month (the visit rate's denominator).

    Due when the due date in force as the month began falls in the month or earlier (overdue
    counts), or a major change during the month made a visit due before it ended. Someone
    registered after the month is not due in it; someone registered during it is due at once.
    """
    first, last, _, _ = month_bounds(month)
    if local_date(created_at) > last:
        return False
    due = next_due(
        tier=tier,
        created_at=created_at,
        last_visit_at=last_visit_before,
        major_change_at=major_change_before,
        intervals=intervals,
    )
    if due is None:
        return False
    if due <= last:
        return True
    if first_major_change_in_month is not None:
        urgent = local_date(_utc(first_major_change_in_month) + timedelta(hours=MAJOR_CHANGE_HOURS))
        return urgent <= last
    return False


def due_in_month_clause(
    month: str,
    intervals: dict[str, int],
    tier,
    created_at,
    last_visit_before,
    major_before,
    first_major_in_month,
) -> ColumnElement[bool]:
    """due_in_month as SQL over the same five facts (columns or subquery columns), for a whole
    district at once. The local dates become instants: Shanghai has no daylight saving, so
    "local date of x + n days <= the month's last day" is "x < the month's end - n days".
    tests/api/test_visit_rate_sql.py holds the two to the same answers on edge histories."""
    _, _, _, end = month_bounds(month)
    pending = and_(
        major_before.is_not(None), or_(last_visit_before.is_(None), major_before >= last_visit_before)
    )
    visit_lapsed = or_(
        *(
            and_(tier == name, last_visit_before < end - timedelta(days=days))
            for name, days in intervals.items()
        )
    )
    return and_(
        tier.in_(list(intervals)),
        created_at < end,
        or_(
            last_visit_before.is_(None),
            visit_lapsed,
            pending,
            first_major_in_month < end - timedelta(hours=MAJOR_CHANGE_HOURS),
        ),
    )


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive times; they are UTC by our storage rule."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
