"""Writing audit rows (in the caller's transaction) and reading them for the admin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import func, insert, select

from server.audit.models import AuditLog
from server.auth.models import User
from server.auth.scope import Scope
from server.extensions import db
from server.timeutil import utcnow

# What the log records; the admin filters by these.
ACTIONS = (
    "auth.login",
    "auth.login_failed",
    "auth.password_changed",
    "auth.password_reset",
    "resident.identity_view",
    "resident.identity_denied",
    "household.phone_view",
    "household.phone_denied",
    "household.create",
    "household.update",
    "resident.create",
    "resident.update",
    "resident.major_change",
    "building.create",
    "export",
    "ledger.import",
)


def export_detail(
    what: str, scope: Scope, rows: int, filters: dict[str, Any], file_format: str = "xlsx"
) -> dict:
    """An export's audit detail: what, in which format, from which scope, with which filters, how many rows."""
    detail: dict[str, Any] = {"what": what, "format": file_format, "scope": scope.level}
    if scope.level_id is not None:
        detail[f"{scope.level}_id"] = scope.level_id
    # Filters as the caller gave them (JSON-safe: ids, codes, flags, months).
    detail.update({key: value for key, value in filters.items() if value is not None})
    detail["rows"] = rows
    return detail


def client_ip() -> str | None:
    """The caller's address (the proxy's ProxyFix, where deployed, makes it the real one)."""
    if not has_request_context():
        return None
    return (request.remote_addr or "")[:45] or None


def audit_row(
    action: str,
    actor_id: int | None,
    target_type: str | None = None,
    target_id: Any = None,
    detail: dict | None = None,
    at: datetime | None = None,
) -> dict:
    """One audit_log row as a dict, for record_many (the batch push writes many at once)."""
    return {
        "at": at or utcnow(),
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "detail": detail,
        "ip": client_ip(),
    }


def record(
    action: str,
    actor: User | None,
    target_type: str | None = None,
    target_id: Any = None,
    detail: dict | None = None,
) -> None:
    """Add one audit row to the current transaction; the caller commits."""
    record_many([audit_row(action, actor.id if actor else None, target_type, target_id, detail)])


def record_many(rows: list[dict]) -> None:
    """Insert audit rows in one statement."""
    if rows:
        db.session.connection().execute(insert(AuditLog.__table__), rows)


def record_login(username: str, user: User | None) -> None:
    """A login attempt: success in the login's own transaction, failure committed at once.

    A failed login answers 401 next and nothing else would commit, so this commits its row.
    The password is never written; the username is, trimmed, so attempts on a name show up.
    """
    if user is not None:
        record("auth.login", user, "user", user.id)
        return
    record("auth.login_failed", None, "user", None, {"username": (username or "").strip()[:64]})
    db.session.commit()


def search(
    *,
    action: str | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict:
    """Audit rows newest first, filtered, one page at a time."""
    stmt = select(AuditLog)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if actor_id is not None:
        stmt = stmt.where(AuditLog.actor_id == actor_id)
    if target_type:
        stmt = stmt.where(AuditLog.target_type == target_type)
    if target_id:
        stmt = stmt.where(AuditLog.target_id == target_id)
    if since is not None:
        stmt = stmt.where(AuditLog.at >= since)
    if until is not None:
        stmt = stmt.where(AuditLog.at < until)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    names = _usernames({row.actor_id for row in rows if row.actor_id is not None})
    entries = [
        {
            "id": row.id,
            "at": row.at,
            "actor_id": row.actor_id,
            "actor": names.get(row.actor_id),
            "action": row.action,
            "target_type": row.target_type,
            "target_id": row.target_id,
            "detail": row.detail,
            "ip": row.ip,
        }
        for row in rows
    ]
    return {"entries": entries, "total": total, "page": page, "per_page": per_page}


def _usernames(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
