"""What the server answers about a stored photo, and how a photo is asked for."""

from marshmallow import EXCLUDE, Schema, fields, validate

from server.fields import UtcDateTime


class PhotoSchema(Schema):
    """The stored photo: always a JPEG; size and dimensions are the full variant's."""

    sha256 = fields.String()
    content_type = fields.String()
    bytes = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    created_at = UtcDateTime()


class PhotoQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # a cache-busting parameter from a client must not break a fetch

    size = fields.String(load_default="full", validate=validate.OneOf(["full", "thumb"]))
