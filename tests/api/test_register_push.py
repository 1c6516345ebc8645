"""household_upsert and resident_upsert through the sync push: create, edit, conflicts, moves, bad input."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditLog
from server.extensions import db
from server.register.models import Building, Household, RegisterEdit, Resident
from server.sync.models import SyncChange, SyncConflict
from tests import clock
from tests.factories import (
    household_upsert,
    id_number_for,
    make_household,
    make_resident,
    make_user,
    resident_upsert,
)

PUSH = "/api/v1/sync/push"


def push(auth, *items, device_id="phone-1"):
    response = auth.post(PUSH, json={"device_id": device_id, "items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def new_household(grid_id: int, **fields) -> dict:
    household = {
        "id": str(uuid.uuid4()),
        "grid_id": grid_id,
        "unit": "1单元",
        "room": "502",
        "address": "示例路8号1单元502",
        "housing_type": "rent",
        "head_name": "李明",
        "phone": "13800138000",
        "notes": "新登记",
    }
    household.update(fields)
    return {k: v for k, v in household.items() if v is not ...}


def new_resident(household_id, **fields) -> dict:
    born = fields.pop("born", date(1944, 5, 17))
    gender = fields.get("gender", "male")
    resident = {
        "id": str(uuid.uuid4()),
        "household_id": str(household_id),
        "name": "李大爷",
        "gender": gender,
        "birth_date": born.isoformat(),
        "id_number": id_number_for(born, gender),
        "phone": "13912345678",
        "relation": "head",
        "tags": ["living_alone"],
    }
    resident.update(fields)
    return {k: v for k, v in resident.items() if v is not ...}


def test_a_new_building_household_and_resident_in_one_batch(org, grid, worker):
    building_id = str(uuid.uuid4())
    household = new_household(
        grid, building={"id": building_id, "name": "示例小区9栋", "address": "示例路9号"}
    )
    resident = new_resident(household["id"])
    results = push(worker, household_upsert(household), resident_upsert(resident))
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    assert results[0]["entity"] == "household" and results[0]["entity_id"] == household["id"]
    assert results[0]["version"] == 1 and results[1]["version"] == 1
    stored = db.session.get(Household, uuid.UUID(household["id"]))
    assert str(stored.building_id) == building_id and stored.grid_id == grid and stored.phone == "13800138000"
    assert stored.updated_by == org["worker"].id
    assert db.session.get(Building, uuid.UUID(building_id)).name == "示例小区9栋"
    person = db.session.get(Resident, uuid.UUID(resident["id"]))
    assert person.grid_id == grid and person.id_number == resident["id_number"]
    # 82, living alone: high risk, due at once (never visited).
    assert person.care_tier == "high" and person.next_visit_due == clock.today()
    changes = {(c.entity, c.op, c.grid_id) for c in db.session.scalars(select(SyncChange))}
    assert {
        ("building", "upsert", grid),
        ("household", "upsert", grid),
        ("resident", "upsert", grid),
    } <= changes
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"building.create", "household.create", "resident.create", "auth.login"} <= actions
    detail = db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "resident.create"))
    assert "id_number" in detail["fields"] and resident["id_number"] not in str(detail)
    assert detail["via"] == "push"


def test_a_resend_is_a_duplicate_answered_with_the_version(org, grid, worker):
    item = household_upsert(new_household(grid))
    first = push(worker, item)[0]
    again = push(worker, item)[0]
    assert again["status"] == "duplicate" and again["version"] == first["version"] == 1
    assert again["entity_id"] == item["payload"]["household"]["id"]
    assert count(Household) == 1 and count(RegisterEdit) == 1


def test_a_create_of_a_known_id_same_content_is_a_duplicate_other_content_a_conflict(org, grid, worker):
    household = new_household(grid)
    push(worker, household_upsert(household))
    assert push(worker, household_upsert(household))[0]["status"] == "duplicate"
    other = dict(household, head_name="张三")
    result = push(worker, household_upsert(other))[0]
    assert result["status"] == "conflict" and result["reason"] == "different_content"
    assert result["server"]["data"]["head_name"] == "李明"
    assert db.session.get(Household, uuid.UUID(household["id"])).head_name == "李明"
    assert count(SyncConflict) == 1


def test_an_edit_on_the_current_version_applies_and_bumps_it(org, grid, worker):
    household = make_household(grid)
    db.session.commit()
    result = push(worker, household_upsert({"id": str(household.id), "room": "302", "notes": "换了门牌"}, 1))[
        0
    ]
    assert result["status"] == "accepted" and result["version"] == 2
    db.session.refresh(household)
    assert household.room == "302" and household.version == 2
    assert household.head_name == "王建国"  # keys not sent stay as they were
    detail = db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "household.update"))
    assert detail["fields"] == ["notes", "room"]


def test_the_masked_phone_sent_back_keeps_the_stored_number(org, grid, worker):
    household = make_household(grid, phone="13812345678")
    db.session.commit()
    sent = {"id": str(household.id), "phone": "138****5678", "notes": "电话未变"}
    assert push(worker, household_upsert(sent, 1))[0]["status"] == "accepted"
    db.session.refresh(household)
    assert household.phone == "13812345678" and household.notes == "电话未变"


def test_a_stale_household_edit_is_a_conflict_and_both_sides_are_kept(org, grid, worker, auth, client):
    household = make_household(grid, room="301")
    db.session.commit()
    # Two phones edited version 1 offline; the first to sync wins version 2.
    mine = household_upsert({"id": str(household.id), "room": "301A"}, 1)
    theirs = household_upsert({"id": str(household.id), "room": "301B", "notes": "另一台手机"}, 1)
    assert push(worker, mine)[0]["version"] == 2
    result = push(worker, theirs, device_id="phone-2")[0]
    assert result["status"] == "conflict" and result["reason"] == "stale_base_version"
    assert result["server"] == {
        "entity": "household",
        "op": "upsert",
        "id": str(household.id),
        "version": 2,
        "data": result["server"]["data"],
    }
    assert result["server"]["data"]["room"] == "301A" and "phone" not in result["server"]["data"]
    db.session.refresh(household)
    assert household.room == "301A" and household.version == 2
    kept = db.session.scalar(select(SyncConflict))
    assert kept.reason == "stale_base_version" and kept.payload["payload"]["household"]["room"] == "301B"
    assert kept.device_id == "phone-2"
    # Resent: still a conflict, the losing side kept once.
    assert push(worker, theirs, device_id="phone-2")[0]["status"] == "conflict"
    assert count(SyncConflict) == 1
    # The worker chooses: a new edit based on the server's version.
    chosen = household_upsert({"id": str(household.id), "room": "301B", "notes": "另一台手机"}, 2)
    assert push(worker, chosen, device_id="phone-2")[0] | {"received_at": None} == {
        "id": chosen["id"],
        "status": "accepted",
        "received_at": None,
        "entity": "household",
        "entity_id": str(household.id),
        "version": 3,
    }


def test_a_base_version_the_server_never_had_is_rejected(org, grid, worker):
    household = make_household(grid)
    db.session.commit()
    result = push(worker, household_upsert({"id": str(household.id), "room": "1"}, 7))[0]
    assert result["status"] == "rejected" and "base_version" in result["error"]["fields"]


def test_an_edit_of_a_household_the_server_does_not_have_is_rejected(org, grid, worker):
    result = push(worker, household_upsert({"id": str(uuid.uuid4()), "room": "1"}, 1))[0]
    assert result["status"] == "rejected" and "id" in result["error"]["fields"]


def test_households_outside_the_workers_grids_are_forbidden(org, grid, worker):
    other_grid = org["worker_other"].grids[0].id
    theirs = make_household(other_grid)
    mine = make_household(grid)
    db.session.commit()
    results = push(
        worker,
        household_upsert(new_household(other_grid)),
        household_upsert({"id": str(theirs.id), "room": "9"}, 1),
        household_upsert({"id": str(mine.id), "grid_id": other_grid}, 1),  # moving it away
    )
    assert [r["status"] for r in results] == ["forbidden", "forbidden", "forbidden"]
    assert count(Household) == 2 and db.session.get(Household, mine.id).grid_id == grid


def test_a_resident_moved_to_a_household_in_another_grid_is_forbidden(org, grid, worker):
    home = make_household(grid)
    person = make_resident(home)
    elsewhere = make_household(org["worker_other"].grids[0].id)
    db.session.commit()
    result = push(worker, resident_upsert({"id": str(person.id), "household_id": str(elsewhere.id)}, 1))[0]
    assert result["status"] == "forbidden"
    db.session.refresh(person)
    assert person.household_id == home.id and person.version == 1


@pytest.fixture
def two_grid_worker(org, auth):
    grids = [g for g in org["grids"] if g.community_id == org["communities"][0].id]
    make_user("worker", "both", grid_ids=[g.id for g in grids])
    db.session.commit()
    auth.login("both")
    return grids


def test_a_household_moved_to_another_grid_leaves_the_old_grids_phones(org, two_grid_worker, auth):
    old, new = two_grid_worker
    household = make_household(old.id)
    person = make_resident(household)
    db.session.commit()
    before = db.session.scalar(select(func.max(SyncChange.seq)))
    result = push(auth, household_upsert({"id": str(household.id), "grid_id": new.id}, 1))[0]
    assert result["status"] == "accepted"
    db.session.refresh(person)
    assert person.grid_id == new.id and person.version == 1  # the copy follows; not an edit
    rows = db.session.execute(
        select(SyncChange.entity, SyncChange.op, SyncChange.grid_id)
        .where(SyncChange.seq > before)
        .order_by(SyncChange.seq)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("household", "delete", old.id),
        ("household", "upsert", new.id),
        ("resident", "delete", old.id),
        ("resident", "upsert", new.id),
    ]


def test_a_household_in_a_building_of_another_grid_is_rejected(org, two_grid_worker, auth):
    from tests.factories import make_building

    old, new = two_grid_worker
    building = make_building(old.id)
    db.session.commit()
    result = push(auth, household_upsert(new_household(new.id, building_id=str(building.id))))[0]
    assert result["status"] == "rejected" and "building_id" in result["error"]["fields"]


def test_a_stale_resident_edit_conflicts_too(org, grid, worker):
    person = make_resident(make_household(grid))
    db.session.commit()
    assert push(worker, resident_upsert({"id": str(person.id), "status": "away"}, 1))[0]["version"] == 2
    result = push(worker, resident_upsert({"id": str(person.id), "tags": ["empty_nest"]}, 1))[0]
    assert result["status"] == "conflict" and result["server"]["data"]["status"] == "away"
    assert "id_number" not in result["server"]["data"] and result["server"]["data"][
        "id_number_masked"
    ].startswith("3601")


def test_tags_status_and_an_override_set_the_tier(org, grid, worker):
    person = make_resident(make_household(grid), birth_date=date(1960, 1, 1), tags=[])
    db.session.commit()
    assert person.care_tier == "general"
    sent = {"id": str(person.id), "tags": ["disabled"]}
    push(worker, resident_upsert(sent, 1))
    db.session.refresh(person)
    assert person.care_tier == "key"
    override = {"id": str(person.id), "care_tier_override": "high"}
    result = push(worker, resident_upsert(override, 2))[0]
    assert result["status"] == "rejected" and "care_tier_reason" in result["error"]["fields"]
    override["care_tier_reason"] = "独自在家且近期跌倒过"
    push(worker, resident_upsert(override, 2))
    db.session.refresh(person)
    assert person.care_tier == "high" and person.care_tier_reason == "独自在家且近期跌倒过"
    push(worker, resident_upsert({"id": str(person.id), "status": "deceased"}, 3))
    db.session.refresh(person)
    assert person.care_tier == "none" and person.next_visit_due is None


def _today() -> date:
    return clock.today()


def _bad(field: str, value, **extra):
    return pytest.param(field, value, extra, id=f"{field}={value!r}")


@pytest.mark.parametrize(
    ("field", "value", "extra"),
    [
        _bad("id_number", id_number_for(date(1944, 5, 17), "male")[:17] + "0"),  # wrong check character
        _bad("id_number", id_number_for(date(1944, 5, 17), "male")[:17]),  # 17 characters
        _bad("id_number", id_number_for(date(1944, 5, 17), "male") + "1"),  # 19 characters
        _bad("id_number", "36010319440230" + "0110"),  # 30 February
        _bad("id_number", "11010519491231002x"),  # lowercase x
        _bad("id_number", id_number_for(date(1944, 5, 18), "male")),  # date disagrees with birth_date
        _bad("id_number", id_number_for(date(1944, 5, 17), "female")),  # gender disagrees
        _bad("phone", "1391234567"),  # 10 digits
        _bad("phone", "0791-86123456"),  # landline
        _bad("phone", "139abc45678"),  # letters
        _bad("gender", "unknown"),
        _bad("tags", ["lonely"]),
        _bad("status", "gone"),
        _bad("relation", "boss"),
        _bad("name", ""),
        _bad("household_id", "not-a-uuid"),
    ],
)
def test_bad_resident_input_is_rejected_with_the_field(org, grid, worker, field, value, extra):
    household = make_household(grid)
    db.session.commit()
    resident = new_resident(household.id, **extra)
    resident[field] = value
    result = push(worker, resident_upsert(resident))[0]
    assert result["status"] == "rejected", result
    assert field in result["error"]["fields"], result["error"]
    assert count(Resident) == 0


def test_a_future_birth_date_is_rejected(org, grid, worker):
    household = make_household(grid)
    db.session.commit()
    tomorrow = _today() + timedelta(days=1)
    resident = new_resident(household.id, born=tomorrow, id_number=None)
    fields = push(worker, resident_upsert(resident))[0]["error"]["fields"]
    assert "未来" in fields["birth_date"][0]


def test_an_id_number_with_a_future_birth_date_is_rejected(org, grid, worker):
    household = make_household(grid)
    db.session.commit()
    future = _today() + timedelta(days=400)
    first17 = f"360103{future:%Y%m%d}011"
    from server.register.idcard import check_character

    resident = new_resident(household.id, id_number=first17 + check_character(first17))
    fields = push(worker, resident_upsert(resident))[0]["error"]["fields"]
    assert "未来" in fields["id_number"][0]


def test_lowercase_x_is_told_to_use_a_capital(org, grid, worker):
    household = make_household(grid)
    db.session.commit()
    resident = new_resident(
        household.id, id_number="11010519491231002x", born=date(1949, 12, 31), gender="female"
    )
    fields = push(worker, resident_upsert(resident))[0]["error"]["fields"]
    assert fields == {"id_number": ["身份证号末位请用大写字母 X"]}


def test_changing_the_birth_date_against_the_stored_number_blames_the_date(org, grid, worker):
    person = make_resident(make_household(grid))
    db.session.commit()
    fields = push(worker, resident_upsert({"id": str(person.id), "birth_date": "1941-03-08"}, 1))[0]["error"][
        "fields"
    ]
    assert list(fields) == ["birth_date"] and "不一致" in fields["birth_date"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "1381234567"),
        ("phone", "0791-86123456"),
        ("phone", "1381234567a"),
        ("housing_type", "castle"),
    ],
)
def test_bad_household_input_is_rejected(org, grid, worker, field, value):
    result = push(worker, household_upsert(new_household(grid, **{field: value})))[0]
    assert result["status"] == "rejected" and field in result["error"]["fields"]


def test_a_household_needs_a_head_and_an_address_or_building(org, grid, worker):
    fields = push(worker, household_upsert(new_household(grid, head_name=..., address=...)))[0]["error"][
        "fields"
    ]
    assert set(fields) == {"head_name"}
    fields = push(worker, household_upsert(new_household(grid, address=None)))[0]["error"]["fields"]
    assert set(fields) == {"address"}


def test_bad_payload_shapes_are_rejected(org, grid, worker):
    results = push(
        worker,
        household_upsert(new_household(grid), base_version="1"),
        household_upsert("not an object"),
        household_upsert(dict(new_household(grid), colour="blue")),
        household_upsert(new_household(grid), extra=True),
    )
    assert "base_version" in results[0]["error"]["fields"]
    assert "household" in results[1]["error"]["fields"]
    assert "colour" in results[2]["error"]["fields"]
    assert results[3]["status"] == "accepted"  # unknown keys of the item envelope are dropped


def test_english_messages_for_the_register(org, grid, worker):
    household = make_household(grid)
    db.session.commit()
    response = worker.post(
        PUSH,
        json={"device_id": "p", "items": [resident_upsert(new_resident(household.id, phone="12345"))]},
        headers={"Accept-Language": "en"},
    )
    assert "mobile number" in response.get_json()["results"][0]["error"]["fields"]["phone"][0]


def test_a_resident_moved_to_a_household_in_another_covered_grid_follows_it(org, two_grid_worker, auth):
    old, new = two_grid_worker
    person = make_resident(make_household(old.id))
    target = make_household(new.id, room="808")
    db.session.commit()
    before = db.session.scalar(select(func.max(SyncChange.seq)))
    result = push(auth, resident_upsert({"id": str(person.id), "household_id": str(target.id)}, 1))[0]
    assert result["status"] == "accepted" and result["version"] == 2
    db.session.refresh(person)
    assert person.household_id == target.id and person.grid_id == new.id
    rows = db.session.execute(
        select(SyncChange.op, SyncChange.grid_id).where(SyncChange.seq > before).order_by(SyncChange.seq)
    ).all()
    assert [tuple(r) for r in rows] == [("delete", old.id), ("upsert", new.id)]
