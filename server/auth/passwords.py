"""The password policy: what a new password must be, wherever one is set (admin, user, CLI)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from marshmallow import ValidationError

from server.i18n import msg

MIN_LENGTH = 10
# A cap well above any passphrase: a 10,000-character "password" is refused at once, never hashed.
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# For the OpenAPI: what an integrator's form should tell the user before the server refuses.
POLICY = f"{MIN_LENGTH}–{MAX_LENGTH} characters, not a common password (in any case)"


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list, lower-case (read once per process)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def check_new_password(value: str) -> None:
    """Raise a ValidationError with a message a worker can act on when `value` breaks the policy."""
    if len(value) < MIN_LENGTH:
        raise ValidationError(
            msg(f"密码至少需要 {MIN_LENGTH} 个字符", f"Use at least {MIN_LENGTH} characters")
        )
    if len(value) > MAX_LENGTH:
        raise ValidationError(
            msg(f"密码不能超过 {MAX_LENGTH} 个字符", f"Use at most {MAX_LENGTH} characters")
        )
    # Case does not make a listed password harder to guess: PASSWORD123 is tried as early; and
    # two characters repeated (aaaaaaaaaa, 1212121212) are as guessable as anything listed.
    if len(set(value)) < 3 or value.lower() in common_passwords():
        raise ValidationError(
            msg(
                "这个密码太常见，容易被猜到，请换一个",
                "This password is too common and easy to guess; choose another",
            )
        )
