"""One import of a ledger file: where the file lies, the mapping the user chose, what the checks
found and what the commit did. The register itself is only written by the commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.timeutil import utcnow

# uploaded → analysing → ready ⇄ analysing (a new mapping) → committing → committed;
# a file that cannot be read ends in failed, a commit that fails goes back to ready with its error.
STATES = ("analysing", "ready", "committing", "committed", "failed")


class LedgerImport(db.Model):
    __tablename__ = "ledger_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="register")
    # The file is kept in the instance folder under its SHA-256, never in the database.
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    file_format: Mapped[str] = mapped_column(String(10))  # xlsx | csv
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="analysing")
    # Sheet row number of the header (1-based) and the header texts, column by column.
    header_row: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[list | None] = mapped_column(JSON)
    # Column index (as text) → field code, or null for a column not imported.
    mapping: Mapped[dict | None] = mapped_column(JSON)
    samples: Mapped[list | None] = mapped_column(JSON)
    # What the checks found: counts and the first errors per field.
    report: Mapped[dict | None] = mapped_column(JSON)
    # [sheet row, reason] of every row the checks or the commit turned away.
    rejected: Mapped[list | None] = mapped_column(JSON)
    # What the commit wrote: created / updated / unchanged per entity.
    counts: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
