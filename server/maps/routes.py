"""Boundaries (import, read, edit by moving vertices) and building points (set, correct)."""

from __future__ import annotations

import uuid
from http import HTTPStatus

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from server.auth.routes import roles_required
from server.auth.scope import Scope, grid_or_404
from server.errors import not_found
from server.extensions import db
from server.maps import service
from server.maps.models import GridBoundary
from server.maps.schemas import (
    BoundaryEditSchema,
    BoundaryImportAnswerSchema,
    BoundaryImportQuerySchema,
    BoundarySchema,
    OverviewQuerySchema,
    OverviewSchema,
    PointAnswerSchema,
    PointBodySchema,
)
from server.register.models import Building
from server.register.service import building_data
from server.security import raw_body, read_body

bp = Blueprint(
    "maps", __name__, url_prefix="/api/v1/maps", description="一张图: boundaries and building points"
)


@bp.route("/boundaries/import", methods=["POST"])
@raw_body
@roles_required("admin")
@bp.arguments(BoundaryImportQuerySchema, location="query")
@bp.response(200, BoundaryImportAnswerSchema)
@bp.alt_response(422, response=HTTPStatus.UNPROCESSABLE_ENTITY.name)
@bp.doc(
    requestBody={
        "required": True,
        "description": "A GeoJSON FeatureCollection file sent as is; each feature's properties.code names its grid "
        "(or community). All are stored, or none.",
        "content": {
            "application/geo+json": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
)
def import_boundaries(args):
    """Import grid or community boundaries from a GeoJSON file (checked, simplified past 2,000 vertices)."""
    data = read_body(current_app.config["MAP_IMPORT_MAX_BYTES"])
    answer = service.import_boundaries(
        current_user._get_current_object(), data, args["level"], args.get("crs")
    )
    db.session.commit()
    return answer


@bp.route("/grids/<int:grid_id>/boundary", methods=["GET"])
@roles_required("worker", "supervisor", "admin")
@bp.response(200, BoundarySchema)
def get_boundary(grid_id):
    """A grid's boundary (404 when it has none yet)."""
    grid_or_404(Scope.of(current_user), grid_id)
    row = db.session.get(GridBoundary, grid_id)
    if row is None:
        raise not_found()
    return service.boundary_data(row)


@bp.route("/grids/<int:grid_id>/boundary", methods=["PUT"])
@roles_required("admin")
@bp.arguments(BoundaryEditSchema)
@bp.response(200, BoundarySchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def put_boundary(body, grid_id):
    """Save a grid's boundary as drawn (vertices moved on the desk map)."""
    grid = grid_or_404(Scope.of(current_user), grid_id)
    row = service.edit_grid_boundary(
        current_user._get_current_object(), grid, body["geometry"], body.get("base_version")
    )
    db.session.commit()
    return service.boundary_data(row)


@bp.route("/buildings/<building_id>/point", methods=["PUT"])
@roles_required("worker", "supervisor", "admin")
@bp.arguments(PointBodySchema)
@bp.response(200, PointAnswerSchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def put_point(body, building_id):
    """Set where a building stands (worker: GPS or a tap) or correct it (supervisor)."""
    try:
        key = uuid.UUID(building_id)
    except ValueError:
        raise not_found() from None
    stmt = Scope.of(current_user).filter_grid(select(Building), Building.grid_id).where(Building.id == key)
    building = db.session.scalars(stmt).first()
    if building is None:
        raise not_found()
    answer = service.set_building_point(current_user._get_current_object(), building, body)
    db.session.commit()
    row = db.session.execute(select(Building.__table__).where(Building.id == key)).mappings().one()
    return dict(answer, building=building_data(row))


@bp.route("/overview", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(OverviewQuerySchema, location="query")
@bp.response(200, OverviewSchema)
def get_overview(args):
    """一张图: grids with boundaries and visit coverage, and case points by light, in scope."""
    return service.overview(
        current_user._get_current_object(), args.get("community_id"), args["days"], args["state"]
    )
