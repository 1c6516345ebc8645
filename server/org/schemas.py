"""Shapes of the organisation tree as a user sees it."""

from marshmallow import Schema, fields


class GridSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    community_id = fields.Integer()


class CommunitySchema(Schema):
    id = fields.Integer()
    street_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    grids = fields.List(fields.Nested(GridSchema))


class DepartmentSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()


class StreetSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class OrgTreeSchema(Schema):
    street = fields.Nested(StreetSchema, allow_none=True)
    streets = fields.List(fields.Nested(StreetSchema))
    communities = fields.List(fields.Nested(CommunitySchema))
    departments = fields.List(fields.Nested(DepartmentSchema))
