"""The sync framework serves what the features register in create_app, in a fixed order."""

import pytest

from server.sync import registry
from server.sync.catalogue import catalogue_entries, settings_lists
from server.sync.protocol import EntityReader
from server.sync.registry import SyncRegistry

# A snapshot cursor names the reader it stopped in by position: a phone mid-snapshot during a
# deploy resumes in the right entity only while this order holds. New readers go last.
SNAPSHOT_ORDER = [
    "street",
    "community",
    "grid",
    "department",
    "form_template",
    "catalogue",
    "building",
    "household",
    "resident",
    "submission",
    "case",
    "task",
    "campaign",
    "campaign_target",
    "grid_boundary",
]


def test_the_snapshot_reads_the_entities_in_the_order_cursors_name_them(app):
    with app.app_context():
        assert [reader.name for reader in registry.current().readers] == SNAPSHOT_ORDER


def test_every_push_kind_the_phone_sends_has_one_handler(app):
    with app.app_context():
        kinds = set(registry.current().handlers)
    assert kinds == {
        "household_upsert",
        "resident_upsert",
        "household_visit",
        "welfare_visit",
        "hazard_report",
        "city_case",
        "case_action",
        "task_update",
        "campaign_answer",
    }


def test_a_kind_or_entity_registered_twice_is_refused_at_start():
    sync = SyncRegistry()

    class Handler:
        kinds = frozenset({"welfare_visit"})

    sync.add_handler(Handler())
    with pytest.raises(ValueError, match="welfare_visit"):
        sync.add_handler(Handler())
    reader = EntityReader("street", None, None, lambda s, c: s, lambda r: r, int)
    sync.add_reader(reader)
    with pytest.raises(ValueError, match="street"):
        sync.add_reader(reader)


def test_every_catalogue_the_phone_reads_is_served(app):
    """The phone's forms and schedule read these list ids; a feature that stops registering one
    would leave its pickers empty offline."""
    with app.app_context():
        ids = [entry["id"] for entry in catalogue_entries()]
        settings = sorted(settings_lists())
    assert ids == sorted(ids)
    assert set(ids) >= {
        "hazard_categories",
        "case_severities",
        "city_case_categories",
        "resident_tags",
        "housing_types",
        "resident_relations",
        "resident_statuses",
        "care_tiers",
        "care_tier_rules",
        "form_kinds",
        "map_tiles",
    }
    # form_kinds lives in code, not rows: resent on a changed fingerprint like the care settings.
    # map_tiles: the operator's basemap, from configuration too.
    assert settings == ["care_tier_rules", "care_tiers", "form_kinds", "map_tiles"]
