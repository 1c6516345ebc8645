"""flask cases remind: send the "deadline near" pushes, once or every few minutes."""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from server import worktime as calendar
from server.extensions import db
from server.push import reminders
from server.push.service import flush, send_all

log = logging.getLogger(__name__)


@click.group("cases")
def cases() -> None:
    """The case loop."""


@cases.command("remind")
@click.option(
    "--every",
    "seconds",
    type=click.IntRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Sweep again every SECONDS, forever (for hosts without cron); default: sweep once.",
)
@with_appcontext
def remind(seconds: int | None) -> None:
    """Push "deadline near" to holders of dispatched cases and open tasks at 80 % of their time."""
    if seconds is None:
        cases_count, tasks_count = sweep()
        click.echo(f"Reminded cases: {cases_count}, tasks: {tasks_count}.")
        _wait_for_push_threads()
        return
    click.echo(f"Deadline reminders: sweeping every {seconds} s (Ctrl-C stops).")
    while True:
        try:
            cases_count, tasks_count = sweep()
        except Exception:  # a database restart must not end the loop: the next sweep catches up
            log.exception("deadline reminder sweep failed")
        else:
            if cases_count or tasks_count:
                click.echo(f"Reminded cases: {cases_count}, tasks: {tasks_count}.")
        db.session.remove()  # rolls back a failed sweep; no connection held while sleeping
        time.sleep(seconds)


def sweep() -> tuple[int, int]:
    """One sweep: claim what is due, commit, then send; returns (cases, tasks) reminded."""
    found = reminders.claim_all(calendar.now())
    db.session.commit()
    send_all(found.pushes)
    return found.counts.get("cases", 0), found.counts.get("tasks", 0)


def _wait_for_push_threads() -> None:
    """Without Redis the pushes go out from this process's threads: let them finish before exit."""
    config = current_app.config
    if config.get("REDIS_URL"):
        return  # queued in Redis for the push worker
    attempts = config["PUSH_MAX_ATTEMPTS"]
    worst = attempts * config["PUSH_TIMEOUT_SECONDS"] + (attempts - 1) * config["PUSH_RETRY_MAX_SECONDS"]
    if not flush(worst + 5):
        log.warning("some deadline reminder pushes were still being sent at exit")
