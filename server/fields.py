"""Marshmallow fields shared by every feature's schemas."""

from datetime import UTC, datetime

from marshmallow import fields


class UtcDateTime(fields.DateTime):
    """ISO 8601 with offset on the way out; naive values (SQLite) are UTC by our storage rule."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
