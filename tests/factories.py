"""Factory functions for test data; each flushes, the test decides when to commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, text

from server.auth import service as auth_service
from server.auth.models import User
from server.extensions import db
from server.org.models import Community, Department, Grid, Street
from tests import clock

PASSWORD = "correct-horse-9"


def field_time() -> str:
    """When a factory's field record was made: yesterday 09:30 in Shanghai, as the PWA stamps it.

    From the test clock, so a visit's next due date lies ahead of today on any day it runs.
    """
    return clock.stamp(clock.yesterday_at(9, 30))


def make_org(communities: int = 2, grids_per_community: int = 2) -> dict:
    """A street with communities and grids, plus two departments; returns them by name."""
    street = Street(name="测试街道", code="360103-099")
    db.session.add(street)
    db.session.flush()
    made: dict = {"street": street, "communities": [], "grids": []}
    for c in range(1, communities + 1):
        community = Community(street_id=street.id, name=f"测试社区{c}", code=f"360103-099-{c:03d}")
        db.session.add(community)
        db.session.flush()
        made["communities"].append(community)
        for g in range(1, grids_per_community + 1):
            grid = Grid(
                community_id=community.id, code=f"{community.code}-{g:03d}", name=f"测试社区{c}第{g}网格"
            )
            db.session.add(grid)
            made["grids"].append(grid)
    made["departments"] = [
        Department(street_id=street.id, name="城管执法中队", kind="city_management"),
        Department(street_id=street.id, name="物业服务中心", kind="property"),
    ]
    db.session.add_all(made["departments"])
    db.session.flush()
    return made


def make_user(role: str = "worker", username: str | None = None, **assignment) -> User:
    """A user with the shared test password."""
    username = username or f"{role}{User.query.count() + 1}"
    user = auth_service.create_user(
        username=username, display_name=f"测试{role}", password=PASSWORD, role=role, **assignment
    )
    return user


def org_with_users() -> dict:
    """The usual cast: a worker per grid of community 1, supervisors, a handler and an admin."""
    org = make_org()
    c1, c2 = org["communities"]
    grids_c1 = [g for g in org["grids"] if g.community_id == c1.id]
    grids_c2 = [g for g in org["grids"] if g.community_id == c2.id]
    org["worker"] = make_user("worker", "worker1", grid_ids=[grids_c1[0].id])
    org["worker_other"] = make_user("worker", "worker2", grid_ids=[grids_c2[0].id])
    org["supervisor"] = make_user("supervisor", "super1", community_id=c1.id)
    org["street_supervisor"] = make_user("supervisor", "street1", street_wide=True)
    org["handler"] = make_user("handler", "handler1", department_id=org["departments"][0].id)
    org["admin"] = make_user("admin", "admin1")
    db.session.commit()
    return org


def install_forms() -> None:
    """The built-in form templates (入户走访 v1), as `flask forms install-builtins` adds them."""
    from server.forms.service import install_builtins

    install_builtins()
    db.session.commit()


def visit_answers(**overrides) -> dict:
    """Valid answers to 入户走访 v1: someone at home, a need and a hazard noted (10 answers)."""
    answers = {
        "visit_date": clock.days_ago(1).isoformat(),
        "anyone_home": True,
        "people_met": 2,
        "housing": "owner_occupied",
        "special_groups": ["living_alone", "aged_80"],
        "needs": ["medical"],
        "needs_detail": "需要上门测血压",
        "hazards_seen": ["ebike"],
        "hazard_note": "楼道内给电动车充电",
        "notes": "老人精神状态良好",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not ...}


def visit_item(grid_id: int, item_id: str | None = None, **overrides) -> dict:
    """One outbox item for a household visit, shaped as the PWA pushes it."""
    import uuid

    item = {
        "id": item_id or str(uuid.uuid4()),
        "kind": "household_visit",
        "template": {"key": "household_visit", "version": 1},
        "created_at": field_time(),
        "payload": {"grid_id": grid_id, "household_id": None, "answers": visit_answers()},
        "photos": [],
        "location": {"lat": 28.6829, "lng": 115.8582, "accuracy": 12.5},
    }
    item.update(overrides)
    return item


def jpeg_bytes(width: int = 64, height: int = 48, color: tuple = (200, 120, 40)) -> bytes:
    """A small real JPEG, different per color."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG", quality=80)
    return out.getvalue()


# ---- the register, welfare visits and reports (issue 4) ----------------------------------


def id_number_for(born, gender: str = "female", sequence: int = 12, region: str = "360103") -> str:
    """A valid ID-card number for this birth date and gender (17th digit odd for a man)."""
    from server.register.idcard import make_id_number

    sequence = sequence - sequence % 2 + (1 if gender == "male" else 0)
    return make_id_number(region, born, sequence % 1000)


def make_building(grid_id: int, name: str = "示例小区1栋", address: str | None = "示例路1号"):
    """A building in a grid."""
    import uuid

    from server.register.models import Building

    building = Building(id=uuid.uuid4(), grid_id=grid_id, name=name, address=address)
    db.session.add(building)
    db.session.flush()
    return building


def make_household(grid_id: int, building=None, **fields):
    """A household in a grid (in a building when given); version 1."""
    import uuid

    from server.register.models import Household

    values = {
        "unit": "2单元",
        "room": "301",
        "address": "示例路1号2单元301",
        "housing_type": "own",
        "head_name": "王建国",
        "phone": "13812345678",
    }
    values.update(fields)
    household = Household(
        id=values.pop("id", None) or uuid.uuid4(),
        grid_id=grid_id,
        building_id=building.id if building else None,
        **values,
    )
    db.session.add(household)
    db.session.flush()
    return household


def make_resident(household, **fields):
    """A resident with a valid ID number; tier and due date computed as the service does."""
    import uuid
    from datetime import date

    from server.register.care import effective_tier
    from server.register.models import Resident
    from server.register.schedule import next_due

    values = {
        "name": "王秀英",
        "gender": "female",
        "birth_date": date(1940, 3, 8),
        "relation": "head",
        "status": "present",
        "tags": ["living_alone"],
        "phone": "13987654321",
        "created_at": clock.now(),
    }
    values.update(fields)
    if "id_number" not in values:
        values["id_number"] = id_number_for(values["birth_date"], values["gender"])
    tier = effective_tier(
        values["birth_date"],
        values["tags"],
        values["status"],
        values.get("care_tier_override"),
        clock.today(),
    )
    resident = Resident(
        id=values.pop("id", None) or uuid.uuid4(),
        household_id=household.id,
        grid_id=household.grid_id,
        care_tier=tier,
        next_visit_due=next_due(
            tier=tier, created_at=values["created_at"], last_visit_at=None, major_change_at=None
        ),
        **values,
    )
    db.session.add(resident)
    db.session.flush()
    return resident


def push_item(kind: str, payload: dict, item_id: str | None = None, **overrides) -> dict:
    """One outbox item of any kind, shaped as the PWA pushes it."""
    import uuid

    item = {
        "id": item_id or str(uuid.uuid4()),
        "kind": kind,
        "created_at": field_time(),
        "payload": payload,
        "photos": [],
    }
    item.update(overrides)
    return item


def household_upsert(household: dict, base_version: int | None = None, **overrides) -> dict:
    return push_item("household_upsert", {"household": household, "base_version": base_version}, **overrides)


def resident_upsert(resident: dict, base_version: int | None = None, **overrides) -> dict:
    return push_item("resident_upsert", {"resident": resident, "base_version": base_version}, **overrides)


def welfare_answers(**overrides) -> dict:
    """Valid answers to 关爱巡访 v1: a home visit, all fine except health, no referral."""
    answers = {
        "how_contacted": "home",
        "health_status": "attention",
        "health_note": "血压偏高，已提醒按时服药",
        "finances_status": "ok",
        "family_care_status": "ok",
        "housing_safety_status": "ok",
        "service_needs_status": "ok",
        "major_change": False,
        "referral_needed": False,
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not ...}


def not_reached_answers() -> dict:
    return {
        "how_contacted": "not_reached",
        "not_reached_note": "敲门无人应答",
        "major_change": False,
        "referral_needed": False,
    }


def welfare_item(grid_id: int, resident_id, answers: dict | None = None, **overrides) -> dict:
    payload = {"grid_id": grid_id, "resident_id": str(resident_id), "answers": answers or welfare_answers()}
    return push_item("welfare_visit", payload, template={"key": "welfare_visit", "version": 1}, **overrides)


def hazard_answers(photos: list[str], **overrides) -> dict:
    answers = {
        "category": "ebike",
        "severity": "serious",
        "immediate_danger": False,
        "description": "楼道内三辆电动车同时充电，插线板过载",
        "scene_photos": photos,
        "address": "示例小区1栋一楼楼道",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not ...}


def hazard_item(grid_id: int, photos: list[str], answers: dict | None = None, **overrides) -> dict:
    overrides.setdefault("location", {"lat": 28.6829, "lng": 115.8582, "accuracy": 8.0})
    overrides.setdefault("photos", photos)
    payload = overrides.pop("payload", None) or {
        "grid_id": grid_id,
        "answers": answers or hazard_answers(photos),
    }
    return push_item(
        "hazard_report", payload, template={"key": "hazard_inspection", "version": 1}, **overrides
    )


def city_answers(photos: list[str], **overrides) -> dict:
    answers = {
        "subcategory": "street_order.unlicensed_vendor",
        "description": "路口有流动摊点占道经营",
        "scene_photos": photos,
        "address": "孺子路与示例路交叉口",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not ...}


def city_item(grid_id: int, photos: list[str], answers: dict | None = None, **overrides) -> dict:
    overrides.setdefault("location", {"lat": 28.6801, "lng": 115.8612, "accuracy": 15.0})
    overrides.setdefault("photos", photos)
    payload = overrides.pop("payload", None) or {
        "grid_id": grid_id,
        "answers": answers or city_answers(photos),
    }
    return push_item("city_case", payload, template={"key": "city_case", "version": 1}, **overrides)


def upload_photos(auth, count: int, start: int = 0) -> list[str]:
    """Upload `count` distinct small JPEGs; returns their hashes."""
    import hashlib

    hashes = []
    for n in range(start, start + count):
        data = jpeg_bytes(color=(n % 256, (n * 7) % 256, 90))
        sha = hashlib.sha256(data).hexdigest()
        response = auth.put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg")
        assert response.status_code in (200, 201), response.get_json()
        hashes.append(sha)
    return hashes


@contextmanager
def exploding_insert(table: str, column: str) -> Iterator[str]:
    """A database trigger that fails the insert of the row whose `column` is the yielded UUID.

    A fault the validator cannot see: what the push does when the database itself refuses.
    """
    item_id = uuid.uuid4()
    name = f"explode_{table}"
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as conn:
        if postgres:
            conn.execute(
                text(
                    f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.{column} = '{item_id}' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    f'CREATE TRIGGER {name} BEFORE INSERT ON "{table}" FOR EACH ROW EXECUTE FUNCTION {name}()'
                )
            )
        else:
            conn.execute(
                text(
                    f'CREATE TRIGGER {name} BEFORE INSERT ON "{table}" '
                    f"WHEN NEW.{column} = '{item_id.hex}' BEGIN SELECT RAISE(ABORT, 'boom'); END"
                )
            )
    try:
        yield str(item_id)
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(text(f'DROP TRIGGER {name} ON "{table}"' if postgres else f"DROP TRIGGER {name}"))
            if postgres:
                conn.execute(text(f"DROP FUNCTION {name}()"))


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """The SQL the app sends to the database while the block runs, in order (COMMIT excluded:
    the driver sends it without a statement)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
