"""Request and response shapes for the VAPID key and browser push subscriptions."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from server.fields import UtcDateTime
from server.i18n import msg
from server.push.vapid import b64url_decode

ENDPOINT_MAX_CHARS = 1024
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def check_endpoint(endpoint: str) -> None:
    """https:// on a public host name (or an allowed push service); http:// only on this machine."""
    bad = msg("推送地址无效", "Not a valid push endpoint")
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValidationError(bad) from None
    if not host or parts.username or parts.password or parts.fragment:
        raise ValidationError(bad)
    allow_local = current_app.config["PUSH_ALLOW_LOCALHOST"]
    if parts.scheme == "http":
        if host in LOCAL_HOSTS and allow_local:
            return
        raise ValidationError(msg("推送地址必须使用 https://", "The push endpoint must use https://"))
    if parts.scheme != "https":
        raise ValidationError(msg("推送地址必须使用 https://", "The push endpoint must use https://"))
    if not allow_local and _internal(host):
        raise ValidationError(bad)
    allowed = [h.strip().lower() for h in (current_app.config.get("PUSH_ENDPOINT_HOSTS") or "").split(",")]
    allowed = [h for h in allowed if h]
    if allowed and not any(host == h or host.endswith("." + h) for h in allowed):
        raise ValidationError(msg("不支持该推送服务", "This push service is not allowed"))


def _internal(host: str) -> bool:
    """A loopback, private or link-local address: no push service lives there."""
    if host in LOCAL_HOSTS:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


class KeysSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    p256dh = fields.String(required=True)
    auth = fields.String(required=True)

    @validates("p256dh")
    def _p256dh(self, value: str, **_) -> None:
        try:
            point = b64url_decode(value)
            if len(point) != 65 or point[0] != 4:
                raise ValueError("not an uncompressed point")
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)  # on the curve?
        except ValueError:
            raise ValidationError(
                msg(
                    "p256dh 应为 P-256 公钥 (65 字节, base64url)",
                    "p256dh must be a P-256 public key (65 bytes, base64url)",
                )
            ) from None

    @validates("auth")
    def _auth(self, value: str, **_) -> None:
        try:
            secret = b64url_decode(value)
        except ValueError:
            secret = b""
        if len(secret) != 16:
            raise ValidationError(msg("auth 应为 16 字节 (base64url)", "auth must be 16 bytes (base64url)"))


class SubscriptionInSchema(Schema):
    """What the browser's PushSubscription.toJSON() gives (expirationTime and the rest ignored)."""

    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=ENDPOINT_MAX_CHARS))
    keys = fields.Nested(KeysSchema, required=True)

    @validates("endpoint")
    def _endpoint(self, value: str, **_) -> None:
        check_endpoint(value)


class SubscriptionSchema(Schema):
    id = fields.Integer()
    endpoint = fields.String()
    created_at = UtcDateTime()
    last_success_at = UtcDateTime(allow_none=True)


class UnsubscribeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=ENDPOINT_MAX_CHARS))


class PublicKeySchema(Schema):
    public_key = fields.String(metadata={"description": "base64url applicationServerKey"})
