"""§6 优抚 festival proposals: the street sees the next 春节 and 八一 visits for residents tagged
优抚对象, with how many each reaches, and confirms (a draft campaign, ready to launch) or
dismisses each once. "Now" is the test clock's, moved within its own year (Asia/Shanghai)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from server.audit.models import AuditLog
from server.campaigns import festivals
from server.campaigns.models import Campaign
from server.extensions import db
from server.timeutil import SHANGHAI
from tests import clock
from tests.api import test_campaigns as base
from tests.factories import make_resident

API = base.API
PROPOSALS = f"{API}/proposals"
org = base.org  # one 优抚对象 (优抚乙) in community 1's first grid

# The published 春节 dates the calendar must carry.
SPRING = {
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
    2029: "2029-02-13",
    2030: "2030-02-03",
    2031: "2031-01-23",
    2032: "2032-02-11",
    2033: "2033-01-31",
    2034: "2034-02-19",
    2035: "2035-02-08",
    2036: "2036-01-28",
    2037: "2037-02-15",
    2038: "2038-02-04",
    2039: "2039-01-24",
    2040: "2040-02-12",
}


def this_year() -> int:
    """The test clock's Shanghai year, kept inside the calendar (a following year must exist)."""
    return min(max(clock.today().year, 2025), 2039)


def at(app, day: date, hour: int = 10, minute: int = 0) -> datetime:
    """Move the app's clock to this Shanghai wall time."""
    instant = datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)
    app.config["FAKE_NOW"] = instant.isoformat()
    return instant


@pytest.fixture
def street(org):
    """A second 优抚对象 in community 2: the street's proposal reaches both."""
    make_resident(org["households"]["c2"][0], name="优抚丁", tags=["special_care"])
    db.session.commit()
    return org


def test_the_calendar_carries_the_published_spring_festivals():
    assert {year: day.isoformat() for year, day in festivals.SPRING_FESTIVALS.items()} == SPRING


def test_late_december_proposes_next_years_spring_festival_and_army_day(street, auth, app):
    year = this_year()
    at(app, date(year, 12, 28), 22, 30)
    auth.login("street1")
    answer = auth.client.get(PROPOSALS)
    assert answer.status_code == 200, answer.get_json()
    spring, army = answer.get_json()["proposals"]
    assert (spring["festival"], spring["date"]) == ("spring_festival", SPRING[year + 1])
    assert (army["festival"], army["date"]) == ("army_day", f"{year + 1}-08-01")
    festival = date.fromisoformat(SPRING[year + 1])
    assert (
        spring["starts_at"]
        == datetime.combine(festival - timedelta(days=14), datetime.min.time(), SHANGHAI).isoformat()
    )
    assert (
        spring["ends_at"]
        == datetime.combine(festival + timedelta(days=1), datetime.min.time(), SHANGHAI).isoformat()
    )
    assert spring["name"] == f"{year + 1}年春节优抚对象走访慰问"
    assert spring["rule"] == {"subject": "resident", "tags": ["special_care"]}
    assert spring["template"]["key"] == "welfare_visit"
    assert (spring["count"], spring["status"], spring["campaign_id"]) == (2, "proposed", None)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # (days from this year's 春节, Shanghai hour) → which year's 春节 is proposed
        ((-30, 9), 0),
        ((0, 23), 0),  # the festival day itself is still this year's
        ((1, 0), 1),  # past its end (00:00 the next day): next year's
    ],
)
def test_the_spring_festival_proposal_rolls_over_after_the_festival_day(street, auth, app, moment, expected):
    year = this_year()
    days, hour = moment
    at(app, date.fromisoformat(SPRING[year]) + timedelta(days=days), hour)
    auth.login("street1")
    listed = auth.client.get(PROPOSALS).get_json()["proposals"]
    [spring] = [p for p in listed if p["festival"] == "spring_festival"]
    assert spring["date"] == SPRING[year + expected]


def test_inside_the_window_the_proposal_starts_now_and_army_day_rolls_over_on_august_2nd(street, auth, app):
    year = this_year()
    now = at(app, date(year, 7, 25), 9, 41)
    auth.login("street1")
    [army] = [p for p in auth.client.get(PROPOSALS).get_json()["proposals"] if p["festival"] == "army_day"]
    assert army["date"] == f"{year}-08-01" and army["starts_at"] == now.isoformat()
    at(app, date(year, 8, 2), 0, 1)
    [army] = [p for p in auth.client.get(PROPOSALS).get_json()["proposals"] if p["festival"] == "army_day"]
    assert army["date"] == f"{year + 1}-08-01"


def test_confirming_creates_a_draft_ready_to_launch_and_a_second_decision_is_refused(street, auth, app):
    at(app, date(this_year(), 12, 28))
    auth.login("street1")
    spring = auth.client.get(PROPOSALS).get_json()["proposals"][0]
    confirmed = auth.post(f"{PROPOSALS}/{spring['key']}/confirm")
    assert confirmed.status_code == 201, confirmed.get_json()
    made = confirmed.get_json()
    assert made["status"] == "confirmed" and made["campaign"]["status"] == "draft"
    assert made["campaign"]["name"] == spring["name"] and made["campaign"]["community_id"] is None
    for key in ("starts_at", "ends_at"):
        assert datetime.fromisoformat(made["campaign"][key]) == datetime.fromisoformat(spring[key])
    listed = auth.client.get(PROPOSALS).get_json()["proposals"][0]
    assert (listed["status"], listed["campaign_id"]) == ("confirmed", made["campaign"]["id"])
    again = auth.post(f"{PROPOSALS}/{spring['key']}/confirm")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "proposal_decided"
    assert auth.post(f"{PROPOSALS}/{spring['key']}/dismiss").status_code == 409
    assert db.session.query(Campaign).count() == 1
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "campaign_proposal.confirm"))
    assert audit.target_id == str(made["campaign"]["id"]) and audit.detail == {"proposal": spring["key"]}
    # The draft launches like any other: one target per 优抚对象, each for their grid's worker.
    launched = auth.post(f"{API}/{made['campaign']['id']}/launch")
    assert launched.status_code == 200 and launched.get_json()["launch"]["total"] == 2


def test_dismissing_is_once_and_leaves_no_campaign(street, auth, app):
    at(app, date(this_year(), 12, 28))
    auth.login("street1")
    army = auth.client.get(PROPOSALS).get_json()["proposals"][1]
    dismissed = auth.post(f"{PROPOSALS}/{army['key']}/dismiss")
    assert dismissed.status_code == 200 and dismissed.get_json()["status"] == "dismissed"
    again = auth.post(f"{PROPOSALS}/{army['key']}/dismiss")
    assert again.status_code == 409 and "已忽略" in again.get_json()["error"]["message"]
    assert auth.post(f"{PROPOSALS}/{army['key']}/confirm").status_code == 409
    assert db.session.query(Campaign).count() == 0
    assert [p["status"] for p in auth.client.get(PROPOSALS).get_json()["proposals"]] == [
        "proposed",
        "dismissed",
    ]


def test_only_the_streets_supervisors_decide_and_only_current_proposals(street, auth, app):
    year = this_year()
    at(app, date(year, 12, 28))
    auth.login("street1")
    key = auth.client.get(PROPOSALS).get_json()["proposals"][0]["key"]
    for username, status in (("worker1", 404), ("admin1", 404), ("super1", 403)):
        auth.login(username)
        assert auth.client.get(PROPOSALS).status_code == status, username
        assert auth.post(f"{PROPOSALS}/{key}/confirm").status_code == status, username
        assert auth.post(f"{PROPOSALS}/{key}/dismiss").status_code == status, username
    auth.login("street1")
    # This year's 春节 is over, an unknown festival or a made-up date is no proposal.
    for stale in (f"spring_festival-{SPRING[year]}", f"moon_festival-{year + 1}-09-15", "army_day-x"):
        assert auth.post(f"{PROPOSALS}/{stale}/confirm").status_code == 404, stale
    assert db.session.query(Campaign).count() == 0


def test_the_rule_preview_counts_in_the_callers_area(street, auth):
    auth.login("street1")
    rule = {"subject": "resident", "tags": ["special_care"]}
    assert auth.post(f"{API}/preview", json={"rule": rule}).get_json() == {"count": 2}
    auth.login("super1")  # community 1 only
    assert auth.post(f"{API}/preview", json={"rule": rule}).get_json() == {"count": 1}
    bad = auth.post(f"{API}/preview", json={"rule": {"tags": ["nobody"]}})
    assert bad.status_code == 422 and "rule.tags" in bad.get_json()["error"]["fields"]
    auth.login("worker1")
    assert auth.post(f"{API}/preview", json={"rule": rule}).status_code == 404
