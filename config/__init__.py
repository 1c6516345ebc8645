"""Settings for every way Gridwalk runs: embedded default, tests, production.

Pick one with GRIDWALK_CONFIG=default|test|production (or pass a class to create_app).
Every secret comes from the environment; nothing here is a usable secret.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting the chosen configuration needs is missing or wrong."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Config:
    """Embedded default: SQLite in instance/, photos on local disk, no Redis."""

    NAME = "default"
    INSTANCE_PATH = Path(_env("GRIDWALK_INSTANCE", str(ROOT / "instance")))
    SECRET_KEY: str | None = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'gridwalk.db'}")
    REDIS_URL: str | None = _env("REDIS_URL")
    PHOTOS_DIR = Path(_env("PHOTOS_DIR", str(INSTANCE_PATH / "photos")))
    PWA_DIST = Path(_env("PWA_DIST", str(ROOT / "pwa" / "dist")))

    # A worker in a basement cannot log in again: sessions and remember-me last 30 days.
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env("COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    # Sync batches are capped at 1 MB; photos go through their own route with their own cap.
    MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024)))
    MAX_JSON_BYTES = int(_env("MAX_JSON_BYTES", str(1024 * 1024)))

    PASSWORD_HASH_METHOD = "scrypt"
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "5 per minute")
    RATELIMIT_KEY_PREFIX = "gridwalk"

    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    TIMEZONE = "Asia/Shanghai"

    API_TITLE = "Gridwalk 网格通 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    SEED_DEMO_ALLOWED = True

    @classmethod
    def prepare(cls) -> dict:
        """Return the final settings, creating instance/ and a local secret key when unset."""
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        instance = Path(settings["INSTANCE_PATH"])
        instance.mkdir(parents=True, exist_ok=True)
        if not settings["SECRET_KEY"]:
            settings["SECRET_KEY"] = _local_secret_key(instance)
        return settings


def _local_secret_key(instance: Path) -> str:
    """Generate the key once into instance/ so sessions survive restarts of a local install."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


class TestConfig(Config):
    """Tests: a database named by the test run, fast password hashing, isolated rate limits."""

    NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only-secret-key-not-for-deployment"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    """Scale-out deployment: refuses to start without its secrets and database."""

    NAME = "production"
    SESSION_COOKIE_SECURE = _env("COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SEED_DEMO_ALLOWED = False

    @classmethod
    def prepare(cls) -> dict:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not _env(name)]
        if missing:
            raise ConfigError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
        settings = super().prepare()
        settings["SECRET_KEY"] = _env("SECRET_KEY")
        settings["SQLALCHEMY_DATABASE_URI"] = _env("DATABASE_URL")
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
        return settings


CONFIGS: dict[str, type[Config]] = {
    "default": Config,
    "test": TestConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[Config]:
    """Return the settings class named by `name` or GRIDWALK_CONFIG."""
    name = name or _env("GRIDWALK_CONFIG", "default")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"Unknown GRIDWALK_CONFIG {name!r}; use one of {', '.join(CONFIGS)}") from None
