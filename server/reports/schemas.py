"""Shapes of the KPI reports: their filters and the figures as kpis.month_kpis builds them."""

from marshmallow import ValidationError, fields

from server.apidoc import OpenSchema, QuerySchema
from server.fields import Id, Int, Text
from server.i18n import msg
from server.reports.kpis import BREAKDOWNS, DEFINITIONS
from server.visits.schemas import Month


def _breakdown(value: str) -> None:
    if value not in BREAKDOWNS:
        raise ValidationError(
            msg(
                "分组方式应为 street（按街道）、community（按社区）或 grid（按网格）",
                "by is street, community or grid",
            )
        )


class KpiQuerySchema(QuerySchema):
    month = Month()
    community_id = Id()
    grid_id = Id()
    by = Text(
        validate=_breakdown,
        metadata={"enum": list(BREAKDOWNS), "description": "Adds `breakdown` per street, community or grid"},
    )


class TrendQuerySchema(QuerySchema):
    months = Int(min=1, max=24, load_default=6)
    community_id = Id()
    grid_id = Id()


class DefinitionSchema(OpenSchema):
    zh = fields.String(required=True)
    en = fields.String(required=True)


class TrendFigureSchema(OpenSchema):
    numerator = fields.Integer(required=True)
    denominator = fields.Integer(required=True)
    rate = fields.Float(
        required=True, allow_none=True, metadata={"description": "null when the denominator is 0"}
    )


class FigureSchema(TrendFigureSchema):
    definition = fields.Nested(DefinitionSchema, required=True)
    numerator_case_ids = fields.List(fields.String(), required=True)
    denominator_case_ids = fields.List(fields.String(), required=True)


class VisitFigureSchema(TrendFigureSchema):
    definition = fields.Nested(DefinitionSchema, required=True)


def _figures(figure: type[OpenSchema]) -> type[OpenSchema]:
    """One nested figure per KPI key (the keys of kpis.DEFINITIONS)."""
    return OpenSchema.from_dict(
        {key: fields.Nested(figure, required=True) for key in DEFINITIONS},
        name=f"{figure.__name__.removesuffix('Schema')}s",
    )


FiguresSchema = _figures(FigureSchema)
TrendFiguresSchema = _figures(TrendFigureSchema)


class BreakdownSchema(OpenSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    figures = fields.Nested(FiguresSchema, required=True)
    visit_rate = fields.Nested(VisitFigureSchema, required=True)


class MonthKpisSchema(OpenSchema):
    month = fields.String(required=True)
    grid_ids = fields.List(
        fields.Integer(), required=True, allow_none=True, metadata={"description": "null: the whole street"}
    )
    figures = fields.Nested(FiguresSchema, required=True)
    visit_rate = fields.Nested(VisitFigureSchema, required=True)
    by = fields.String(metadata={"enum": list(BREAKDOWNS)})
    breakdown = fields.List(fields.Nested(BreakdownSchema))


class TrendMonthSchema(OpenSchema):
    month = fields.String(required=True)
    figures = fields.Nested(TrendFiguresSchema, required=True)


class TrendSchema(OpenSchema):
    months = fields.List(
        fields.Nested(TrendMonthSchema), required=True, metadata={"description": "Oldest first"}
    )
