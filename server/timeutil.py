"""Times: stored in UTC, sent as ISO 8601 with offset, shown in Asia/Shanghai."""

from datetime import UTC, datetime


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
