"""Shapes of the visit flags and the monthly visit rate."""

from marshmallow import Schema, ValidationError, fields, validate, validates

from server.i18n import msg
from server.register.schemas import ResidentSchema


class FlagQuerySchema(Schema):
    grid_id = fields.Integer(validate=validate.Range(min=1))


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


class VisitRateQuerySchema(Schema):
    month = fields.String(required=True, metadata={"description": "YYYY-MM (Asia/Shanghai)"})
    grid_id = fields.Integer(validate=validate.Range(min=1))

    @validates("month")
    def _month_shape(self, value: str, **_kwargs) -> None:
        parts = value.split("-")
        if (
            len(value) != 7
            or len(parts) != 2
            or not all(p.isdigit() for p in parts)
            or not 1 <= int(parts[1]) <= 12
        ):
            raise ValidationError(msg("月份格式应为 YYYY-MM", "The month is YYYY-MM"))
        if int(parts[0]) < 2000:
            raise ValidationError(msg("月份过早", "The month is too early"))


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
