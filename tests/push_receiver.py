"""A local push service for tests, and a browser's side of a push subscription.

PushReceiver is an HTTP server on 127.0.0.1 that records every push and answers like a real
push service: 403 for a VAPID JWT that is not signed by the expected key, not for its own
origin, or expired; otherwise 201, unless a test scripted other answers for a path.
BrowserSubscription holds the P-256 key pair and auth secret a browser makes when it
subscribes, and decrypts what arrives (http_ece, aes128gcm), as the browser would.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests import clock


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class BrowserSubscription:
    """What PushManager.subscribe() makes on a phone: a key pair and an auth secret."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def to_json(self) -> dict:
        """PushSubscription.toJSON(), as the PWA posts it."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)},
        }

    def decrypt(self, body: bytes) -> dict:
        """The push payload as the service worker's event.data.json() would see it."""
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return json.loads(plain)


class VapidError(AssertionError):
    """The Authorization header would make a real push service answer 403."""


def verify_vapid(authorization: str | None, public_key: str, audience: str, now: float | None = None) -> dict:
    """Check `vapid t=<JWT>, k=<key>` (RFC 8292) and return the JWT's claims.

    The JWT must be ES256-signed by `public_key`, name `audience` (the endpoint's origin) as
    `aud`, and expire in the future but within 24 hours.
    """
    now = clock.now().timestamp() if now is None else now
    if not authorization or not authorization.startswith("vapid "):
        raise VapidError(f"no vapid Authorization header: {authorization!r}")
    params = dict(part.strip().split("=", 1) for part in authorization[len("vapid ") :].split(","))
    if params.get("k") != public_key:
        raise VapidError("k= is not the server's public key")
    token = params.get("t", "")
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
    except ValueError:
        raise VapidError("t= is not a JWT") from None
    header = json.loads(unb64url(header_b64))
    if header.get("alg") != "ES256":
        raise VapidError(f"JWT alg is {header.get('alg')!r}, not ES256")
    signature = unb64url(signature_b64)
    if len(signature) != 64:
        raise VapidError("ES256 signature must be 64 bytes (r || s)")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise VapidError("JWT signature does not verify with the public key") from None
    claims = json.loads(unb64url(claims_b64))
    if claims.get("aud") != audience:
        raise VapidError(f"JWT aud is {claims.get('aud')!r}, not {audience!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or not now < exp <= now + 24 * 3600:
        raise VapidError(f"JWT exp {exp!r} is not in the next 24 hours")
    return claims


@dataclass
class Push:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered
    at: float = field(default_factory=time.monotonic)
    vapid_error: str | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class PushReceiver:
    """A push service on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(self, public_key: str | None = None):
        self.public_key = public_key  # None: accept any signature (the bench)
        self.pushes: list[Push] = []
        self.script: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.hold = threading.Event()  # cleared: every request waits until it is set again
        self.hold.set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> PushReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.hold.set()
        self._server.shutdown()
        self._server.server_close()

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def answer(self, name: str, *answers: int | tuple[int, dict[str, str]]) -> None:
        """Script the next answers for one endpoint (then 201 again)."""
        self.script.setdefault(f"/push/{name}", []).extend(
            a if isinstance(a, tuple) else (a, {}) for a in answers
        )

    def to(self, name: str) -> list[Push]:
        return [p for p in self.pushes if p.path == f"/push/{name}"]

    def _decide(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str | None]:
        if self.public_key is not None:
            try:
                verify_vapid(headers.get("authorization"), self.public_key, self.origin)
            except VapidError as error:
                return 403, {}, str(error)
        with self._lock:
            queued = self.script.get(path)
            if queued:
                status, extra = queued.pop(0)
                return status, extra, None
        return 201, {}, None

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.hold.wait(30)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, vapid_error = receiver._decide(self.path, headers)
                with receiver._lock:
                    receiver.pushes.append(Push(self.path, headers, body, status, vapid_error=vapid_error))
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                if status == 201:
                    self.send_header("Location", f"{receiver.origin}/message/{len(receiver.pushes)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # keep test output clean
                pass

        return Handler
