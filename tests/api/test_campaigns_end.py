"""A campaign ends: early by a supervisor (POST /end) or when its end passes. It leaves the
workers' phones (deletes in the feed), its board stays readable, and work done after the end is
kept as a follow-up that closes nothing."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import select

from server.audit.models import AuditLog
from server.campaigns.models import Campaign
from server.extensions import db
from server.push import reminders
from tests import clock
from tests.api import test_campaigns as base
from tests.factories import make_user, push_item

API = base.API
org = base.org  # the campaigns tests' register: community 1's five households, two workers


def pull(auth, username: str, cursor: str | None = None) -> dict:
    auth.login(username)
    url = "/api/v1/sync/pull" + (f"?cursor={cursor}" if cursor else "")
    return auth.client.get(url).get_json()


def campaign_changes(answer: dict) -> list[dict]:
    return [c for c in answer["changes"] if c["entity"] in ("campaign", "campaign_target")]


def test_a_supervisor_ends_a_campaign_it_leaves_the_phone_and_the_board_stays(org, auth):
    campaign = base.launched(auth, org)
    snapshot = pull(auth, "worker1")
    held = campaign_changes(snapshot)
    assert {c["entity"] for c in held} == {"campaign", "campaign_target"} and len(held) == 4
    auth.login("street1")
    ended = auth.post(f"{API}/{campaign['id']}/end")
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json()["status"] == "ended"
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "campaign.end"))
    assert row.target_id == str(campaign["id"]) and row.actor_id == org["street_supervisor"].id
    assert row.detail["planned_end"] == campaign["ends_at"]
    # The phone's next pull drops the campaign and each of its targets.
    after = campaign_changes(pull(auth, "worker1", snapshot["cursor"]))
    assert {(c["entity"], c["op"]) for c in after} == {("campaign", "delete"), ("campaign_target", "delete")}
    assert {c["id"] for c in after} == {c["id"] for c in held}
    assert campaign_changes(pull(auth, "worker1")) == []  # a fresh snapshot holds none of it
    # The desk still reads the board, marked ended.
    auth.login("street1")
    board = auth.client.get(f"{API}/{campaign['id']}/board?group=grid").get_json()
    assert board["campaign"]["status"] == "ended" and sum(r["targets"] for r in board["rows"]) == 5
    listed = auth.client.get(API).get_json()["campaigns"]
    assert [c["status"] for c in listed if c["id"] == campaign["id"]] == ["ended"]


def test_ending_twice_a_draft_a_worker_another_level_or_another_community(org, auth):
    campaign = base.launched(auth, org)
    auth.login("worker1")
    assert auth.post(f"{API}/{campaign['id']}/end").status_code == 404
    auth.login("super1")  # community 1's supervisor may not end the street's campaign
    refused = auth.post(f"{API}/{campaign['id']}/end")
    assert refused.status_code == 403
    # Their own community's campaign they may end; community 2's supervisor cannot even see it.
    own = auth.post(API, json=base.body(rule={"subject": "household"})).get_json()
    assert auth.post(f"{API}/{own['id']}/end").get_json()["error"]["code"] == "campaign_not_running"
    assert auth.post(f"{API}/{own['id']}/launch").status_code == 200
    make_user("supervisor", "super2", community_id=org["communities"][1].id)
    db.session.commit()
    auth.login("super2")
    assert auth.post(f"{API}/{own['id']}/end").status_code == 404
    auth.login("super1")
    assert auth.post(f"{API}/{own['id']}/end").status_code == 200
    again = auth.post(f"{API}/{own['id']}/end")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "campaign_ended"
    assert "已结束" in again.get_json()["error"]["message"]
    # An ended campaign is not edited, relaunched or trimmed.
    assert auth.patch(f"{API}/{own['id']}", json={"name": "改名"}).status_code == 409
    assert auth.post(f"{API}/{own['id']}/launch").status_code == 409
    auth.login("street1")
    assert auth.post(f"{API}/{campaign['id']}/end").status_code == 200
    assert auth.post(f"{API}/{campaign['id']}/end").status_code == 409
    assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "campaign.end")).all()) == 2


def test_work_made_before_the_end_closes_and_work_after_it_is_a_follow_up(org, auth):
    campaign = base.launched(auth, org)
    before = base.target_for(campaign["id"], org["households"]["g1"][0])
    after = base.target_for(campaign["id"], org["households"]["g1"][1])
    auth.login("street1")
    assert auth.post(f"{API}/{campaign['id']}/end").status_code == 200
    auth.login("worker1")
    # Filled in offline yesterday (field time), synced after the end: it still closes.
    early = base.closing_visit(before)
    late = base.closing_visit(after, created_at=clock.stamp(clock.now() + timedelta(minutes=5)))
    results = base.push(auth, early, late)
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    statuses = {t.id: (t.status, t.follow_ups) for t in base.targets_of(campaign["id"])}
    assert statuses[before.id] == ("done", 0) and statuses[after.id] == ("open", 1)


def test_a_campaign_past_its_end_is_ended_on_read_and_the_sweep_takes_it_off_the_phones(org, auth, app):
    campaign = base.launched(auth, org, ends_at=clock.stamp(clock.now() + timedelta(hours=2)))
    snapshot = pull(auth, "worker1")
    app.config["FAKE_NOW"] = (clock.now() + timedelta(hours=3)).isoformat()
    auth.login("street1")
    assert auth.client.get(f"{API}/{campaign['id']}").get_json()["status"] == "ended"
    assert auth.post(f"{API}/{campaign['id']}/end").status_code == 409
    assert campaign_changes(pull(auth, "worker1")) == []
    swept = reminders.claim_all(clock.now().astimezone(UTC) + timedelta(hours=3))
    db.session.commit()
    assert swept.counts["campaigns"] == 0
    assert db.session.get(Campaign, campaign["id"]).status == "ended"
    after = campaign_changes(pull(auth, "worker1", snapshot["cursor"]))
    assert after and {c["op"] for c in after} == {"delete"}
    # A second sweep finds nothing more to end.
    reminders.claim_all(clock.now().astimezone(UTC) + timedelta(hours=4))
    db.session.commit()
    assert campaign_changes(pull(auth, "worker1", snapshot["cursor"])) == after


def test_answers_for_an_ended_roll_call_are_follow_ups(org, auth):
    campaign = base.launched(
        auth, org, mode="roll_call", deadline_hours=4, rule={"subject": "resident", "tags": ["special_care"]}
    )
    [target] = base.targets_of(campaign["id"])
    auth.login("street1")
    assert auth.post(f"{API}/{campaign['id']}/end").status_code == 200
    auth.login("worker1")
    answer = push_item(
        "campaign_answer",
        {"target_id": str(target.id), "outcome": "reached"},
        created_at=clock.stamp(clock.now() + timedelta(minutes=5)),
    )
    assert base.push(auth, answer)[0]["campaign_close"] == "follow_up"
    [target] = base.targets_of(campaign["id"])
    assert target.status == "open" and target.answer is None
