"""Form templates: the built-in 入户走访, the admin API for new versions, and answer validation."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from server.extensions import db
from server.forms.answers import answers_schema, check_answers, validate_answers
from server.forms.builtins import BUILTIN_TEMPLATES, HOUSEHOLD_VISIT_V1
from server.forms.models import FormTemplate
from server.submissions.models import Submission
from tests.factories import install_forms, org_with_users, visit_answers, visit_item


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    return made


def new_version(**overrides) -> dict:
    """Household visit v2: v1 plus a required 'door_number' text field."""
    body = copy.deepcopy({k: HOUSEHOLD_VISIT_V1[k] for k in ("key", "kind", "title", "fields")})
    body["version"] = 2
    body["fields"].insert(
        0,
        {
            "name": "door_number",
            "type": "text",
            "label": {"zh": "门牌号", "en": "Door number"},
            "required": True,
        },
    )
    body.update(overrides)
    return body


def test_logged_in_users_get_the_active_templates(org, auth, client):
    assert client.get("/api/v1/forms").status_code == 401
    auth.login("worker1")
    forms = client.get("/api/v1/forms").get_json()["forms"]
    assert [(f["key"], f["version"]) for f in forms] == [
        ("city_case", 2),
        ("hazard_inspection", 1),
        ("household_visit", 1),
        ("welfare_visit", 1),
    ]
    visit = next(f for f in forms if f["key"] == "household_visit")
    assert visit["title"] == {"zh": "入户走访", "en": "Household visit"}
    names = [f["name"] for f in visit["fields"]]
    assert names[:2] == ["visit_date", "anyone_home"] and "visit_photos" in names and "notes" in names
    assert all(f["label"]["zh"] and f["label"]["en"] for f in visit["fields"])


def test_one_exact_version_or_404(org, auth, client):
    auth.login("worker1")
    assert client.get("/api/v1/forms/household_visit/1").get_json()["version"] == 1
    assert client.get("/api/v1/forms/household_visit/7").status_code == 404
    assert client.get("/api/v1/forms/no_such_form/1").status_code == 404


def test_install_builtins_is_idempotent(org, runner):
    first = runner.invoke(args=["forms", "install-builtins"])
    second = runner.invoke(args=["forms", "install-builtins"])
    assert first.exit_code == second.exit_code == 0
    assert "already installed" in second.output
    assert db.session.scalar(select(func.count()).select_from(FormTemplate)) == len(BUILTIN_TEMPLATES)


def test_seed_demo_installs_the_builtin_templates(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    keys = set(db.session.scalars(select(FormTemplate.key)))
    assert keys == {"household_visit", "welfare_visit", "hazard_inspection", "city_case"}


def test_admin_adds_a_version_and_items_queued_under_the_old_one_still_arrive(org, auth, client):
    auth.login("admin1")
    created = auth.post("/api/v1/forms", json=new_version())
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["version"] == 2 and created.get_json()["active"] is True
    forms = client.get("/api/v1/forms").get_json()["forms"]
    assert [f["version"] for f in forms if f["key"] == "household_visit"] == [2]
    old = client.get("/api/v1/forms/household_visit/1").get_json()
    assert old["active"] is False and old["fields"] == [
        {**f, "required": f.get("required", False)} for f in HOUSEHOLD_VISIT_V1["fields"]
    ]
    client.post("/api/v1/auth/logout", headers=auth.headers())

    auth.login("worker1")
    grid = org["worker"].grids[0].id
    queued_v1 = visit_item(grid)
    new_v2_missing_door = visit_item(grid, template={"key": "household_visit", "version": 2})
    new_v2 = visit_item(grid, template={"key": "household_visit", "version": 2})
    new_v2["payload"]["answers"]["door_number"] = "3栋2单元501"
    answer = auth.post(
        "/api/v1/sync/push", json={"device_id": "phone-1", "items": [queued_v1, new_v2_missing_door, new_v2]}
    ).get_json()
    statuses = [r["status"] for r in answer["results"]]
    assert statuses == ["accepted", "rejected", "accepted"]
    assert answer["results"][1]["error"]["fields"] == {"door_number": ["必填项"]}
    versions = db.session.scalars(select(Submission.template_version).order_by(Submission.template_version))
    assert list(versions) == [1, 2]


def test_version_defaults_to_the_next_one(org, auth):
    auth.login("admin1")
    body = new_version()
    del body["version"]
    assert auth.post("/api/v1/forms", json=body).get_json()["version"] == 2


def test_only_admins_add_templates(org, auth):
    auth.login("super1")
    assert auth.post("/api/v1/forms", json=new_version()).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(FormTemplate)) == len(BUILTIN_TEMPLATES)


def _field(name: str, kind: str = "text", **extra) -> dict:
    return {"name": name, "type": kind, "label": {"zh": name, "en": name}, **extra}


YES_NO = _field("at_home", "yes_no")
CHOICE = _field("tenure", "select_one", choices=[{"value": "own", "label": {"zh": "自有", "en": "own"}}])


@pytest.mark.parametrize(
    ("body", "path", "needle"),
    [
        ({"fields": [_field("a", "colour")]}, ("fields", "0", "type"), "未知的字段类型"),
        ({"fields": [_field("a"), _field("a")]}, ("fields", "1", "name"), "重复"),
        ({"fields": [_field("a", "select_one", choices=[])]}, ("fields", "0", "choices"), "至少需要一个选项"),
        ({"fields": [_field("a", "select_one")]}, ("fields", "0", "choices"), "至少需要一个选项"),
        (
            {"fields": [_field("a", show_if={"field": "ghost", "equals": True})]},
            ("fields", "0", "show_if"),
            "不存在",
        ),
        (
            {"fields": [_field("a", show_if={"field": "at_home", "equals": True}), YES_NO]},
            ("fields", "0", "show_if"),
            "不在此项之前",
        ),
        (
            {"fields": [CHOICE, _field("a", show_if={"field": "tenure", "equals": "rent"})]},
            ("fields", "1", "show_if"),
            "不是该字段的选项",
        ),
        (
            {"fields": [YES_NO, _field("a", show_if={"field": "at_home"})]},
            ("fields", "1", "show_if", "equals"),
            "equals",
        ),
        ({"fields": [_field("a", choices=CHOICE["choices"])]}, ("fields", "0", "choices"), "不用选项"),
        ({"fields": [_field("a", "number", min=5, max=1)]}, ("fields", "0", "min"), "min"),
        ({"fields": [_field("a", "text", max=2.5)]}, ("fields", "0", "max"), "整数"),
        ({"fields": [_field("a", "date", max=3)]}, ("fields", "0", "max"), "不支持"),
        ({"fields": [_field("grid_id")]}, ("fields", "0", "name"), "保留"),
        ({"fields": [_field("Bad Name")]}, ("fields", "0", "name"), "字段名"),
        (
            {"fields": [{"name": "a", "type": "text", "label": {"zh": "甲"}}]},
            ("fields", "0", "label", "en"),
            "必填",
        ),
        ({"fields": []}, ("fields",), ""),
        ({"version": 1}, ("version",), "大于当前最新版本 1"),
        ({"kind": "hazard_report"}, ("kind",), "不能改变类别"),
        ({"kind": "picnic"}, ("kind",), "未知的表单类别"),
        ({"key": "Household Visit"}, ("key",), "模板键"),
    ],
)
def test_bad_template_versions_are_rejected_with_the_field_named(org, auth, body, path, needle):
    auth.login("admin1")
    response = auth.post("/api/v1/forms", json=new_version(**body))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    node = error["fields"]
    for step in path:
        node = node[step]
    assert needle in " ".join(node)
    assert db.session.scalar(select(func.count()).select_from(FormTemplate)) == len(BUILTIN_TEMPLATES)


def test_template_errors_speak_english_when_asked(org, auth):
    auth.login("admin1")
    response = auth.post(
        "/api/v1/forms", json=new_version(fields=[_field("a", "colour")]), headers={"Accept-Language": "en"}
    )
    assert "Unknown field type" in response.get_json()["error"]["fields"]["fields"]["0"]["type"][0]


# ---- answers against one version ------------------------------------------------------


def check(answers: dict) -> dict:
    v1 = HOUSEHOLD_VISIT_V1
    fields = db.session.scalar(
        select(FormTemplate.fields).where(
            FormTemplate.key == v1["key"], FormTemplate.version == v1["version"]
        )
    )
    return check_answers(v1["key"], v1["version"], fields, answers)


@pytest.mark.parametrize(
    ("overrides", "field", "needle"),
    [
        ({"visit_date": ...}, "visit_date", "必填"),
        ({"housing": ""}, "housing", "必填"),
        ({"visit_date": "27/11/2026"}, "visit_date", "YYYY-MM-DD"),
        ({"visit_date": "2026-02-30"}, "visit_date", "没有这一天"),
        ({"anyone_home": "yes"}, "anyone_home", "是或否"),
        ({"people_met": "2"}, "people_met", "数字"),
        ({"people_met": True}, "people_met", "数字"),
        ({"people_met": 2.5}, "people_met", "整数"),
        ({"people_met": 0}, "people_met", "不能小于 1"),
        ({"people_met": 31}, "people_met", "不能大于 30"),
        ({"housing": "castle"}, "housing", "不在可选项中"),
        ({"special_groups": ["living_alone", "pirate"]}, "special_groups", "不在可选项中"),
        ({"special_groups": "living_alone"}, "special_groups", "选项列表"),
        ({"needs_detail": ""}, "needs_detail", "必填"),
        ({"notes": "长" * 1001}, "notes", "最多 1000"),
        ({"visit_photos": ["a" * 64] * 2}, "visit_photos", "重复"),
        (
            {"visit_photos": ["b" * 64, "c" * 64, "d" * 64, "e" * 64, "f" * 64, "0" * 64, "1" * 64]},
            "visit_photos",
            "最多 6",
        ),
        ({"visit_photos": ["not-a-hash"]}, "visit_photos", "SHA-256"),
        ({"favourite_colour": "blue"}, "favourite_colour", "未知字段"),
    ],
)
def test_each_rule_broken_names_its_field(org, overrides, field, needle):
    errors = check(visit_answers(**overrides))
    assert field in errors, errors
    assert needle in " ".join(errors[field])


def test_a_field_hidden_by_its_condition_must_stay_empty(org):
    # Nobody home: people met, vulnerable members and needs are hidden.
    nobody = visit_answers(anyone_home=False, people_met=..., special_groups=..., needs=..., needs_detail=...)
    assert check(nobody) == {}
    answered_hidden = dict(nobody, people_met=3)
    errors = check(answered_hidden)
    assert list(errors) == ["people_met"] and "不应填写" in errors["people_met"][0]
    # Hidden through a chain: needs is hidden, so needs_detail (shown by needs) is hidden too.
    assert "needs_detail" in check(dict(nobody, needs_detail="x"))
    # Empty values of hidden fields are fine (a form that clears them sends blanks).
    assert check(dict(nobody, people_met=None, needs=[], needs_detail="")) == {}


def test_a_condition_on_a_multiple_choice_shows_a_field_when_any_value_is_picked(org):
    assert check(visit_answers(hazards_seen=[], hazard_note=...)) == {}
    assert "hazard_note" in check(visit_answers(hazards_seen=["gas"], hazard_note=...))


def test_answers_must_be_an_object(org):
    v1 = HOUSEHOLD_VISIT_V1
    assert "answers" in check_answers(v1["key"], 1, v1["fields"], ["visit_date"])


def test_the_schema_for_a_version_is_built_once(org):
    fields = HOUSEHOLD_VISIT_V1["fields"]
    assert answers_schema("household_visit", 1, fields) is answers_schema("household_visit", 1, list(fields))
    changed = copy.deepcopy(fields)
    changed[0]["required"] = False
    assert answers_schema("household_visit", 1, changed) is not answers_schema("household_visit", 1, fields)


# ---- the quick acceptance the push uses -------------------------------------------------

ANSWER_CASES = json.loads(
    (Path(__file__).resolve().parents[2] / "pwa/tests/fixtures/answer_cases.json").read_text(encoding="utf-8")
)


def full_load_passes(schema, answers) -> bool:
    try:
        schema.load(answers)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    "case", ANSWER_CASES["cases"], ids=lambda case: f"{case['template']}: {case['name']}"
)
def test_quick_acceptance_agrees_with_the_full_load(case):
    """The push accepts valid answers without marshmallow's machinery; it must never accept more."""
    specs = ANSWER_CASES["templates"][case["template"]]
    schema = answers_schema(case["template"], 1, specs)
    answers = case["answers"]
    if not isinstance(answers, dict):
        assert validate_answers(schema, answers) == {"answers": ["答案应为对象"]}
        return
    assert schema.accepts(answers) is full_load_passes(schema, answers) is (case["zh"] == {})
    # A rejected case still gets marshmallow's messages, the ones the phone shows.
    assert validate_answers(schema, answers) == case["zh"]


def test_quick_acceptance_refuses_every_broken_rule_of_the_built_in_visit():
    schema = answers_schema("household_visit", 1, HOUSEHOLD_VISIT_V1["fields"])
    assert schema.accepts(visit_answers())
    broken = [
        {"visit_date": "2026-02-30"},
        {"people_met": 2.5},
        {"people_met": True},
        {"housing": "castle"},
        {"special_groups": ["living_alone", "living_alone"]},
        {"notes": "长" * 1001},
        {"favourite_colour": "blue"},
        {"anyone_home": False},  # people met and needs are now hidden but still answered
        {"housing": ""},
    ]
    for overrides in broken:
        answers = visit_answers(**overrides)
        assert not schema.accepts(answers), overrides
        assert not full_load_passes(schema, answers), overrides


def test_a_field_may_share_a_name_with_the_schema_machinery():
    specs = [
        {"name": "plan", "type": "number", "label": {"zh": "计划", "en": "Plan"}, "required": True},
        {"name": "load", "type": "text", "label": {"zh": "负荷", "en": "Load"}, "required": True},
        {"name": "accepts", "type": "yes_no", "label": {"zh": "接受", "en": "Accepts"}},
        {"name": "fields", "type": "text", "label": {"zh": "田地", "en": "Fields"}},
    ]
    assert (
        check_answers("names", 1, specs, {"plan": 3, "load": "满", "accepts": True, "fields": "两亩"}) == {}
    )
    assert check_answers("names", 1, specs, {"load": "满"}) == {"plan": ["必填项"]}
    assert check_answers("names", 1, specs, {"plan": "三", "load": 5}) == {
        "plan": ["应为数字"],
        "load": ["应为文字"],
    }
