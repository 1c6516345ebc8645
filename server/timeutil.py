"""Times: stored in UTC, sent as ISO 8601 with offset, shown in Asia/Shanghai."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (a callable for column defaults)."""
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset; naive values (SQLite drops tzinfo) are UTC by our storage rule."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


# China keeps one offset all year; dates a worker sees (due today, birthdays) are Shanghai dates.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_date(value: datetime) -> date:
    """The Asia/Shanghai calendar date of a stored (UTC) time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SHANGHAI).date()


def local_today() -> date:
    """Today's date in Asia/Shanghai."""
    return local_date(utcnow())
