"""seed-demo --households: fictional but valid register data, the same every time."""

from __future__ import annotations

from sqlalchemy import func, select

from server.demo import DEMO_NOTE, RegisterGenerator
from server.extensions import db
from server.register.care import age_on
from server.register.idcard import gender_of, id_number_disagreements, id_number_errors
from server.register.models import Household, Resident
from server.timeutil import local_date
from tests import clock


def test_the_generator_is_deterministic_and_plausible():
    now = clock.now()
    first = RegisterGenerator(1, "360103-001-001-001", 1).generate(400, now)
    again = RegisterGenerator(1, "360103-001-001-001", 1).generate(400, now)
    assert first == again
    buildings, households, residents = first
    assert len(households) == 400 and len(buildings) == 17
    assert buildings[2]["name"] == "示例小区3栋"
    assert all(h["notes"] == DEMO_NOTE for h in households)
    assert 2.4 <= len(residents) / len(households) <= 2.8
    today = local_date(now)
    elderly = sum(age_on(r["birth_date"], today) >= 60 for r in residents) / len(residents)
    assert 0.16 <= elderly <= 0.24
    numbered = [r for r in residents if r["id_number"]]
    assert len(numbered) > 0.8 * len(residents)
    for r in numbered:
        assert r["id_number"].startswith("360103")
        assert id_number_errors(r["id_number"], today) == []
        assert id_number_disagreements(r["id_number"], r["birth_date"], r["gender"]) == []
        assert gender_of(r["id_number"]) == r["gender"]
    tagged = [r for r in residents if "living_alone" in r["tags"] or "empty_nest" in r["tags"]]
    assert tagged and all(age_on(r["birth_date"], today) >= 60 for r in tagged)
    assert {r["care_tier"] for r in residents} == {"high", "key", "general", "none"}
    other = RegisterGenerator(2, "360103-001-001-002", 2).generate(10, now)
    assert other[1][0]["head_name"] != households[0]["head_name"] or other[1][0]["id"] != households[0]["id"]


def test_seed_demo_with_households(app, runner):
    result = runner.invoke(args=["seed-demo", "--households", "3"])
    assert result.exit_code == 0, result.output
    grids = 72
    assert db.session.scalar(select(func.count()).select_from(Household)) == 3 * grids
    assert "Demo register (演示数据): 216 households" in result.output
    assert db.session.scalar(select(func.count()).select_from(Resident)) > 2 * 3 * grids


def test_seed_demo_loads_no_register_by_default(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Household)) == 0


def test_refresh_care_tiers_command(app, runner):
    assert runner.invoke(args=["seed-demo", "--households", "1"]).exit_code == 0
    result = runner.invoke(args=["register", "refresh-care-tiers"])
    assert result.exit_code == 0 and "Care tiers changed: 0." in result.output
