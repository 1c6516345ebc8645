"""Building → Household → Resident, each with a client-made UUID and an edit version.

grid_id is copied down from building to household to resident, so every scoped query and
every feed change needs no join.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.org.models import street_of_grid
from server.timeutil import utcnow


class Building(db.Model):
    __tablename__ = "building"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    # Its point on the map, WGS-84 (server.maps sets it): from GPS with its accuracy in metres, a
    # tap on the map (no accuracy), or a supervisor's correction.
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    point_accuracy: Mapped[float | None] = mapped_column(Float)
    point_source: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Household(db.Model):
    __tablename__ = "household"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # None for a dwelling with no building record (a bungalow, a shanty area).
    building_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("building.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    street_id: Mapped[int | None] = street_of_grid()
    unit: Mapped[str | None] = mapped_column(String(20))
    room: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    housing_type: Mapped[str | None] = mapped_column(String(20))
    head_name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(11))
    notes: Mapped[str | None] = mapped_column(String(500))
    # Bumped by every edit; a phone's edit names the version it started from (base_version).
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Resident(db.Model):
    __tablename__ = "resident"
    __table_args__ = (Index("ix_resident_grid_id_next_visit_due", "grid_id", "next_visit_due"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    street_id: Mapped[int | None] = street_of_grid()
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date] = mapped_column(Date)
    # Indexed: a ledger import matches its residents by ID number.
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(String(11))
    relation: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="present")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    # The tier that counts (override, else derived from age and tags); stored for scoped queries.
    care_tier: Mapped[str] = mapped_column(String(10), default="none")
    care_tier_override: Mapped[str | None] = mapped_column(String(10))
    care_tier_reason: Mapped[str | None] = mapped_column(String(200))
    # The welfare-visit state, kept by server.visits from the visits received (not by edits).
    last_visit_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_contact_method: Mapped[str | None] = mapped_column(String(20))
    not_reached_streak: Mapped[int] = mapped_column(Integer, default=0)
    major_change_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    visit_flag: Mapped[str | None] = mapped_column(String(30))
    next_visit_due: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class RegisterEdit(db.Model):
    """A register edit that arrived by sync push, by its outbox item id: a resend is a duplicate."""

    __tablename__ = "register_edit"

    item_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    device_id: Mapped[str] = mapped_column(String(64))
    # The version the edit produced (a resend is answered with it).
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
