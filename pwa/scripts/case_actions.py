"""Write the server's case loop and, per state and role, the actions it allows, for the phone's test.

Usage (from the repository root): .venv/bin/python pwa/scripts/case_actions.py

The catalogue entry is the one the pull serves (server.cases.loop.loop_catalogue); each (state,
role) verdict is server.cases.loop.allowed_actions for a user of that role with every tie to the
case a role can have (a worker in its grid and its assignee; a handler of its department). The
PWA's actionsFor must offer exactly those (pwa/tests/caseActions.server.test.ts), both from the
catalogue alone and from a pulled case's allowed_actions. tests/api/test_case_action_parity.py
fails when this file is stale and checks the same verdicts through the API. Run it again
whenever the loop's tables change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from server.auth.models import User  # noqa: E402
from server.auth.scope import Scope  # noqa: E402
from server.cases.loop import ACTIONS, allowed_actions, loop_catalogue  # noqa: E402
from server.cases.models import CASE_STATES, Case  # noqa: E402
from server.org.models import Grid  # noqa: E402

OUT = ROOT / "pwa" / "tests" / "fixtures" / "case_actions.json"
ROLES = ("worker", "supervisor", "handler", "admin")
GRID, DEPARTMENT = 1, 1


def tied(role: str) -> tuple[User, Case]:
    """A user of the role and a case they are tied to every way the role can be (never saved)."""
    user = User(id=7, role=role, street_wide=role == "supervisor", department_id=None)
    case = Case(grid_id=GRID, department_id=DEPARTMENT, assignee_id=None)
    if role == "worker":
        user.grids = [Grid(id=GRID, community_id=1)]
        case.assignee_id = user.id
    elif role == "handler":
        user.department_id = DEPARTMENT
    return user, case


def build() -> dict:
    verdicts = []
    for state in CASE_STATES:
        for role in ROLES:
            user, case = tied(role)
            verdicts.append(
                {"state": state, "role": role, "allowed": allowed_actions(case, user, Scope.of(user), state)}
            )
    return {
        "states": list(CASE_STATES),
        "actions": list(ACTIONS),
        "roles": list(ROLES),
        "catalogue": {"id": "case_loop", "items": loop_catalogue()},
        "cases": verdicts,
    }


def render(fixture: dict) -> str:
    return json.dumps(fixture, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(build()), encoding="utf-8")
    print(f"{len(build()['cases'])} (state, role) verdicts → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
