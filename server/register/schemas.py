"""Shapes of the register API (the same data shapes the pull feed carries; empty keys left out)."""

from marshmallow import INCLUDE, Schema, fields, validate

from server.fields import Id, Int, Page, Text


class HouseholdQuerySchema(Schema):
    grid_id = Id()
    building_id = fields.UUID()
    q = Text(validate=validate.Length(min=1, max=50), metadata={"description": "Name, address or room"})
    page = Page()
    per_page = Int(min=1, max=200, load_default=50)


class EditBodySchema(Schema):
    """Any JSON object: the register's own checks run on it (the same as for a sync push)."""

    class Meta:
        unknown = INCLUDE


class BuildingPointSchema(Schema):
    """Where a building stands, WGS-84: from GPS (with its accuracy), a tap, or a supervisor."""

    lat = fields.Float(required=True)
    lng = fields.Float(required=True)
    accuracy = fields.Float(metadata={"description": "metres; absent for a tap"})
    source = fields.String(metadata={"enum": ["gps", "tap", "supervisor"]})
    imprecise = fields.Boolean(metadata={"description": "accuracy worse than 100 m: never used for hints"})


class BuildingSchema(Schema):
    id = fields.String()
    grid_id = fields.Integer()
    name = fields.String()
    address = fields.String()
    version = fields.Integer()
    point = fields.Nested(BuildingPointSchema)


class HouseholdSchema(Schema):
    id = fields.String()
    building_id = fields.String()
    grid_id = fields.Integer()
    unit = fields.String()
    room = fields.String()
    address = fields.String()
    housing_type = fields.String(metadata={"enum": ["own", "rent", "group_rental"]})
    head_name = fields.String()
    phone_masked = fields.String(metadata={"description": "138****5678; the full number: GET .../phone"})
    notes = fields.String()
    version = fields.Integer()
    updated_at = fields.String()


class ResidentSchema(Schema):
    id = fields.String()
    household_id = fields.String()
    grid_id = fields.Integer()
    name = fields.String()
    gender = fields.String(metadata={"enum": ["male", "female"]})
    birth_date = fields.String()
    age = fields.Integer()
    id_number_masked = fields.String(metadata={"description": "3601**********1234; full: GET .../identity"})
    phone_masked = fields.String()
    relation = fields.String()
    status = fields.String(metadata={"description": "absent = present (在住)"})
    tags = fields.List(fields.String(), metadata={"description": "absent = none"})
    care_tier = fields.String(metadata={"description": "high | key | general; absent = none"})
    care_tier_override = fields.String()
    care_tier_reason = fields.String()
    last_visit_at = fields.String()
    last_contact_method = fields.String()
    next_visit_due = fields.String(metadata={"description": "ISO date (Asia/Shanghai)"})
    visit_flag = fields.String(metadata={"enum": ["not_reached_twice"]})
    major_change_at = fields.String(metadata={"description": "A major change not yet followed by a visit"})
    not_reached_streak = fields.Integer()
    version = fields.Integer()


class HouseholdDetailSchema(HouseholdSchema):
    building = fields.Nested(BuildingSchema)
    residents = fields.List(fields.Nested(ResidentSchema))


class HouseholdPageSchema(Schema):
    households = fields.List(fields.Nested(HouseholdSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class BuildingListSchema(Schema):
    buildings = fields.List(fields.Nested(BuildingSchema))


class BuildingQuerySchema(Schema):
    grid_id = Id()


class IdentitySchema(Schema):
    id = fields.String()
    id_number = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class HouseholdPhoneSchema(Schema):
    id = fields.String()
    phone = fields.String(allow_none=True)


class MajorChangeSchema(Schema):
    note = Text(load_default=None, allow_none=True, validate=validate.Length(max=500))
