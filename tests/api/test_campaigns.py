"""Campaigns and roll-call: a supervisor launches a rule over the register, each grid's worker gets
their targets by pull and closes each exactly once through the outbox; the desk's boards."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from server.campaigns.models import Campaign, CampaignEvent, CampaignTarget
from server.extensions import db
from server.forms.models import FormTemplate
from server.push import reminders
from tests import clock
from tests.factories import (
    install_forms,
    make_building,
    make_household,
    make_resident,
    make_user,
    org_with_users,
    push_item,
    visit_item,
)

PUSH = "/api/v1/sync/push"
API = "/api/v1/campaigns"


@pytest.fixture
def org(app):
    """Community 1's two grids hold 3 + 2 households (worker1 covers grid 1, worker3 grid 2);
    community 2's first grid (worker2) holds one; residents tagged for roll-calls."""
    made = org_with_users()
    install_forms()
    grids = made["grids"]
    made["worker3"] = make_user("worker", "worker3", grid_ids=[grids[1].id])
    tower = make_building(grids[0].id, name="1栋")
    made["households"] = {
        "g1": [make_household(grids[0].id, tower, room=f"10{n}") for n in range(3)],
        "g2": [make_household(grids[1].id, housing_type="group_rental") for _ in range(2)],
        "c2": [make_household(grids[2].id)],
    }
    g1 = made["households"]["g1"]
    made["alone"] = make_resident(g1[0], name="独居甲", tags=["living_alone", "aged"])
    made["special"] = make_resident(
        g1[1], name="优抚乙", tags=["special_care"], birth_date=clock.today().replace(year=1960)
    )
    made["plain"] = make_resident(g1[2], name="普通丙", tags=[], birth_date=clock.today().replace(year=1990))
    db.session.commit()
    return made


def body(**overrides) -> dict:
    now = clock.now()
    data = {
        "name": "安全隐患大排查（第一阶段）",
        "template": {"key": "household_visit", "version": 1},
        "rule": {"subject": "household", "community_ids": []},
        "starts_at": clock.stamp(now - timedelta(hours=1)),
        "ends_at": clock.stamp(now + timedelta(days=7)),
        "close_out_time": "17:30",
    }
    data.update(overrides)
    return data


def launched(auth, org, **overrides) -> dict:
    """Created and launched by the street supervisor; the campaign as answered."""
    auth.login("street1")
    overrides.setdefault("rule", {"subject": "household", "community_ids": [org["communities"][0].id]})
    created = auth.post(API, json=body(**overrides))
    assert created.status_code == 201, created.get_json()
    answer = auth.post(f"{API}/{created.get_json()['id']}/launch")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def targets_of(campaign_id: int) -> list[CampaignTarget]:
    db.session.expire_all()
    return list(db.session.scalars(select(CampaignTarget).where(CampaignTarget.campaign_id == campaign_id)))


def pulled_targets(auth, username: str) -> dict[str, dict]:
    auth.login(username)
    changes = auth.client.get("/api/v1/sync/pull").get_json()["changes"]
    return {c["id"]: c["data"] for c in changes if c["entity"] == "campaign_target"}


def target_for(campaign_id: int, household) -> CampaignTarget:
    return next(t for t in targets_of(campaign_id) if t.household_id == household.id)


def closing_visit(target: CampaignTarget, **overrides) -> dict:
    item = visit_item(target.grid_id, **overrides)
    item["payload"]["household_id"] = str(target.household_id)
    item["payload"]["campaign_target_id"] = str(target.id)
    return item


def push(auth, *items, device: str = "phone-a") -> list[dict]:
    response = auth.post(PUSH, json={"device_id": device, "items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


# ---- launch -----------------------------------------------------------------------------------------


def test_launch_makes_one_target_per_household_for_its_grids_worker_and_again_adds_none(org, auth):
    campaign = launched(auth, org)
    assert campaign["status"] == "active" and campaign["launch"] == {"total": 5, "done": 5}
    targets = targets_of(campaign["id"])
    by_worker = {}
    for target in targets:
        by_worker.setdefault(target.assignee_id, set()).add(target.household_id)
    assert by_worker == {
        org["worker"].id: {h.id for h in org["households"]["g1"]},
        org["worker3"].id: {h.id for h in org["households"]["g2"]},
    }
    again = auth.post(f"{API}/{campaign['id']}/launch")
    assert again.status_code == 200 and len(targets_of(campaign["id"])) == 5
    # The worker's pull carries their own three targets and the campaign, nobody else's.
    mine = pulled_targets(auth, "worker1")
    assert set(mine) == {str(t.id) for t in targets if t.assignee_id == org["worker"].id}
    assert {d["status"] for d in mine.values()} == {"open"}
    assert pulled_targets(auth, "worker2") == {}


def test_the_database_refuses_a_second_target_for_the_same_household(org, auth):
    campaign = launched(auth, org)
    target = targets_of(campaign["id"])[0]
    with pytest.raises(IntegrityError):
        db.session.execute(
            insert(CampaignTarget.__table__).values(
                id=uuid.uuid4(),
                campaign_id=target.campaign_id,
                subject_id=target.subject_id,
                household_id=target.household_id,
                grid_id=target.grid_id,
                community_id=target.community_id,
                care_tier="none",
                status="open",
                attempts=0,
                follow_ups=0,
                added_at=clock.now(),
                version=1,
            )
        )
    db.session.rollback()


def test_a_rule_matching_no_one_is_refused_with_the_count(org, auth):
    auth.login("street1")
    campaign = auth.post(API, json=body(rule={"subject": "household", "housing_types": ["rent"]})).get_json()
    answer = auth.post(f"{API}/{campaign['id']}/launch")
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "no_targets" and error["count"] == 0 and "0 个" in error["message"]
    assert db.session.get(Campaign, campaign["id"]).status == "draft" and targets_of(campaign["id"]) == []


def test_rules_select_by_tag_tier_housing_building_and_uploaded_list(org, auth):
    def subjects(rule: dict) -> set:
        campaign = launched(auth, org, rule=rule)
        return {t.subject_id for t in targets_of(campaign["id"])}

    assert subjects({"subject": "resident", "tags": ["special_care"]}) == {org["special"].id}
    assert subjects({"subject": "resident", "care_tiers": ["high"]}) == {org["alone"].id}
    assert subjects({"subject": "household", "housing_types": ["group_rental"]}) == {
        h.id for h in org["households"]["g2"]
    }
    tower = org["households"]["g1"][0].building_id
    assert subjects({"subject": "household", "building_ids": [str(tower)]}) == {
        h.id for h in org["households"]["g1"]
    }
    chosen = org["households"]["g2"][0].id
    assert subjects({"subject": "household", "ids": [str(chosen)]}) == {chosen}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"template": {"key": "no_such_form", "version": 1}}, "template"),
        ({"mode": "roll_call"}, "deadline_hours"),
        ({"mode": "roll_call", "deadline_hours": 0}, "deadline_hours"),
        ({"ends_at": "days:-1"}, "ends_at"),  # over before it is made
        ({"starts_at": "days:3", "ends_at": "days:2"}, "ends_at"),  # ends before it starts
        ({"starts_at": "yesterday"}, "starts_at"),
        ({"close_out_time": "25:00"}, "close_out_time"),
        ({"daily_quota": 0}, "daily_quota"),
        ({"rule": {"subject": "building"}}, "rule.subject"),
        ({"rule": {"tags": ["no_such_tag"]}}, "rule.tags"),
        ({"rule": {"ids": ["not-a-uuid"]}}, "rule.ids"),
        ({"rule": {"colour": ["red"]}}, "rule.colour"),
    ],
)
def test_a_bad_campaign_is_refused_field_by_field_and_nothing_is_stored(org, auth, change, field):
    change = dict(change)
    for key, value in change.items():
        if isinstance(value, str) and value.startswith("days:"):  # days from the test clock's now
            change[key] = clock.stamp(clock.now() + timedelta(days=int(value[5:])))
    auth.login("street1")
    answer = auth.post(API, json=body(**change))
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_who_may_create_launch_and_see_campaigns(org, auth):
    campaign = launched(auth, org)
    auth.login("worker1")
    assert auth.post(API, json=body()).status_code == 404
    assert auth.client.get(f"{API}/{campaign['id']}").status_code == 404
    auth.login("super1")  # community 1's supervisor: sees the street's campaign, cannot edit it
    assert auth.client.get(f"{API}/{campaign['id']}").status_code == 200
    assert auth.patch(f"{API}/{campaign['id']}", json={"name": "改名"}).status_code == 403
    # Their own campaign stays inside community 1: a rule naming community 2 finds no one.
    own = auth.post(
        API, json=body(rule={"subject": "household", "community_ids": [org["communities"][1].id]})
    )
    assert own.status_code == 201 and own.get_json()["community_id"] == org["communities"][0].id
    assert auth.post(f"{API}/{own.get_json()['id']}/launch").status_code == 422
    assert auth.client.get(f"{API}/999999").status_code == 404


# ---- closing through sync --------------------------------------------------------------------------


def test_a_submission_closes_its_target_once_and_a_second_phone_makes_a_follow_up(org, auth):
    campaign = launched(auth, org)
    target = target_for(campaign["id"], org["households"]["g1"][0])
    auth.login("worker1")
    # Both phones filled the form offline; both items reach the server.
    first, second = closing_visit(target), closing_visit(target)
    assert push(auth, first, device="phone-a")[0]["status"] == "accepted"
    assert push(auth, second, device="phone-b")[0]["status"] == "accepted"
    assert push(auth, first, device="phone-a")[0]["status"] == "duplicate"
    db.session.expire_all()
    closed = db.session.get(CampaignTarget, target.id)
    assert (
        closed.status == "done" and closed.closed_by_item == uuid.UUID(first["id"]) and closed.follow_ups == 1
    )
    kinds = db.session.execute(
        select(CampaignEvent.kind, func.count())
        .where(CampaignEvent.target_id == target.id)
        .group_by(CampaignEvent.kind)
    ).all()
    assert dict(kinds) == {"close": 1, "follow_up": 1}
    # The database allows no second close, whatever the code above it does.
    with pytest.raises(IntegrityError):
        db.session.execute(
            insert(CampaignEvent.__table__).values(
                id=uuid.uuid4(),
                target_id=target.id,
                campaign_id=target.campaign_id,
                kind="close",
                author_id=org["worker"].id,
                made_at=clock.now(),
                received_at=clock.now(),
            )
        )
    db.session.rollback()


def test_a_submission_naming_a_wrong_target_is_rejected_for_the_worker_to_fix(org, auth):
    campaign = launched(auth, org)
    others = target_for(campaign["id"], org["households"]["g2"][0])
    mine = target_for(campaign["id"], org["households"]["g1"][0])
    auth.login("worker1")
    foreign = closing_visit(mine)
    foreign["payload"]["campaign_target_id"] = str(others.id)
    bogus = closing_visit(mine)
    bogus["payload"]["campaign_target_id"] = str(uuid.uuid4())
    results = push(auth, foreign, bogus)
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert all("campaign_target_id" in r["error"]["fields"] for r in results)
    assert {t.status for t in targets_of(campaign["id"])} == {"open"}


def test_items_queued_under_a_form_version_retired_mid_campaign_still_close_their_targets(org, auth):
    campaign = launched(auth, org)
    target = target_for(campaign["id"], org["households"]["g1"][1])
    old = db.session.scalar(select(FormTemplate).where(FormTemplate.key == "household_visit"))
    old.active = False
    db.session.commit()
    auth.login("worker1")
    assert push(auth, closing_visit(target))[0]["status"] == "accepted"
    assert db.session.get(CampaignTarget, target.id).status == "done"


def test_not_met_needs_a_reason_counts_as_attempted_and_comes_back_until_the_third_time(org, auth):
    campaign = launched(auth, org)
    target = target_for(campaign["id"], org["households"]["g1"][2])
    auth.login("worker1")
    silent = push_item("campaign_answer", {"target_id": str(target.id), "outcome": "not_met"})
    result = push(auth, silent)[0]
    assert result["status"] == "rejected" and "reason" in result["error"]["fields"]
    wrong = push_item("campaign_answer", {"target_id": str(target.id), "outcome": "reached"})
    assert push(auth, wrong)[0]["status"] == "rejected"  # a roll-call answer in a normal campaign
    tries = [
        push_item("campaign_answer", {"target_id": str(target.id), "outcome": outcome, "reason": "敲门无人"})
        for outcome in ("not_met", "no_entry", "not_met")
    ]
    assert push(auth, tries[0])[0]["campaign_close"] == "attempt"
    data = pulled_targets(auth, "worker1")[str(target.id)]
    assert data["status"] == "attempted" and data["attempts"] == 1
    assert data["retry_on"] == clock.today().isoformat()  # tried yesterday (field_time): back today
    push(auth, tries[1], tries[2])
    db.session.expire_all()
    assert db.session.get(CampaignTarget, target.id).status == "unreachable"
    # A visit that finally finds them still closes it.
    assert push(auth, closing_visit(target))[0]["status"] == "accepted"
    db.session.expire_all()
    assert db.session.get(CampaignTarget, target.id).status == "done"


# ---- the register changes -----------------------------------------------------------------------------


def test_a_household_moving_grid_takes_its_target_to_the_new_worker(org, auth):
    campaign = launched(auth, org)
    household = org["households"]["g1"][0]
    target = target_for(campaign["id"], household)
    auth.login("worker1")
    cursor = auth.client.get("/api/v1/sync/pull").get_json()["cursor"]
    auth.login("street1")
    moved = auth.patch(
        f"/api/v1/households/{household.id}",
        json={"version": household.version, "grid_id": org["grids"][1].id, "building_id": None},
    )
    assert moved.status_code == 200, moved.get_json()
    db.session.expire_all()
    assert db.session.get(CampaignTarget, target.id).assignee_id == org["worker3"].id
    auth.login("worker1")
    changes = auth.client.get(f"/api/v1/sync/pull?cursor={cursor}").get_json()["changes"]
    assert {"entity": "campaign_target", "op": "delete", "id": str(target.id)}.items() <= next(
        c for c in changes if c["id"] == str(target.id)
    ).items()
    assert str(target.id) in pulled_targets(auth, "worker3")


def test_a_new_household_matching_the_rule_joins_the_active_campaign(org, auth):
    campaign = launched(auth, org)
    auth.login("street1")
    created = auth.post(
        "/api/v1/households",
        json={
            "grid_id": org["grids"][0].id,
            "head_name": "新住户",
            "address": "示例路9号",
            "housing_type": "own",
        },
    )
    assert created.status_code == 201, created.get_json()
    assert len(targets_of(campaign["id"])) == 6


def test_a_rule_edited_after_launch_only_adds_and_removing_needs_a_cancel_with_a_reason(org, auth):
    campaign = launched(auth, org, rule={"subject": "household", "grid_ids": [org["grids"][0].id]})
    url = f"{API}/{campaign['id']}"
    narrower = {"subject": "household", "ids": [str(org["households"]["g1"][0].id)]}
    refused = auth.patch(url, json={"rule": narrower})
    assert refused.status_code == 409 and refused.get_json()["error"]["count"] == 2
    wider = {"subject": "household", "grid_ids": [org["grids"][0].id, org["grids"][1].id]}
    grown = auth.patch(url, json={"rule": wider})
    assert grown.status_code == 200 and grown.get_json()["added"] == 2
    assert len(targets_of(campaign["id"])) == 5
    assert auth.patch(url, json={"mode": "roll_call"}).status_code == 422
    target = target_for(campaign["id"], org["households"]["g2"][0])
    no_reason = auth.post(f"{url}/cancel-targets", json={"target_ids": [str(target.id)], "reason": " "})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    assert db.session.get(CampaignTarget, target.id).status == "open"
    cancelled = auth.post(f"{url}/cancel-targets", json={"target_ids": [str(target.id)], "reason": "已拆迁"})
    assert cancelled.status_code == 200 and cancelled.get_json() == {"cancelled": 1}
    db.session.expire_all()
    assert db.session.get(CampaignTarget, target.id).cancel_reason == "已拆迁"
    assert str(target.id) not in pulled_targets(auth, "worker3")


def test_a_big_campaign_launches_as_a_job_with_progress(org, make_app):
    from server.push.service import flush
    from tests.conftest import AuthActions, IsolatedClient

    threaded = make_app(REDIS_URL=None, CAMPAIGN_INLINE_TARGETS=2, CAMPAIGN_LAUNCH_CHUNK=2)
    threaded.test_client_class = IsolatedClient
    with threaded.app_context():
        auth = AuthActions(threaded.test_client())
        auth.login("street1")
        created = auth.post(API, json=body(rule={"subject": "household"})).get_json()
        answer = auth.post(f"{API}/{created['id']}/launch")
        assert answer.status_code == 202, answer.get_json()
        assert answer.get_json()["status"] == "launching" and answer.get_json()["launch"]["total"] == 6
        assert flush(20)
        state = auth.client.get(f"{API}/{created['id']}").get_json()
        assert state["status"] == "active" and state["launch"] == {"total": 6, "done": 6}
        assert len(targets_of(created["id"])) == 6
        db.session.remove()


# ---- roll-call --------------------------------------------------------------------------------------------


def test_roll_call_answers_board_and_reminders(org, auth):
    campaign = launched(
        auth,
        org,
        name="暴雨叫应",
        mode="roll_call",
        deadline_hours=10,
        rule={"subject": "resident", "tags": ["living_alone", "special_care"]},
    )
    alone = next(t for t in targets_of(campaign["id"]) if t.resident_id == org["alone"].id)
    special = next(t for t in targets_of(campaign["id"]) if t.resident_id == org["special"].id)
    board = auth.client.get(f"{API}/{campaign['id']}/roll-call").get_json()
    assert board["communities"][0]["unanswered"] == 2
    assert [p["name"] for p in board["not_reached"]] == ["独居甲", "优抚乙"]  # high tier first
    # At 60 % of the time the workers with open targets get the 50 % reminder, once.
    base = db.session.get(Campaign, campaign["id"]).launched_at
    base = base if base.tzinfo else base.replace(tzinfo=UTC)
    found = reminders.claim_all(base + timedelta(hours=6))
    db.session.commit()
    assert found.counts["campaigns"] == 1 and found.pushes[0].user_ids == (org["worker"].id,)
    assert reminders.claim_all(base + timedelta(hours=7)).counts["campaigns"] == 0
    db.session.commit()
    auth.login("worker1")
    reached = push_item("campaign_answer", {"target_id": str(alone.id), "outcome": "reached"})
    # A second phone's later answer is a follow-up: it closes nothing, but the board shows it.
    later = clock.stamp(clock.now() - timedelta(minutes=1))
    again = push_item("campaign_answer", {"target_id": str(alone.id), "outcome": "assist"}, created_at=later)
    bad = push_item("campaign_answer", {"target_id": str(special.id), "outcome": "not_met", "reason": "x"})
    results = push(auth, reached, bad)
    assert results[0]["campaign_close"] == "close" and results[1]["status"] == "rejected"
    assert push(auth, again, device="phone-b")[0]["campaign_close"] == "follow_up"
    assert push(auth, reached)[0]["status"] == "duplicate"
    auth.login("street1")
    board = auth.client.get(f"{API}/{campaign['id']}/roll-call").get_json()
    community = board["communities"][0]
    assert (community["unanswered"], community["reached"], community["assist"]) == (1, 0, 1)
    assert [p["name"] for p in board["not_reached"]] == ["优抚乙"]
    # Everyone answered: the 80 % reminder finds no one to wake.
    auth.login("worker1")
    push(auth, push_item("campaign_answer", {"target_id": str(special.id), "outcome": "no_answer"}))
    late = reminders.claim_all(base + timedelta(hours=9))
    assert late.counts["campaigns"] == 0


def test_the_desk_board_drill_down_and_export(org, auth):
    campaign = launched(auth, org, daily_quota=1)
    target = target_for(campaign["id"], org["households"]["g1"][0])
    auth.login("worker1")
    push(auth, closing_visit(target, created_at=clock.stamp(clock.now() - timedelta(seconds=5))))
    auth.login("street1")
    rows = auth.client.get(f"{API}/{campaign['id']}/board?group=worker").get_json()["rows"]
    mine = next(r for r in rows if r["key"] == org["worker"].id)
    assert (mine["targets"], mine["done"], mine["open"], mine["today"], mine["close_out"]) == (
        3,
        1,
        2,
        1,
        "met",
    )
    other = next(r for r in rows if r["key"] == org["worker3"].id)
    assert other["today"] == 0 and other["close_out"] in ("pending", "missed")
    assert auth.client.get(f"{API}/{campaign['id']}/board?group=planet").status_code == 422
    page = auth.client.get(f"{API}/{campaign['id']}/targets?status=done").get_json()
    assert page["total"] == 1 and page["targets"][0]["address"] == org["households"]["g1"][0].address
    sheet = auth.client.get(f"{API}/{campaign['id']}/export.xlsx")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert len(rows) == 6 and rows[0][0] == "对象" and "已完成" in [r[4] for r in rows]


def test_a_roll_call_launch_wakes_each_worker_who_has_targets(org, delivering_auth, phones):
    for username in ("worker1", "worker2", "worker3"):
        phones.subscribe(delivering_auth, username)
    launched(
        delivering_auth,
        org,
        name="暴雨叫应",
        mode="roll_call",
        deadline_hours=4,
        rule={"subject": "resident", "tags": ["living_alone"]},
    )
    received = {name: [p["title"] for p in pushes] for name, pushes in phones.received().items()}
    # Only worker1's grid holds someone living alone: the others are not woken.
    assert received == {"worker1": ["新专项：暴雨叫应"], "worker2": [], "worker3": []}


def test_two_phones_pushing_the_same_target_at_once_make_one_close(org, auth, app):
    import threading

    from tests.conftest import AuthActions

    campaign = launched(auth, org)
    target = target_for(campaign["id"], org["households"]["g1"][0])
    phones = [AuthActions(app.test_client()) for _ in range(2)]
    for phone in phones:
        phone.login("worker1")
    items = [closing_visit(target), closing_visit(target)]
    start = threading.Barrier(2)
    results: list[str] = []

    def send(phone: AuthActions, item: dict, device: str) -> None:
        with app.app_context():  # a server thread of its own, with its own database session
            start.wait()
            answer = phone.post(PUSH, json={"device_id": device, "items": [item]})
            results.append(answer.get_json()["results"][0]["status"])
            db.session.remove()

    threads = [
        threading.Thread(target=send, args=(phone, item, f"phone-{n}"))
        for n, (phone, item) in enumerate(zip(phones, items, strict=True))
    ]
    db.session.commit()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == ["accepted", "accepted"]
    db.session.expire_all()
    kinds = sorted(db.session.scalars(select(CampaignEvent.kind).where(CampaignEvent.target_id == target.id)))
    assert kinds == ["close", "follow_up"]
    assert db.session.get(CampaignTarget, target.id).closed_by_item in {uuid.UUID(i["id"]) for i in items}


def board_counts(board: dict) -> dict[int, dict]:
    keys = ("targets", "unanswered", "reached", "no_answer", "relocate", "assist")
    return {g["grid_id"]: {key: g[key] for key in keys} for g in board["grids"]}


def counted_from_targets(campaign_id: int) -> dict[int, dict]:
    """The board's figures counted afresh from the targets themselves."""
    db.session.expire_all()
    counts: dict[int, dict] = {}
    for target in targets_of(campaign_id):
        if target.status == "cancelled":
            continue
        grid = counts.setdefault(
            target.grid_id,
            dict.fromkeys(("targets", "unanswered", "reached", "no_answer", "relocate", "assist"), 0),
        )
        grid["targets"] += 1
        grid["unanswered" if target.answer is None else target.answer] += 1
    return counts


def test_the_boards_counts_follow_answers_cancels_and_moves(org, auth):
    """The board reads counts kept per grid (campaign_tally): after each kind of change they are
    what counting the targets gives."""
    campaign = launched(auth, org, mode="roll_call", deadline_hours=10, rule={"subject": "household"})
    url = f"{API}/{campaign['id']}"
    g1, g2 = org["households"]["g1"], org["households"]["g2"]

    def board() -> dict[int, dict]:
        auth.login("street1")
        return board_counts(auth.client.get(f"{url}/roll-call").get_json())

    assert board() == counted_from_targets(campaign["id"])
    assert sum(g["unanswered"] for g in board().values()) == 6
    # One batch answers three targets of grid 1 (one twice: a follow-up changes the answer).
    auth.login("worker1")
    first, second = target_for(campaign["id"], g1[0]), target_for(campaign["id"], g1[1])
    later = clock.stamp(clock.now() - timedelta(minutes=1))
    push(
        auth,
        push_item("campaign_answer", {"target_id": str(first.id), "outcome": "reached"}),
        push_item("campaign_answer", {"target_id": str(second.id), "outcome": "no_answer"}),
        push_item("campaign_answer", {"target_id": str(first.id), "outcome": "relocate"}, created_at=later),
    )
    counts = board()
    assert counts == counted_from_targets(campaign["id"])
    assert counts[org["grids"][0].id] == {
        "targets": 3,
        "unanswered": 1,
        "reached": 0,
        "no_answer": 1,
        "relocate": 1,
        "assist": 0,
    }
    # A cancel leaves the counts; a household moving grid takes its target (and its answer) along.
    cancelled = target_for(campaign["id"], g2[0])
    answer = auth.post(f"{url}/cancel-targets", json={"target_ids": [str(cancelled.id)], "reason": "已拆迁"})
    assert answer.status_code == 200, answer.get_json()
    assert board() == counted_from_targets(campaign["id"])
    db.session.expire_all()
    moving = db.session.get(type(g1[1]), g1[1].id)
    moved = auth.patch(
        f"/api/v1/households/{moving.id}",
        json={"version": moving.version, "grid_id": org["grids"][1].id, "building_id": None},
    )
    assert moved.status_code == 200, moved.get_json()
    counts = board()
    assert counts == counted_from_targets(campaign["id"])
    assert counts[org["grids"][1].id]["no_answer"] == 1 and counts[org["grids"][0].id]["targets"] == 2
