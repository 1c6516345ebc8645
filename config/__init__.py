"""Settings for every way Gridwalk runs: embedded default, tests, production.

Pick one with GRIDWALK_CONFIG=default|test|production (or pass a class to create_app).
Every secret comes from the environment; nothing here is a usable secret.
"""

from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
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

    # Welfare visits: days between visits per care tier (domain README: weekly, monthly, quarterly).
    WELFARE_VISIT_INTERVAL_DAYS = {"high": 7, "key": 30, "general": 90}
    # None: the default care-tier rules of server/register/care.py (a list of rules replaces them).
    CARE_TIER_RULES: list | None = None

    API_TITLE = "Gridwalk 网格通 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    SEED_DEMO_ALLOWED = True
    # The case clocks' "now" (ISO 8601 with offset): lets tests and training demos move time
    # to show deadlines and red lights. Production ignores it.
    FAKE_NOW: str | None = _env("GRIDWALK_FAKE_NOW")

    # ---- Photos (server/photos): upload caps, orphan age, storage backend ----------------
    # Phones send ≤ 1600 px JPEGs of a few hundred kB; the caps leave room for an unscaled
    # camera photo the browser could not convert (HEIC). 50 MP lets a 48 MP iPhone shot through.
    PHOTO_MAX_BYTES = int(_env("PHOTO_MAX_BYTES", str(15 * 1024 * 1024)))
    PHOTO_MAX_PIXELS = int(_env("PHOTO_MAX_PIXELS", "50000000"))
    # Uploaded but used by no record after this long: removed by `flask photos prune`.
    PHOTO_ORPHAN_HOURS = float(_env("PHOTO_ORPHAN_HOURS", "72"))
    PHOTO_STORAGE = _env("PHOTO_STORAGE", "local")  # local (PHOTOS_DIR) | s3
    S3_ENDPOINT_URL: str | None = _env("S3_ENDPOINT_URL")  # e.g. http://minio:9000; unset = AWS
    S3_BUCKET: str | None = _env("S3_BUCKET")
    S3_PREFIX = _env("S3_PREFIX", "photos/")
    S3_REGION = _env("S3_REGION", _env("AWS_REGION", _env("AWS_DEFAULT_REGION", "us-east-1")))
    S3_ACCESS_KEY_ID: str | None = _env("S3_ACCESS_KEY_ID", _env("AWS_ACCESS_KEY_ID"))
    S3_SECRET_ACCESS_KEY: str | None = _env("S3_SECRET_ACCESS_KEY", _env("AWS_SECRET_ACCESS_KEY"))
    S3_ADDRESSING_STYLE = _env("S3_ADDRESSING_STYLE", "path")  # path suits MinIO; virtual for AWS
    # ---- end of photo settings ------------------------------------------------------------

    # ---- Web Push (server/push): VAPID keys, delivery queue, retries ---------------------
    # Keys: VAPID_PRIVATE_KEY (PEM, or base64url of the raw 32-byte key) from the environment;
    # unset, they are generated once into instance/vapid_private.pem (never in production,
    # where every host must sign with the same key). VAPID_PUBLIC_KEY, when set, must match.
    VAPID_PRIVATE_KEY: str | None = _env("VAPID_PRIVATE_KEY")
    VAPID_PUBLIC_KEY: str | None = _env("VAPID_PUBLIC_KEY")
    VAPID_GENERATE_KEYS = True
    # The contact push services write to about our traffic (a mailto: or https: URL).
    VAPID_SUBJECT = _env("VAPID_SUBJECT", "mailto:ops@example.invalid")
    # With REDIS_URL: the RQ queue `flask push-worker` serves; without: threads in each app process.
    PUSH_QUEUE_NAME = _env("PUSH_QUEUE_NAME", "push")
    PUSH_THREADS = int(_env("PUSH_THREADS", "4"))
    PUSH_TIMEOUT_SECONDS = float(_env("PUSH_TIMEOUT_SECONDS", "10"))
    # 429 and 5xx: tries in all, first wait (doubling), longest wait (Retry-After included).
    PUSH_MAX_ATTEMPTS = int(_env("PUSH_MAX_ATTEMPTS", "4"))
    PUSH_RETRY_BASE_SECONDS = float(_env("PUSH_RETRY_BASE_SECONDS", "1"))
    PUSH_RETRY_MAX_SECONDS = float(_env("PUSH_RETRY_MAX_SECONDS", "60"))
    # A phone or two and a desk browser per person; the oldest goes when a user passes this.
    PUSH_MAX_SUBSCRIPTIONS_PER_USER = int(_env("PUSH_MAX_SUBSCRIPTIONS_PER_USER", "10"))
    # http://localhost endpoints (dev and tests); production takes https:// only.
    PUSH_ALLOW_LOCALHOST = True
    # Comma-separated host suffixes a push endpoint may have (e.g. "fcm.googleapis.com,
    # push.services.mozilla.com,notify.windows.com,push.apple.com"); unset: any https host.
    PUSH_ENDPOINT_HOSTS: str | None = _env("PUSH_ENDPOINT_HOSTS")
    # ---- end of Web Push settings ---------------------------------------------------------

    @classmethod
    def prepare(cls) -> dict:
        """Return the final settings, creating instance/ and a local secret key when unset."""
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        instance = Path(settings["INSTANCE_PATH"])
        instance.mkdir(parents=True, exist_ok=True)
        if not settings["SECRET_KEY"]:
            settings["SECRET_KEY"] = _local_secret_key(instance)
        # Next year's public holidays (the State Council announces them each November), added
        # to the built-in list in server/cases/calendar.py without a release.
        for name in ("CALENDAR_EXTRA_HOLIDAYS", "CALENDAR_EXTRA_WORKDAYS"):
            settings[name] = _iso_dates(name)
        return settings


def _iso_dates(name: str) -> list[str]:
    """A comma-separated list of ISO dates from the environment; a bad one stops the start."""
    values = [v.strip() for v in (_env(name) or "").split(",") if v.strip()]
    for value in values:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"{name}: {value!r} is not a date (YYYY-MM-DD, comma-separated)") from None
    return values


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
    # A developer's PHOTO_STORAGE=s3 must never point the test suite at a real bucket.
    PHOTO_STORAGE = "local"
    # Push jobs of a test run never reach a developer's `flask push-worker` on the same Redis.
    PUSH_QUEUE_NAME = "gridwalk-test-push"


class ProductionConfig(Config):
    """Scale-out deployment: refuses to start without its secrets and database."""

    NAME = "production"
    SESSION_COOKIE_SECURE = _env("COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SEED_DEMO_ALLOWED = False
    # Web Push: one VAPID key for all hosts (from the environment), https:// endpoints only.
    VAPID_GENERATE_KEYS = False
    PUSH_ALLOW_LOCALHOST = False

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
        settings["FAKE_NOW"] = None  # real time only
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
