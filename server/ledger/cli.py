"""flask ledger import (a ledger file from the command line), flask ledger prune (old uploads off
the disk) and flask ledger worker (the RQ worker for imports started at the desk when REDIS_URL is
set)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from server.auth.models import User
from server.extensions import db
from server.ledger import reader, service
from server.timeutil import utcnow


@click.group("ledger")
def ledger() -> None:
    """Import ledgers (台账) from Excel or CSV."""


@ledger.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--user", "username", required=True, help="The admin or supervisor the import is done as (scope, audit)."
)
@click.option("--dry-run", is_flag=True, help="Check every row and print the report; write nothing.")
@with_appcontext
def import_ledger(path: Path, username: str, dry_run: bool) -> None:
    """Import a register ledger (XLSX or CSV) as USER: the same checks and writes as the desk."""
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None or user.role not in ("admin", "supervisor") or not user.active:
        raise click.ClickException(f"{username}: no active admin or supervisor of that name")
    try:
        imp = service.store_upload(path.read_bytes(), path.name, user)
        service.analyse(imp, user)
    except reader.FileRefused as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    report = imp.report or {}
    click.echo(
        f"{path.name}: header on row {imp.header_row}; {report.get('rows', 0)} rows, "
        f"{report.get('valid', 0)} valid, {report.get('rejected', 0)} rejected"
    )
    for problem in report.get("mapping_errors", []):
        click.echo(f"  mapping: {problem}")
    for column in report.get("columns", []):
        for error in column["first"]:
            click.echo(f"  row {error['row']} {column['label']}: {error['message']}")
    if dry_run or report.get("mapping_errors") or not report.get("valid"):
        imp.state = "ready"
        db.session.commit()
        return
    counts = service.commit(imp, user, lambda done, total: None)
    imp.state, imp.counts, imp.committed_at = "committed", counts, utcnow()
    db.session.commit()
    service.drop_parsed(imp)
    for entity in ("buildings", "households", "residents"):
        c = counts[entity]
        click.echo(f"  {entity}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged")
    click.echo(f"  rejected: {counts['rejected']}")


@ledger.command("prune")
@with_appcontext
def prune_ledger() -> None:
    """Remove uploaded ledger files, checked rows and undownloaded first passwords that no import
    has touched for LEDGER_KEEP_DAYS (also done at every upload); imports still waiting fail."""
    removed = service.sweep()
    db.session.commit()
    click.echo(
        f"Removed {removed['files']} files older than {current_app.config['LEDGER_KEEP_DAYS']} days; "
        f"{removed['imports_failed']} imports never committed are marked failed"
    )


@ledger.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued, then exit.")
@with_appcontext
def ledger_worker(burst: bool) -> None:
    """Run ledger import jobs from REDIS_URL's queue (LEDGER_QUEUE_NAME), in this process."""
    from rq import SimpleWorker

    from server.ledger.jobs import worker_queue

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is unset: without Redis, imports run inside the app itself.")
    queue = worker_queue(current_app)
    SimpleWorker([queue], connection=queue.connection).work(burst=burst, logging_level="INFO")
