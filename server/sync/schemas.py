"""Request and answer shapes of push, pull and import (items are checked one by one in the service)."""

from marshmallow import EXCLUDE, Schema, fields, validate

from server.fields import INT_MAX, Int, Text, UtcDateTime
from server.sync.pull import DEFAULT_LIMIT
from server.sync.service import DEVICE_ID_RE


class PushSchema(Schema):
    class Meta:
        # A newer app may send more envelope keys; the items are what matter.
        unknown = EXCLUDE

    device_id = fields.String(
        required=True, validate=validate.Regexp(DEVICE_ID_RE, error="设备编号无效 / Invalid device id")
    )
    app_version = fields.String(allow_none=True, validate=validate.Length(max=40))
    # A null item is that item's own `rejected` result (service.parse_item), not the batch's 422.
    items = fields.List(fields.Raw(allow_none=True), required=True)


KIND_MAX, TEMPLATE_KEY_MAX = 40, 100


class TemplateRefSchema(Schema):
    """An item's {key, version}: types only; whether that version exists is the handler's question."""

    class Meta:
        unknown = EXCLUDE

    key = Text(allow_none=True, validate=validate.Length(min=1, max=TEMPLATE_KEY_MAX))
    version = Int(min=1, allow_none=True, strict=True)


class PushItemSchema(Schema):
    """The types of an item's shared parts that no hand check covers (service.parse_item checks
    id, created_at, photos and location with its own messages); a value here that a handler
    could not hash, compare or store makes the item `rejected`, never the batch a 500."""

    class Meta:
        unknown = EXCLUDE

    kind = Text(validate=validate.Length(min=1, max=KIND_MAX))
    template = fields.Nested(TemplateRefSchema, allow_none=True)
    payload = fields.Dict(allow_none=True)

    def accepts(self, raw: dict) -> bool:
        """Whether validate() would find nothing, without its machinery (a batch is 100 items and
        most are valid); the same rules, so the two cannot disagree (tests/unit checks they do not)."""
        if "kind" in raw and not _short_text(raw["kind"], KIND_MAX):
            return False
        payload = raw.get("payload")
        if payload is not None and not isinstance(payload, dict):
            return False
        template = raw.get("template")
        if template is None:
            return True
        if not isinstance(template, dict):
            return False
        key, version = template.get("key"), template.get("version")
        if key is not None and not _short_text(key, TEMPLATE_KEY_MAX):
            return False
        return version is None or (type(version) is int and 1 <= version <= INT_MAX)


def _short_text(value: object, longest: int) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= longest and "\x00" not in value


class ItemErrorSchema(Schema):
    code = fields.String()
    message = fields.String()
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class PushResultSchema(Schema):
    id = fields.Raw(metadata={"description": "The item's id as sent"})
    status = fields.String(
        metadata={"enum": ["accepted", "duplicate", "rejected", "missing_photos", "conflict", "forbidden"]}
    )
    received_at = fields.String(metadata={"description": "accepted, duplicate: when the server stored it"})
    error = fields.Nested(ItemErrorSchema, metadata={"description": "rejected, conflict, forbidden"})
    missing = fields.List(fields.String(), metadata={"description": "missing_photos: hashes to upload"})
    server = fields.Dict(
        metadata={
            "description": "conflict: the stored side (form kinds: in the item's shape; household_upsert, "
            "resident_upsert: a pull change {entity, op, id, version, data})"
        }
    )
    reason = fields.String(
        metadata={
            "description": "conflict: different_content | stale_base_version",
            "enum": ["different_content", "stale_base_version"],
        }
    )
    entity = fields.String(
        metadata={"description": "household_upsert, resident_upsert: household | resident"}
    )
    entity_id = fields.String(metadata={"description": "household_upsert, resident_upsert: the record's id"})
    version = fields.Integer(
        metadata={
            "description": "household_upsert, resident_upsert: the version now stored (the next base_version)"
        }
    )
    case_id = fields.String(metadata={"description": "hazard_report, city_case: the case the report opened"})
    case_state = fields.String(metadata={"description": "hazard_report, city_case: the case's state"})


class PushAnswerSchema(Schema):
    # Plain dicts on the way out (documented by PushResultSchema): a 100-item answer stays cheap.
    results = fields.List(fields.Dict(), metadata={"description": "One PushResult per item, in order"})
    server_time = UtcDateTime()


class PullQuerySchema(Schema):
    # A cursor is a URL-safe signed token; the documented alphabet keeps every cursor the spec
    # allows inside gunicorn's request line. Any other text is a 400 bad_cursor (the phone resyncs).
    cursor = fields.String(
        validate=validate.Length(min=1, max=2000), metadata={"pattern": r"^[A-Za-z0-9_.-]+$"}
    )
    limit = Int(
        min=1, load_default=DEFAULT_LIMIT, metadata={"description": "Capped at the server's page size"}
    )


class ChangeSchema(Schema):
    entity = fields.String()
    op = fields.String(metadata={"enum": ["upsert", "delete"]})
    id = fields.Raw()
    version = fields.Raw(allow_none=True)
    data = fields.Dict(allow_none=True)


class PullAnswerSchema(Schema):
    changes = fields.List(fields.Dict(), metadata={"description": "Change entries (see Change)"})
    cursor = fields.String()
    has_more = fields.Boolean()


class ImportPhotoResultSchema(Schema):
    sha256 = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["stored", "already_stored", "rejected"]})
    error = fields.Nested(ItemErrorSchema)


class ImportAnswerSchema(Schema):
    owner = fields.String()
    device_id = fields.String()
    results = fields.List(fields.Dict(), metadata={"description": "One PushResult per item, in order"})
    photos = fields.List(fields.Nested(ImportPhotoResultSchema))
    server_time = UtcDateTime()
