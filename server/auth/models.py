"""User accounts and which grids a worker covers."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.org.models import Community, Department, District, Grid, Street
from server.timeutil import utcnow

ROLES = ("worker", "supervisor", "handler", "admin")

user_grid = Table(
    "user_grid",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("grid_id", ForeignKey("grid.id", ondelete="CASCADE"), primary_key=True),
)


def _new_nonce() -> str:
    return secrets.token_hex(8)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    # Supervisors: one community, or none with street_wide set for the whole street.
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    street_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    # Street-wide supervisors and street admins: their street. District admins: their district.
    # An admin with neither runs the whole database (the operator of a one-street install).
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # An admin chose the password (new account, reset): the user must pick their own first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Part of the session id: rotating it (deactivation, password change) ends every session.
    session_nonce: Mapped[str] = mapped_column(String(32), default=_new_nonce)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    grids: Mapped[list[Grid]] = relationship(secondary=user_grid, order_by=Grid.code)
    community: Mapped[Community | None] = relationship()
    street: Mapped[Street | None] = relationship()
    district: Mapped[District | None] = relationship()
    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie of this user."""
        self.session_nonce = _new_nonce()
