"""The VAPID key pair: from the environment, or generated once into instance/vapid_private.pem.

Browsers bind a subscription to the public key they were given: a new key silently orphans
every subscription, so the key is made once per install and never replaced behind anyone's back.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from py_vapid import Vapid

from config import ConfigError

KEY_FILE = "vapid_private.pem"


class PushNotConfigured(ConfigError):
    """No VAPID key, and this configuration may not generate one."""


@dataclass(frozen=True)
class VapidKeys:
    """The signer pywebpush takes and the public key browsers subscribe with."""

    signer: Vapid
    public_key: str  # base64url of the 65-byte uncompressed point, as PushManager.subscribe wants
    source: str  # "environment" or the key file's path


def b64url(data: bytes) -> str:
    """base64url without padding, the encoding of every key in Web Push."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_B64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; raises ValueError on anything else."""
    # The stdlib decoder skips characters outside the alphabet: check them first.
    if not isinstance(text, str) or not _B64URL.fullmatch(text):
        raise ValueError("not base64url")
    stripped = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc


def public_key_of(private_key: ec.EllipticCurvePrivateKey) -> str:
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def new_private_pem() -> bytes:
    """A fresh P-256 private key as PKCS#8 PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def raw_private_key(signer: Vapid) -> str:
    """The private key as base64url of its 32 bytes: one line, easy to put in an environment."""
    return b64url(signer.private_key.private_numbers().private_value.to_bytes(32, "big"))


def _signer_from_text(text: str) -> Vapid:
    text = text.strip().replace("\\n", "\n")  # a PEM squeezed into one env line
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_private_key(text.encode(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
                raise ValueError("not a P-256 key")
            return Vapid(key)
        return Vapid.from_string(text)  # base64url: raw 32 bytes or DER
    except Exception as exc:
        raise ConfigError(f"VAPID_PRIVATE_KEY is not a usable P-256 private key ({exc})") from None


def _create_key_file(path: Path) -> None:
    """Write a new key to `path` unless one is there; two processes racing keep one key."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(new_private_pem())
        try:
            os.link(temp, path)  # atomic, and fails when the other process won
        except FileExistsError:
            pass
    finally:
        os.unlink(temp)


def load_keys(config) -> VapidKeys:
    """Read the key from the settings or the instance folder, generating it there when allowed."""
    if config.get("VAPID_PRIVATE_KEY"):
        signer = _signer_from_text(config["VAPID_PRIVATE_KEY"])
        source = "environment"
    else:
        path = Path(config["INSTANCE_PATH"]) / KEY_FILE
        if not path.exists():
            if not config.get("VAPID_GENERATE_KEYS", True):
                raise PushNotConfigured(
                    "VAPID_PRIVATE_KEY is unset. This configuration does not generate keys per host "
                    "(every host must sign with the same key): make one with "
                    "`flask --app server push-keys --new` and set VAPID_PRIVATE_KEY everywhere."
                )
            _create_key_file(path)
        signer = _signer_from_text(path.read_text())
        source = str(path)
    public_key = public_key_of(signer.private_key)
    expected = config.get("VAPID_PUBLIC_KEY")
    if expected and expected.strip().rstrip("=") != public_key:
        raise ConfigError("VAPID_PUBLIC_KEY does not belong to the VAPID private key in use")
    return VapidKeys(signer=signer, public_key=public_key, source=source)


def vapid_keys(app: Flask | None = None) -> VapidKeys:
    """This app's keys, loaded (or made) on first use and kept for the life of the process."""
    app = app or current_app._get_current_object()
    keys = app.extensions.get("gridwalk.vapid")
    if keys is None:
        keys = app.extensions["gridwalk.vapid"] = load_keys(app.config)
    return keys
