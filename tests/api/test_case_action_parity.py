"""Phone/server action parity: the fixture the PWA's test reads is the server's loop as it is now.

pwa/scripts/case_actions.py writes pwa/tests/fixtures/case_actions.json from the server's tables;
pwa/tests/caseActions.server.test.ts runs the phone's actionsFor over it for every (state, role).
Here: the file is not stale, and the API answers the same allowed_actions for each (state, role).
"""

from __future__ import annotations

import importlib.util
import json
import uuid
from pathlib import Path

import pytest

from server.cases.models import Case
from server.extensions import db
from tests.api.test_case_loop import report
from tests.factories import install_forms, org_with_users

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "pwa" / "scripts" / "case_actions.py"
FIXTURE = ROOT / "pwa" / "tests" / "fixtures" / "case_actions.json"


def _script():
    spec = importlib.util.spec_from_file_location("case_actions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT_MODULE = _script()
VERDICTS = json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]


def test_the_fixture_is_what_the_server_says_now():
    fresh = SCRIPT_MODULE.render(SCRIPT_MODULE.build())
    assert FIXTURE.read_text(encoding="utf-8") == fresh, (
        "pwa/tests/fixtures/case_actions.json is stale: run .venv/bin/python pwa/scripts/case_actions.py"
    )


def test_the_fixture_covers_every_state_and_role():
    fixture = SCRIPT_MODULE.build()
    pairs = {(v["state"], v["role"]) for v in fixture["cases"]}
    assert pairs == {(s, r) for s in fixture["states"] for r in fixture["roles"]}


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    app.config["FAKE_NOW"] = "2026-11-30T09:00:00+08:00"
    return made


# The fixture's users, as the test org has them: tied to the case every way their role can be.
USERS = {"worker": "worker1", "supervisor": "super1", "handler": "handler1", "admin": "admin1"}


@pytest.mark.parametrize("verdict", VERDICTS, ids=lambda v: f"{v['state']}-{v['role']}")
def test_the_api_allows_what_the_fixture_says(org, auth, verdict):
    case_id = report(auth, org["worker"].grids[0].id)
    case = db.session.get(Case, uuid.UUID(case_id))
    case.state = verdict["state"]
    case.department_id = org["departments"][0].id
    # A worker handles only what is assigned to them; a handler their department's unassigned work.
    case.assignee_id = org["worker"].id if verdict["role"] == "worker" else None
    db.session.commit()
    auth.login(USERS[verdict["role"]])
    answer = auth.client.get(f"/api/v1/cases/{case_id}")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["allowed_actions"] == verdict["allowed"]
