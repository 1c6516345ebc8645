"""What the server answers about a stored photo."""

from marshmallow import Schema, fields

from server.fields import UtcDateTime


class PhotoSchema(Schema):
    sha256 = fields.String()
    content_type = fields.String()
    bytes = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    created_at = UtcDateTime()
