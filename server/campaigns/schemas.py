"""Shapes of the campaign API: a new campaign, an edit, a launch's answer, the boards and targets.
The service checks the values (and says what is wrong in words); these document the shapes."""

from marshmallow import fields, validate

from server.apidoc import OpenSchema, QuerySchema
from server.campaigns.models import MODES, TARGET_STATUSES
from server.fields import Id, Text

RULE_DOC = (
    "{subject: household|resident, community_ids, grid_ids, building_ids, housing_types, tags, "
    "care_tiers, ids}: filters ANDed, values ORed, inside the campaign's area"
)


class CampaignTemplateSchema(OpenSchema):
    key = Text(required=True)
    version = fields.Integer(required=True, strict=True)


class CampaignCreateSchema(OpenSchema):
    name = Text(required=True)
    template = fields.Nested(CampaignTemplateSchema, required=True)
    rule = fields.Dict(required=True, metadata={"description": RULE_DOC})
    mode = Text(validate=validate.OneOf(MODES))
    deadline_hours = fields.Integer(allow_none=True, strict=True, metadata={"description": "roll_call"})
    starts_at = Text(required=True, metadata={"format": "date-time"})
    ends_at = Text(required=True, metadata={"format": "date-time"})
    close_out_time = Text(metadata={"description": "日结 HH:MM, Shanghai"})
    daily_quota = fields.Integer(allow_none=True, strict=True)


class CampaignEditSchema(OpenSchema):
    """Only the keys sent change; after launch the rule may only grow."""

    name = Text()
    template = fields.Nested(CampaignTemplateSchema)
    rule = fields.Dict(metadata={"description": RULE_DOC})
    mode = Text(validate=validate.OneOf(MODES))
    deadline_hours = fields.Integer(allow_none=True, strict=True)
    starts_at = Text(metadata={"format": "date-time"})
    ends_at = Text(metadata={"format": "date-time"})
    close_out_time = Text()
    daily_quota = fields.Integer(allow_none=True, strict=True)


class CancelTargetsSchema(OpenSchema):
    target_ids = fields.List(Text(), required=True)
    reason = Text(required=True)


class CampaignSchema(OpenSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    street_id = fields.Integer(required=True)
    community_id = fields.Integer(required=True, allow_none=True)
    template = fields.Dict(required=True)
    form_kind = fields.String(required=True)
    rule = fields.Dict(required=True)
    mode = fields.String(required=True)
    deadline_hours = fields.Integer(required=True, allow_none=True)
    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    due_at = fields.String(required=True)
    close_out_time = fields.String(required=True)
    daily_quota = fields.Integer(required=True, allow_none=True)
    status = fields.String(required=True)
    launch = fields.Dict(required=True, metadata={"description": "{total, done}: the launch's progress"})
    launched_at = fields.String(required=True, allow_none=True)
    created_by = fields.Integer(required=True)
    created_at = fields.String(required=True)
    version = fields.Integer(required=True)
    added = fields.Integer(metadata={"description": "Targets an edit or a launch added"})


class CampaignListSchema(OpenSchema):
    campaigns = fields.List(fields.Nested(CampaignSchema), required=True)


class BoardQuerySchema(QuerySchema):
    group = Text(validate=validate.OneOf(("community", "grid", "worker")), load_default="grid")


class BoardRowSchema(OpenSchema):
    key = fields.Integer(required=True, allow_none=True)
    name = fields.String(required=True)
    targets = fields.Integer(required=True)
    done = fields.Integer(required=True)
    attempted = fields.Integer(required=True)
    unreachable = fields.Integer(required=True)
    open = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    today = fields.Integer(required=True)
    quota = fields.Integer(required=True, allow_none=True)
    close_out = fields.String(required=True, metadata={"enum": ["met", "pending", "missed"]})


class BoardSchema(OpenSchema):
    campaign = fields.Nested(CampaignSchema, required=True)
    group = fields.String(required=True)
    rows = fields.List(fields.Nested(BoardRowSchema), required=True)


class TargetQuerySchema(QuerySchema):
    community_id = Id()
    grid_id = Id()
    assignee_id = Id()
    status = Text(validate=validate.OneOf(TARGET_STATUSES))
    offset = fields.Integer(validate=validate.Range(min=0, max=1_000_000), load_default=0)


class TargetSchema(OpenSchema):
    id = fields.String(required=True)
    campaign_id = fields.Integer(required=True)
    household_id = fields.String(required=True)
    resident_id = fields.String()
    building_id = fields.String()
    grid_id = fields.Integer(required=True)
    assignee_id = fields.Integer()
    care_tier = fields.String(required=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_outcome = fields.String()
    last_reason = fields.String()
    retry_on = fields.String()
    answer = fields.String()
    answered_at = fields.String()
    closed_at = fields.String()
    follow_ups = fields.Integer(required=True)
    version = fields.Integer(required=True)
    address = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    grid_name = fields.String(allow_none=True)
    status_words = fields.String()
    answer_words = fields.String(allow_none=True)


class TargetListSchema(OpenSchema):
    targets = fields.List(fields.Nested(TargetSchema), required=True, metadata={"description": "500 a page"})
    total = fields.Integer(required=True)


class CancelledSchema(OpenSchema):
    cancelled = fields.Integer(required=True)


class RollCallCountSchema(OpenSchema):
    name = fields.String(allow_none=True)
    community_id = fields.Integer(required=True)
    grid_id = fields.Integer()
    targets = fields.Integer(required=True)
    unanswered = fields.Integer(required=True, metadata={"description": "未叫应"})
    reached = fields.Integer(required=True)
    no_answer = fields.Integer(required=True)
    relocate = fields.Integer(required=True)
    assist = fields.Integer(required=True)


class RollCallSchema(OpenSchema):
    campaign = fields.Nested(CampaignSchema, required=True)
    communities = fields.List(fields.Nested(RollCallCountSchema), required=True)
    grids = fields.List(fields.Nested(RollCallCountSchema), required=True)
    not_reached = fields.List(fields.Nested(TargetSchema), required=True)
    server_time = fields.String(required=True)


class PreviewSchema(OpenSchema):
    rule = fields.Dict(required=True, metadata={"description": RULE_DOC})


class PreviewCountSchema(OpenSchema):
    count = fields.Integer(
        required=True, metadata={"description": "Who the rule matches now, in the caller's area"}
    )


class ProposalSchema(OpenSchema):
    key = fields.String(
        required=True, metadata={"description": "festival-date, e.g. spring_festival-2027-02-06"}
    )
    festival = fields.String(required=True, metadata={"enum": ["spring_festival", "army_day"]})
    festival_name = fields.String(required=True)
    date = fields.String(required=True, metadata={"format": "date"})
    name = fields.String(required=True)
    rule = fields.Dict(required=True)
    template = fields.Dict(required=True, allow_none=True)
    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    close_out_time = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "优抚对象 it would reach now"})
    status = fields.String(required=True, metadata={"enum": ["proposed", "confirmed", "dismissed"]})
    campaign_id = fields.Integer(required=True, allow_none=True)
    campaign = fields.Nested(
        CampaignSchema, allow_none=True, metadata={"description": "The draft a confirm made"}
    )


class ProposalListSchema(OpenSchema):
    proposals = fields.List(fields.Nested(ProposalSchema), required=True)
