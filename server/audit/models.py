"""AuditLog: one row per audited act; rows are only ever added."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from server.extensions import db
from server.timeutil import utcnow


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a row of an append-only log."""


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor_id_at", "actor_id", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Null for a failed login with an unknown username (the name is in detail).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str | None] = mapped_column(String(30))
    target_id: Mapped[str | None] = mapped_column(String(64))
    # Field names and ids only: never the full numbers a view revealed, never a password.
    detail: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))


def refuse_changes(model: type) -> None:
    """Make the ORM refuse to update or delete rows of `model` (an append-only log)."""

    def refuse(_mapper, _connection, target) -> None:
        raise AppendOnlyError(f"{type(target).__name__} is append-only: rows are never changed or deleted")

    event.listen(model, "before_update", refuse)
    event.listen(model, "before_delete", refuse)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    """session.execute(update(AuditLog)) / delete(...) bypass the mapper events: refuse them here."""
    if not (state.is_update or state.is_delete):
        return
    for mapper in state.all_mappers:
        if mapper.class_ in APPEND_ONLY:
            raise AppendOnlyError(
                f"{mapper.class_.__name__} is append-only: rows are never changed or deleted"
            )


APPEND_ONLY: set[type] = set()


def append_only(model: type) -> type:
    """Mark a model as an append-only log (ORM updates and deletes raise AppendOnlyError)."""
    APPEND_ONLY.add(model)
    refuse_changes(model)
    return model


append_only(AuditLog)
