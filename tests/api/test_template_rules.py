"""Answers breaking each rule of the built-in templates, pushed through the real sync push.

The broken answer sets are generated from the field specs (one per rule per field), so a rule
added to a template is tested without anyone remembering to: each must come back `rejected`
naming its field, with nothing stored. Each broken set differs in one answer from a valid set
that the push accepts (test_the_valid_answers_the_rules_start_from_are_accepted).
pwa/scripts/answer_cases.py writes the same cases into the phone's validator fixture.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

import pytest
from sqlalchemy import func, select

from server.cases.models import Case
from server.extensions import db
from server.forms.answers import DEFAULT_MAX
from server.forms.builtins import CITY_CASE_V2, HAZARD_INSPECTION_V1, WELFARE_VISIT_V1
from server.submissions.models import Submission
from server.visits.models import WelfareVisit
from tests import clock
from tests.factories import (
    city_item,
    hazard_item,
    jpeg_bytes,
    make_household,
    make_resident,
    upload_photos,
    welfare_item,
)

PUSH = "/api/v1/sync/push"

# The templates a worker fills in the field, by what their items are pushed as.
TEMPLATES: dict[str, dict] = {
    "welfare_visit": WELFARE_VISIT_V1,
    "hazard_inspection": HAZARD_INSPECTION_V1,
    "city_case": CITY_CASE_V2,
}
# Fewer cases than this means the generator lost rules, not that the template has fewer.
MIN_CASES = {"welfare_visit": 80, "hazard_inspection": 30, "city_case": 20}

# The hashes upload_photos(auth, n) produces, so a valid base's photos can be really uploaded.
# Broken sets need no upload: a refused item never reaches the missing-photos check, and one
# wrongly let through would come back `missing_photos`, failing the test all the same.
PHOTOS = [hashlib.sha256(jpeg_bytes(color=(n % 256, (n * 7) % 256, 90))).hexdigest() for n in range(12)]
GEOPOINT = {"lat": 28.6829, "lng": 115.8582, "accuracy": 8.0}


class RuleCase(NamedTuple):
    """One broken answer set: which field it breaks, and what its message must say."""

    name: str
    answers: Any
    field: str
    needle: str
    base: str  # the name of the valid set it was made from


# ---- generating valid sets and their breakages from the specs ---------------------------------


def _high(spec: dict) -> int | None:
    """The upper bound that applies: the spec's own, else the server's default for the type."""
    return spec.get("max", DEFAULT_MAX.get(spec["type"]))


def sample_value(spec: dict) -> Any:
    """A valid answer to one field."""
    kind, low = spec["type"], spec.get("min")
    if kind in ("text", "textarea"):
        return "情况说明" + "。" * max(0, (low or 0) - 4)
    if kind == "number":
        value = low if low is not None else 1
        return int(value) if spec.get("integer") else value
    if kind == "date":
        return clock.days_ago(1).isoformat()
    if kind == "select_one":
        return spec["choices"][0]["value"]
    if kind == "select_multiple":
        return [c["value"] for c in spec["choices"][: max(low or 1, 1)]]
    if kind == "yes_no":
        return False
    if kind == "photo":
        return PHOTOS[: max(low or 1, 1)]
    if kind == "geopoint":
        return dict(GEOPOINT)
    raise AssertionError(f"no sample for field type {kind}")


def _shown_by(condition: dict, value: Any) -> bool:
    """Whether an answer meets a show_if (for a multiple choice, any picked value counts)."""
    accepted = [condition["equals"]] if "equals" in condition else condition["in"]
    picked = value if isinstance(value, list) else [value]
    return any(type(p) is type(a) and p == a for p in picked for a in accepted)


def valid_answers(specs: list[dict], force: dict | None = None) -> dict:
    """Every shown field answered validly, with the `force`d values where given."""
    force = force or {}
    answers: dict = {}
    shown: dict[str, bool] = {}
    for spec in specs:
        condition = spec.get("show_if")
        visible = condition is None or (
            shown[condition["field"]] and _shown_by(condition, answers.get(condition["field"]))
        )
        shown[spec["name"]] = visible
        if visible:
            answers[spec["name"]] = force.get(spec["name"], sample_value(spec))
    return answers


def _by_name(specs: list[dict]) -> dict[str, dict]:
    return {spec["name"]: spec for spec in specs}


def showing(specs: list[dict], name: str) -> dict:
    """The answers above `name` that make it shown (its show_if chain, met)."""
    by_name, force = _by_name(specs), {}
    spec = by_name[name]
    while spec.get("show_if"):
        condition = spec["show_if"]
        parent = by_name[condition["field"]]
        value = condition["equals"] if "equals" in condition else condition["in"][0]
        force[parent["name"]] = [value] if parent["type"] == "select_multiple" else value
        spec = parent
    return force


def hiding(specs: list[dict], name: str) -> dict | None:
    """Answers that show the field `name` depends on but hide `name`; None when none can."""
    condition = _by_name(specs)[name].get("show_if")
    if condition is None:
        return None
    parent = _by_name(specs)[condition["field"]]
    accepted = [condition["equals"]] if "equals" in condition else condition["in"]
    if parent["type"] == "yes_no":
        other = [v for v in (True, False) if v not in accepted]
    elif parent["type"] == "select_one":
        other = [c["value"] for c in parent["choices"] if c["value"] not in accepted]
    elif parent["type"] == "select_multiple":
        other = [[]]
    else:
        other = []
    if not other:
        return None
    return {**showing(specs, parent["name"]), parent["name"]: other[0]}


def _type_breakers(spec: dict) -> list[tuple[str, Any, str]]:
    """(rule, value, what the message says) for each rule of one field's type and bounds."""
    kind, low, high = spec["type"], spec.get("min"), _high(spec)
    cases: list[tuple[str, Any, str]] = []
    if kind in ("text", "textarea"):
        cases.append(("not text", 12345, "应为文字"))
        if high is not None:
            cases.append((f"over {high} characters", "长" * (high + 1), f"最多 {high} 个字"))
        if low is not None and low > 1:
            cases.append((f"under {low} characters", "短" * (low - 1), f"至少 {low} 个字"))
    elif kind == "number":
        cases.append(("a number as text", "3", "应为数字"))
        if spec.get("integer"):
            cases.append(("a fraction", 1.5, "应为整数"))
        if low is not None:
            cases.append((f"below {low}", low - 1, f"不能小于 {low}"))
        if high is not None:
            cases.append((f"above {high}", high + 1, f"不能大于 {high}"))
    elif kind == "date":
        cases.append(("not a date", "27/11/2026", "YYYY-MM-DD"))
        cases.append(("no such day", "2026-02-30", "没有这一天"))
    elif kind == "select_one":
        cases.append(("an unknown choice", "no_such_choice", "“no_such_choice”不在可选项中"))
        cases.append(("a list for one choice", [spec["choices"][0]["value"]], "应为选项值"))
    elif kind == "select_multiple":
        first = spec["choices"][0]["value"]
        cases.append(("an unknown choice", [first, "no_such_choice"], "“no_such_choice”不在可选项中"))
        cases.append(("not a list", first, "应为选项列表"))
        cases.append(("a choice twice", [first, first], "选项重复"))
        if high is not None and len(spec["choices"]) > high:
            values = [c["value"] for c in spec["choices"][: high + 1]]
            cases.append((f"over {high} choices", values, f"最多选择 {high} 项"))
        if low is not None and low > 1:
            values = [c["value"] for c in spec["choices"][: low - 1]]
            cases.append((f"under {low} choices", values, f"至少选择 {low} 项"))
    elif kind == "yes_no":
        cases.append(("yes as text", "yes", "应为是或否"))
        cases.append(("yes as 1", 1, "应为是或否"))
    elif kind == "photo":
        cases.append(("not a hash", ["not-a-hash"], "SHA-256"))
        cases.append(("a photo twice", [PHOTOS[0], PHOTOS[0]], "照片重复"))
        if high is not None:
            cases.append((f"over {high} photos", PHOTOS[: high + 1], f"最多 {high} 张照片"))
        if low is not None and low > 1:
            cases.append((f"under {low} photos", PHOTOS[: low - 1], f"至少 {low} 张照片"))
        elif low == 1:
            # Under a minimum of one is none at all: the empty list a form sends.
            cases.append(("no photo", [], "必填项" if spec.get("required") else "至少 1 张照片"))
    elif kind == "geopoint":
        cases.append(("latitude 91", {**GEOPOINT, "lat": 91}, "纬度"))
        cases.append(("longitude 181", {**GEOPOINT, "lng": 181}, "经度"))
        cases.append(("negative accuracy", {**GEOPOINT, "accuracy": -1}, "精度"))
    return cases


def rule_cases(definition: dict) -> list[RuleCase]:
    """One broken answer set per rule of each field of a template, plus an unknown field."""
    specs = definition["fields"]
    cases: list[RuleCase] = []
    for spec in specs:
        name = spec["name"]
        base_name = f"{name} shown"
        base = valid_answers(specs, showing(specs, name))
        assert name in base, f"{definition['key']}: cannot show {name}"
        if spec.get("required"):
            cases.append(RuleCase(f"{name}: missing", _without(base, name), name, "必填项", base_name))
            cases.append(RuleCase(f"{name}: null", {**base, name: None}, name, "必填项", base_name))
            blank = {"text": "   ", "textarea": "   ", "select_one": ""}.get(spec["type"])
            if blank is not None:
                cases.append(RuleCase(f"{name}: blank", {**base, name: blank}, name, "必填项", base_name))
        for rule, value, needle in _type_breakers(spec):
            cases.append(RuleCase(f"{name}: {rule}", {**base, name: value}, name, needle, base_name))
        force = hiding(specs, name)
        if force is not None:
            hidden = valid_answers(specs, force)
            assert name not in hidden
            cases.append(
                RuleCase(
                    f"{name}: answered while hidden",
                    {**hidden, name: sample_value(spec)},
                    name,
                    "不应填写",
                    f"{name} hidden",
                )
            )
    plain = valid_answers(specs)
    cases.append(
        RuleCase("an unknown field", {**plain, "no_such_field": "x"}, "no_such_field", "未知字段", "")
    )
    return cases


def valid_bases(definition: dict) -> dict[str, dict]:
    """The valid sets the broken ones start from, by name ("" is the plain one)."""
    specs = definition["fields"]
    bases = {"": valid_answers(specs)}
    for spec in specs:
        bases[f"{spec['name']} shown"] = valid_answers(specs, showing(specs, spec["name"]))
        force = hiding(specs, spec["name"])
        if force is not None:
            bases[f"{spec['name']} hidden"] = valid_answers(specs, force)
    return bases


def dependents(specs: list[dict], name: str) -> set[str]:
    """The fields shown or hidden through `name` (its show_if children, theirs, and so on)."""
    found: set[str] = set()
    for spec in specs:
        condition = spec.get("show_if")
        if condition and (condition["field"] == name or condition["field"] in found):
            found.add(spec["name"])
    return found


def _without(answers: dict, name: str) -> dict:
    return {k: v for k, v in answers.items() if k != name}


CASES = [(key, case) for key, definition in TEMPLATES.items() for case in rule_cases(definition)]


# ---- pushing them ------------------------------------------------------------------------------


@pytest.fixture
def resident(org, grid):
    """A resident of the worker's grid, for welfare visits to be about."""
    person = make_resident(make_household(grid))
    db.session.commit()
    return person


def item_for(key: str, grid: int, resident, answers: Any) -> dict:
    """The outbox item the phone pushes for these answers (its photos: those the answers name)."""
    definition = TEMPLATES[key]
    template = {"key": definition["key"], "version": definition["version"]}
    photos: list[str] = []
    if isinstance(answers, dict):
        for spec in definition["fields"]:
            value = answers.get(spec["name"])
            if spec["type"] == "photo" and isinstance(value, list):
                photos += [sha for sha in value if sha in PHOTOS and sha not in photos]
    if key == "welfare_visit":
        item = welfare_item(grid, resident.id, answers)
    elif key == "hazard_inspection":
        item = hazard_item(grid, photos, answers)
    else:
        item = city_item(grid, photos, answers)
    item["template"] = template
    item["photos"] = photos
    return item


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_enough_rules_are_generated_for_every_template(key):
    cases = rule_cases(TEMPLATES[key])
    assert len(cases) >= MIN_CASES[key], len(cases)
    # Every field of the template is broken at least once.
    assert {c.field for c in cases} >= {spec["name"] for spec in TEMPLATES[key]["fields"]}
    assert len({c.name for c in cases}) == len(cases)


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_the_valid_answers_the_rules_start_from_are_accepted(org, grid, worker, resident, key):
    upload_photos(worker, 1)
    bases = valid_bases(TEMPLATES[key])
    used = {case.base for case in rule_cases(TEMPLATES[key])}
    assert used <= set(bases)
    items = [item_for(key, grid, resident, answers) for answers in bases.values()]
    response = worker.post(PUSH, json={"device_id": "phone-1", "items": items})
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * len(items), results
    assert count(Submission) == len(items)


@pytest.mark.parametrize(("key", "case"), CASES, ids=[f"{key}: {case.name}" for key, case in CASES])
def test_answers_breaking_a_template_rule_are_refused_naming_the_field(
    org, grid, worker, resident, key, case
):
    response = worker.post(
        PUSH, json={"device_id": "phone-1", "items": [item_for(key, grid, resident, case.answers)]}
    )
    assert response.status_code == 200, response.get_json()
    [result] = response.get_json()["results"]
    assert result["status"] == "rejected", result
    assert result["error"]["code"] == "validation_failed"
    fields = result["error"]["fields"]
    # The broken field; besides it, at most the fields its answer shows or hides (a missing
    # 巡访方式 hides the five areas answered below it) and the item's own photo count.
    assert case.field in fields, fields
    assert set(fields) - {case.field, "photos"} <= dependents(TEMPLATES[key]["fields"], case.field), fields
    assert any(case.needle in text for text in fields[case.field]), fields
    assert count(Submission) == 0 and count(Case) == 0 and count(WelfareVisit) == 0
