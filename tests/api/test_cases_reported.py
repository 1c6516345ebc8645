"""Hazard and city-management reports: 1–9 photos and a place, each opens a Case in `reported`."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.audit.models import AppendOnlyError
from server.cases.models import Case, CaseEvent
from server.extensions import db
from server.submissions.models import Submission, submission_photo
from tests.factories import (
    city_answers,
    city_item,
    hazard_answers,
    hazard_item,
    make_building,
    make_household,
    upload_photos,
)

PUSH = "/api/v1/sync/push"


@pytest.fixture
def photos(worker) -> list[str]:
    return upload_photos(worker, 2)


def push(auth, *items):
    response = auth.post(PUSH, json={"device_id": "phone-1", "items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_hazard_report_opens_a_case_in_reported_with_its_photos_and_location(org, grid, worker, photos):
    household = make_household(grid)
    db.session.commit()
    item = hazard_item(grid, photos)
    item["payload"]["household_id"] = str(household.id)
    result = push(worker, item)[0]
    assert result["status"] == "accepted", result
    assert result["case_state"] == "reported"
    case = db.session.get(Case, uuid.UUID(result["case_id"]))
    assert case.state == "reported" and case.kind == "hazard"
    assert (case.category, case.subcategory, case.severity, case.urgent) == ("ebike", None, "serious", False)
    assert case.photos == photos and case.location == {"lat": 28.6829, "lng": 115.8582, "accuracy": 8.0}
    assert case.description.startswith("楼道内") and case.address == "示例小区1栋一楼楼道"
    assert case.grid_id == grid and case.household_id == household.id
    assert case.reporter_id == org["worker"].id and case.submission_id == uuid.UUID(item["id"])
    assert case.version == 1
    [event] = db.session.scalars(select(CaseEvent)).all()
    assert (event.case_id, event.action, event.from_state, event.to_state) == (
        case.id,
        "report",
        None,
        "reported",
    )
    assert event.actor_id == org["worker"].id and event.photos == photos
    links = db.session.execute(
        select(submission_photo.c.sha256).order_by(submission_photo.c.position)
    ).scalars()
    assert list(links) == photos


def test_a_resent_report_is_a_duplicate_with_the_same_case(org, grid, worker, photos):
    item = hazard_item(grid, photos)
    first = push(worker, item)[0]
    again = push(worker, item)[0]
    assert again["status"] == "duplicate" and again["case_id"] == first["case_id"]
    assert count(Case) == 1 and count(CaseEvent) == 1


def test_an_immediate_danger_needs_the_action_taken_and_marks_the_case_urgent(org, grid, worker, photos):
    answers = hazard_answers(photos, immediate_danger=True, severity="major")
    assert push(worker, hazard_item(grid, photos, answers))[0]["error"]["fields"] == {
        "danger_action": ["必填项"]
    }
    answers["danger_action"] = "已切断插线板电源并疏散楼道"
    result = push(worker, hazard_item(grid, photos, answers))[0]
    case = db.session.get(Case, uuid.UUID(result["case_id"]))
    assert case.urgent is True and case.severity == "major"


def city_v2_item(grid: int, photos: list[str], answers: dict | None = None) -> dict:
    """A city report under 城市管理问题 v2, the version the phone offers for new reports."""
    item = city_item(grid, photos, answers or city_answers(photos, severity="serious"))
    item["template"] = {"key": "city_case", "version": 2}
    return item


def test_the_phone_is_offered_city_case_v2_with_the_hazard_severities(org, worker, client):
    forms = client.get("/api/v1/forms").get_json()["forms"]
    [city] = [f for f in forms if f["key"] == "city_case"]
    assert city["version"] == 2
    severity = next(f for f in city["fields"] if f["name"] == "severity")
    hazard = client.get("/api/v1/forms/hazard_inspection/1").get_json()
    assert severity["required"] is True
    assert severity["choices"] == next(f for f in hazard["fields"] if f["name"] == "severity")["choices"]
    assert [c["label"]["zh"] for c in severity["choices"]] == ["一般", "较大", "重大"]
    # v1 stays readable for phones holding reports queued under it.
    assert client.get("/api/v1/forms/city_case/1").get_json()["active"] is False


def test_a_city_case_takes_its_class_from_the_subcategory_and_its_severity(org, grid, worker, photos):
    answers = city_answers(photos, subcategory="city_appearance.exposed_garbage", severity="major")
    result = push(worker, city_v2_item(grid, photos, answers))[0]
    assert result["status"] == "accepted", result
    case = db.session.get(Case, uuid.UUID(result["case_id"]))
    assert case.kind == "city" and case.category == "city_appearance"
    assert case.subcategory == "city_appearance.exposed_garbage" and case.severity == "major"
    submission = db.session.get(Submission, uuid.UUID(result["id"]))
    assert submission.template_version == 2


def test_a_city_report_queued_under_v1_is_still_accepted_without_a_severity(org, grid, worker, photos):
    result = push(worker, city_item(grid, photos))[0]
    assert result["status"] == "accepted", result
    case = db.session.get(Case, uuid.UUID(result["case_id"]))
    assert case.kind == "city" and case.category == "street_order" and case.severity is None


def test_a_v2_city_report_without_a_severity_is_refused_and_nothing_stored(org, grid, worker, photos):
    item = city_v2_item(grid, photos, city_answers(photos))
    result = push(worker, item)[0]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "validation_failed"
    assert result["error"]["fields"] == {"severity": ["必填项"]}
    english = worker.post(
        PUSH, json={"device_id": "phone-1", "items": [item]}, headers={"Accept-Language": "en"}
    ).get_json()["results"][0]
    assert english["error"]["fields"] == {"severity": ["Required"]}
    unknown = push(worker, city_v2_item(grid, photos, city_answers(photos, severity="tiny")))[0]
    assert "“tiny”不在可选项中" in unknown["error"]["fields"]["severity"][0]
    assert count(Case) == 0 and count(Submission) == 0


def test_ten_photos_on_a_hazard_report_are_rejected(org, grid, worker):
    ten = upload_photos(worker, 10)
    result = push(worker, hazard_item(grid, ten))[0]
    assert result["status"] == "rejected"
    fields = result["error"]["fields"]
    assert "最多 9 张照片" in fields["scene_photos"][0]
    assert "1–9 张照片（现有 10 张）" in fields["photos"][0]
    assert count(Case) == 0 and count(Submission) == 0


def test_ten_photos_on_the_item_but_nine_in_the_answers_are_rejected_too(org, grid, worker):
    ten = upload_photos(worker, 10)
    result = push(worker, hazard_item(grid, ten, hazard_answers(ten[:9])))[0]
    assert result["status"] == "rejected" and list(result["error"]["fields"]) == ["photos"]


def test_a_report_without_photos_is_rejected(org, grid, worker):
    result = push(worker, city_item(grid, [], city_answers([])))[0]
    assert result["status"] == "rejected"
    assert set(result["error"]["fields"]) == {"scene_photos", "photos"}


@pytest.mark.parametrize(
    "location",
    [
        {"lat": 91, "lng": 115.8},
        {"lat": -90.5, "lng": 115.8},
        {"lat": 28.6, "lng": 181},
        {"lat": 28.6, "lng": -180.01},
        {"lat": 28.6, "lng": 115.8, "accuracy": -1},
        {"lat": "28.6", "lng": 115.8},
        {"lng": 115.8},
        "28.6,115.8",
    ],
)
def test_a_bad_location_is_rejected(org, grid, worker, photos, location):
    result = push(worker, hazard_item(grid, photos, location=location))[0]
    assert result["status"] == "rejected" and "location" in result["error"]["fields"]
    assert count(Case) == 0


def test_a_report_needs_a_place(org, grid, worker, photos):
    answers = hazard_answers(photos, address=...)
    nowhere = hazard_item(grid, photos, answers, location=None)
    result = push(worker, nowhere)[0]
    assert result["status"] == "rejected" and "location" in result["error"]["fields"]
    building = make_building(grid, "示例小区2栋", "示例路2号")
    db.session.commit()
    at_building = hazard_item(grid, photos, answers, location=None)
    at_building["payload"]["building_id"] = str(building.id)
    result = push(worker, at_building)[0]
    assert result["status"] == "accepted", result
    case = db.session.get(Case, uuid.UUID(result["case_id"]))
    assert (
        case.building_id == building.id and case.address == "示例路2号 示例小区2栋" and case.location is None
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": ...}, "category"),
        ({"category": "volcano"}, "category"),
        ({"severity": "tiny"}, "severity"),
        ({"immediate_danger": "no"}, "immediate_danger"),
        ({"description": "火"}, "description"),
        ({"description": ...}, "description"),
        ({"danger_action": "不该填"}, "danger_action"),
        ({"address": "长" * 201}, "address"),
        ({"scene_photos": ["nope"]}, "scene_photos"),
    ],
)
def test_hazard_answers_breaking_a_template_rule_are_rejected(org, grid, worker, photos, change, field):
    answers = hazard_answers(photos, **change)
    result = push(worker, hazard_item(grid, photos, answers))[0]
    assert result["status"] == "rejected" and field in result["error"]["fields"], result


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subcategory": ...}, "subcategory"),
        ({"subcategory": "street_order"}, "subcategory"),  # a class, not a subcategory
        ({"subcategory": "street_order.flying_saucer"}, "subcategory"),
        ({"description": ""}, "description"),
        ({"severity": "major"}, "severity"),  # not a field of this template
    ],
)
def test_city_answers_breaking_a_template_rule_are_rejected(org, grid, worker, photos, change, field):
    answers = city_answers(photos, **change)
    result = push(worker, city_item(grid, photos, answers))[0]
    assert result["status"] == "rejected" and field in result["error"]["fields"], result


def test_a_photo_not_uploaded_yet_is_waited_for(org, grid, worker, photos):
    missing = "e" * 64
    result = push(worker, hazard_item(grid, [*photos, missing]))[0]
    assert result == {"id": result["id"], "status": "missing_photos", "missing": [missing]}
    assert count(Case) == 0


def test_a_report_about_a_household_of_another_grid_is_forbidden(org, grid, worker, photos):
    theirs = make_household(org["worker_other"].grids[0].id)
    db.session.commit()
    item = hazard_item(grid, photos)
    item["payload"]["household_id"] = str(theirs.id)
    assert push(worker, item)[0]["status"] == "forbidden"
    item = hazard_item(grid, photos)
    item["payload"]["household_id"] = str(uuid.uuid4())
    result = push(worker, item)[0]
    assert result["status"] == "rejected" and "household_id" in result["error"]["fields"]


def test_case_events_are_append_only(org, grid, worker, photos):
    push(worker, hazard_item(grid, photos))
    event = db.session.scalar(select(CaseEvent))
    event.comment = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.delete(db.session.scalar(select(CaseEvent)))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(CaseEvent.comment)) is None
