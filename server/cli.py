"""flask commands: seed-demo, create-user, forms install-builtins; the feature packages' own groups."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from server import demo
from server.auth import service
from server.auth.schemas import UserCreateSchema
from server.cases.cli import cases
from server.demo import DEMO_PASSWORD
from server.errors import ApiError
from server.extensions import db
from server.forms.service import install_builtins as install_builtin_forms
from server.ledger.cli import ledger
from server.photos.cli import photos
from server.push.cli import push_keys, push_worker
from server.visits.service import refresh_care_tiers as refresh_resident_tiers


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(forms)
    app.cli.add_command(register_group)
    app.cli.add_command(photos)
    app.cli.add_command(cases)
    app.cli.add_command(push_keys)
    app.cli.add_command(push_worker)
    app.cli.add_command(ledger)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has a street.")
@click.option(
    "--households",
    type=click.IntRange(min=0, max=2000),
    default=0,
    show_default=True,
    help="Fictional households (with residents) to add per grid; 0 loads no register.",
)
@with_appcontext
def seed_demo(if_empty: bool, households: int) -> None:
    """Load the 南浦街道 demo organisation, users and (optionally) register; print the demo logins."""

    if not current_app.config["SEED_DEMO_ALLOWED"]:
        raise click.ClickException("seed-demo refuses to run under the production configuration.")
    if not demo.is_empty():
        if if_empty:
            click.echo("Database already has data; demo data not loaded.")
            logins = demo.existing_logins()
            if logins:
                print_logins(logins)
            return
        raise click.ClickException("The database already has a street; seed-demo runs on an empty one.")
    demo.seed_org()
    logins = demo.seed_users()
    demo.seed_forms()
    cases = demo.seed_cases()
    click.echo(f"Demo cases (演示数据): {cases}, and one task for the first grid worker.")
    if households:
        added, people = demo.seed_households(households)
        click.echo(f"Demo register (演示数据): {added} households, {people} residents.")
    db.session.commit()
    print_logins(logins)


def print_logins(logins: list[tuple[str, str, str]]) -> None:
    """The demo logins, role users first, then a few of the grid workers."""

    click.echo(f"Demo logins (演示账号), password for all: {DEMO_PASSWORD}")
    workers = [row for row in logins if row[1] == "worker"]
    for username, role, what in [row for row in logins if row[1] != "worker"] + workers[:3]:
        click.echo(f"  {username:<12} {role:<11} {what}")
    click.echo(
        f"  ... and {len(workers) - 3} more grid workers ({workers[3][0]} … {workers[-1][0]}), one per grid"
    )


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--display-name", required=True)
@click.option("--role", type=click.Choice(["worker", "supervisor", "handler", "admin"]), required=True)
@click.option("--phone")
@click.option("--community-id", type=int)
@click.option("--street-wide", is_flag=True)
@click.option("--department-id", type=int)
@click.option("--grid-id", "grid_ids", type=int, multiple=True)
@click.option(
    "--no-must-change",
    is_flag=True,
    help="Let the user keep this password (by default they must change it at the first login).",
)
@click.password_option()
@with_appcontext
def create_user(
    username,
    display_name,
    role,
    phone,
    community_id,
    street_wide,
    department_id,
    grid_ids,
    no_must_change,
    password,
):
    """Create a user account (asks for the password; the API's password rules apply)."""
    from marshmallow import ValidationError

    raw = {
        "username": username,
        "display_name": display_name,
        "password": password,
        "role": role,
        "phone": phone,
        "community_id": community_id,
        "street_wide": street_wide,
        "department_id": department_id,
        "grid_ids": list(grid_ids),
    }
    try:
        user = service.create_user(**UserCreateSchema().load(raw), must_change_password=not no_must_change)
    except ValidationError as exc:
        raise click.ClickException(_field_messages(exc.messages)) from exc
    except ApiError as exc:
        raise click.ClickException(f"{exc.message}: {_field_messages(exc.fields or {})}") from exc
    db.session.commit()
    click.echo(f"Created {user.role} {user.username} (id {user.id}).")
    if user.must_change_password:
        click.echo("They must change the password at the first login.")


def _field_messages(fields: dict) -> str:
    """One `field: message` a line, as the admin screen shows them next to each field."""
    return "\n".join(f"{name}: {'; '.join(map(str, problems))}" for name, problems in fields.items())


@click.group("forms")
def forms() -> None:
    """Form templates."""


@forms.command("install-builtins")
@with_appcontext
def install_builtins() -> None:
    """Add the built-in form templates the database lacks (safe to run on every start)."""

    added = install_builtin_forms()
    db.session.commit()
    if added:
        click.echo("Installed form templates: " + ", ".join(f"{t.key} v{t.version}" for t in added))
    else:
        click.echo("Built-in form templates already installed.")


@click.group("register")
def register_group() -> None:
    """The resident register."""


@register_group.command("refresh-care-tiers")
@with_appcontext
def refresh_care_tiers() -> None:
    """Recompute care tiers for today's ages (run daily, e.g. from cron: people turn 60 and 80)."""

    changed = refresh_resident_tiers()
    db.session.commit()
    click.echo(f"Care tiers changed: {changed}.")
