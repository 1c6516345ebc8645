"""Shapes of the map's boundaries, building points and imports."""

from marshmallow import Schema, fields, validate

from server.apidoc import OpenSchema, QuerySchema
from server.fields import Id
from server.maps.geometry import CRS_CHOICES
from server.register.schemas import BuildingSchema

GEOMETRY_DOC = {"description": "GeoJSON Polygon or MultiPolygon, WGS-84 [lng, lat]"}


class BoundaryImportQuerySchema(QuerySchema):
    level = fields.String(
        load_default="grid",
        validate=validate.OneOf(("grid", "community")),
        metadata={"description": "whose boundaries the file holds; features name them in properties.code"},
    )
    crs = fields.String(
        validate=validate.OneOf(CRS_CHOICES),
        metadata={"description": "the file's CRS when it states none (absent: WGS-84, assumed and said)"},
    )


class BoundaryImportedSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    vertices = fields.Integer()
    vertices_before = fields.Integer()
    simplified = fields.Boolean()
    version = fields.Integer()


class BoundaryImportAnswerSchema(Schema):
    level = fields.String()
    crs = fields.String(metadata={"description": "the CRS the coordinates were read in"})
    crs_assumed = fields.Boolean(metadata={"description": "the file stated none and none was chosen: WGS-84"})
    simplify_tolerance_m = fields.Float(
        metadata={"description": "Douglas–Peucker tolerance past 2,000 vertices"}
    )
    imported = fields.List(fields.Nested(BoundaryImportedSchema))


class BoundarySchema(Schema):
    grid_id = fields.Integer()
    geometry = fields.Dict(metadata=GEOMETRY_DOC)
    vertices = fields.Integer()
    version = fields.Integer()


class BoundaryEditSchema(Schema):
    geometry = fields.Dict(required=True, metadata=GEOMETRY_DOC)
    base_version = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "the version the edit started from (409 stale when it moved on)"},
    )


class PointBodySchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lng = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    accuracy = fields.Float(
        allow_none=True, validate=validate.Range(min=0, max=1e7), metadata={"description": "metres (GPS)"}
    )
    source = fields.String(load_default="gps", validate=validate.OneOf(("gps", "tap")))
    confirm = fields.Boolean(
        load_default=False,
        metadata={"description": "keep a point outside the grid (after the 409 outside_grid)"},
    )


class PointAnswerSchema(OpenSchema):
    building = fields.Nested(BuildingSchema)
    outside_grid = fields.Boolean()
    imprecise = fields.Boolean()


class OverviewQuerySchema(QuerySchema):
    community_id = Id(metadata={"description": "one community (absent: every grid in scope)"})
    days = fields.Integer(
        load_default=30,
        validate=validate.Range(min=1, max=366),
        metadata={"description": "cases reported within"},
    )
    state = fields.String(load_default="open", validate=validate.OneOf(("open", "closed", "all")))


class OverviewGridSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    community_id = fields.Integer()
    geometry = fields.Dict(allow_none=True, metadata=GEOMETRY_DOC)
    visits_due = fields.Integer()
    visited = fields.Integer()
    coverage = fields.Float(allow_none=True, metadata={"description": "this month's visit rate, 0–1"})


class OverviewCaseSchema(Schema):
    id = fields.String()
    lat = fields.Float()
    lng = fields.Float()
    category = fields.String()
    kind = fields.String()
    state = fields.String()
    grid_id = fields.Integer()
    light = fields.String(metadata={"enum": ["green", "yellow", "red", "none"]})


class OverviewSchema(OpenSchema):
    grids = fields.List(fields.Nested(OverviewGridSchema))
    cases = fields.List(fields.Nested(OverviewCaseSchema))
