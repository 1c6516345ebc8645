"""Shapes of the task API: the list's filters, a new task, an edit, and a task as served (task_data)."""

from marshmallow import fields, validate

from server.apidoc import OpenSchema, QuerySchema
from server.fields import Id, Text
from server.tasks.models import TASK_KINDS

TASK_STATUSES = ("open", "done", "cancelled")


class TaskQuerySchema(QuerySchema):
    status = Text(validate=validate.OneOf(TASK_STATUSES))
    assignee_id = Id()
    overdue = fields.Boolean(metadata={"description": "1/true: only open tasks past their due time"})


class TaskCreateSchema(OpenSchema):
    """A new task; the target key its kind needs is checked by the service."""

    kind = Text(required=True, validate=validate.OneOf(TASK_KINDS))
    household_id = Text(allow_none=True, metadata={"description": "visit_household", "format": "uuid"})
    resident_id = Text(allow_none=True, metadata={"description": "welfare_visit", "format": "uuid"})
    case_id = Text(
        allow_none=True, metadata={"description": "reinspect_hazard, check_case", "format": "uuid"}
    )
    assignee_id = Id(required=True, strict=True, metadata={"description": "A worker covering the grid"})
    due_at = Text(
        required=True, metadata={"description": "In the future, with an offset", "format": "date-time"}
    )
    note = Text(allow_none=True, validate=validate.Length(max=1000))


class TaskUpdateSchema(OpenSchema):
    """Only the keys sent change."""

    assignee_id = Id(strict=True)
    due_at = Text(metadata={"format": "date-time"})
    status = Text(validate=validate.OneOf(("open", "cancelled")))


class TaskSchema(OpenSchema):
    id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": list(TASK_KINDS)})
    title = fields.String(required=True)
    grid_id = fields.Integer(required=True)
    household_id = fields.String(required=True, allow_none=True)
    resident_id = fields.String(required=True, allow_none=True)
    case_id = fields.String(required=True, allow_none=True)
    assignee_id = fields.Integer(required=True)
    due_at = fields.String(required=True)
    status = fields.String(required=True)
    overdue = fields.Boolean(required=True)
    submission_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The completing one"}
    )
    note = fields.String(required=True, allow_none=True)
    created_by = fields.Integer(required=True, allow_none=True)
    created_at = fields.String(required=True, allow_none=True)
    completed_at = fields.String(required=True, allow_none=True)
    version = fields.Integer(required=True)


class TaskListSchema(OpenSchema):
    tasks = fields.List(fields.Nested(TaskSchema), required=True, metadata={"description": "At most 500"})
