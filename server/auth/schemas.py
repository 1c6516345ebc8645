"""Request and response shapes for login and user accounts."""

from marshmallow import Schema, fields, validate

from server.auth.models import ROLES
from server.auth.passwords import MAX_LENGTH, POLICY, check_new_password
from server.fields import Id, Text, UtcDateTime

USERNAME_RULE = validate.Regexp(
    r"^[A-Za-z0-9_.-]{3,32}$",
    error="用户名只能用 3–32 位字母、数字、点、下划线或连字符 / 3–32 letters, digits, . _ -",
)
PHONE_RULE = validate.Regexp(
    r"^1[3-9]\d{9}$", error="手机号应为 11 位数字，以 13–19 开头 / 11-digit mobile number"
)


class LoginSchema(Schema):
    username = Text(required=True)
    password = Text(required=True)
    remember = fields.Boolean(load_default=True)


class RefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class GridRefSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    community_id = fields.Integer()


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String()
    display_name = fields.String()
    phone = fields.String(allow_none=True)
    role = fields.String()
    active = fields.Boolean()
    street_wide = fields.Boolean()
    street = fields.Nested(RefSchema, allow_none=True)
    district = fields.Nested(RefSchema, allow_none=True)
    community = fields.Nested(RefSchema, allow_none=True)
    department = fields.Nested(RefSchema, allow_none=True)
    grids = fields.List(fields.Nested(GridRefSchema))
    created_at = UtcDateTime()
    last_login_at = UtcDateTime(allow_none=True)
    # Set for accounts an admin made or reset: until the user picks their own, the API answers
    # 403 password_change_required to everything but me, logout and POST /auth/password.
    must_change_password = fields.Boolean()


class SessionSchema(Schema):
    user = fields.Nested(UserSchema)
    csrf_token = fields.String()


class UserCreateSchema(Schema):
    username = Text(required=True, validate=USERNAME_RULE)
    display_name = Text(required=True, validate=validate.Length(min=1, max=100))
    password = Text(
        required=True, load_only=True, validate=check_new_password, metadata={"description": POLICY}
    )
    phone = Text(allow_none=True, validate=PHONE_RULE)
    role = Text(required=True, validate=validate.OneOf(ROLES))
    community_id = Id(allow_none=True)
    street_wide = fields.Boolean(load_default=False)
    department_id = Id(allow_none=True)
    grid_ids = fields.List(Id(), load_default=list)
    # Street-wide supervisors and street admins: the street; district admins: the district.
    street_id = Id(allow_none=True)
    district_id = Id(allow_none=True)


class PasswordChangeSchema(Schema):
    # Capped like a new password, so a 10,000-character guess is a 422, not a slow hash.
    current_password = Text(required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH))
    new_password = Text(
        required=True, load_only=True, validate=check_new_password, metadata={"description": POLICY}
    )


class UserUpdateSchema(Schema):
    display_name = Text(validate=validate.Length(min=1, max=100))
    password = Text(load_only=True, validate=check_new_password, metadata={"description": POLICY})
    phone = Text(allow_none=True, validate=PHONE_RULE)
    role = Text(validate=validate.OneOf(ROLES))
    community_id = Id(allow_none=True)
    street_wide = fields.Boolean()
    department_id = Id(allow_none=True)
    grid_ids = fields.List(Id())
    street_id = Id(allow_none=True)
    district_id = Id(allow_none=True)
    active = fields.Boolean()


def mask_phone(phone: str | None) -> str | None:
    """138****5678: lists never show a full number."""
    if not phone or len(phone) < 7:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


class UserListItemSchema(UserSchema):
    phone = fields.Function(lambda user: mask_phone(user.phone))


class UserListSchema(Schema):
    users = fields.List(fields.Nested(UserListItemSchema))
