"""Form templates: what a phone renders, and the admin adding a new version."""

from __future__ import annotations

from http import HTTPStatus

from flask_login import login_required
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from server.auth.routes import roles_required
from server.errors import ApiError
from server.extensions import db
from server.forms import service
from server.forms.schemas import FormTemplateListSchema, FormTemplateSchema, TemplateCreateSchema
from server.i18n import msg

bp = Blueprint("forms", __name__, url_prefix="/api/v1/forms", description="Form templates")


@bp.route("", methods=["GET"])
@login_required
@bp.response(200, FormTemplateListSchema)
def all_active():
    """The form templates offered for new forms (the newest version of each)."""
    return {"forms": service.active_templates()}


@bp.route("/<key>/<int:version>", methods=["GET"])
@login_required
@bp.response(200, FormTemplateSchema)
def get(key: str, version: int):
    """One exact template version, also an older one a queued item still uses."""
    return service.template_or_404(key, version)


@bp.route("", methods=["POST"])
@roles_required("admin")
@bp.arguments(TemplateCreateSchema)
@bp.response(201, FormTemplateSchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def new(body):
    """Add a template version; older versions stay valid for items queued under them."""
    try:
        template = service.add_version(**body)
        db.session.commit()
    except IntegrityError:
        # Two admins adding the same version at once: the second learns it on commit.
        db.session.rollback()
        raise ApiError(
            409,
            "version_exists",
            msg("该版本刚被他人添加，请刷新后重试", "That version was just added; reload and retry"),
        ) from None
    return template
