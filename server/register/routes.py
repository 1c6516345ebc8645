"""The register at the desk: households and residents in the caller's scope.

Workers read here and edit through the sync push; supervisors and admins also edit here. Lists
show masked numbers; the full ones are separate, audited requests.
"""

from __future__ import annotations

import uuid
from http import HTTPStatus

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import exists, func, or_, select

from server import xlsx
from server.audit import service as audit
from server.auth.routes import roles_required
from server.auth.scope import Scope, grid_or_404
from server.errors import ApiError, not_found, validation_failed
from server.extensions import db
from server.i18n import msg
from server.register import events, service
from server.register.export import (
    RegisterExportQuerySchema,
    audit_detail,
    build_register_export,
    build_register_xlsx,
    filenames,
)
from server.register.models import Building, Household, Resident
from server.register.schemas import (
    BuildingListSchema,
    BuildingQuerySchema,
    EditBodySchema,
    HouseholdDetailSchema,
    HouseholdPageSchema,
    HouseholdPhoneSchema,
    HouseholdQuerySchema,
    IdentitySchema,
    ResidentSchema,
)
from server.timeutil import local_today, utcnow

bp = Blueprint("register", __name__, url_prefix="/api/v1", description="Resident register")

READERS = ("worker", "supervisor", "admin")
EDITORS = ("supervisor", "admin")


def _scope() -> Scope:
    return Scope.of(current_user)


def _row_or_404(entity: str, entity_id: uuid.UUID) -> dict:
    row = service.row_in_scope(entity, entity_id, _scope())
    if row is None:
        raise not_found()
    return row


def _household_detail(row: dict) -> dict:
    data = service.household_data(row)
    if row["building_id"]:
        building = (
            db.session.execute(select(Building.__table__).where(Building.id == row["building_id"]))
            .mappings()
            .first()
        )
        if building:
            data["building"] = service.building_data(building)
    today = local_today()
    residents = db.session.execute(
        select(Resident.__table__).where(Resident.household_id == row["id"]).order_by(Resident.birth_date)
    ).mappings()
    data["residents"] = [service.resident_data(r, today) for r in residents]
    return data


def _apply(outcome: service.Outcome, *, creating: bool) -> tuple[dict, int]:
    """Turn a planned desk edit into its answer: write it, or say why not."""
    if isinstance(outcome, service.Rejected):
        raise validation_failed(outcome.fields)
    if isinstance(outcome, service.Forbidden):
        if outcome.field == "id":
            raise not_found()
        raise validation_failed(
            {outcome.field: [msg("不存在或不在您的负责范围内", "Not found or outside your area")]}
        )
    if isinstance(outcome, service.Stale):
        raise ApiError(
            409,
            "conflict",
            msg(
                "该记录已被他人修改，请对照最新版本后再保存",
                "Someone changed this record meanwhile; compare with the latest version and save again",
            ),
            reason=outcome.reason,
            server=service.server_side(outcome.entity, outcome.row),
        )
    if isinstance(outcome, service.Unchanged):
        return outcome.row, 200
    service.execute([outcome])
    if outcome.entity == service.RESIDENT:
        events.residents_changed({outcome.row["id"]})
    else:
        events.households_changed({outcome.row["id"]})
    db.session.commit()
    return outcome.row, 201 if creating and outcome.created else 200


def _context() -> service.EditContext:
    return service.EditContext(current_user._get_current_object(), _scope(), utcnow(), "desk")


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise not_found() from None


# ---- households -----------------------------------------------------------------------------


@bp.route("/households", methods=["GET"])
@roles_required(*READERS)
@bp.arguments(HouseholdQuerySchema, location="query")
@bp.response(200, HouseholdPageSchema)
def all_households(args):
    """Households in scope; search by head or resident name, address or room."""
    scope = _scope()
    table = Household.__table__
    stmt = scope.filter_grid(select(table), Household.grid_id, Household.street_id)
    if "grid_id" in args:
        stmt = stmt.where(Household.grid_id == args["grid_id"])
    if "building_id" in args:
        stmt = stmt.where(Household.building_id == args["building_id"])
    if args.get("q"):
        q = args["q"].strip()
        stmt = stmt.where(
            or_(
                Household.head_name.contains(q, autoescape=True),
                Household.address.contains(q, autoescape=True),
                Household.room.contains(q, autoescape=True),
                exists(
                    select(Resident.id).where(
                        Resident.household_id == Household.id, Resident.name.contains(q, autoescape=True)
                    )
                ),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page, per_page = args["page"], args["per_page"]
    rows = db.session.execute(
        stmt.order_by(Household.address, Household.unit, Household.room, Household.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).mappings()
    return {
        "households": [service.household_data(row) for row in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
    }


@bp.route("/households/<household_id>", methods=["GET"])
@roles_required(*READERS)
@bp.response(200, HouseholdDetailSchema)
def get_household(household_id: str):
    """One household with its building and residents (numbers masked)."""
    return _household_detail(_row_or_404(service.HOUSEHOLD, _uuid_or_404(household_id)))


@bp.route("/households", methods=["POST"])
@roles_required(*EDITORS)
@bp.arguments(EditBodySchema)
@bp.response(201, HouseholdDetailSchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def new_household(body):
    """Register a household (id optional; a `building` object adds a new building with it)."""
    body = dict(body)
    body.setdefault("id", str(uuid.uuid4()))
    outcome = service.plan_household(body, None, service.RegisterState(), _context())
    row, status = _apply(outcome, creating=True)
    return _household_detail(row), status


@bp.route("/households/<household_id>", methods=["PATCH"])
@roles_required(*EDITORS)
@bp.arguments(EditBodySchema)
@bp.response(200, HouseholdDetailSchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def update_household(body, household_id: str):
    """Edit a household; `version` is the version edited (stale: 409 with the server's side)."""
    entity_id = _uuid_or_404(household_id)
    _row_or_404(service.HOUSEHOLD, entity_id)
    body, base_version = _edit_body(body, entity_id)
    outcome = service.plan_household(body, base_version, service.RegisterState(), _context())
    row, _ = _apply(outcome, creating=False)
    return _household_detail(row)


@bp.route("/households/<household_id>/phone", methods=["GET"])
@roles_required(*READERS)
@bp.response(200, HouseholdPhoneSchema)
def household_phone(household_id: str):
    """The household's full phone number (written to the audit log)."""
    entity_id = _uuid_or_404(household_id)
    row = service.row_in_scope(service.HOUSEHOLD, entity_id, _scope())
    if row is None:
        _denied("household.phone_denied", service.HOUSEHOLD, entity_id)
    audit.record("household.phone_view", current_user, service.HOUSEHOLD, entity_id, {"fields": ["phone"]})
    db.session.commit()
    return {"id": str(entity_id), "phone": row["phone"]}


@bp.route("/buildings", methods=["GET"])
@roles_required(*READERS)
@bp.arguments(BuildingQuerySchema, location="query")
@bp.response(200, BuildingListSchema)
def all_buildings(args):
    """Buildings in scope (for choosing one when registering a household)."""
    stmt = _scope().filter_grid(select(Building.__table__), Building.grid_id)
    if "grid_id" in args:
        stmt = stmt.where(Building.grid_id == args["grid_id"])
    rows = db.session.execute(stmt.order_by(Building.grid_id, Building.name)).mappings()
    return {"buildings": [service.building_data(row) for row in rows]}


def _export_args(args: dict) -> tuple[Scope, int | None, bool, str | None]:
    """The export's scope, grid and masking; the full numbers only for an admin who says why."""
    scope, grid_id = _scope(), args.get("grid_id")
    unmasked, reason = args["unmasked"], args.get("reason")
    if unmasked and current_user.role != "admin":
        raise ApiError(
            403, "forbidden", msg("只有管理员可以导出完整号码", "Only an admin may export full numbers")
        )
    if unmasked and reason is None:
        raise validation_failed(
            {"reason": [msg("导出完整号码需填写原因", "Give a reason for exporting full numbers")]}
        )
    if grid_id is not None:
        grid_or_404(scope, grid_id)
    return scope, grid_id, unmasked, reason if unmasked else None


@bp.route("/register/export.csv", methods=["GET"])
@roles_required(*EDITORS)
@bp.arguments(RegisterExportQuerySchema, location="query")
@bp.doc(
    responses={
        "200": {"description": "The CSV (UTF-8 with BOM), as an attachment", "content": {"text/csv": {}}},
    }
)
def export_register(args):
    """The register in the caller's scope as CSV, numbers masked; every export is written to the audit log.

    A grid outside the caller's scope answers 404, as for any role but supervisor and admin.
    unmasked=1 with a reason: the full numbers, for an admin only (403 for a supervisor).
    """
    scope, grid_id, unmasked, reason = _export_args(args)
    export = build_register_export(scope, local_today(), grid_id, unmasked)
    # The audit row commits with the read: an export the log does not know of never leaves.
    audit.record(
        "export", current_user, "register", grid_id, audit_detail(export, scope, grid_id, "csv", reason)
    )
    db.session.commit()
    return current_app.response_class(
        export.body,
        status=200,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": export.content_disposition(), "Cache-Control": "no-store"},
    )


@bp.route("/register/export.xlsx", methods=["GET"])
@roles_required(*EDITORS)
@bp.arguments(RegisterExportQuerySchema, location="query")
@bp.doc(responses={"200": {"description": "The workbook, as an attachment", "content": {xlsx.MIMETYPE: {}}}})
def export_register_xlsx(args):
    """The register in the caller's scope as an Excel workbook (居民底册), numbers masked; audited.

    The same rows, rules and audit row as export.csv: a grid outside the scope answers 404;
    unmasked=1 with a reason gives the full numbers to an admin only (403 for a supervisor).
    """
    scope, grid_id, unmasked, reason = _export_args(args)
    today = local_today()
    sheet, counts = build_register_xlsx(scope, today, grid_id, unmasked)
    with sheet.dropped_on_error():
        detail = audit_detail(counts, scope, grid_id, "xlsx", reason)
        audit.record("export", current_user, "register", grid_id, detail)
        db.session.commit()
    return xlsx.response(sheet, *filenames(today, "xlsx"))


# ---- residents ------------------------------------------------------------------------------


@bp.route("/residents/<resident_id>", methods=["GET"])
@roles_required(*READERS)
@bp.response(200, ResidentSchema)
def get_resident(resident_id: str):
    """One resident (numbers masked); outside the caller's scope: 404."""
    return service.resident_detail(_row_or_404(service.RESIDENT, _uuid_or_404(resident_id)))


@bp.route("/residents/<resident_id>/identity", methods=["GET"])
@roles_required(*READERS)
@bp.response(200, IdentitySchema)
def resident_identity(resident_id: str):
    """The full ID-card and phone numbers (written to the audit log); outside the scope: 404."""
    entity_id = _uuid_or_404(resident_id)
    row = service.row_in_scope(service.RESIDENT, entity_id, _scope())
    if row is None:
        _denied("resident.identity_denied", service.RESIDENT, entity_id)
    fields = [name for name in ("id_number", "phone") if row[name]]
    audit.record("resident.identity_view", current_user, service.RESIDENT, entity_id, {"fields": fields})
    db.session.commit()
    return {"id": str(entity_id), "id_number": row["id_number"], "phone": row["phone"]}


@bp.route("/residents", methods=["POST"])
@roles_required(*EDITORS)
@bp.arguments(EditBodySchema)
@bp.response(201, ResidentSchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def new_resident(body):
    """Register a resident in a household (id optional)."""
    body = dict(body)
    body.setdefault("id", str(uuid.uuid4()))
    outcome = service.plan_resident(body, None, service.RegisterState(), _context())
    row, status = _apply(outcome, creating=True)
    return service.resident_detail(_row_or_404(service.RESIDENT, row["id"])), status


@bp.route("/residents/<resident_id>", methods=["PATCH"])
@roles_required(*EDITORS)
@bp.arguments(EditBodySchema)
@bp.response(200, ResidentSchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def update_resident(body, resident_id: str):
    """Edit a resident; `version` is the version edited (stale: 409 with the server's side)."""
    entity_id = _uuid_or_404(resident_id)
    _row_or_404(service.RESIDENT, entity_id)
    body, base_version = _edit_body(body, entity_id)
    outcome = service.plan_resident(body, base_version, service.RegisterState(), _context())
    row, _ = _apply(outcome, creating=False)
    return service.resident_detail(_row_or_404(service.RESIDENT, row["id"]))


def _edit_body(body: dict, entity_id: uuid.UUID) -> tuple[dict, int]:
    """The edit without its `version` (the version edited, required) and with the path's id."""
    body = dict(body)
    base_version, problems = service.parse_base_version(body.pop("version", None))
    if problems or base_version is None:
        raise validation_failed(
            {"version": problems or [msg("请提供所修改的版本号", "Give the version you edited")]}
        )
    if "id" in body and str(body["id"]) != str(entity_id):
        raise validation_failed({"id": [msg("与地址中的编号不一致", "Differs from the id in the URL")]})
    body["id"] = str(entity_id)
    return body, base_version


def _denied(action: str, target_type: str, target_id: uuid.UUID):
    """A full-number view outside the caller's scope: 404, logged as denied (never as a view)."""
    audit.record(action, current_user, target_type, target_id)
    db.session.commit()
    raise not_found()
