"""One export job: which export the user asked for (an export route's path and its query), where
it stands, and the finished file's name. The file lies in the instance folder, never in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.timeutil import utcnow

# queued → running → done | failed; a job still running past EXPORT_TIMEOUT_SECONDS died with
# its process and is marked failed by the next sweep.
STATES = ("queued", "running", "done", "failed")


class ExportJob(db.Model):
    __tablename__ = "export_job"

    # Random: the id is the download link's only name, and links are not to be guessed in turn.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # The export route under /api/v1 and its query, replayed as the user by the job.
    path: Mapped[str] = mapped_column(String(200))
    query: Mapped[dict] = mapped_column(JSON)
    # The asker's language and address: the file's words and the audit row are theirs.
    language: Mapped[str] = mapped_column(String(100))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10), default="queued")
    # Set when done: the name the browser saves it under (Content-Disposition), its type and size.
    disposition: Mapped[str | None] = mapped_column(String(500))
    mimetype: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    # Set when failed: the export route's own answer (status, code, message).
    error: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
