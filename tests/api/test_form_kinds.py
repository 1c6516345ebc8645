"""Form kinds: one descriptor per kind (server/forms/kinds.py), served to the phone, and enough
on its own: a new kind is one descriptor and one template, then its submissions are checked,
stored and listed in the catalogue. Photo limits come from the descriptor, on push."""

from __future__ import annotations

import importlib.util
import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.cases.models import Case
from server.extensions import db
from server.forms import kinds
from server.forms.builtins import BUILTIN_TEMPLATES
from server.forms.kinds import FormKind
from server.submissions.models import Submission, submission_photo
from tests.factories import (
    city_answers,
    city_item,
    hazard_answers,
    hazard_item,
    push_item,
    upload_photos,
    visit_item,
)

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"


def push(auth, *items) -> list[dict]:
    response = auth.post(PUSH, json={"device_id": "phone-1", "items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def pull_all(client, cursor: str | None = None) -> tuple[list[dict], str]:
    changes: list[dict] = []
    for _ in range(100):
        query = {"cursor": cursor} if cursor else {}
        page = client.get(PULL, query_string=query).get_json()
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor
    raise AssertionError("pull never finished")


def form_kinds(changes: list[dict]) -> dict[str, dict] | None:
    """The pulled form_kinds catalogue by kind (None: not in these changes)."""
    found = [c for c in changes if c["entity"] == "catalogue" and c["id"] == "form_kinds"]
    return {item["code"]: item for item in found[-1]["data"]["items"]} if found else None


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_phone_pulls_every_kind_with_its_keys_photos_review_and_template(org, worker, client):
    pulled = form_kinds(pull_all(client)[0])
    assert list(pulled) == ["household_visit", "welfare_visit", "hazard_report", "city_case"]
    assert pulled["hazard_report"] == {
        "code": "hazard_report",
        "label": {"zh": "安全隐患排查", "en": "Hazard inspection"},
        "payload_keys": ["grid_id", "household_id", "building_id", "address", "answers", "duplicate_of"],
        "link_keys": ["resubmits", "task_id", "campaign_target_id"],
        "opens_case": True,
        "case_kind": "hazard",
        "min_photos": 1,
        "max_photos": 9,
        "review": "case",
        "template_key": "hazard_inspection",
    }
    welfare = pulled["welfare_visit"]
    assert welfare["opens_case"] is False and welfare["review"] == "submission"
    assert welfare["payload_keys"] == ["grid_id", "household_id", "resident_id", "answers"]
    assert (welfare["min_photos"], welfare["max_photos"]) == (0, None)
    assert pulled["city_case"]["case_kind"] == "city" and pulled["city_case"]["template_key"] == "city_case"


def test_every_descriptor_names_a_built_in_template_of_its_kind():
    built_in = {t["key"]: t["kind"] for t in BUILTIN_TEMPLATES}
    for descriptor in kinds.KINDS.values():
        assert built_in[descriptor.template_key] == descriptor.kind


def test_the_phones_fixture_is_the_servers_descriptors_and_words():
    """pwa/tests/fixtures/form_kinds.json feeds the phone's tests: rerun its script on a change."""
    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("form_kinds_script", root / "pwa/scripts/form_kinds.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    stored = json.loads((root / "pwa/tests/fixtures/form_kinds.json").read_text(encoding="utf-8"))
    assert stored == script.fixture(), "run: .venv/bin/python pwa/scripts/form_kinds.py"


# ---- photo limits, from the descriptor, on push --------------------------------------------


@pytest.mark.parametrize("make", [hazard_item, city_item], ids=["hazard", "city"])
def test_a_report_outside_its_kinds_photo_count_is_rejected_naming_photos(org, grid, worker, make):
    ten = upload_photos(worker, 10)
    answers = hazard_answers if make is hazard_item else city_answers
    # The answers keep within the photo field's own max (9): only the kind's count fails.
    too_many = push(worker, make(grid, ten, answers(ten[:9])))[0]
    assert too_many["status"] == "rejected" and list(too_many["error"]["fields"]) == ["photos"]
    assert "需要 1–9 张照片（现有 10 张）" in too_many["error"]["fields"]["photos"][0]
    assert count(Submission) == 0 and count(Case) == 0
    nine = push(worker, make(grid, ten[:9], answers(ten[:9])))[0]
    assert nine["status"] == "accepted", nine


def test_a_narrower_photo_limit_in_the_descriptor_is_what_the_push_enforces(org, grid, worker, monkeypatch):
    # The same template, the kind's limit moved: the push follows the descriptor, not a constant.
    monkeypatch.setitem(
        kinds.KINDS, "hazard_report", FormKind(**{**vars(kinds.KINDS["hazard_report"]), "max_photos": 2})
    )
    three = upload_photos(worker, 3)
    result = push(worker, hazard_item(grid, three))[0]
    assert result["status"] == "rejected"
    assert result["error"]["fields"]["photos"] == ["安全隐患排查：需要 1–2 张照片（现有 3 张）"]
    english = worker.post(
        PUSH,
        json={"device_id": "phone-1", "items": [hazard_item(grid, three)]},
        headers={"Accept-Language": "en"},
    ).get_json()["results"][0]
    assert english["error"]["fields"]["photos"] == ["A hazard inspection takes 1–2 photos (this one has 3)"]
    assert count(Submission) == 0 and count(Case) == 0


def test_a_visit_has_no_photo_count_of_its_own(org, grid, worker):
    assert push(worker, visit_item(grid))[0]["status"] == "accepted"


# ---- a new kind: one descriptor, one template ----------------------------------------------

NOISE_CHECK = FormKind(
    "noise_check",
    "噪声巡查",
    "Noise check",
    payload_keys=("grid_id", "answers"),
    template_key="noise_check",
    min_photos=1,
    max_photos=2,
)
NOISE_TEMPLATE = {
    "key": "noise_check",
    "version": 1,
    "kind": "noise_check",
    "title": {"zh": "噪声巡查", "en": "Noise check"},
    "fields": [
        {"name": "decibels", "type": "number", "label": {"zh": "分贝", "en": "Decibels"}, "required": True},
        # No count on the field: the kind's 1–2 is the only limit.
        {"name": "evidence", "type": "photo", "label": {"zh": "照片", "en": "Photos"}},
    ],
}


def noise_item(grid_id: int, photos: list[str], **payload) -> dict:
    return push_item(
        "noise_check",
        {"grid_id": grid_id, "answers": {"decibels": 72, "evidence": photos}, **payload},
        template={"key": "noise_check", "version": 1},
        photos=photos,
    )


@pytest.fixture
def noise_check(monkeypatch):
    """The descriptor in place before the app starts, as after a deploy (create_app registers
    the push handlers by kind). Tests list it before the fixtures that build the app."""
    monkeypatch.setitem(kinds.KINDS, NOISE_CHECK.kind, NOISE_CHECK)


@pytest.fixture
def fire_check(monkeypatch):
    """A made-up report kind that opens hazard cases, in place before the app starts."""
    fire = FormKind(
        "fire_check",
        "消防检查",
        "Fire check",
        payload_keys=("grid_id", "answers"),
        template_key="fire_check",
        case_kind="hazard",
        min_photos=1,
        max_photos=3,
    )
    monkeypatch.setitem(kinds.KINDS, fire.kind, fire)


def test_a_new_kind_is_one_descriptor_and_one_template(noise_check, org, grid, auth, client):
    auth.login("admin1")
    created = auth.post("/api/v1/forms", json=NOISE_TEMPLATE)
    assert created.status_code == 201, created.get_json()
    auth.login("worker1")
    pulled = form_kinds(pull_all(client)[0])
    assert pulled["noise_check"]["min_photos"] == 1 and pulled["noise_check"]["review"] == "submission"
    photos = upload_photos(auth, 3)

    good = noise_item(grid, photos[:1])
    assert push(auth, good)[0]["status"] == "accepted"
    stored = db.session.get(Submission, uuid.UUID(good["id"]))
    assert stored.kind == "noise_check" and stored.answers == {"decibels": 72, "evidence": photos[:1]}
    assert db.session.scalars(select(submission_photo.c.sha256)).all() == photos[:1]

    results = push(
        auth,
        noise_item(grid, []),
        noise_item(grid, photos),
        noise_item(grid, photos[:1], building_id=str(uuid.uuid4())),
    )
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert results[0]["error"]["fields"]["photos"] == ["噪声巡查：需要 1–2 张照片（现有 0 张）"]
    assert results[1]["error"]["fields"]["photos"] == ["噪声巡查：需要 1–2 张照片（现有 3 张）"]
    assert "building_id" in results[2]["error"]["fields"]  # not one of its payload keys
    assert count(Submission) == 1 and count(Case) == 0
    mine = client.get("/api/v1/submissions/mine", query_string={"kind": "noise_check"}).get_json()
    assert [s["id"] for s in mine["submissions"]] == [good["id"]]


def test_a_new_report_kind_opens_its_case(fire_check, org, grid, auth):
    template = next(t for t in BUILTIN_TEMPLATES if t["key"] == "hazard_inspection")
    auth.login("admin1")
    body = {
        **template,
        "key": "fire_check",
        "kind": "fire_check",
        "title": {"zh": "消防检查", "en": "Fire check"},
    }
    assert auth.post("/api/v1/forms", json=body).status_code == 201
    auth.login("worker1")
    photos = upload_photos(auth, 1)
    item = hazard_item(grid, photos) | {"kind": "fire_check", "template": {"key": "fire_check", "version": 1}}
    result = push(auth, item)[0]
    assert result["status"] == "accepted" and result["case_state"] == "reported", result
    case = db.session.get(Case, uuid.UUID(result["case_id"]))
    assert case.kind == "hazard" and case.category == "ebike" and case.submission_id == uuid.UUID(item["id"])


def test_a_phone_past_its_snapshot_gets_the_new_kind_on_its_next_pull(org, worker, client, monkeypatch):
    _, cursor = pull_all(client)
    assert form_kinds(pull_all(client, cursor)[0]) is None  # nothing changed: nothing resent
    # A deploy with one more descriptor: no feed row says so, the cursor's fingerprint does.
    monkeypatch.setitem(kinds.KINDS, NOISE_CHECK.kind, NOISE_CHECK)
    changes, cursor = pull_all(client, cursor)
    assert "noise_check" in form_kinds(changes)
    assert form_kinds(pull_all(client, cursor)[0]) is None
