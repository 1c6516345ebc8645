"""PushSubscription: one browser's push endpoint and keys, owned by the user logged in on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.timeutil import utcnow


class PushSubscription(db.Model):
    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The push service's capability URL for this browser: whoever knows it can push to it.
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))  # base64url, 65-byte P-256 point
    auth: Mapped[str] = mapped_column(String(32))  # base64url, 16-byte secret
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Deliveries that failed since the last success (a success resets it).
    failures: Mapped[int] = mapped_column(Integer, default=0)

    def subscription_info(self) -> dict:
        """The shape pywebpush takes (and the browser's PushSubscription.toJSON() gives)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
