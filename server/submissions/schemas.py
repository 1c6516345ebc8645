"""Shapes of 我的上报: the caller's own submissions with their review and case state."""

from marshmallow import Schema, fields, validate

from server.apidoc import OpenSchema, QuerySchema
from server.fields import Id, Int, Page, Text
from server.forms.kinds import KINDS
from server.submissions.models import REVIEW_STATUSES
from server.submissions.review import REVIEW_ACTIONS


class MineQuerySchema(Schema):
    kind = Text(validate=validate.OneOf(KINDS))
    review_status = Text(validate=validate.OneOf(REVIEW_STATUSES))
    page = Page()
    per_page = Int(min=1, max=200, load_default=50)


class QueueQuerySchema(QuerySchema):
    community_id = Id()
    grid_id = Id()
    kind = Text(validate=validate.OneOf(KINDS))
    review_status = Text(validate=validate.OneOf(REVIEW_STATUSES), load_default="received")
    from_ = fields.AwareDateTime(
        data_key="from", metadata={"description": "created_at from this instant (ISO 8601 with offset)"}
    )
    to = fields.AwareDateTime(metadata={"description": "created_at before this instant"})
    page = Page()
    per_page = Int(min=1, max=200, load_default=50)


class ReviewSchema(OpenSchema):
    action = Text(required=True, validate=validate.OneOf(list(REVIEW_ACTIONS)))
    comment = Text(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "Required for return and reject: the worker reads it in 我的上报"},
    )


class TemplateRefSchema(Schema):
    key = fields.String()
    version = fields.Integer()


class MySubmissionSchema(Schema):
    # Dumped: every key submission_data may send is declared here, or the phone would lose it.
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
    resubmits = fields.String(metadata={"description": "The returned submission this one replaces"})
    task_id = fields.String(metadata={"description": "The task this submission completes"})
    version = fields.Integer()


class MinePageSchema(Schema):
    submissions = fields.List(fields.Nested(MySubmissionSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class SubmissionStateSchema(OpenSchema):
    """A submission's review state as submission_data gives it; empty keys left out."""

    id = fields.String(required=True)
    kind = fields.String(required=True)
    template = fields.Nested(TemplateRefSchema, required=True)
    grid_id = fields.Integer()
    household_id = fields.String()
    resident_id = fields.String()
    created_at = fields.String()
    received_at = fields.String()
    review_status = fields.String(required=True, metadata={"enum": list(REVIEW_STATUSES)})
    review_comment = fields.String(allow_none=True)
    resubmits = fields.String(metadata={"description": "The returned submission this one replaces"})
    task_id = fields.String()
    case_id = fields.String(metadata={"description": "hazard_report, city_case: the case it opened"})
    case_state = fields.String()
    version = fields.Integer(required=True)


class QueueSubmissionSchema(SubmissionStateSchema):
    author_id = fields.Integer(required=True)
    answers = fields.Dict(required=True, allow_none=True)


class QueuePageSchema(OpenSchema):
    submissions = fields.List(fields.Nested(QueueSubmissionSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class SubmissionDetailSchema(SubmissionStateSchema):
    """One submission as its author made it (submission_detail)."""

    answers = fields.Dict(required=True, allow_none=True)
    photos = fields.List(fields.String(), required=True)
    location = fields.Dict(required=True, allow_none=True)
    building_id = fields.String(allow_none=True, metadata={"description": "hazard_report, city_case"})
    address = fields.String(allow_none=True, metadata={"description": "hazard_report, city_case"})
