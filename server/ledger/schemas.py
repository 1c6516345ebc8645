"""Shapes of the ledger import API."""

from marshmallow import Schema, fields, validate

from server.apidoc import OpenSchema, QuerySchema
from server.fields import Text


class UploadQuerySchema(QuerySchema):
    kind = fields.String(
        load_default="register",
        validate=validate.OneOf(("register", "organisation")),
        metadata={
            "description": "register: buildings, households, residents; organisation: communities, grids, workers"
        },
    )
    filename = Text(
        load_default="ledger.xlsx",
        validate=validate.Length(max=200),
        metadata={"description": "The file's name as the user chose it (a hint; the bytes decide)"},
    )


class MappingBodySchema(Schema):
    mapping = fields.Dict(
        keys=fields.String(validate=validate.Length(max=4)),
        values=fields.String(allow_none=True, validate=validate.Length(max=30)),
        required=True,
        validate=validate.Length(max=200),
        metadata={"description": "Column index → field code, or null to leave the column out"},
    )


class FieldSchema(OpenSchema):
    code = fields.String(required=True)
    label = fields.String(required=True)
    required = fields.Boolean(required=True)


class ColumnSchema(OpenSchema):
    index = fields.Integer(required=True)
    header = fields.String(required=True)
    field = fields.String(allow_none=True, required=True)
    samples = fields.List(fields.String(), required=True)


class FirstErrorSchema(OpenSchema):
    row = fields.Integer(required=True)
    value = fields.String(required=True)
    message = fields.String(required=True)


class ColumnReportSchema(OpenSchema):
    field = fields.String(required=True)
    label = fields.String(required=True)
    errors = fields.Integer(required=True)
    first = fields.List(fields.Nested(FirstErrorSchema), required=True)


class EntityCountsSchema(OpenSchema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)


class ReportSchema(OpenSchema):
    rows = fields.Integer(required=True, metadata={"description": "Data rows (empty rows skipped)"})
    valid = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    residents_existing = fields.Integer(metadata={"description": "Valid rows whose ID number is registered"})
    households = fields.Integer()
    households_existing = fields.Integer()
    mapping_errors = fields.List(fields.String(), required=True)
    columns = fields.List(fields.Nested(ColumnReportSchema), required=True)
    kind = fields.String(
        metadata={"description": "organisation: the counts below are what a commit would write"}
    )
    communities = fields.Nested(EntityCountsSchema)
    grids = fields.Nested(EntityCountsSchema)
    workers = fields.Nested(EntityCountsSchema)


class ProgressSchema(OpenSchema):
    done = fields.Integer(required=True)
    total = fields.Integer(required=True)


class ImportSchema(OpenSchema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": ["register", "organisation"]})
    state = fields.String(
        required=True, metadata={"enum": ["analysing", "ready", "committing", "committed", "failed"]}
    )
    file_name = fields.String(required=True)
    file_format = fields.String(required=True, metadata={"enum": ["xlsx", "csv"]})
    file_sha256 = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    header_row = fields.Integer(allow_none=True, required=True)
    columns = fields.List(fields.Nested(ColumnSchema), required=True)
    fields_ = fields.List(fields.Nested(FieldSchema), required=True, data_key="fields", attribute="fields")
    report = fields.Nested(ReportSchema, allow_none=True, required=True)
    counts = fields.Dict(allow_none=True, required=True, metadata={"description": "What the commit wrote"})
    progress = fields.Nested(ProgressSchema, allow_none=True, required=True)
    stalled = fields.Boolean(
        required=True,
        metadata={"description": "A commit nothing was heard of for 15 minutes: it may be started again"},
    )
    first_passwords = fields.Boolean(
        required=True,
        metadata={
            "description": "New worker accounts' first passwords wait for their one download (accounts.xlsx)"
        },
    )
    error = fields.String(allow_none=True, required=True)
    created_at = fields.String(required=True)
    committed_at = fields.String(allow_none=True, required=True)
