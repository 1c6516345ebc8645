"""District → Street → Community → Grid, and the Departments that handle dispatched cases.

A district office (or a city) runs many streets on one database; one street alone needs no
district row (street.district_id stays null).
"""

from __future__ import annotations

from sqlalchemy import FetchedValue, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db


class District(db.Model):
    """区: the level above the street (e.g. 西湖区, division code 360103)."""

    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20), unique=True)

    streets: Mapped[list[Street]] = relationship(back_populates="district", order_by="Street.code")


class Street(db.Model):
    __tablename__ = "street"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Division code prefix, e.g. 360103-001 (district 西湖区 + street).
    code: Mapped[str] = mapped_column(String(20), unique=True)

    district: Mapped[District | None] = relationship(back_populates="streets")

    communities: Mapped[list[Community]] = relationship(back_populates="street", order_by="Community.code")


class Community(db.Model):
    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(30), unique=True)

    street: Mapped[Street] = relationship(back_populates="communities")
    grids: Mapped[list[Grid]] = relationship(back_populates="community", order_by="Grid.code")


class Grid(db.Model):
    __tablename__ = "grid"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    # Full readable code: district-street-community-grid, e.g. 360103-001-003-002.
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))

    community: Mapped[Community] = relationship(back_populates="grids")


class Department(db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Rough kind of handling unit (城管, 物业, 社区, 消防...), for dispatch suggestions later.
    kind: Mapped[str] = mapped_column(String(30), default="other")


# ---- columns the database keeps in step (migration 0009's triggers) ---------------------------


def street_of_grid() -> Mapped[int | None]:
    """An indexed street_id that follows the row's grid_id: a street's lists and figures filter
    one indexed column instead of joining grid → community on every row. The database sets it
    on every insert and grid change, whoever writes (the ORM, a bulk insert, a console), so it
    cannot drift; the ORM reads it back after a flush."""
    return mapped_column(
        ForeignKey("street.id"), index=True, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )


def coordinate() -> Mapped[float | None]:
    """lat or lng as a number, copied by the database from the row's `location` JSON, so "similar"
    (and the map) can ask for a box through an index."""
    return mapped_column(Float, server_default=FetchedValue(), server_onupdate=FetchedValue())
