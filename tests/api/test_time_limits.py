"""Time limits per category: an admin's edit is the limit the phones pull, from a snapshot or a cursor."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.sync.models import SyncChange
from tests.api.test_register_pull import of, pull, pull_all

LIMITS = "/api/v1/cases/time-limits"
VENDOR = "street_order.unlicensed_vendor"  # default 2 working hours
VENDOR_DEFAULT = {"value": 2, "unit": "working_hours"}
HAZARD_DEFAULT = {"value": 3, "unit": "working_days"}


def switch(auth, client, username: str) -> None:
    client.post("/api/v1/auth/logout", headers=auth.headers())
    assert auth.login(username).status_code == 200


def worker_cursor(auth, client) -> str:
    """worker1's phone after its snapshot."""
    switch(auth, client, "worker1")
    return pull_all(client)[1]


def put_limits(auth, client, *entries):
    switch(auth, client, "admin1")
    return auth.put(LIMITS, json={"time_limits": list(entries)})


def vendor_in(catalogue: dict) -> dict:
    street_order = next(c for c in catalogue["data"]["items"] if c["code"] == "street_order")
    return next(s for s in street_order["subcategories"] if s["code"] == VENDOR)


def hazard_in(catalogue: dict, code: str) -> dict:
    return next(h for h in catalogue["data"]["items"] if h["code"] == code)


def catalogue_changes() -> int:
    return db.session.scalar(
        select(func.count()).select_from(SyncChange).where(SyncChange.entity == "catalogue")
    )


def test_the_snapshot_carries_the_defaults_before_any_edit(org, auth, client):
    switch(auth, client, "worker1")
    catalogues = of(pull_all(client)[0], "catalogue")
    vendor = vendor_in(catalogues["city_case_categories"])
    assert vendor["time_limit"] == vendor["default_time_limit"] == VENDOR_DEFAULT
    ebike = hazard_in(catalogues["hazard_categories"], "ebike")
    assert ebike["time_limit"] == ebike["default_time_limit"] == HAZARD_DEFAULT


def test_an_edit_reaches_a_phone_that_already_has_a_cursor(org, auth, client):
    cursor = worker_cursor(auth, client)
    edit = {"code": VENDOR, "value": 1, "unit": "working_days"}
    assert put_limits(auth, client, edit).status_code == 200
    switch(auth, client, "worker1")
    page = pull(client, cursor)
    # Only the catalogue that holds the edited code: the hazard list did not change.
    assert [(c["entity"], c["op"], c["id"]) for c in page["changes"]] == [
        ("catalogue", "upsert", "city_case_categories")
    ]
    vendor = vendor_in(page["changes"][0])
    assert vendor["time_limit"] == {"value": 1, "unit": "working_days"}
    assert vendor["default_time_limit"] == VENDOR_DEFAULT
    # A new phone's snapshot shows the same limit.
    snapshot = of(pull_all(client)[0], "catalogue")
    assert vendor_in(snapshot["city_case_categories"])["time_limit"] == {"value": 1, "unit": "working_days"}
    # Restoring the default (value null) travels the same way.
    cursor = page["cursor"]
    assert put_limits(auth, client, {"code": VENDOR, "value": None}).status_code == 200
    switch(auth, client, "worker1")
    page = pull(client, cursor)
    assert [c["id"] for c in page["changes"]] == ["city_case_categories"]
    assert vendor_in(page["changes"][0])["time_limit"] == VENDOR_DEFAULT


def test_a_hazard_limit_edit_reaches_supervisors_and_handlers_too(org, auth, client):
    cursors = {}
    for username in ("worker1", "super1", "handler1"):
        switch(auth, client, username)
        cursors[username] = pull_all(client)[1]
    edit = {"code": "ebike", "value": 12, "unit": "working_hours"}
    assert put_limits(auth, client, edit).status_code == 200
    for username, cursor in cursors.items():
        switch(auth, client, username)
        [pulled] = pull(client, cursor)["changes"]
        assert pulled["id"] == "hazard_categories", username
        ebike = hazard_in(pulled, "ebike")
        assert ebike["time_limit"] == {"value": 12, "unit": "working_hours"}
        assert ebike["default_time_limit"] == HAZARD_DEFAULT
        assert hazard_in(pulled, "residential")["time_limit"] == HAZARD_DEFAULT


def test_one_edit_of_both_kinds_records_both_catalogues_once(org, auth, client):
    cursor = worker_cursor(auth, client)
    before = catalogue_changes()
    response = put_limits(
        auth,
        client,
        {"code": VENDOR, "value": 3, "unit": "working_hours"},
        {"code": "street_order.outside_shop", "value": 5, "unit": "working_hours"},
        {"code": "ebike", "value": 2, "unit": "working_days"},
    )
    assert response.status_code == 200
    assert catalogue_changes() == before + 2
    switch(auth, client, "worker1")
    assert sorted(c["id"] for c in pull(client, cursor)["changes"]) == [
        "city_case_categories",
        "hazard_categories",
    ]


def test_saving_the_same_limits_again_adds_nothing_to_the_feed(org, auth, client):
    edit = {"code": VENDOR, "value": 1, "unit": "working_days"}
    assert put_limits(auth, client, edit).status_code == 200
    cursor = worker_cursor(auth, client)
    before = catalogue_changes()
    assert put_limits(auth, client, edit).status_code == 200
    # Restoring a default that was never edited changes nothing either.
    assert put_limits(auth, client, {"code": "ebike", "value": None}).status_code == 200
    assert catalogue_changes() == before
    switch(auth, client, "worker1")
    assert pull(client, cursor)["changes"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_limits": [{"code": "nope", "value": 1, "unit": "working_days"}]}, "0"),
        ({"time_limits": [{"code": VENDOR, "value": 0, "unit": "working_days"}]}, "0"),
        ({"time_limits": [{"code": VENDOR, "value": 1001, "unit": "working_days"}]}, "0"),
        ({"time_limits": [{"code": VENDOR, "value": True, "unit": "working_days"}]}, "0"),
        ({"time_limits": [{"code": VENDOR, "value": "3", "unit": "working_days"}]}, "0"),
        ({"time_limits": [{"code": VENDOR, "value": 1.5, "unit": "working_days"}]}, "0"),
        ({"time_limits": [{"code": VENDOR, "value": 3, "unit": "weeks"}]}, "0"),
        ({"time_limits": [{"code": VENDOR, "value": 3}]}, "0"),
        ({"time_limits": ["street_order.unlicensed_vendor"]}, "0"),
        # One bad entry stops the good one before it too.
        (
            {
                "time_limits": [
                    {"code": "ebike", "value": 2, "unit": "working_days"},
                    {"code": VENDOR, "value": 0, "unit": "working_days"},
                ]
            },
            "1",
        ),
        ({"time_limits": []}, "time_limits"),
        ({"time_limits": {"code": VENDOR, "value": 1}}, "time_limits"),
        ({}, "time_limits"),
    ],
)
def test_bad_input_changes_nothing_and_records_nothing(org, auth, client, body, field):
    cursor = worker_cursor(auth, client)
    switch(auth, client, "admin1")
    before = auth.client.get(LIMITS).get_json()
    changes = catalogue_changes()
    response = auth.put(LIMITS, json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed" and field in error["fields"]
    assert auth.client.get(LIMITS).get_json() == before
    assert catalogue_changes() == changes
    switch(auth, client, "worker1")
    assert pull(client, cursor)["changes"] == []


def test_a_body_that_is_not_an_object_is_422(org, auth, client):
    switch(auth, client, "admin1")
    response = auth.put(LIMITS, json=["ebike"])
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_failed"


@pytest.mark.parametrize("username", ["worker1", "super1", "handler1"])
def test_only_an_admin_edits_limits(org, auth, client, username):
    switch(auth, client, username)
    changes = catalogue_changes()
    response = auth.put(LIMITS, json={"time_limits": [{"code": "ebike", "value": 2, "unit": "working_days"}]})
    assert response.status_code == 404
    assert catalogue_changes() == changes
