"""Boundaries as GeoJSON text (WGS-84, checked by server.maps.geometry): no PostGIS, so the
embedded SQLite install draws the same map. Building points live on the register's building
row (lat, lng, point_accuracy, point_source), set and corrected through this feature."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.timeutil import utcnow


class GridBoundary(db.Model):
    __tablename__ = "grid_boundary"

    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), primary_key=True)
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON Polygon or MultiPolygon, [lng, lat]
    vertices: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class CommunityBoundary(db.Model):
    __tablename__ = "community_boundary"

    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), primary_key=True)
    geometry: Mapped[str] = mapped_column(Text)
    vertices: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
