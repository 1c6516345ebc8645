"""Marshmallow fields shared by every feature's schemas: the one place an input becomes a value.

Every id, count and string a route takes goes through one of these, so a value the database
cannot hold (an integer past its column, a NUL inside a string, a digit int() refuses) is a 422
naming the field, never a 500 from the driver.
"""

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError, fields, validate
from werkzeug.routing import IntegerConverter, Map

# PostgreSQL `integer` (every serial id and version column); SQLite would take more, so the
# limit is ours, not the engine's.
INT_MAX = 2**31 - 1
# Pages past this hold nothing for any list we serve; the cap keeps OFFSET arithmetic in range.
PAGE_MAX = 1_000_000
# server.i18n translates it; the JSON body guard (server.security) says the same.
NUL_MESSAGE = "May not contain the NUL character."
# A photo is named by the SHA-256 of its bytes, in lower-case hex (the phone computes it too).
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def _no_nul(value: str) -> None:
    # PostgreSQL text cannot hold U+0000 (psycopg refuses it); SQLite would store it silently.
    if "\x00" in value:
        raise ValidationError(NUL_MESSAGE)


class Text(fields.String):
    """A string without NUL characters (every free-text input)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.insert(0, _no_nul)


class Int(fields.Integer):
    """A whole number that fits a PostgreSQL integer column (defaults to 0..2^31-1).

    Strings are read as decimal ASCII digits only: '²' passes str.isdigit() but not int().
    """

    def __init__(self, *, min: int = 0, max: int = INT_MAX, **kwargs):  # noqa: A002
        kwargs.setdefault("strict", False)
        super().__init__(**kwargs)
        self.validators.insert(0, validate.Range(min=min, max=max))

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str) and not (value.isascii() and value.lstrip("-").isdigit()):
            raise self.make_error("invalid")
        return super()._validated(value)


class Id(Int):
    """A database id: 1..2^31-1."""

    def __init__(self, **kwargs):
        super().__init__(min=1, **kwargs)


class Page(Int):
    """A page number, 1-based, capped at PAGE_MAX."""

    def __init__(self, **kwargs):
        kwargs.setdefault("load_default", 1)
        super().__init__(min=1, max=PAGE_MAX, **kwargs)


class IdConverter(IntegerConverter):
    """`<int:...>` in every URL rule: digits past INT_MAX do not match, so the route answers 404
    as for any missing object instead of handing the database a number it cannot compare."""

    def __init__(
        self,
        map: Map,  # noqa: A002
        fixed_digits: int = 0,
        min: int = -INT_MAX - 1,  # noqa: A002
        max: int = INT_MAX,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class UtcDateTime(fields.DateTime):
    """ISO 8601 with offset on the way out; naive values (SQLite) are UTC by our storage rule."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def parse_uuid(value: Any) -> uuid.UUID | None:
    """A record id the phone sent (in a payload or a path); None when it is not a UUID."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        return None


def is_id(value: Any) -> bool:
    """A JSON integer that can be a serial id (1..INT_MAX; true is not 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= INT_MAX
