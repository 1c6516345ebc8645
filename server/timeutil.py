"""Times: stored in UTC, sent as ISO 8601 with offset, shown in Asia/Shanghai."""

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (a callable for column defaults)."""
    return datetime.now(UTC)


def app_now() -> datetime:
    """The app's clock: app.config['FAKE_NOW'] (an aware datetime or ISO string) when set, which
    tests and training demos use to move time (production forces it off); else utcnow()."""
    from flask import current_app, has_app_context

    if has_app_context():
        fake = current_app.config.get("FAKE_NOW")
        if fake:
            value = datetime.fromisoformat(fake) if isinstance(fake, str) else fake
            return value.astimezone(UTC)
    return utcnow()


def aware(value: datetime) -> datetime:
    """A stored time with its offset: naive values (SQLite drops tzinfo) are UTC by our storage rule."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset (naive values are UTC, see aware)."""
    if value is None:
        return None
    return aware(value).isoformat()


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 with an offset, as UTC; None when it is not one (or not a string, or absurdly long)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


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
