"""Shapes of the case API: the list's filters, an action's body, and a case as served (loop.case_data)."""

from marshmallow import ValidationError, fields, validate

from server.apidoc import OpenSchema, QuerySchema
from server.cases.export import CATEGORY_LABELS
from server.cases.limits import UNITS
from server.cases.loop import ACTIONS
from server.cases.models import CASE_STATES
from server.fields import Id, Int, Page, Text
from server.i18n import msg

SHA256_RE = r"^[0-9a-f]{64}$"


class CaseQuerySchema(QuerySchema):
    state = Text(
        validate=validate.Length(max=200),
        # The pattern is documentation for clients (and the fuzzer): a state list is plain ASCII.
        metadata={
            "description": "One state or a comma list: reported,filed,dispatched,...",
            "pattern": "^[a-z,]*$",
        },
    )
    category = Text(validate=validate.Length(max=60), metadata={"pattern": "^[a-z0-9_.]*$"})
    community_id = Id()
    grid_id = Id()
    overdue = fields.Boolean(metadata={"description": "1/true: only cases past a running deadline"})
    page = Page()
    per_page = Int(min=1, max=200, load_default=50)


def _known_states(value: str) -> None:
    unknown = [state for state in value.split(",") if state not in CASE_STATES]
    if unknown:
        raise ValidationError(
            msg(f"未知的状态：{'、'.join(unknown)}", f"Unknown state: {', '.join(unknown)}")
        )


def _known_category(value: str) -> None:
    if value not in CATEGORY_LABELS:
        raise ValidationError(msg("未知的类别", "Unknown category code"))


class CaseExportQuerySchema(QuerySchema):
    """The list's filters (GET /cases), without paging; an unknown state or category is a 422."""

    state = Text(
        validate=[validate.Length(max=200), _known_states],
        # The pattern is documentation for clients (and the fuzzer): a state list is plain ASCII.
        metadata={
            "description": "One state or a comma list: reported,filed,dispatched,...",
            "pattern": "^[a-z,]*$",
        },
    )
    category = Text(
        validate=[validate.Length(max=60), _known_category],
        metadata={
            "description": "A hazard focus area or a city-management class code",
            "pattern": "^[a-z0-9_.]*$",
        },
    )
    community_id = Id(metadata={"description": "Only this community (in the caller's scope, else 404)"})
    grid_id = Id(metadata={"description": "Only this grid (in the caller's scope, else 404)"})
    overdue = fields.Boolean(metadata={"description": "1/true: only cases past a running deadline"})


class CaseActionSchema(OpenSchema):
    """One step of the loop; which keys an action needs is checked by the loop (loop.validate_body)."""

    action = Text(required=True, validate=validate.OneOf(ACTIONS))
    comment = Text(allow_none=True, metadata={"description": "Required for return"})
    reason = Text(allow_none=True, metadata={"description": "void: why (作废原因)"})
    photos = fields.List(
        Text(validate=validate.Regexp(SHA256_RE)),
        allow_none=True,
        metadata={"description": "SHA-256 of uploaded photos; handle and check need at least one"},
    )
    into_case_id = Text(allow_none=True, metadata={"description": "merge: the case kept", "format": "uuid"})
    department_id = Id(allow_none=True, strict=True, metadata={"description": "dispatch, rework"})
    assignee_id = Id(allow_none=True, strict=True, metadata={"description": "dispatch, rework"})
    deadline = Text(
        allow_none=True,
        metadata={"description": "dispatch, rework: overrides the category's limit", "format": "date-time"},
    )


class ClockSchema(OpenSchema):
    deadline = fields.String(required=True)
    limit_minutes = fields.Integer(required=True, metadata={"description": "Working minutes"})
    elapsed_minutes = fields.Integer(required=True)
    light = fields.String(required=True, metadata={"enum": ["green", "yellow", "red"]})
    running = fields.Boolean(required=True)


class ClocksSchema(OpenSchema):
    handle = fields.Nested(ClockSchema, metadata={"description": "dispatch → handled"})
    case = fields.Nested(ClockSchema, metadata={"description": "filed → closed"})


class CaseEventSchema(OpenSchema):
    id = fields.Integer(required=True)
    action = fields.String(required=True)
    from_ = fields.String(required=True, allow_none=True, data_key="from")
    to = fields.String(required=True)
    actor_id = fields.Integer(required=True, allow_none=True)
    comment = fields.String(required=True, allow_none=True)
    photos = fields.List(fields.String(), required=True)
    department_id = fields.Integer(required=True, allow_none=True)
    assignee_id = fields.Integer(required=True, allow_none=True)
    deadline = fields.String(required=True, allow_none=True)
    at = fields.String(required=True)
    submission_id = fields.String(
        metadata={"description": "report, resubmit: the submission this version of the report came in as"}
    )
    answers = fields.Dict(metadata={"description": "report, resubmit: that version's answers"})


class CaseSchema(OpenSchema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    category = fields.String(required=True)
    subcategory = fields.String(required=True, allow_none=True)
    severity = fields.String(required=True, allow_none=True)
    urgent = fields.Boolean(required=True, allow_none=True)
    state = fields.String(required=True)
    description = fields.String(required=True, allow_none=True)
    address = fields.String(required=True, allow_none=True)
    location = fields.Dict(required=True, allow_none=True)
    grid_id = fields.Integer(required=True, allow_none=True)
    building_id = fields.String(required=True, allow_none=True)
    household_id = fields.String(required=True, allow_none=True)
    reporter_id = fields.Integer(required=True, allow_none=True)
    submission_id = fields.String(required=True, allow_none=True)
    department_id = fields.Integer(required=True, allow_none=True)
    assignee_id = fields.Integer(required=True, allow_none=True)
    reported_at = fields.String(required=True, allow_none=True)
    filed_at = fields.String(required=True, allow_none=True)
    dispatched_at = fields.String(required=True, allow_none=True)
    handled_at = fields.String(required=True, allow_none=True)
    closed_at = fields.String(required=True, allow_none=True)
    merged_into_id = fields.String(required=True, allow_none=True)
    suggested_merge_into_id = fields.String(
        allow_none=True,
        metadata={"description": "the open case its reporter said it repeats (a merge suggestion)"},
    )
    photos = fields.List(fields.String(), required=True, metadata={"description": "Before photos"})
    after_photos = fields.List(
        fields.String(), required=True, metadata={"description": "The last handling's"}
    )
    check_photos = fields.List(fields.String(), required=True, metadata={"description": "The last check's"})
    clocks = fields.Nested(ClocksSchema, required=True)
    overdue = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    allowed_actions = fields.List(fields.String(), metadata={"description": "What the caller may do now"})


class CaseDetailSchema(CaseSchema):
    events = fields.List(fields.Nested(CaseEventSchema), required=True)


class CasePageSchema(OpenSchema):
    cases = fields.List(fields.Nested(CaseSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class SimilarCaseSchema(CaseSchema):
    distance_m = fields.Float(required=True, allow_none=True)
    same_building = fields.Boolean(required=True)


class SimilarListSchema(OpenSchema):
    cases = fields.List(fields.Nested(SimilarCaseSchema), required=True)


class LimitSchema(OpenSchema):
    value = fields.Integer(required=True)
    unit = fields.String(required=True, metadata={"enum": list(UNITS)})


class CategoryLabelSchema(OpenSchema):
    zh = fields.String(required=True)
    en = fields.String(required=True)


class TimeLimitSchema(OpenSchema):
    code = fields.String(required=True)
    label = fields.Nested(CategoryLabelSchema, required=True)
    default = fields.Nested(LimitSchema, required=True)
    time_limit = fields.Nested(LimitSchema, required=True, metadata={"description": "The limit in force"})
    edited = fields.Boolean(required=True)


class TimeLimitsSchema(OpenSchema):
    time_limits = fields.List(fields.Nested(TimeLimitSchema), required=True)
    case_limit_factor = fields.Integer(
        required=True, metadata={"description": "The whole-case limit is this many times the handling limit"}
    )


class TimeLimitsBodySchema(OpenSchema):
    # Entries stay raw: the route names a bad entry by its index, as the desk's table shows it.
    time_limits = fields.List(
        fields.Raw(
            metadata={
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "value": {"type": "integer", "minimum": 1, "maximum": 1000, "nullable": True},
                    "unit": {"type": "string", "enum": list(UNITS)},
                },
                "required": ["code"],
                "description": "value null restores the category's default",
            }
        ),
        required=True,
    )
