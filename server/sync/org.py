"""The organisation every phone holds: streets, communities and grids in the caller's scope, and
departments (a handler's own). The org tree is part of the core the framework stands on."""

from __future__ import annotations

from sqlalchemy import Select

from server.org.models import Community, Department, Grid, Street
from server.sync.protocol import EntityReader, PullContext
from server.sync.registry import SyncRegistry


def _departments(stmt: Select, ctx: PullContext) -> Select:
    if ctx.scope.department_id is not None:
        return stmt.where(Department.id == ctx.scope.department_id)
    return stmt.where(ctx.scope.street_clause(Department.street_id))


def _streets(stmt: Select, ctx: PullContext) -> Select:
    return stmt.where(ctx.scope.street_clause(Street.id))


def register(sync: SyncRegistry) -> None:
    sync.add_reader(
        EntityReader(
            "street",
            Street,
            Street.id,
            _streets,
            lambda s: (s.id, None, {"id": s.id, "code": s.code, "name": s.name}),
            int,
        )
    )
    sync.add_reader(
        EntityReader(
            "community",
            Community,
            Community.id,
            lambda stmt, ctx: ctx.scope.filter_community(stmt, Community.id),
            lambda c: (c.id, None, {"id": c.id, "street_id": c.street_id, "code": c.code, "name": c.name}),
            int,
        )
    )
    sync.add_reader(
        EntityReader(
            "grid",
            Grid,
            Grid.id,
            lambda stmt, ctx: ctx.scope.filter_grid(stmt, Grid.id),
            lambda g: (
                g.id,
                None,
                {"id": g.id, "community_id": g.community_id, "code": g.code, "name": g.name},
            ),
            int,
        )
    )
    sync.add_reader(
        EntityReader(
            "department",
            Department,
            Department.id,
            _departments,
            lambda d: (d.id, None, {"id": d.id, "name": d.name, "kind": d.kind}),
            int,
        )
    )
