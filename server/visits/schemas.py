"""Shapes of the visit flags and the monthly visit rate."""

import re

from marshmallow import Schema, ValidationError, fields

from server.apidoc import QuerySchema
from server.fields import Id, Text
from server.i18n import msg
from server.register.schemas import ResidentSchema

MONTH_RE = re.compile(r"^20\d\d-(0[1-9]|1[0-2])$")


def _month_shape(value: str) -> None:
    if not MONTH_RE.match(value):
        raise ValidationError(msg("月份格式应为 YYYY-MM（2000–2099 年）", "The month is YYYY-MM (2000–2099)"))


class Month(Text):
    """A calendar month YYYY-MM (Asia/Shanghai); left out or empty: the current month."""

    def __init__(self, **kwargs):
        # The pattern documents the shape for clients and the fuzzer (a month is 7 ASCII characters,
        # never a URL too long for the server's request line); _month_shape checks it.
        kwargs.setdefault(
            "metadata",
            {
                "description": "YYYY-MM (Asia/Shanghai); empty or absent: this month",
                "pattern": "^([0-9]{4}-[0-9]{2})?$",
                "maxLength": 7,
            },
        )
        super().__init__(validate=_month_shape, **kwargs)


class FlagQuerySchema(Schema):
    grid_id = Id()


class FlagGridSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class FlaggedResidentSchema(ResidentSchema):
    grid = fields.Nested(FlagGridSchema)
    household_address = fields.String(
        metadata={"description": "The household's address, else its building's with the door"}
    )
    household_phone_masked = fields.String(allow_none=True)
    attempts = fields.List(
        fields.String(),
        metadata={"description": "When the last two not-reached attempts were made, newest first"},
    )


class FlagListSchema(Schema):
    residents = fields.List(fields.Nested(FlaggedResidentSchema))


class DueResidentSchema(ResidentSchema):
    follow_up_due_at = fields.String(
        allow_none=True,
        metadata={"description": "A pending major change: overdue from this instant (24 h after it)"},
    )


class DueListsSchema(Schema):
    now = fields.DateTime(metadata={"description": "The instant the lists hold for"})
    today = fields.List(fields.Nested(DueResidentSchema), metadata={"description": "今日到期"})
    overdue = fields.List(fields.Nested(DueResidentSchema), metadata={"description": "已逾期"})


class VisitRateQuerySchema(QuerySchema):
    month = Month()
    grid_id = Id()


class VisitExportQuerySchema(VisitRateQuerySchema):
    community_id = Id(metadata={"description": "Only this community (in the caller's scope, else 404)"})


class GridRateSchema(Schema):
    grid_id = fields.Integer()
    grid_code = fields.String()
    grid_name = fields.String()
    due = fields.Integer(metadata={"description": "Residents due at least once in the month"})
    visited = fields.Integer(metadata={"description": "Of them, visited (home, phone or video) in the month"})
    rate = fields.Float(allow_none=True, metadata={"description": "visited / due; null when none was due"})


class TotalRateSchema(Schema):
    due = fields.Integer()
    visited = fields.Integer()
    rate = fields.Float(allow_none=True)


class VisitRateSchema(Schema):
    month = fields.String()
    definition = fields.String()
    grids = fields.List(fields.Nested(GridRateSchema))
    total = fields.Nested(TotalRateSchema)
