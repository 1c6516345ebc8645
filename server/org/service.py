"""Reading the organisation tree within a scope."""

from __future__ import annotations

from sqlalchemy import select

from server.auth.scope import Scope
from server.extensions import db
from server.org.models import Community, Department, Grid, Street


def org_tree(scope: Scope) -> dict:
    """Street → communities → grids the scope holds, plus the departments it may dispatch to.

    `street` is the caller's (the first in scope for a district or the whole database); `streets`
    lists every street in scope.
    """
    streets = db.session.scalars(
        select(Street).where(scope.street_clause(Street.id)).order_by(Street.code)
    ).all()
    communities = db.session.scalars(
        scope.filter_community(select(Community), Community.id).order_by(Community.code)
    ).all()
    grids_by_community: dict[int, list[Grid]] = {}
    for grid in db.session.scalars(scope.filter_grid(select(Grid), Grid.id).order_by(Grid.code)):
        grids_by_community.setdefault(grid.community_id, []).append(grid)
    departments_stmt = select(Department).order_by(Department.id)
    if scope.department_id is not None:
        departments_stmt = departments_stmt.where(Department.id == scope.department_id)
    else:
        departments_stmt = departments_stmt.where(scope.street_clause(Department.street_id))
    return {
        "street": streets[0] if streets else None,
        "streets": streets,
        "communities": [
            {
                "id": c.id,
                "street_id": c.street_id,
                "code": c.code,
                "name": c.name,
                "grids": grids_by_community.get(c.id, []),
            }
            for c in communities
        ],
        "departments": db.session.scalars(departments_stmt).all(),
    }
