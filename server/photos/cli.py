"""flask photos prune: remove uploaded photos that no record ever used."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("photos")
def photos() -> None:
    """Stored photos."""


@photos.command("prune")
@click.option(
    "--older-than",
    "hours",
    type=click.FloatRange(min=0),
    default=None,
    help="Only photos uploaded at least this many hours ago (default: PHOTO_ORPHAN_HOURS).",
)
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove nothing.")
@with_appcontext
def prune(hours: float | None, dry_run: bool) -> None:
    """Remove photos no record uses (rows and stored files), and stray files with no row."""
    from server.photos.service import prune_orphans

    if hours is None:
        hours = float(current_app.config.get("PHOTO_ORPHAN_HOURS", 72))
    report = prune_orphans(timedelta(hours=hours), dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    click.echo(
        f"{verb} {report.orphans} orphan photos older than {hours:g} h "
        f"({report.files} stored files), {report.strays} stray files without a photo row"
        + (f", {report.temp_files} stale temp files" if report.temp_files else "")
        + "."
    )
    if report.kept_in_use:
        click.echo(f"Kept {report.kept_in_use} photos a record started using meanwhile.")
