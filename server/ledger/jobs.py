"""Where an import's long steps run: an RQ queue (LEDGER_QUEUE_NAME) when REDIS_URL is set and
answers, served by `flask ledger worker`; otherwise a thread of this app process.

Each step runs in an app context of its own (its own session). The commit is one transaction:
a failure rolls all of it back, and the import goes back to `ready` with the reason.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app
from redis.exceptions import RedisError

from server.auth.models import User
from server.extensions import db
from server.i18n import msg
from server.ledger import organisation, reader, service
from server.ledger.models import LedgerImport
from server.push.queue import job
from server.timeutil import utcnow

log = logging.getLogger(__name__)

ANALYSE = "analyse"
COMMIT = "commit"
JOB_TIMEOUT = 3600


def enqueue(step: str, import_id: int, app: Flask | None = None) -> None:
    """Run an import step in the background (after the caller's commit)."""
    app = app or current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        try:
            _redis_queue(app).enqueue_call(
                run_step, args=(step, import_id), timeout=JOB_TIMEOUT, result_ttl=0, failure_ttl=7 * 24 * 3600
            )
            return
        except RedisError:
            log.warning("Redis unreachable: ledger import %s runs in this process", import_id)
    thread = threading.Thread(target=_run_in_thread, args=(app, step, import_id), daemon=True)
    thread.start()


def _redis_queue(app: Flask):
    import redis
    from rq import Queue

    timeout = app.config["REDIS_TIMEOUT_SECONDS"]
    connection = redis.Redis.from_url(
        app.config["REDIS_URL"], socket_connect_timeout=timeout, socket_timeout=timeout
    )
    return Queue(app.config["LEDGER_QUEUE_NAME"], connection=connection)


def worker_queue(app: Flask):
    """The queue `flask ledger worker` serves (a connection with RQ's own blocking timeouts)."""
    import redis
    from rq import Queue

    return Queue(app.config["LEDGER_QUEUE_NAME"], connection=redis.Redis.from_url(app.config["REDIS_URL"]))


def _run_in_thread(app: Flask, step: str, import_id: int) -> None:
    with app.app_context():
        try:
            run_step.__wrapped__(step, import_id)
        except Exception:  # already recorded on the import; a thread has nobody to raise to
            log.exception("ledger import %s: %s failed", import_id, step)


@job
def run_step(step: str, import_id: int) -> None:
    """Analyse or commit one import (an RQ job, or the body of a thread)."""
    try:
        if step == ANALYSE:
            _analyse(import_id)
        elif step == COMMIT:
            _commit(import_id)
    finally:
        db.session.remove()


def _analyse(import_id: int) -> None:
    imp = db.session.get(LedgerImport, import_id)
    if imp is None or imp.state != "analysing":
        return
    user = db.session.get(User, imp.uploaded_by)
    try:
        if imp.kind == organisation.KIND:
            organisation.analyse(imp, user)
        else:
            service.analyse(imp, user)
        imp.state, imp.error = "ready", None
    except reader.FileRefused as exc:
        imp.state, imp.error = "failed", exc.message[:500]
    except Exception:
        db.session.rollback()
        imp = db.session.get(LedgerImport, import_id)
        imp.state, imp.error = "failed", msg("读取文件时出错", "The file could not be read")
        log.exception("ledger import %s: analysis failed", import_id)
    imp.updated_at = utcnow()
    db.session.commit()


def _commit(import_id: int) -> None:
    imp = db.session.get(LedgerImport, import_id)
    if imp is None or imp.state != "committing":
        return
    user = db.session.get(User, imp.uploaded_by)
    service.write_progress(import_id, 0, (imp.report or {}).get("valid", 0))
    try:
        first_passwords: list[list[str]] = []
        if imp.kind == organisation.KIND:
            # A street's org chart is a few hundred rows: one step, no progress to show.
            imp.counts, first_passwords = organisation.commit(imp, user, service.read_rows(imp))
        else:
            imp.counts = service.commit(
                imp, user, lambda done, total: service.write_progress(import_id, done, total)
            )
        imp.state, imp.error = "committed", None
        imp.committed_at = imp.updated_at = utcnow()
        db.session.commit()
        # Only accounts that now exist: after the commit, never before it.
        organisation.keep_first_passwords(imp, first_passwords)
        service.drop_parsed(imp)
    except Exception as exc:
        # One transaction: nothing of this import stays in the register.
        db.session.rollback()
        imp = db.session.get(LedgerImport, import_id)
        reason = exc.message if isinstance(exc, reader.FileRefused) else type(exc).__name__
        imp.state = "ready"
        imp.error = msg(
            f"导入失败，底册未作任何改动（{reason}），请稍后重试",
            f"The import failed and changed nothing ({reason})",
        )[:500]
        imp.updated_at = utcnow()
        db.session.commit()
        log.exception("ledger import %s: commit failed", import_id)
    finally:
        service.clear_progress(import_id)
