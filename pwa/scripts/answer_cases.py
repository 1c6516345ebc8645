"""Write the server's verdicts on a set of form answers, for the PWA's validator tests.

Usage (from the repository root): .venv/bin/python pwa/scripts/answer_cases.py

Each case is checked by server.forms.answers.check_answers in zh-CN and in English; the PWA's
src/forms/validate.ts must give the same field errors (pwa/tests/validate.server.test.ts).
Run it again whenever the server's answer rules or the built-in templates change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from server.forms.answers import check_answers  # noqa: E402
from server.forms.builtins import BUILTIN_TEMPLATES  # noqa: E402
from server.forms.schemas import TemplateCreateSchema, clean_field_spec  # noqa: E402
from tests.api.test_template_rules import TEMPLATES as FIELD_TEMPLATES  # noqa: E402
from tests.api.test_template_rules import rule_cases, valid_bases  # noqa: E402

OUT = ROOT / "pwa" / "tests" / "fixtures" / "answer_cases.json"
SHA = ["a" * 64, "b" * 64, "c" * 64, "d" * 64, "e" * 64, "f" * 64, "0" * 64]


def label(zh: str) -> dict:
    return {"zh": zh, "en": zh}


def choices(*values: str) -> list[dict]:
    return [{"value": v, "label": label(v)} for v in values]


EVERY_TYPE = {
    "key": "every_type",
    "version": 1,
    "kind": "hazard_report",
    "title": label("每种类型"),
    "fields": [
        {"name": "title", "type": "text", "label": label("标题"), "min": 2, "max": 10},
        {"name": "plain_text", "type": "text", "label": label("文字")},
        {"name": "story", "type": "textarea", "label": label("经过")},
        {"name": "age", "type": "number", "label": label("年龄"), "integer": True, "min": 0, "max": 120},
        {"name": "score", "type": "number", "label": label("分数"), "min": -1.5, "max": 2.5},
        {"name": "day", "type": "date", "label": label("日期")},
        {"name": "sort", "type": "select_one", "label": label("类别"), "choices": choices("a", "b", "c")},
        {
            "name": "tags",
            "type": "select_multiple",
            "label": label("标签"),
            "choices": choices("x", "y", "z"),
            "min": 1,
            "max": 2,
        },
        {"name": "ok", "type": "yes_no", "label": label("是否")},
        {"name": "pics", "type": "photo", "label": label("照片"), "min": 1, "max": 2},
        {"name": "many_pics", "type": "photo", "label": label("更多照片")},
        {"name": "spot", "type": "geopoint", "label": label("位置")},
    ],
}

CONDITIONS = {
    "key": "conditions",
    "version": 1,
    "kind": "hazard_report",
    "title": label("条件"),
    "fields": [
        {"name": "home", "type": "yes_no", "label": label("在家"), "required": True},
        {
            "name": "people",
            "type": "number",
            "label": label("人数"),
            "required": True,
            "show_if": {"field": "home", "equals": True},
        },
        {
            "name": "needs",
            "type": "select_multiple",
            "label": label("需求"),
            "choices": choices("a", "b"),
            "show_if": {"field": "home", "equals": True},
        },
        {
            "name": "detail",
            "type": "textarea",
            "label": label("说明"),
            "required": True,
            "show_if": {"field": "needs", "in": ["a", "b"]},
        },
        {"name": "color", "type": "select_one", "label": label("颜色"), "choices": choices("red", "blue")},
        {
            "name": "shade",
            "type": "text",
            "label": label("色调"),
            "required": True,
            "show_if": {"field": "color", "equals": "red"},
        },
        {"name": "count", "type": "number", "label": label("数量")},
        {"name": "big", "type": "text", "label": label("大"), "show_if": {"field": "count", "in": [3, 4]}},
        {"name": "name", "type": "text", "label": label("名字")},
        {
            "name": "greet",
            "type": "text",
            "label": label("问候"),
            "show_if": {"field": "name", "equals": "bob"},
        },
    ],
}

VISIT_OK = {
    "visit_date": "2026-11-27",
    "anyone_home": True,
    "people_met": 2,
    "housing": "owner_occupied",
    "special_groups": ["living_alone"],
    "needs": ["medical"],
    "needs_detail": "腿脚不便，需要上门体检",
    "hazards_seen": [],
    "visit_photos": SHA[:2],
    "notes": "",
}

CASES: dict[str, list[tuple[str, object]]] = {
    "every_type": [
        ("nothing answered", {}),
        ("all null", {f["name"]: None for f in EVERY_TYPE["fields"]}),
        ("text not a string", {"title": 5}),
        ("text too short", {"title": "a"}),
        ("text blank skips length", {"title": "   "}),
        ("text too long", {"title": "a" * 11}),
        ("text counts code points", {"title": "😀😀"}),
        ("text ideographic space is blank", {"title": "\u3000\u3000"}),
        ("text file separator is blank in Python", {"title": "\x1c"}),
        ("text BOM is not blank in Python", {"title": "\ufeff"}),
        ("text default max 200", {"plain_text": "字" * 201}),
        ("text at default max", {"plain_text": "字" * 200}),
        ("textarea default max 2000", {"story": "x" * 2001}),
        ("number as text", {"age": "5"}),
        ("number as bool", {"age": True}),
        ("integer with a fraction", {"age": 5.5}),
        ("integer written as float", {"age": 5.0}),
        ("number below min", {"age": -1}),
        ("number above max", {"age": 121}),
        ("huge number", {"age": 1e300}),
        ("float above max", {"score": 2.6}),
        ("float at min", {"score": -1.5}),
        ("float below min", {"score": -1.6}),
        ("empty text for a number", {"age": ""}),
        ("leap day", {"day": "2024-02-29"}),
        ("no leap day", {"day": "2023-02-29"}),
        ("date without zero padding", {"day": "2024-2-1"}),
        ("date without dashes", {"day": "20240201"}),
        ("date as number", {"day": 20240201}),
        ("year zero", {"day": "0000-01-01"}),
        ("month 13", {"day": "2024-13-01"}),
        ("day 32", {"day": "2024-01-32"}),
        ("date with trailing newline", {"day": "2024-01-01\n"}),
        ("date in full-width digits", {"day": "２０２４-01-01"}),
        ("empty date", {"day": ""}),
        ("choice not listed", {"sort": "d"}),
        ("empty choice", {"sort": ""}),
        ("choice as number", {"sort": 1}),
        ("choice as list", {"sort": ["a"]}),
        ("multiple with an unknown value", {"tags": ["x", "q"]}),
        ("multiple not a list", {"tags": "x"}),
        ("multiple with a number", {"tags": ["x", 1]}),
        ("multiple repeated", {"tags": ["x", "x"]}),
        ("multiple above max", {"tags": ["x", "y", "z"]}),
        ("multiple empty skips count", {"tags": []}),
        ("multiple fine", {"tags": ["x", "y"]}),
        ("yes_no as text", {"ok": "yes"}),
        ("yes_no as number", {"ok": 1}),
        ("yes_no false", {"ok": False}),
        ("photo not a hash", {"pics": ["abc"]}),
        ("photo upper-case hash", {"pics": ["A" * 64]}),
        ("photo repeated", {"pics": [SHA[0], SHA[0]]}),
        ("photo above max", {"pics": SHA[:3]}),
        ("photo empty skips count", {"pics": []}),
        ("photo default max 20", {"many_pics": [f"{n:064x}" for n in range(21)]}),
        ("photo not a list", {"pics": SHA[0]}),
        ("geopoint not an object", {"spot": "here"}),
        ("geopoint as list", {"spot": [1, 2]}),
        ("latitude out of range", {"spot": {"lat": 91, "lng": 0}}),
        ("latitude as bool", {"spot": {"lat": True, "lng": 0}}),
        ("longitude missing", {"spot": {"lat": 1}}),
        ("longitude out of range", {"spot": {"lat": 1, "lng": -181}}),
        ("negative accuracy", {"spot": {"lat": 1, "lng": 2, "accuracy": -1}}),
        ("accuracy as text", {"spot": {"lat": 1, "lng": 2, "accuracy": "5"}}),
        ("null accuracy", {"spot": {"lat": 1, "lng": 2, "accuracy": None}}),
        (
            "plain extras",
            {
                "spot": {
                    "lat": 28.68,
                    "lng": 115.89,
                    "accuracy": 12,
                    "altitude": 30,
                    "source": "gps",
                    "cached": False,
                    "floor": None,
                }
            },
        ),
        ("nested extra", {"spot": {"lat": 1, "lng": 2, "raw": {}}}),
        ("eleven extras", {"spot": {"lat": 1, "lng": 2, **{f"k{n}": n for n in range(11)}}}),
        ("extra key too long", {"spot": {"lat": 1, "lng": 2, "k" * 41: 1}}),
        ("extra text too long", {"spot": {"lat": 1, "lng": 2, "note": "x" * 101}}),
        ("unknown key", {"zzz": 1}),
        ("unknown key and a bad value", {"zzz": 1, "age": -5}),
        ("several wrong at once", {"title": 1, "age": 1.5, "sort": "q", "ok": "no", "spot": None}),
    ],
    "conditions": [
        ("nothing answered", {}),
        ("shown and required", {"home": True}),
        ("hidden with a value", {"home": False, "people": 3}),
        ("hidden and null", {"home": False, "people": None}),
        ("hidden and blank text", {"home": False, "color": "blue", "shade": "  "}),
        ("empty text for a hidden number", {"home": False, "people": ""}),
        ("any picked value shows", {"home": True, "people": 2, "needs": ["b"]}),
        ("nothing picked hides", {"home": True, "people": 2, "needs": [], "detail": "x"}),
        ("parent wrong makes children unknown", {"home": "yes", "people": 2}),
        ("grandchild hidden with its parent", {"home": False, "needs": ["a"], "detail": "x"}),
        ("equals text", {"home": True, "people": 1, "color": "red"}),
        ("blank required text", {"home": True, "people": 1, "color": "red", "shade": "   "}),
        ("empty choice hides", {"home": True, "people": 1, "color": "", "shade": "x"}),
        ("wrong choice makes unknown", {"home": True, "people": 1, "color": "green", "shade": "x"}),
        ("number in list", {"home": True, "people": 1, "count": 3, "big": "x"}),
        ("number written as float in list", {"home": True, "people": 1, "count": 4.0, "big": "x"}),
        ("number not in list", {"home": True, "people": 1, "count": 5, "big": "x"}),
        ("bool is not a number", {"home": True, "people": 1, "count": True, "big": "x"}),
        ("text equals is exact", {"home": True, "people": 1, "name": "Bob", "greet": "hi"}),
        ("text equals", {"home": True, "people": 1, "name": "bob", "greet": "hi"}),
        ("yes_no true is not 1", {"home": 1, "people": 1}),
    ],
    "household_visit": [
        ("a full visit", VISIT_OK),
        ("nobody home", {"visit_date": "2026-11-27", "anyone_home": False, "housing": "vacant"}),
        (
            "nobody home but people met",
            {"visit_date": "2026-11-27", "anyone_home": False, "housing": "vacant", "people_met": 1},
        ),
        ("missing date and housing", {"anyone_home": False}),
        ("needs without detail", {**VISIT_OK, "needs_detail": None}),
        ("hazard note without hazards", {**VISIT_OK, "hazard_note": "楼道堆物"}),
        ("hazards without note", {**VISIT_OK, "hazards_seen": ["ebike"]}),
        ("seven photos", {**VISIT_OK, "visit_photos": SHA}),
        ("nobody met", {**VISIT_OK, "people_met": 0}),
        ("half a person", {**VISIT_OK, "people_met": 2.5}),
        ("unknown housing", {**VISIT_OK, "housing": "castle"}),
        ("notes too long", {**VISIT_OK, "notes": "记" * 1001}),
        ("answers not an object", []),
        ("answers null", None),
        ("answers text", "visit"),
    ],
}


# The field templates' valid sets and one broken set per rule, generated from their specs
# exactly as tests/api/test_template_rules.py pushes them to the server.
for _key, _definition in FIELD_TEMPLATES.items():
    CASES[_key] = [
        *((f"valid: {name or 'plain'}", answers) for name, answers in valid_bases(_definition).items()),
        *((case.name, case.answers) for case in rule_cases(_definition)),
    ]


def stored_fields(definition: dict) -> list[dict]:
    """The field list as the server stores it (validated like an admin's template)."""
    body = TemplateCreateSchema().load(definition)
    return [clean_field_spec(spec) for spec in body["fields_"]]


def main() -> None:
    # The newest built-in version of each key: the one the phone offers for new forms.
    newest: dict[str, dict] = {}
    for t in BUILTIN_TEMPLATES:
        if t["key"] not in newest or t["version"] > newest[t["key"]]["version"]:
            newest[t["key"]] = t
    templates = {EVERY_TYPE["key"]: EVERY_TYPE, CONDITIONS["key"]: CONDITIONS, **newest}
    app = Flask(__name__)
    out = {"templates": {}, "cases": []}
    for key, cases in CASES.items():
        definition = templates[key]
        specs = stored_fields(definition)
        out["templates"][key] = specs
        for name, answers in cases:
            verdicts = {}
            for lang, header in (("zh", "zh-CN"), ("en", "en")):
                with app.test_request_context(headers={"Accept-Language": header}):
                    verdicts[lang] = check_answers(key, definition["version"], specs, answers)
            out["cases"].append({"template": key, "name": name, "answers": answers, **verdicts})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(out['cases'])} cases → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
