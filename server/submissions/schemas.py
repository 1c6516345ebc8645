"""Shapes of 我的上报: the caller's own submissions with their review and case state."""

from marshmallow import Schema, fields, validate

from server.forms.schemas import FORM_KINDS
from server.submissions.models import REVIEW_STATUSES


class MineQuerySchema(Schema):
    kind = fields.String(validate=validate.OneOf(FORM_KINDS))
    review_status = fields.String(validate=validate.OneOf(REVIEW_STATUSES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TemplateRefSchema(Schema):
    key = fields.String()
    version = fields.Integer()


class MySubmissionSchema(Schema):
    id = fields.String()
    kind = fields.String()
    template = fields.Nested(TemplateRefSchema)
    grid_id = fields.Integer()
    household_id = fields.String()
    resident_id = fields.String()
    created_at = fields.String()
    received_at = fields.String()
    review_status = fields.String(metadata={"enum": list(REVIEW_STATUSES)})
    review_comment = fields.String(metadata={"description": "The supervisor's words when returned"})
    case_id = fields.String(metadata={"description": "hazard_report, city_case: the case it opened"})
    case_state = fields.String(metadata={"description": "reported, filed, returned, ... closed"})
    version = fields.Integer()


class MinePageSchema(Schema):
    submissions = fields.List(fields.Nested(MySubmissionSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
