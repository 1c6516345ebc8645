"""Welfare visits: the schedule moves on each visit, major changes, not-reached flags, the monthly rate."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditLog
from server.extensions import db
from server.org.models import Grid
from server.register.models import Resident
from server.submissions.models import Submission
from server.timeutil import SHANGHAI, local_date
from server.visits.models import MajorChange, WelfareVisit
from tests import clock
from tests.conftest import AuthActions, IsolatedClient
from tests.factories import (
    install_forms,
    make_household,
    make_resident,
    not_reached_answers,
    org_with_users,
    resident_upsert,
    welfare_answers,
    welfare_item,
)

PUSH = "/api/v1/sync/push"


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    grid = made["worker"].grids[0].id
    made["household"] = make_household(grid)
    # 86, living alone: high risk (weekly).
    made["resident"] = make_resident(made["household"], birth_date=date(1940, 3, 8), tags=["living_alone"])
    db.session.commit()
    return made


@pytest.fixture
def grid(org) -> int:
    return org["worker"].grids[0].id


@pytest.fixture
def worker(org, auth):
    auth.login("worker1")
    return auth


def push(auth, *items):
    response = auth.post(PUSH, json={"device_id": "phone-1", "items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def stamp(when: datetime | None = None) -> str:
    """A phone's created_at: now (or `when`) in Shanghai time with its offset."""
    return (when or clock.shanghai_now()).isoformat(timespec="milliseconds")


def visit(grid, resident, answers=None, when=None):
    return welfare_item(grid, resident.id, answers, created_at=stamp(when))


def test_a_welfare_visit_moves_the_next_due_date_by_the_tiers_interval(org, grid, worker):
    person = org["resident"]
    assert person.care_tier == "high" and person.next_visit_due == clock.today()
    item = visit(grid, person)
    result = push(worker, item)[0]
    assert result["status"] == "accepted", result
    db.session.refresh(person)
    visited = local_date(person.last_visit_at)
    assert visited == clock.today()
    assert person.next_visit_due == visited + timedelta(days=7)
    assert person.last_contact_method == "home" and person.visit_flag is None
    assert person.version == 1  # the visit state is not an edit: a pending edit does not conflict
    submission = db.session.get(Submission, uuid.UUID(item["id"]))
    assert submission.resident_id == person.id and submission.household_id == person.household_id
    row = db.session.get(WelfareVisit, uuid.UUID(item["id"]))
    assert row.reached and row.how_contacted == "home" and row.grid_id == grid


@pytest.mark.parametrize(
    ("tags", "birth", "days"), [(["disabled"], date(1955, 1, 1), 30), ([], date(1955, 1, 1), 90)]
)
def test_key_and_general_tiers_are_monthly_and_quarterly(org, grid, worker, tags, birth, days):
    person = make_resident(org["household"], name="张三", birth_date=birth, tags=tags, gender="male")
    db.session.commit()
    push(worker, visit(grid, person, welfare_answers(how_contacted="phone")))
    db.session.refresh(person)
    assert person.next_visit_due == local_date(person.last_visit_at) + timedelta(days=days)


def test_a_visit_synced_late_and_out_of_order_does_not_move_the_schedule_back(org, grid, worker):
    person = org["resident"]
    now = clock.shanghai_now()
    push(worker, visit(grid, person, when=now))
    push(worker, visit(grid, person, when=now - timedelta(days=10)))
    db.session.refresh(person)
    assert local_date(person.last_visit_at) == now.date()


def test_a_phone_clock_in_the_future_does_not_push_the_schedule_ahead(org, grid, worker):
    person = org["resident"]
    push(worker, visit(grid, person, when=clock.shanghai_now() + timedelta(days=30)))
    db.session.refresh(person)
    assert person.next_visit_due == clock.today() + timedelta(days=7)


def test_a_major_change_on_a_visit_makes_the_next_one_due_within_24_hours(org, grid, worker):
    person = make_resident(org["household"], name="李四", birth_date=date(1950, 1, 1), tags=[], gender="male")
    db.session.commit()
    answers = welfare_answers(major_change=True, major_change_note="老伴上周去世，情绪低落")
    push(worker, visit(grid, person, answers))
    db.session.refresh(person)
    assert person.major_change_at is not None
    # Due at once (today's list); overdue 24 h after the change (see the FAKE_NOW test below).
    assert person.next_visit_due == local_date(person.last_visit_at) == clock.today()
    assert db.session.scalar(select(MajorChange.source)) == "visit"
    # The follow-up visit returns the resident to the quarterly interval.
    push(worker, visit(grid, person, when=clock.shanghai_now() + timedelta(seconds=1)))
    db.session.refresh(person)
    assert person.next_visit_due == local_date(person.last_visit_at) + timedelta(days=90)


def test_a_supervisor_records_a_major_change(org, grid, worker, auth, client):
    person = make_resident(org["household"], name="李四", birth_date=date(1950, 1, 1), tags=[], gender="male")
    db.session.commit()
    push(worker, visit(grid, person))
    db.session.refresh(person)
    assert person.next_visit_due > clock.today() + timedelta(days=80)
    url = f"/api/v1/residents/{person.id}/major-change"
    assert worker.post(url, json={"note": "住院"}).status_code == 404  # workers record it on a visit
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("super1")
    answer = auth.post(url, json={"note": "突发脑梗住院"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["next_visit_due"] == clock.today().isoformat()
    assert "major_change_at" in answer.get_json()
    assert (
        db.session.scalar(select(AuditLog.action).where(AuditLog.target_id == str(person.id)))
        == "resident.major_change"
    )


def on(day: date, hhmm: str) -> str:
    """A Shanghai wall-clock time on `day`, as due_lists and FAKE_NOW take it."""
    return f"{day.isoformat()}T{hhmm}:00"


def due_lists(client, now: str) -> dict[str, list[str]]:
    """The server's 今日到期 and 已逾期 at `now` (Shanghai wall clock), as resident names."""
    client.application.config["FAKE_NOW"] = now + "+08:00"
    answer = client.get("/api/v1/visits/due")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    return {"today": [r["name"] for r in body["today"]], "overdue": [r["name"] for r in body["overdue"]]}


def test_a_major_change_is_due_at_once_and_overdue_when_24_hours_have_passed(org, grid, worker, client):
    day = clock.days_ago(10)  # the desk's clock is pinned to this day and the next
    next_day = day + timedelta(days=1)
    long_ago = datetime.combine(day - timedelta(days=50), time(9), SHANGHAI)
    person = make_resident(
        org["household"],
        name="李四",
        birth_date=date(1950, 1, 1),
        tags=[],
        gender="male",
        created_at=long_ago,
    )
    org["resident"].status = "moved_out"  # only 李四 on the lists
    db.session.commit()
    answers = welfare_answers(major_change=True, major_change_note="老伴住院，独自在家")
    client.application.config["FAKE_NOW"] = on(day, "10:00") + "+08:00"
    push(worker, visit(grid, person, answers, when=datetime.combine(day, time(10), SHANGHAI)))
    db.session.refresh(person)
    assert person.next_visit_due == day

    assert due_lists(client, on(day, "10:00")) == {"today": ["李四"], "overdue": []}
    follow_up = client.get("/api/v1/visits/due").get_json()["today"][0]["follow_up_due_at"]
    assert datetime.fromisoformat(follow_up) == datetime.combine(next_day, time(10), SHANGHAI)
    assert due_lists(client, on(day, "23:59")) == {"today": ["李四"], "overdue": []}
    # Past midnight the 24 h have not run out: still due, not overdue.
    assert due_lists(client, on(next_day, "09:59")) == {"today": ["李四"], "overdue": []}
    assert due_lists(client, on(next_day, "10:01")) == {"today": [], "overdue": ["李四"]}

    # The follow-up visit (no new change) clears it: back to the quarterly interval.
    client.application.config["FAKE_NOW"] = on(next_day, "10:30") + "+08:00"
    push(worker, visit(grid, person, when=datetime.combine(next_day, time(10, 30), SHANGHAI)))
    db.session.refresh(person)
    assert person.next_visit_due == next_day + timedelta(days=90)
    assert due_lists(client, on(next_day, "10:31")) == {"today": [], "overdue": []}
    assert "major_change_at" not in client.get(f"/api/v1/residents/{person.id}").get_json()


def test_a_major_change_to_someone_already_overdue_keeps_them_overdue(org, grid, worker, auth, client):
    person = org["resident"]  # high risk, never visited: due the day registered
    registered = clock.days_ago(30)
    person.created_at = datetime.combine(registered, time(9), SHANGHAI)
    person.next_visit_due = registered
    db.session.commit()
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("super1")
    assert due_lists(client, on(clock.days_ago(11), "10:00"))["overdue"] == [person.name]
    assert auth.post(f"/api/v1/residents/{person.id}/major-change", json={"note": "摔倒"}).status_code == 200
    # The desk records the change on the real clock; the lists are read just after it.
    now = clock.shanghai_now().isoformat(timespec="seconds")[:19]
    assert due_lists(client, now)["overdue"] == [person.name]


def test_the_due_lists_are_scoped(org, grid, auth, client):
    auth.login("worker2")
    assert due_lists(client, clock.shanghai_now().isoformat(timespec="seconds")[:19]) == {
        "today": [],
        "overdue": [],
    }
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker1")
    names = due_lists(client, clock.shanghai_now().isoformat(timespec="seconds")[:19])
    assert names == {"today": [org["resident"].name], "overdue": []}


def test_not_reached_twice_in_a_row_raises_a_flag_for_the_supervisor(org, grid, worker, auth, client):
    person = org["resident"]
    now = clock.shanghai_now()
    push(worker, visit(grid, person, not_reached_answers(), when=now - timedelta(hours=2)))
    db.session.refresh(person)
    assert person.not_reached_streak == 1 and person.visit_flag is None
    assert person.last_visit_at is None and person.next_visit_due == clock.today()  # not reached is no visit
    push(worker, visit(grid, person, not_reached_answers(), when=now - timedelta(hours=1)))
    db.session.refresh(person)
    assert person.visit_flag == "not_reached_twice" and person.last_contact_method == "not_reached"
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("super1")
    flags = client.get("/api/v1/visits/flags").get_json()["residents"]
    assert [(f["id"], f["visit_flag"], f["not_reached_streak"]) for f in flags] == [
        (str(person.id), "not_reached_twice", 2)
    ]
    # What the supervisor acts on: who, where, how to call, and when the worker tried.
    [flag] = flags
    its_grid = db.session.get(Grid, grid)
    assert flag["name"] == person.name and flag["phone_masked"] == "139****4321"
    assert flag["grid"] == {"id": grid, "code": its_grid.code, "name": its_grid.name}
    assert flag["household_address"] == "示例路1号2单元301"
    assert flag["household_phone_masked"] == "138****5678"
    tried = [datetime.fromisoformat(at) for at in flag["attempts"]]
    assert [round((now - at).total_seconds() / 3600) for at in tried] == [1, 2]
    assert client.get(f"/api/v1/residents/{person.id}").get_json()["visit_flag"] == "not_reached_twice"
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker2")
    assert client.get("/api/v1/visits/flags").get_json()["residents"] == []
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker1")
    push(auth, visit(grid, person, welfare_answers(how_contacted="video"), when=now))
    db.session.refresh(person)
    assert person.visit_flag is None and person.not_reached_streak == 0


def test_a_visit_to_a_resident_created_in_the_same_batch(org, grid, worker):
    resident = {
        "id": str(uuid.uuid4()),
        "household_id": str(org["household"].id),
        "name": "周奶奶",
        "gender": "female",
        "birth_date": "1938-02-02",
        "tags": ["empty_nest"],
    }
    item = welfare_item(grid, resident["id"], created_at=stamp())
    results = push(worker, resident_upsert(resident), item)
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    person = db.session.get(Resident, uuid.UUID(resident["id"]))
    assert person.care_tier == "high" and person.next_visit_due == clock.today() + timedelta(days=7)


# ---- a street's own settings reach the phone ------------------------------------------------

STREET_INTERVALS = {"high": 3, "key": 14, "general": 60}
# 70+ living alone is already high risk here (80+ by default); everyone else 60+ is key.
STREET_RULES = [
    {"tier": "high", "min_age": 70, "any_tags": ["living_alone"]},
    {"tier": "key", "min_age": 60},
]


def pull_all(client, cursor: str | None = None) -> tuple[list[dict], str]:
    """Every page of the pull from `cursor` (a snapshot without one); the changes and the last cursor."""
    changes: list[dict] = []
    while True:
        answer = client.get("/api/v1/sync/pull", query_string={"cursor": cursor} if cursor else {})
        assert answer.status_code == 200, answer.get_json()
        page = answer.get_json()
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor


def care_catalogues(changes: list[dict]) -> dict[str, list]:
    return {
        c["id"]: c["data"]["items"]
        for c in changes
        if c["entity"] == "catalogue" and c["id"] in ("care_tiers", "care_tier_rules")
    }


def test_a_streets_own_intervals_and_tier_rules_drive_the_schedule_and_travel_to_phones(
    org, grid, worker, client, make_app
):
    # A phone that synced while the street ran on the defaults.
    shipped, old_cursor = pull_all(client)
    assert care_catalogues(shipped)["care_tier_rules"][0] == {
        "tier": "high",
        "min_age": 80,
        "any_tags": ["living_alone", "empty_nest"],
    }
    assert care_catalogues(pull_all(client, old_cursor)[0]) == {}  # nothing changed: nothing resent

    configured = make_app(WELFARE_VISIT_INTERVAL_DAYS=STREET_INTERVALS, CARE_TIER_RULES=STREET_RULES)
    configured.test_client_class = IsolatedClient
    with configured.app_context():
        phone = AuthActions(configured.test_client())
        assert phone.login("worker1").status_code == 200
        # 76 and living alone: general by the default rules, high risk by this street's.
        resident = {
            "id": str(uuid.uuid4()),
            "household_id": str(org["household"].id),
            "name": "赵奶奶",
            "gender": "female",
            "birth_date": "1950-05-05",
            "tags": ["living_alone"],
        }
        assert push(phone, resident_upsert(resident))[0]["status"] == "accepted"
        push(phone, welfare_item(grid, resident["id"], created_at=stamp()))
        person = db.session.get(Resident, uuid.UUID(resident["id"]))
        assert person.care_tier == "high"
        assert person.next_visit_due == local_date(person.last_visit_at) + timedelta(days=3)

        # The old phone's next pull brings the street's settings without a new snapshot...
        resent = care_catalogues(pull_all(phone.client, old_cursor)[0])
        tiers = {t["code"]: t.get("interval_days") for t in resent["care_tiers"]}
        assert tiers == {"high": 3, "key": 14, "general": 60, "none": None}
        assert resent["care_tier_rules"] == STREET_RULES
        # ... and a new phone's snapshot carries them too.
        snapshot, cursor = pull_all(phone.client)
        assert care_catalogues(snapshot) == resent
        assert care_catalogues(pull_all(phone.client, cursor)[0]) == {}


def test_a_welfare_visit_needs_a_resident_in_scope(org, grid, worker):
    other = make_resident(make_household(org["worker_other"].grids[0].id))
    db.session.commit()
    missing = welfare_item(grid, uuid.uuid4())
    no_one = welfare_item(grid, org["resident"].id)
    del no_one["payload"]["resident_id"]
    results = push(worker, welfare_item(grid, other.id), missing, no_one)
    assert results[0]["status"] == "forbidden"
    assert results[1]["status"] == "rejected" and "resident_id" in results[1]["error"]["fields"]
    assert results[2]["status"] == "rejected" and "resident_id" in results[2]["error"]["fields"]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (welfare_answers(how_contacted=...), "how_contacted"),  # required
        (welfare_answers(how_contacted="letter"), "how_contacted"),  # not a choice
        (welfare_answers(finances_status=...), "finances_status"),  # required when reached
        (welfare_answers(health_note=...), "health_note"),  # required when not fine
        (welfare_answers(finances_note="不该填"), "finances_note"),  # hidden while fine
        ({**not_reached_answers(), "health_status": "ok"}, "health_status"),  # hidden when not reached
        (welfare_answers(major_change=True), "major_change_note"),
        (welfare_answers(referral_needed=True), "referral_target"),
        (welfare_answers(referral_needed=True, referral_target="police"), "referral_target"),
        (welfare_answers(referral_target="medical"), "referral_target"),  # hidden without referral
        (welfare_answers(major_change="yes"), "major_change"),
        (welfare_answers(notes="长" * 1001), "notes"),
        (welfare_answers(mood="happy"), "mood"),
    ],
)
def test_welfare_answers_breaking_a_template_rule_are_rejected(org, grid, worker, answers, field):
    result = push(worker, welfare_item(grid, org["resident"].id, answers))[0]
    assert result["status"] == "rejected" and field in result["error"]["fields"], result
    assert db.session.scalar(select(func.count()).select_from(WelfareVisit)) == 0


def test_a_referral_with_its_target_is_accepted(org, grid, worker):
    answers = welfare_answers(referral_needed=True, referral_target="eldercare", referral_note="申请助餐")
    assert push(worker, welfare_item(grid, org["resident"].id, answers))[0]["status"] == "accepted"
    assert db.session.scalar(select(WelfareVisit.referral_needed)) is True


# ---- the monthly visit rate -------------------------------------------------------------


def this_month() -> str:
    return clock.today().strftime("%Y-%m")


def test_the_visit_rate_counts_residents_due_in_the_month_once(org, grid, worker, auth, client):
    long_ago = clock.shanghai_now() - timedelta(days=200)
    household = org["household"]
    high = org["resident"]  # weekly: due; visited twice: counts once
    due_general = make_resident(
        household, name="甲", birth_date=date(1955, 1, 1), tags=[], created_at=long_ago
    )
    by_phone = make_resident(household, name="乙", birth_date=date(1956, 1, 1), tags=[], created_at=long_ago)
    not_reached = make_resident(
        household, name="丙", birth_date=date(1957, 1, 1), tags=[], created_at=long_ago
    )
    gone = make_resident(household, name="丁", birth_date=date(1930, 1, 1), status="deceased")
    young = make_resident(household, name="戊", birth_date=date(1990, 1, 1), tags=[])
    db.session.commit()
    now = clock.shanghai_now()
    push(
        worker,
        visit(grid, high, when=now - timedelta(minutes=5)),
        visit(grid, high, when=now),
        visit(grid, by_phone, welfare_answers(how_contacted="phone")),
        visit(grid, not_reached, not_reached_answers()),
    )
    assert gone.care_tier == "none" and young.care_tier == "none"
    rate = client.get("/api/v1/reports/visit-rate", query_string={"month": this_month()}).get_json()
    [mine] = rate["grids"]
    assert (mine["grid_id"], mine["due"], mine["visited"]) == (grid, 4, 2)
    assert mine["rate"] == 0.5 and rate["total"]["due"] == 4 and "已巡访" in rate["definition"]
    assert due_general.id  # due (never visited) but not visited: in the denominator only


def test_a_resident_visited_last_month_on_a_quarterly_interval_is_not_due_this_month(
    org, grid, worker, client
):
    long_ago = clock.shanghai_now() - timedelta(days=200)
    person = make_resident(
        org["household"], name="甲", birth_date=date(1955, 1, 1), tags=[], created_at=long_ago
    )
    org["resident"].status = "moved_out"
    db.session.commit()
    first_of_month = clock.today().replace(day=1)
    last_month = datetime(first_of_month.year, first_of_month.month, 1, 10, tzinfo=SHANGHAI) - timedelta(
        days=3
    )
    push(worker, visit(grid, person, when=last_month))
    rate = client.get("/api/v1/reports/visit-rate", query_string={"month": this_month()}).get_json()
    assert rate["total"] == {"due": 0, "visited": 0, "rate": None}
    previous = last_month.strftime("%Y-%m")
    rate = client.get("/api/v1/reports/visit-rate", query_string={"month": previous}).get_json()
    assert rate["total"] == {"due": 1, "visited": 1, "rate": 1.0}


def test_the_visit_rate_is_scoped(org, auth, client):
    auth.login("street1")
    grids = client.get("/api/v1/reports/visit-rate", query_string={"month": this_month()}).get_json()["grids"]
    assert len(grids) == 4
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker2")
    grids = client.get("/api/v1/reports/visit-rate", query_string={"month": this_month()}).get_json()["grids"]
    assert [g["grid_id"] for g in grids] == [org["worker_other"].grids[0].id] and grids[0]["due"] == 0


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "november", "1999-01", "2026-01\x00"])
def test_a_bad_month_is_422(org, worker, client, month):
    response = client.get("/api/v1/reports/visit-rate", query_string={"month": month})
    assert response.status_code == 422 and "month" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("query", [{"month": ""}, {}])
def test_an_empty_or_absent_month_is_this_month(org, worker, client, query):
    response = client.get("/api/v1/reports/visit-rate", query_string=query)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["month"] == this_month()
