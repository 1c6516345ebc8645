"""Gridwalk 网格通: the Flask JSON API behind the grid workers' offline PWA."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from config import Config, get_config
from server.routing import LazyBuilderRule


def create_app(config: type[Config] | str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app: settings, extensions, security, blueprints, what each feature plugs into the
    frameworks (sync, photo uses, deadline reminders), errors, commands."""
    app = Flask(__name__, static_folder=None)
    app.url_rule_class = LazyBuilderRule
    configure(app, config, overrides)
    register_extensions(app)
    register_security_layer(app)
    register_blueprints(app)
    register_sync(app)
    register_photo_uses(app)
    register_reminders(app)
    register_exports(app)
    connect_features(app)
    register_error_handlers(app)
    register_compression(app)
    register_commands(app)
    return app


def configure(app: Flask, config: type[Config] | str | None, overrides: dict | None) -> None:
    """Load the settings class (GRIDWALK_CONFIG by default) and any test overrides."""
    settings_class = config if isinstance(config, type) else get_config(config)
    app.config.from_mapping(settings_class.prepare())
    app.config.update(overrides or {})
    app.config["RATELIMIT_STORAGE_URI"] = (
        app.config["REDIS_URL"] if app.config.get("REDIS_URL") else "memory://"
    )
    if app.config.get("REDIS_URL"):
        timeout = app.config["REDIS_TIMEOUT_SECONDS"]
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
        }
    app.logger.setLevel(logging.INFO)


def register_extensions(app: Flask) -> None:
    """Bind the bare extension objects of server.extensions to this app."""
    from server import database
    from server.extensions import api, limiter, login_manager, migrate

    database.init_app(app)
    migrations = str(Path(app.root_path).parent / "migrations")
    migrate.init_app(app, database.db, directory=migrations, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    limiter.init_app(app)
    api.init_app(app)


def register_security_layer(app: Flask) -> None:
    """CSRF, JSON-only bodies, size limits, login loading and security headers."""
    from server.auth.session import init_login
    from server.security import register_security

    init_login(app)
    register_security(app)


def register_blueprints(app: Flask) -> None:
    """API blueprints through flask-smorest (for OpenAPI), then the PWA files."""
    from server import health
    from server.audit import routes as audit
    from server.auth import routes as auth
    from server.campaigns import routes as campaigns
    from server.cases import routes as cases
    from server.exports import routes as exports
    from server.extensions import api
    from server.fields import IdConverter
    from server.forms import routes as forms
    from server.ledger import routes as ledger
    from server.maps import routes as maps
    from server.org import routes as org
    from server.photos import routes as photos
    from server.push import routes as push
    from server.register import routes as register
    from server.reports import routes as reports
    from server.submissions import routes as submissions
    from server.sync import routes as sync
    from server.tasks import routes as tasks
    from server.visits import routes as visits
    from server.web import routes as web

    app.url_map.converters["int"] = IdConverter  # before any rule: ids past 2^31-1 are a 404
    modules = (health, auth, org, forms, photos, sync, register, visits, submissions, audit, push)
    for module in (*modules, exports, cases, tasks, reports, ledger, campaigns, maps):
        api.register_blueprint(module.bp)
    app.url_map.converters["nonapi"] = web.NonApiPathConverter
    app.register_blueprint(web.bp)


def register_sync(app: Flask) -> None:
    """The sync framework, then each feature's push handlers, feed readers and code lists.

    The order is the snapshot's: a cursor names the reader it stopped in by position, so a new
    feature's readers go last (tests/unit/test_sync_registry.py pins it).
    """
    from server.campaigns import sync as campaigns
    from server.cases import sync as cases
    from server.forms import sync as forms
    from server.maps import sync as maps
    from server.register import sync as register
    from server.submissions import sync as submissions
    from server.sync import catalogue, changes, devices, org, registry
    from server.tasks import sync as tasks
    from server.visits import sync as visits

    changes.init_app()  # each commit that recorded changes takes its feed position
    devices.init_app()  # device rows a commit wrote are remembered, so a fresh one is not rewritten
    sync = registry.init_app(app)
    for feature in (org, forms, catalogue, register, submissions, cases, tasks, visits, campaigns, maps):
        feature.register(sync)


def register_photo_uses(app: Flask) -> None:
    """The features whose records keep photos: who may see them, and what the prune must keep."""
    from server.cases import photos as cases
    from server.photos import uses
    from server.submissions import photos as submissions

    photo_uses = uses.init_app(app)
    for feature in (submissions, cases):
        feature.register(photo_uses)


def register_reminders(app: Flask) -> None:
    """The records with deadlines the "deadline near" sweep (flask cases remind) reminds of."""
    from server.campaigns import reminders as campaigns
    from server.cases import reminders as cases
    from server.push import reminders
    from server.tasks import reminders as tasks

    sources = reminders.init_app(app)
    for feature in (cases, tasks, campaigns):
        feature.register(sources)


def register_exports(app: Flask) -> None:
    """The desk's exports that may also run as background jobs (POST /exports replays them)."""
    from server.exports import service

    service.init_app(
        app,
        (
            "cases.export_xlsx",
            "tasks.export_xlsx",
            "register.export_register",
            "register.export_register_xlsx",
            "visits.export_xlsx",
            "reports.kpi_month_xlsx",
            "campaigns.export_xlsx",
        ),
    )


def connect_features(app: Flask) -> None:
    """Where one feature follows another's changes without importing it: the visit schedule
    follows the register's resident edits; a report follows its case's return; a campaign's
    targets follow their households and close by the submissions naming them."""
    from server.campaigns import service as campaigns
    from server.cases import loop as cases
    from server.register import events as register
    from server.submissions import events as submitted
    from server.submissions import review as submissions
    from server.visits import service as visits

    register.on_residents_changed(app, visits.refresh_visit_state)
    register.on_residents_changed(app, campaigns.follow_residents)
    register.on_households_changed(app, campaigns.follow_households)
    submitted.on_target_link(
        app, submitted.TargetLink(campaigns.check_submission_target, campaigns.targets_submitted)
    )
    # A report is reviewed in its case: a return sends the submission back to its author.
    cases.on_report_returned(app, submissions.return_submission)
    cases.on_report_answers(app, submissions.report_answers)


def register_error_handlers(app: Flask) -> None:
    """Every error under /api answers the JSON envelope (after smorest's own handler)."""
    from server.errors import register_error_handlers as register

    register(app)


def register_compression(app: Flask) -> None:
    """Gzip JSON answers over 1 KB (the PWA's files come precompressed from the build)."""
    from server.web import compression

    compression.init_app(app)


def register_commands(app: Flask) -> None:
    """flask seed-demo, create-user, ..."""
    from server.cli import register

    register(app)
