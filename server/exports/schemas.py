"""Shapes of the export jobs API."""

from marshmallow import Schema, fields, validate

from server.apidoc import OpenSchema
from server.fields import Text


class ExportRequestSchema(Schema):
    path = Text(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The export route under /api/v1, e.g. /cases/export.xlsx"},
    )
    query = fields.Dict(
        keys=Text(validate=validate.Length(min=1, max=50)),
        values=Text(validate=validate.Length(max=500)),
        load_default=dict,
        validate=validate.Length(max=20),
        metadata={"description": "The export's filters, as its screen sends them (each value as text)"},
    )


class ExportErrorSchema(OpenSchema):
    status = fields.Integer()
    code = fields.String()
    message = fields.String()


class ExportJobSchema(OpenSchema):
    id = fields.String(required=True)
    path = fields.String(required=True)
    query = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    state = fields.String(required=True, metadata={"description": "queued | running | done | failed"})
    created_at = fields.String(required=True)
    finished_at = fields.String(allow_none=True)
    size_bytes = fields.Integer(allow_none=True)
    file_name = fields.String(allow_none=True)
    download = fields.String(allow_none=True, metadata={"description": "The file's link, once done"})
    error = fields.Nested(
        ExportErrorSchema, allow_none=True, metadata={"description": "Why it failed: the export's own answer"}
    )
