"""The one place that says what a user may see; every query goes through it.

A scope is a level and the id at that level, and it answers with SQL: a predicate for a query,
by joins up the tree grid → community → street → district, never a set of ids carried in
Python. A district office with 720 grids asks the database the same small question as a worker
with one.

- worker: the grids assigned to them (user_grid)
- supervisor: their community, or their whole street (street_wide)
- handler: their department's dispatched work, not the register
- admin: their street, their district, or everything (an admin with neither: the operator of a
  one-street install, or of the whole database)

An object outside the scope answers 404, exactly like a missing one.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, false, or_, select, true

from server.auth.models import User, user_grid
from server.database import member_of
from server.errors import not_found
from server.extensions import db
from server.org.models import Community, Department, Grid, Street

LEVELS = ("all", "district", "street", "community", "grids", "department")


@dataclass(frozen=True)
class Scope:
    """What one user may read: a level and its id (the district, street or community)."""

    user_id: int
    role: str
    level: str
    level_id: int | None = None
    department_id: int | None = None
    # Answers already asked of the database in this request (a push checks many items).
    _grid_answers: dict[int, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, user: User) -> Scope:
        if user.role == "admin":
            if user.district_id is not None:
                return cls(user.id, user.role, "district", user.district_id)
            if user.street_id is not None:
                return cls(user.id, user.role, "street", user.street_id)
            return cls(user.id, user.role, "all")
        if user.role == "supervisor":
            if user.street_wide:
                # A street-wide supervisor with no street (made before streets had ids on users)
                # sees nothing rather than every street.
                return cls(user.id, user.role, "street", user.street_id)
            return cls(user.id, user.role, "community", user.community_id)
        if user.role == "worker":
            return cls(user.id, user.role, "grids")
        return cls(user.id, user.role, "department", department_id=user.department_id)

    @property
    def everything(self) -> bool:
        """No limit at all: the operator's admin."""
        return self.level == "all"

    # ---- predicates ------------------------------------------------------------------------

    def grids(self) -> Select:
        """SELECT grid.id of every grid in scope (for IN and joins)."""
        return select(Grid.id).where(self._grid_condition())

    def _grid_condition(self) -> ColumnElement[bool]:
        if self.level == "all":
            return true()
        if self.level == "district":
            return Grid.community_id.in_(
                select(Community.id).join(Street).where(Street.district_id == self.level_id)
            )
        if self.level == "street":
            return Grid.community_id.in_(select(Community.id).where(Community.street_id == self.level_id))
        if self.level == "community":
            return Grid.community_id == self.level_id
        if self.level == "grids":
            return Grid.id.in_(select(user_grid.c.grid_id).where(user_grid.c.user_id == self.user_id))
        return false()

    def grid_clause(self, grid_column, street_column=None) -> ColumnElement[bool]:
        """Rows whose grid lies in scope. Pass the row's own street_id column where it has one:
        a street or district then filters that one indexed column, with no join per row."""
        if self.level == "all":
            return true()
        if street_column is not None and self.level == "street":
            return street_column == self.level_id
        if street_column is not None and self.level == "district":
            return street_column.in_(select(Street.id).where(Street.district_id == self.level_id))
        if self.level in ("department",):
            return false()
        return member_of(grid_column, self.grids())

    def community_clause(self, community_column) -> ColumnElement[bool]:
        """Rows whose community lies in scope (a community holding any grid in scope)."""
        if self.level == "all":
            return true()
        if self.level == "district":
            return community_column.in_(
                select(Community.id).join(Street).where(Street.district_id == self.level_id)
            )
        if self.level == "street":
            return community_column.in_(select(Community.id).where(Community.street_id == self.level_id))
        if self.level == "community":
            return community_column == self.level_id
        if self.level == "grids":
            return community_column.in_(select(Grid.community_id).where(self._grid_condition()))
        return false()

    def street_clause(self, street_column) -> ColumnElement[bool]:
        """Rows whose street lies in scope (streets holding any grid in scope)."""
        if self.level == "all":
            return true()
        if self.level == "district":
            return street_column.in_(select(Street.id).where(Street.district_id == self.level_id))
        if self.level == "street":
            return street_column == self.level_id
        if self.level == "department":
            return street_column.in_(select(Department.street_id).where(Department.id == self.department_id))
        return street_column.in_(
            select(Community.street_id)
            .join(Grid, Grid.community_id == Community.id)
            .where(self._grid_condition())
        )

    def user_clause(self) -> ColumnElement[bool]:
        """User accounts in scope: assigned to a grid or community in it; for a street or district
        also its street-wide staff, its departments' handlers and (district) its own admins."""
        if self.level == "all":
            return true()
        assigned = select(user_grid.c.user_id).where(user_grid.c.grid_id.in_(self.grids()))
        conditions = [User.id.in_(assigned), self.community_clause(User.community_id)]
        if self.level in ("street", "district"):
            conditions.append(self.street_clause(User.street_id))
            conditions.append(
                User.department_id.in_(select(Department.id).where(self.street_clause(Department.street_id)))
            )
        if self.level == "district":
            conditions.append(User.district_id == self.level_id)
        return or_(*conditions)

    def filter_grid(self, stmt: Select, grid_column, street_column=None) -> Select:
        """Limit a query to rows whose grid lies in scope."""
        return stmt if self.level == "all" else stmt.where(self.grid_clause(grid_column, street_column))

    def filter_community(self, stmt: Select, community_column) -> Select:
        """Limit a query to rows whose community lies in scope."""
        return stmt if self.level == "all" else stmt.where(self.community_clause(community_column))

    # ---- one object ------------------------------------------------------------------------

    def allows_grid(self, grid_id: int | None) -> bool:
        """Whether this grid exists and lies in scope (asked once per grid per request)."""
        if grid_id is None or isinstance(grid_id, bool) or not isinstance(grid_id, int):
            return False
        if grid_id not in self._grid_answers:
            params = {"grid_id": grid_id, "user_id": self.user_id, "level_id": self.level_id}
            found = db.session.connection().execute(_grid_in_scope(self.level), params).scalar()
            self._grid_answers[grid_id] = bool(found)
        return self._grid_answers[grid_id]

    def allows_community(self, community_id: int | None) -> bool:
        if community_id is None:
            return False
        return bool(
            db.session.scalar(
                select(
                    exists().where(and_(Community.id == community_id, self.community_clause(Community.id)))
                )
            )
        )

    def allows_street(self, street_id: int | None) -> bool:
        if street_id is None:
            return False
        return bool(
            db.session.scalar(
                select(exists().where(and_(Street.id == street_id, self.street_clause(Street.id))))
            )
        )

    def fingerprint(self) -> str:
        """Changes when what the user may see changes (a new level, or other grids assigned)."""
        parts = [self.role, self.level, str(self.level_id), str(self.department_id)]
        if self.level == "grids":
            assigned = db.session.scalars(
                select(user_grid.c.grid_id)
                .where(user_grid.c.user_id == self.user_id)
                .order_by(user_grid.c.grid_id)
            )
            parts.append(",".join(map(str, assigned)))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


@functools.cache
def _grid_in_scope(level: str) -> Select:
    """EXISTS (this grid, in a scope of this level), built once per level with the ids as
    parameters: every push asks it, and building the statement and its cache key cost more CPU
    than the database spends answering it."""
    template = Scope(bindparam("user_id"), "", level, bindparam("level_id"))  # type: ignore[arg-type]
    return select(exists().where(and_(Grid.id == bindparam("grid_id"), template._grid_condition())))


def grid_or_404(scope: Scope, grid_id: int) -> Grid:
    """The grid if the scope holds it; otherwise the same 404 as a missing one."""
    grid = db.session.get(Grid, grid_id)
    if grid is None or not scope.allows_grid(grid.id):
        raise not_found()
    return grid
