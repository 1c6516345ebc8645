"""Settings per environment, the local secret key, and models matching migrations."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from config import ConfigError, ProductionConfig, get_config
from server.extensions import db


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL"):
        ProductionConfig.prepare()
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    with pytest.raises(ConfigError, match="DATABASE_URL") as info:
        ProductionConfig.prepare()
    assert "SECRET_KEY" not in str(info.value)


def test_production_takes_secrets_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-env-" + "k" * 30)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db.example/gridwalk")
    monkeypatch.setattr(ProductionConfig, "INSTANCE_PATH", tmp_path)
    settings = ProductionConfig.prepare()
    assert settings["SECRET_KEY"].startswith("from-env-")
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SEED_DEMO_ALLOWED"] is False


def test_local_secret_key_is_generated_once_into_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = get_config("default")
    monkeypatch.setattr(config, "INSTANCE_PATH", tmp_path)
    monkeypatch.setattr(config, "SECRET_KEY", None)
    first = config.prepare()["SECRET_KEY"]
    second = config.prepare()["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_config_name_is_a_clear_error():
    with pytest.raises(ConfigError, match="Unknown GRIDWALK_CONFIG"):
        get_config("staging")


def test_models_and_migrations_agree(app):
    """Fails when a model changes without a migration (or the other way round)."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


def test_every_connection_gets_the_session_the_app_expects(app):
    """SQLite: WAL and foreign keys. PostgreSQL: UTC, and no JIT (10 ms of compiling a 0.2 ms query)."""
    from sqlalchemy import text

    db.engine.dispose()  # a connection opened now, not one an earlier test left in the pool
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        else:
            assert conn.execute(text("SHOW TIME ZONE")).scalar() == "UTC"
            assert conn.execute(text("SHOW jit")).scalar() == "off"


def test_import_cap_is_a_setting_from_the_environment():
    """Class-level settings are read at import: check them in a fresh interpreter."""
    read = [sys.executable, "-c", "import config; print(config.Config.IMPORT_MAX_BYTES)"]
    env = {k: v for k, v in os.environ.items() if k != "IMPORT_MAX_BYTES"}
    root = Path(__file__).resolve().parents[2]
    default = subprocess.run(read, env=env, cwd=root, capture_output=True, text=True, check=True)
    assert default.stdout.strip() == str(64 * 1024 * 1024)
    env["IMPORT_MAX_BYTES"] = "1000"
    set_ = subprocess.run(read, env=env, cwd=root, capture_output=True, text=True, check=True)
    assert set_.stdout.strip() == "1000"


def _prepared(monkeypatch, tmp_path, **environ) -> dict:
    config = get_config("default")
    monkeypatch.setattr(config, "INSTANCE_PATH", tmp_path)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return config.prepare()


def test_visit_intervals_and_care_tier_rules_default_when_unset(monkeypatch, tmp_path):
    monkeypatch.delenv("WELFARE_VISIT_INTERVAL_DAYS", raising=False)
    monkeypatch.delenv("CARE_TIER_RULES", raising=False)
    settings = _prepared(monkeypatch, tmp_path)
    assert settings["WELFARE_VISIT_INTERVAL_DAYS"] == {"high": 7, "key": 30, "general": 90}
    assert settings["CARE_TIER_RULES"] is None


def test_visit_intervals_and_care_tier_rules_come_from_json_in_the_environment(monkeypatch, tmp_path):
    rules = [
        {"tier": "high", "min_age": 75, "any_tags": ["living_alone"]},
        {"tier": "general", "any_tags": ["*"]},
    ]
    settings = _prepared(
        monkeypatch,
        tmp_path,
        WELFARE_VISIT_INTERVAL_DAYS='{"high": 3, "key": 14, "general": 60}',
        CARE_TIER_RULES=json.dumps(rules),
    )
    assert settings["WELFARE_VISIT_INTERVAL_DAYS"] == {"high": 3, "key": 14, "general": 60}
    assert settings["CARE_TIER_RULES"] == rules


def test_the_app_uses_the_rules_from_the_environment(monkeypatch, make_app):
    """A 75-year-old living alone is 重点高风险 under the local rule given at start-up."""
    from server.register.care import derived_tier
    from server.register.schedule import interval_days

    monkeypatch.setenv("WELFARE_VISIT_INTERVAL_DAYS", '{"high": 3, "key": 14, "general": 60}')
    monkeypatch.setenv("CARE_TIER_RULES", '[{"tier": "high", "min_age": 75, "any_tags": ["living_alone"]}]')
    with make_app().app_context():
        assert derived_tier(75, ["living_alone"]) == "high"
        assert derived_tier(74, ["living_alone"]) == "none"
        assert interval_days()["high"] == 3


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("WELFARE_VISIT_INTERVAL_DAYS", "{high: 7}", "not valid JSON"),
        ("WELFARE_VISIT_INTERVAL_DAYS", "[7, 30, 90]", "exactly the tiers"),
        ("WELFARE_VISIT_INTERVAL_DAYS", '{"high": 7, "key": 30}', "exactly the tiers"),
        (
            "WELFARE_VISIT_INTERVAL_DAYS",
            '{"high": 7, "key": 30, "general": 90, "vip": 1}',
            "exactly the tiers",
        ),
        ("WELFARE_VISIT_INTERVAL_DAYS", '{"high": 0, "key": 30, "general": 90}', "high must be whole"),
        ("WELFARE_VISIT_INTERVAL_DAYS", '{"high": 7, "key": "30", "general": 90}', "key must be whole"),
        ("WELFARE_VISIT_INTERVAL_DAYS", '{"high": true, "key": 30, "general": 90}', "high must be whole"),
        ("CARE_TIER_RULES", '[{"tier": "high", "min_age": 80,}]', "not valid JSON"),
        ("CARE_TIER_RULES", "[]", "non-empty list"),
        ("CARE_TIER_RULES", '{"tier": "high"}', "non-empty list"),
        ("CARE_TIER_RULES", '["high"]', "rule 1 is not an object"),
        ("CARE_TIER_RULES", '[{"tier": "high", "min_ages": 80}]', "rule 1 has unknown keys ['min_ages']"),
        ("CARE_TIER_RULES", '[{"tier": "high"}, {"tier": "urgent"}]', "rule 2 needs a tier"),
        ("CARE_TIER_RULES", '[{"min_age": 80}]', "rule 1 needs a tier"),
        ("CARE_TIER_RULES", '[{"tier": "key", "min_age": "60"}]', "min_age must be a whole number"),
        ("CARE_TIER_RULES", '[{"tier": "key", "any_tags": "disabled"}]', "any_tags must be a non-empty list"),
        ("CARE_TIER_RULES", '[{"tier": "key", "any_tags": ["disabeld"]}]', "unknown tags ['disabeld']"),
    ],
)
def test_a_bad_json_setting_stops_the_start_naming_the_variable(monkeypatch, tmp_path, name, value, problem):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        _prepared(monkeypatch, tmp_path)
    assert str(info.value).startswith(f"{name}: ")
    assert problem in str(info.value)


def test_a_bad_json_setting_stops_create_app(monkeypatch, app_settings):
    from server import create_app

    monkeypatch.setenv("CARE_TIER_RULES", "not json")
    with pytest.raises(ConfigError, match="CARE_TIER_RULES"):
        create_app("test", app_settings)
