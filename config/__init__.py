"""Settings for every way Gridwalk runs: embedded default, tests, production.

Pick one with GRIDWALK_CONFIG=default|test|production (or pass a class to create_app).
Every secret comes from the environment; nothing here is a usable secret.
"""

from __future__ import annotations

import json
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
    # A phone's outbox backup carries its photos as base64, so it may be far larger than a push.
    IMPORT_MAX_BYTES = int(_env("IMPORT_MAX_BYTES", str(64 * 1024 * 1024)))
    # A push leaves the phone's device row alone while this process wrote the same user and app
    # version for it this recently (server/sync/devices.py): its last_sync_at lags by up to this.
    SYNC_DEVICE_REFRESH_SECONDS = float(_env("SYNC_DEVICE_REFRESH_SECONDS", "60"))

    # Ledger imports (台账导入): the largest upload, the most a workbook may unpack to (zip
    # bombs), the most data rows (a street is 30,000 households), and the RQ queue with Redis.
    LEDGER_MAX_BYTES = int(_env("LEDGER_MAX_BYTES", str(32 * 1024 * 1024)))
    LEDGER_MAX_UNZIPPED_BYTES = int(_env("LEDGER_MAX_UNZIPPED_BYTES", str(256 * 1024 * 1024)))
    LEDGER_MAX_ROWS = int(_env("LEDGER_MAX_ROWS", "200000"))
    LEDGER_QUEUE_NAME = _env("LEDGER_QUEUE_NAME", "ledger")
    # Days an uploaded ledger file (personal data) and what its import keeps beside it stay on
    # disk after the import was last touched (server/ledger/service.py sweep).
    LEDGER_KEEP_DAYS = int(_env("LEDGER_KEEP_DAYS", "30"))
    # Households planned and written per step of a commit (and per progress report).
    LEDGER_COMMIT_CHUNK = 500

    PASSWORD_HASH_METHOD = "scrypt"
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "5 per minute")
    # Failed logins from one address whatever the username (password spraying); an office's
    # workers behind one NAT mistyping now and then stay well below it.
    LOGIN_IP_RATE_LIMIT = _env("LOGIN_IP_RATE_LIMIT", "20 per minute")
    # How many proxies (nginx, a load balancer) stand in front of the app: their X-Forwarded-*
    # headers are trusted that many hops back, so limits and audit see the phone's address.
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))
    RATELIMIT_KEY_PREFIX = "gridwalk"
    # A dead Redis must not stop logins: the limiter counts in this process's memory until Redis
    # answers again (it logs a warning when it switches).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # The longest a dead or silent Redis may hold up a request (connect, then each read), before
    # the limiter falls back to memory and pushes to the in-process sender.
    REDIS_TIMEOUT_SECONDS = 1.0

    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    TIMEZONE = "Asia/Shanghai"

    # Welfare visits: days between visits per care tier (domain README: weekly, monthly, quarterly).
    # The environment variable of the same name (JSON) replaces it; prepare() checks its shape.
    WELFARE_VISIT_INTERVAL_DAYS = {"high": 7, "key": 30, "general": 90}
    # None: the default care-tier rules of server/register/care.py (a JSON list of rules in the
    # environment variable of the same name replaces them).
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

    # ---- Map (server/maps): boundary files and the optional basemap -------------------------
    # A street's boundary file (surveyed rings of thousands of vertices); 413 above it.
    MAP_IMPORT_MAX_BYTES = int(_env("MAP_IMPORT_MAX_BYTES", str(32 * 1024 * 1024)))
    # The map works with no basemap; an operator may add raster tiles: a URL template with
    # {z}/{x}/{y} (and {s}), the attribution the source requires, and the CRS its tiles are
    # drawn in (wgs84 for 天地图, gcj02 for AMap and Tencent: the PWA converts at that boundary).
    MAP_TILE_URL: str | None = _env("MAP_TILE_URL")
    MAP_TILE_ATTRIBUTION = _env("MAP_TILE_ATTRIBUTION", "")
    MAP_TILE_CRS = _env("MAP_TILE_CRS", "wgs84")
    MAP_TILE_MAX_ZOOM = int(_env("MAP_TILE_MAX_ZOOM", "18"))
    # ---- end of map settings --------------------------------------------------------------

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

    # ---- Export jobs (server/exports): a desk export run in the background ----------------
    # How long a finished export's file can be downloaded (it holds personal data: not for ever).
    EXPORT_KEEP_SECONDS = int(_env("EXPORT_KEEP_SECONDS", str(24 * 3600)))
    # Exports one user may have queued or running at once (each reads the whole scope).
    EXPORT_MAX_RUNNING = int(_env("EXPORT_MAX_RUNNING", "3"))
    # The longest an export may run (RQ's job timeout; a job still `running` after it is dead).
    EXPORT_TIMEOUT_SECONDS = int(_env("EXPORT_TIMEOUT_SECONDS", "1800"))
    # ---- end of export settings -----------------------------------------------------------

    @classmethod
    def prepare(cls) -> dict:
        """Return the final settings, creating instance/ and a local secret key when unset."""
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        instance = Path(settings["INSTANCE_PATH"])
        instance.mkdir(parents=True, exist_ok=True)
        if not settings["SECRET_KEY"]:
            # Read again: the class attribute was read at import, which may be before the
            # environment got its SECRET_KEY; a deployment's key must never leave a file behind.
            settings["SECRET_KEY"] = _env("SECRET_KEY") or _local_secret_key(instance)
        # Next year's public holidays (the State Council announces them each November), added
        # to the built-in list in server/cases/calendar.py without a release.
        settings["CALENDAR_EXTRA_HOLIDAYS"] = _iso_dates("CALENDAR_EXTRA_HOLIDAYS")
        settings["CALENDAR_EXTRA_WORKDAYS"] = _iso_dates("CALENDAR_EXTRA_WORKDAYS")
        intervals = _json_setting("WELFARE_VISIT_INTERVAL_DAYS", _check_visit_intervals)
        if intervals is not None:
            settings["WELFARE_VISIT_INTERVAL_DAYS"] = intervals
        if settings["MAP_TILE_CRS"] not in ("wgs84", "gcj02"):
            raise ConfigError(f"MAP_TILE_CRS: {settings['MAP_TILE_CRS']!r} is neither wgs84 nor gcj02")
        rules = _json_setting("CARE_TIER_RULES", _check_care_tier_rules)
        if rules is not None:
            settings["CARE_TIER_RULES"] = rules
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


def _json_setting(name: str, check):
    """A JSON value from the environment (None when unset); a bad one stops the start."""
    raw = _env(name)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: not valid JSON ({exc})") from None
    problem = check(value)
    if problem:
        raise ConfigError(f"{name}: {problem}")
    return value


def _is_count(value) -> bool:
    # JSON true/false are ints to Python; a day count or an age is never a boolean.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_visit_intervals(value) -> str | None:
    """Every visited tier with a whole number of days ≥ 1, as in the default; else the problem."""
    tiers = set(Config.WELFARE_VISIT_INTERVAL_DAYS)
    example = json.dumps(Config.WELFARE_VISIT_INTERVAL_DAYS)
    if not isinstance(value, dict) or set(value) != tiers:
        return f"give days between visits for exactly the tiers {sorted(tiers)}, e.g. {example}"
    bad = sorted(tier for tier, days in value.items() if not (_is_count(days) and days >= 1))
    if bad:
        return f"days for {', '.join(bad)} must be whole numbers of 1 or more"
    return None


def _check_care_tier_rules(value) -> str | None:
    """A non-empty list of rules shaped like server/register/care.py's; else the problem."""
    # The tier and tag codes live with the register (a plain module: no app is built).
    from server.register.catalogue import CARE_TIER_CODES, TAG_CODES

    if not isinstance(value, list) or not value:
        return 'give a non-empty list of rules, e.g. [{"tier": "high", "min_age": 80}]'
    for number, rule in enumerate(value, start=1):
        where = f"rule {number}"
        if not isinstance(rule, dict):
            return f"{where} is not an object"
        unknown = set(rule) - {"tier", "min_age", "any_tags"}
        if unknown:
            # A misspelt condition would be ignored and the rule would match everyone.
            return f"{where} has unknown keys {sorted(unknown)} (use tier, min_age, any_tags)"
        if rule.get("tier") not in CARE_TIER_CODES:
            return f"{where} needs a tier, one of {sorted(CARE_TIER_CODES)}"
        if "min_age" in rule and not (_is_count(rule["min_age"]) and rule["min_age"] >= 0):
            return f"{where}: min_age must be a whole number of years"
        if "any_tags" in rule:
            tags = rule["any_tags"]
            if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
                return f"{where}: any_tags must be a non-empty list of tag codes"
            unknown_tags = sorted(set(tags) - TAG_CODES - {"*"})
            if unknown_tags:
                return f"{where}: unknown tags {unknown_tags}"
    return None


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
    LEDGER_QUEUE_NAME = "gridwalk-test-ledger"


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
