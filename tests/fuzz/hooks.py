"""schemathesis hooks for tests/fuzz/run.py: keep the fuzzed session alive, fuzz everything else.

Loaded by `st run` through SCHEMATHESIS_HOOKS. PATCH /users/{user_id} on the caller's own account
can change its password, role or `active` flag, which ends the very session the run fuzzes with
(every later case would be a 401). Rather than leave the operation out, a case aimed at the
caller's own id is pointed at another account (FUZZ_SPARE_USER_ID) just before it is sent.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis

OWN_USER_ID = int(os.environ["FUZZ_OWN_USER_ID"])
SPARE_USER_ID = int(os.environ["FUZZ_SPARE_USER_ID"])


def _as_int(value: Any) -> int | None:
    """The id a path value would mean to the server (int() is at least as lenient as the route)."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None


@schemathesis.hook
def before_call(context, case, kwargs: dict[str, Any]) -> None:
    """Never send PATCH /users/{own id}: it could log the run itself out."""
    if case.method.upper() != "PATCH" or not case.path.endswith("/users/{user_id}"):
        return
    params = case.path_parameters or {}
    if _as_int(params.get("user_id")) == OWN_USER_ID:
        params["user_id"] = SPARE_USER_ID
