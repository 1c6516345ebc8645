"""schemathesis hooks for tests/fuzz/run.py: keep the fuzzed session alive, fuzz everything else.

Loaded by `st run` through SCHEMATHESIS_HOOKS. PATCH /users/{user_id} on the caller's own account
can change its password, role or `active` flag, which ends the very session the run fuzzes with
(every later case would be a 401). Rather than leave the operation out, a case aimed at the
caller's own id is pointed at another account (FUZZ_SPARE_USER_ID) just before it is sent.

Negative generation ignores maxLength, and a few hundred 4-byte characters in a query string make
a request line past gunicorn's 4,094 bytes: gunicorn answers that 414 itself, in HTML, before the
app sees the request (nginx has the same kind of limit). That is the transport's limit, not the
API's, so such values are cut to a length the server reads; they stay as odd as generated.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

import schemathesis

OWN_USER_ID = int(os.environ["FUZZ_OWN_USER_ID"])
SPARE_USER_ID = int(os.environ["FUZZ_SPARE_USER_ID"])


def _as_int(value: Any) -> int | None:
    """The id a path value would mean to the server (int() is at least as lenient as the route)."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None


# Encoded bytes one query value may take: every value of an operation at this size stays well
# inside gunicorn's request line.
QUERY_VALUE_BYTES = 600


def _fits(value: str) -> str:
    while len(quote(value, safe="")) > QUERY_VALUE_BYTES:
        value = value[: len(value) // 2]
    return value


@schemathesis.hook
def before_call(context, case, kwargs: dict[str, Any]) -> None:
    """Never send PATCH /users/{own id}: it could log the run itself out; keep query values short
    enough for the server's request line."""
    for name, value in list((case.query or {}).items()):
        if isinstance(value, str):
            case.query[name] = _fits(value)
        elif isinstance(value, list):
            case.query[name] = [_fits(v) if isinstance(v, str) else v for v in value]
    if case.method.upper() != "PATCH" or not case.path.endswith("/users/{user_id}"):
        return
    params = case.path_parameters or {}
    if _as_int(params.get("user_id")) == OWN_USER_ID:
        params["user_id"] = SPARE_USER_ID
