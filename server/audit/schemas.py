"""Shapes of the audit log's query and answer."""

from marshmallow import Schema, fields, validate

from server.audit.service import ACTIONS
from server.fields import Id, Int, Page, Text, UtcDateTime


class AuditQuerySchema(Schema):
    action = Text(validate=validate.OneOf(ACTIONS))
    actor_id = Id()
    # Patterns document plain ASCII values (a type name, an id or uuid) for clients and the fuzzer.
    target_type = Text(validate=validate.Length(max=30), metadata={"pattern": "^[a-z_]*$"})
    target_id = Text(validate=validate.Length(max=64), metadata={"pattern": "^[A-Za-z0-9_.:-]*$"})
    since = fields.AwareDateTime(metadata={"description": "From this time on (ISO 8601 with offset)"})
    until = fields.AwareDateTime(metadata={"description": "Before this time"})
    page = Page()
    per_page = Int(min=1, max=200, load_default=50)


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = UtcDateTime()
    actor_id = fields.Integer(allow_none=True)
    actor = fields.String(allow_none=True, metadata={"description": "The actor's username"})
    action = fields.String()
    target_type = fields.String(allow_none=True)
    target_id = fields.String(allow_none=True)
    detail = fields.Dict(allow_none=True)
    ip = fields.String(allow_none=True)


class AuditPageSchema(Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
