"""FormTemplate: one immutable version of a form's field list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.timeutil import utcnow


class FormTemplate(db.Model):
    __tablename__ = "form_template"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(String(100))
    title_en: Mapped[str] = mapped_column(String(100))
    # Which submission kind this form records (household_visit, welfare_visit, ...).
    kind: Mapped[str] = mapped_column(String(30))
    # The field list; never edited after creation: queued items name (key, version).
    fields: Mapped[list] = mapped_column(JSON)
    # Offered for new forms; older versions stay valid for items queued under them.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def sync_id(self) -> str:
        """The id this version has in the pull feed and on the phone."""
        return f"{self.key}:{self.version}"
