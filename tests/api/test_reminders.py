"""`flask cases remind`: one "deadline near" push per dispatch of a case and per task, at 80 %.

Cases and tasks are made through the real API, the clock moves by FAKE_NOW, the sweep runs as
the CLI command, and the pushes arrive at a local push service.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

from server import worktime as calendar
from server.cases import reminders as case_reminders
from server.cases.models import Case
from server.extensions import db
from server.push.reminders import claim_once
from server.tasks.models import Task
from tests import clock
from tests.factories import (
    city_item,
    install_forms,
    make_household,
    make_user,
    org_with_users,
    push_item,
    upload_photos,
)

ROOT = Path(__file__).resolve().parents[2]
PUSH = "/api/v1/sync/push"
MONDAY_9 = "2026-11-30T09:00:00+08:00"  # a street vendor (2 working hours) is due at 11:00
TASK_DUE = "2026-12-02T17:00:00+08:00"  # 56 hours after Monday 09:00: 80 % is Wed 05:48


@pytest.fixture
def org(delivering_app):
    made = org_with_users()
    department, other = made["departments"]
    made["handler_same"] = make_user("handler", "handler3", department_id=department.id)
    made["handler_other"] = make_user("handler", "handler2", department_id=other.id)
    made["household"] = make_household(made["worker"].grids[0].id)
    db.session.commit()
    install_forms()
    delivering_app.config["FAKE_NOW"] = MONDAY_9
    return made


@pytest.fixture
def auth(delivering_auth):
    return delivering_auth


@pytest.fixture
def subscribed(org, auth, phones):
    for username in ("worker1", "super1", "handler1", "handler2", "handler3"):
        phones.subscribe(auth, username)
    return phones


def at(app, when: str) -> None:
    app.config["FAKE_NOW"] = when


def remind(app) -> str:
    """Run `flask cases remind` once; returns what it printed."""
    result = app.test_cli_runner().invoke(args=["cases", "remind"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def reminders(phones) -> dict[str, list[dict]]:
    """The deadline_near pushes each subscribed user received so far."""
    return {
        name: [p for p in pushes if p["kind"] == "deadline_near"]
        for name, pushes in phones.received().items()
    }


def act(auth, case_id: str, **body) -> dict:
    response = auth.post(f"/api/v1/cases/{case_id}/actions", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def dispatched_case(auth, org, start: int = 0, **target) -> str:
    """worker1 reports a street vendor; super1 files and dispatches it (at the current FAKE_NOW)."""
    auth.login("worker1")
    photos = upload_photos(auth, 1, start=start)
    response = auth.post(
        PUSH, json={"device_id": "phone-1", "items": [city_item(org["worker"].grids[0].id, photos)]}
    )
    [result] = response.get_json()["results"]
    assert result["status"] == "accepted", result
    auth.login("super1")
    act(auth, result["case_id"], action="file")
    act(auth, result["case_id"], action="dispatch", **target)
    return result["case_id"]


def test_a_case_is_reminded_once_when_its_light_turns_yellow(org, auth, subscribed, delivering_app):
    case_id = dispatched_case(
        auth, org, department_id=org["departments"][0].id, assignee_id=org["handler"].id
    )

    at(delivering_app, "2026-11-30T10:00:00+08:00")  # 60 of 120 minutes
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 0."
    assert reminders(subscribed)["handler1"] == []

    at(delivering_app, "2026-11-30T10:42:00+08:00")  # 102 of 120: 85 %
    assert auth.client.get(f"/api/v1/cases/{case_id}").get_json()["clocks"]["handle"]["light"] == "yellow"
    assert remind(delivering_app) == "Reminded cases: 1, tasks: 0."
    received = reminders(subscribed)
    assert received["handler1"] == [
        {
            "kind": "deadline_near",
            "title": "即将超时：无照经营游商",
            "url": f"/cases/{case_id}",
            "tag": f"case-{case_id}",
            "data": {"case_id": case_id},
        }
    ]
    # The assignee holds it: the rest of the department is not woken, nor anyone else.
    assert received["handler3"] == received["handler2"] == received["worker1"] == received["super1"] == []

    at(delivering_app, "2026-11-30T14:30:00+08:00")  # red now; already reminded for this dispatch
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 0."
    assert len(reminders(subscribed)["handler1"]) == 1


def test_a_department_case_reminds_its_active_handlers_only(org, auth, subscribed, delivering_app):
    retired = make_user("handler", "handler4", department_id=org["departments"][0].id)
    db.session.commit()
    subscribed.subscribe(auth, "handler4")
    retired.active = False
    db.session.commit()
    case_id = dispatched_case(auth, org, department_id=org["departments"][0].id)

    at(delivering_app, "2026-11-30T10:45:00+08:00")
    assert remind(delivering_app) == "Reminded cases: 1, tasks: 0."
    received = reminders(subscribed)
    assert [p["url"] for p in received["handler1"]] == [f"/cases/{case_id}"]
    assert [p["url"] for p in received["handler3"]] == [f"/cases/{case_id}"]
    assert received["handler4"] == received["handler2"] == received["worker1"] == []


def test_a_handled_case_is_not_reminded(org, auth, subscribed, delivering_app):
    case_id = dispatched_case(auth, org, department_id=org["departments"][0].id)
    at(delivering_app, "2026-11-30T10:00:00+08:00")
    auth.login("handler1")
    act(auth, case_id, action="handle", comment="已劝离", photos=upload_photos(auth, 1, start=50))

    for when in ("2026-11-30T10:45:00+08:00", "2026-11-30T16:00:00+08:00"):
        at(delivering_app, when)
        assert remind(delivering_app) == "Reminded cases: 0, tasks: 0."
    assert all(pushes == [] for pushes in reminders(subscribed).values())


def test_rework_starts_a_new_clock_with_its_own_reminder(org, auth, subscribed, delivering_app):
    case_id = dispatched_case(auth, org, department_id=org["departments"][0].id)
    at(delivering_app, "2026-11-30T10:45:00+08:00")
    assert remind(delivering_app) == "Reminded cases: 1, tasks: 0."
    auth.login("handler1")
    act(auth, case_id, action="handle", photos=upload_photos(auth, 1, start=50))
    auth.login("worker1")
    act(auth, case_id, action="check", photos=upload_photos(auth, 1, start=60))
    at(delivering_app, "2026-12-01T09:00:00+08:00")
    auth.login("super1")
    reworked = act(auth, case_id, action="rework", comment="未清理干净")
    assert reworked["clocks"]["handle"]["deadline"] == "2026-12-01T03:00:00+00:00"  # Tue 11:00

    at(delivering_app, "2026-12-01T09:30:00+08:00")  # 25 % of the new clock
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 0."
    at(delivering_app, "2026-12-01T10:40:00+08:00")  # 83 %
    assert remind(delivering_app) == "Reminded cases: 1, tasks: 0."
    assert [p["url"] for p in reminders(subscribed)["handler1"]] == [f"/cases/{case_id}"] * 2


def test_a_case_first_seen_past_its_deadline_says_so(org, auth, subscribed, delivering_app):
    dispatched_case(auth, org, department_id=org["departments"][0].id)
    at(delivering_app, "2026-11-30T15:00:00+08:00")  # the sweep was not running at 10:36
    assert remind(delivering_app) == "Reminded cases: 1, tasks: 0."
    assert [p["title"] for p in reminders(subscribed)["handler1"]] == ["已超时：无照经营游商"]


def test_two_sweeps_never_remind_the_same_case_twice(org, auth, subscribed, delivering_app):
    """A sweep that read the case before another sweep claimed it finds nothing left to claim."""
    dispatched_case(auth, org, department_id=org["departments"][0].id)
    at(delivering_app, "2026-11-30T10:45:00+08:00")
    now = calendar.now()
    [seen] = case_reminders._cases_due(now)
    with delivering_app.app_context():  # another host's sweep, in a session of its own
        assert remind(delivering_app) == "Reminded cases: 1, tasks: 0."
    assert claim_once(Case, seen, Case.deadline_reminded_at, now) is False
    db.session.rollback()
    assert len(reminders(subscribed)["handler1"]) == 1


# ---- tasks -------------------------------------------------------------------------------


def assign(auth, org, **overrides) -> str:
    auth.login("super1")
    body = {
        "kind": "visit_household",
        "household_id": str(org["household"].id),
        "assignee_id": org["worker"].id,
        "due_at": TASK_DUE,
    }
    body.update(overrides)
    response = auth.post("/api/v1/tasks", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_task_is_reminded_once_at_80_percent(org, auth, subscribed, delivering_app):
    task_id = assign(auth, org)

    at(delivering_app, "2026-12-01T09:00:00+08:00")  # 24 of 56 hours
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 0."
    at(delivering_app, "2026-12-02T06:00:00+08:00")  # 45 of 56 hours: 80.4 %
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 1."
    at(delivering_app, "2026-12-02T16:00:00+08:00")
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 0."

    received = reminders(subscribed)
    assert received["worker1"] == [
        {
            "kind": "deadline_near",
            "title": "即将超时：入户走访",
            "url": f"/tasks/{task_id}",
            "tag": f"task-{task_id}",
            "data": {"task_id": task_id},
        }
    ]
    assert received["super1"] == received["handler1"] == []


def test_done_and_cancelled_tasks_are_never_reminded(org, auth, subscribed, delivering_app):
    done, cancelled = assign(auth, org), assign(auth, org)
    response = auth.patch(f"/api/v1/tasks/{cancelled}", json={"status": "cancelled"})
    assert response.status_code == 200, response.get_json()
    auth.login("worker1")
    item = push_item("task_update", {"task_id": done, "status": "done"})
    [result] = auth.post(PUSH, json={"device_id": "phone-1", "items": [item]}).get_json()["results"]
    assert result["status"] == "accepted"

    for when in ("2026-12-02T12:00:00+08:00", "2026-12-03T09:00:00+08:00"):
        at(delivering_app, when)
        assert remind(delivering_app) == "Reminded cases: 0, tasks: 0."
    assert reminders(subscribed)["worker1"] == []


def test_a_new_due_time_gets_a_new_reminder(org, auth, subscribed, delivering_app):
    task_id = assign(auth, org)
    at(delivering_app, "2026-12-02T06:00:00+08:00")
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 1."
    auth.login("super1")
    # 56 h → 152 h from creation: 80 % is now Sat 10:36, so nothing is due at once.
    response = auth.patch(f"/api/v1/tasks/{task_id}", json={"due_at": "2026-12-06T17:00:00+08:00"})
    assert response.status_code == 200, response.get_json()
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 0."
    at(delivering_app, "2026-12-05T11:00:00+08:00")
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 1."
    assert len(reminders(subscribed)["worker1"]) == 2
    assert db.session.get(Task, uuid.UUID(task_id)).reminded_at is not None


def test_a_reopened_task_is_reminded_again(org, auth, subscribed, delivering_app):
    task_id = assign(auth, org)
    at(delivering_app, "2026-12-02T06:00:00+08:00")
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 1."
    auth.login("super1")
    for status in ("cancelled", "open"):
        response = auth.patch(f"/api/v1/tasks/{task_id}", json={"status": status})
        assert response.status_code == 200, response.get_json()
    # Open again and still past 80 % of its time: the worker hears of it again, once.
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 1."
    assert remind(delivering_app) == "Reminded cases: 0, tasks: 0."
    assert len(reminders(subscribed)["worker1"]) == 2


# ---- the command ---------------------------------------------------------------------------


@pytest.mark.parametrize("every", ["0", "-300", "soon"])
def test_remind_every_needs_a_positive_number_of_seconds(app, runner, every):
    result = runner.invoke(args=["cases", "remind", "--every", every])
    assert result.exit_code != 0
    assert "Invalid value for '--every'" in result.output


def test_remind_every_keeps_sweeping_in_a_process_of_its_own(org, auth, subscribed, delivering_app):
    """`flask cases remind --every 1` as `make run` starts it: it sweeps, sleeps, sweeps again."""
    first = dispatched_case(auth, org, department_id=org["departments"][0].id)
    env = dict(
        os.environ,
        GRIDWALK_CONFIG="default",
        GRIDWALK_INSTANCE=str(delivering_app.config["INSTANCE_PATH"]),  # the same VAPID key
        DATABASE_URL=delivering_app.config["SQLALCHEMY_DATABASE_URI"],
        GRIDWALK_FAKE_NOW="2026-11-30T10:45:00+08:00",
        PYTHONUNBUFFERED="1",
    )
    env.pop("REDIS_URL", None)  # pushes go out from the command's own threads
    process = subprocess.Popen(
        clock.python_m("flask", "--app", "server", "cases", "remind", "--every", "1"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(
        target=lambda: [lines.put(line.strip()) for line in process.stdout], daemon=True
    )
    reader.start()

    def next_reminder() -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                assert process.poll() is None, "the command ended"
                continue
            if line.startswith("Reminded"):
                return line
        raise AssertionError("no sweep reminded anything within 30 s")

    try:
        assert next_reminder() == "Reminded cases: 1, tasks: 0."
        second = dispatched_case(auth, org, start=1, department_id=org["departments"][0].id)  # at 09:00
        assert next_reminder() == "Reminded cases: 1, tasks: 0."  # 105 of its 120 minutes by 10:45
        # Its pushes leave from its own threads: wait for both dispatches' and both reminders'.
        deadline = time.monotonic() + 10
        while len(subscribed.receiver.to("handler1")) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=15)
        reader.join(timeout=5)
        process.stdout.close()
    received = reminders(subscribed)
    assert [p["url"] for p in received["handler1"]] == [f"/cases/{first}", f"/cases/{second}"]
