"""Settings per environment, the local secret key, and models matching migrations."""

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


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply to the embedded database (this run is on PostgreSQL)")
    from sqlalchemy import text

    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
