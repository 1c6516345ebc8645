"""Read the street's organisation within the caller's scope."""

from flask_login import current_user, login_required
from flask_smorest import Blueprint

from server.auth.scope import Scope, grid_or_404
from server.org import service
from server.org.schemas import GridSchema, OrgTreeSchema

bp = Blueprint("org", __name__, url_prefix="/api/v1/org", description="Street, communities, grids")


@bp.route("", methods=["GET"])
@login_required
@bp.response(200, OrgTreeSchema)
def tree():
    """The street, its communities and grids as far as the caller may see, and departments."""
    return service.org_tree(Scope.of(current_user))


@bp.route("/grids/<int:grid_id>", methods=["GET"])
@login_required
@bp.response(200, GridSchema)
def get_grid(grid_id: int):
    """One grid; a grid outside the caller's scope answers 404."""
    return grid_or_404(Scope.of(current_user), grid_id)
