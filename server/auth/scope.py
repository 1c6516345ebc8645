"""The one place that says what a user may see; every query goes through it.

worker: own grids; supervisor: own community, or the whole street; handler: own department;
admin: everything. An object outside the scope answers 404, exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, false, select

from server.auth.models import User
from server.errors import not_found
from server.extensions import db
from server.org.models import Grid


@dataclass(frozen=True)
class Scope:
    """What one user may read: None means no limit on that axis."""

    user_id: int
    role: str
    grid_ids: frozenset[int] | None
    community_ids: frozenset[int] | None
    department_id: int | None

    @classmethod
    def of(cls, user: User) -> Scope:
        if user.role == "admin" or (user.role == "supervisor" and user.street_wide):
            return cls(user.id, user.role, None, None, None)
        if user.role == "supervisor":
            community_ids = frozenset([user.community_id]) if user.community_id else frozenset()
            grid_ids = frozenset(
                db.session.scalars(select(Grid.id).where(Grid.community_id.in_(community_ids)))
            )
            return cls(user.id, user.role, grid_ids, community_ids, None)
        if user.role == "worker":
            grid_ids = frozenset(g.id for g in user.grids)
            community_ids = frozenset(g.community_id for g in user.grids)
            return cls(user.id, user.role, grid_ids, community_ids, None)
        # Handlers see their department's dispatched work, not the register.
        return cls(user.id, user.role, frozenset(), frozenset(), user.department_id)

    @property
    def everything(self) -> bool:
        return self.grid_ids is None

    def allows_grid(self, grid_id: int | None) -> bool:
        return self.grid_ids is None or (grid_id is not None and grid_id in self.grid_ids)

    def allows_community(self, community_id: int | None) -> bool:
        return self.community_ids is None or (community_id is not None and community_id in self.community_ids)

    def filter_grid(self, stmt: Select, grid_column) -> Select:
        """Limit a query to rows whose grid column lies in scope."""
        if self.grid_ids is None:
            return stmt
        if not self.grid_ids:
            return stmt.where(false())
        return stmt.where(grid_column.in_(self.grid_ids))

    def filter_community(self, stmt: Select, community_column) -> Select:
        """Limit a query to rows whose community column lies in scope."""
        if self.community_ids is None:
            return stmt
        if not self.community_ids:
            return stmt.where(false())
        return stmt.where(community_column.in_(self.community_ids))


def grid_or_404(scope: Scope, grid_id: int) -> Grid:
    """The grid if the scope holds it; otherwise the same 404 as a missing one."""
    grid = db.session.get(Grid, grid_id)
    if grid is None or not scope.allows_grid(grid.id):
        raise not_found()
    return grid
