"""Ledger import at the desk: upload, look at the mapping and the checks, adjust, commit, and
take back the rows that were turned away. Admins, and supervisors within their own scope."""

from __future__ import annotations

from http import HTTPStatus

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint

from server import xlsx
from server.audit import service as audit
from server.auth.routes import roles_required
from server.errors import ApiError, not_found, validation_failed
from server.extensions import db
from server.i18n import msg
from server.ledger import columns, jobs, organisation, reader, service
from server.ledger.models import LedgerImport
from server.ledger.schemas import ImportSchema, MappingBodySchema, UploadQuerySchema
from server.security import raw_body, read_body
from server.timeutil import iso, utcnow

bp = Blueprint("ledger", __name__, url_prefix="/api/v1", description="Ledger import (台账导入)")

IMPORTERS = ("supervisor", "admin")


def _import_or_404(import_id: int) -> LedgerImport:
    imp = service.import_in_scope(import_id, current_user)
    if imp is None:
        raise not_found()
    return imp


def _answer(imp: LedgerImport) -> dict:
    headers = imp.headers or []
    mapping = imp.mapping or {}
    samples = imp.samples or []
    return {
        "id": imp.id,
        "state": imp.state,
        "file_name": imp.file_name,
        "file_format": imp.file_format,
        "file_sha256": imp.file_sha256,
        "size_bytes": imp.size_bytes,
        "header_row": imp.header_row,
        "columns": [
            {
                "index": index,
                "header": header,
                "field": mapping.get(str(index)),
                "samples": [row[index] if index < len(row) else "" for row in samples],
            }
            for index, header in enumerate(headers)
        ],
        "kind": imp.kind,
        "fields": [{"code": f.code, "label": f.zh, "required": f.required} for f in _fields(imp)],
        "first_passwords": imp.state == "committed" and organisation.has_first_passwords(imp),
        "report": imp.report,
        "counts": imp.counts,
        "progress": service.read_progress(imp.id) if imp.state == "committing" else None,
        "stalled": service.stalled(imp),
        "error": imp.error,
        "created_at": iso(imp.created_at),
        "committed_at": iso(imp.committed_at),
    }


def _fields(imp: LedgerImport):
    return organisation.FIELDS if imp.kind == organisation.KIND else columns.FIELDS


def _busy(imp: LedgerImport) -> ApiError:
    return ApiError(
        409,
        "import_busy",
        msg("该导入正在处理中或已完成，不能再修改", "This import is being processed or is done"),
        state=imp.state,
    )


@bp.route("/ledger/imports", methods=["POST"])
@roles_required(*IMPORTERS)
@raw_body
@bp.arguments(UploadQuerySchema, location="query")
@bp.response(202, ImportSchema)
@bp.alt_response(413, response=HTTPStatus.REQUEST_ENTITY_TOO_LARGE.name)
@bp.doc(
    requestBody={
        "required": True,
        "description": "The ledger file as is: XLSX, or CSV in UTF-8 / GBK / GB18030 (BOM or not)",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
)
def upload(args):
    """Upload a ledger file; the register is not touched. The header and mapping come next (poll)."""
    data = read_body(current_app.config["LEDGER_MAX_BYTES"])
    service.sweep()  # uploads are what fill the folder: old ones go as new ones come
    try:
        imp = service.store_upload(data, args["filename"], current_user, args["kind"])
    except reader.FileRefused as exc:
        raise ApiError(422, exc.code, exc.message) from None
    db.session.commit()
    jobs.enqueue(jobs.ANALYSE, imp.id)
    return _answer(imp)


@bp.route("/ledger/imports/<int:import_id>", methods=["GET"])
@roles_required(*IMPORTERS)
@bp.response(200, ImportSchema)
def get_import(import_id: int):
    """An import's state: columns and their fields, the checks' counts and first errors, progress."""
    return _answer(_import_or_404(import_id))


@bp.route("/ledger/imports/<int:import_id>/mapping", methods=["PUT"])
@roles_required(*IMPORTERS)
@bp.arguments(MappingBodySchema)
@bp.response(202, ImportSchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def save_mapping(body, import_id: int):
    """Save the column → field mapping; every row is checked again with it (poll)."""
    imp = _import_or_404(import_id)
    if imp.state != "ready":
        raise _busy(imp)
    problems = service.check_mapping(body["mapping"], imp.headers or [], {f.code: f for f in _fields(imp)})
    if problems:
        raise validation_failed({"mapping": problems})
    mapping = {str(i): None for i in range(len(imp.headers or []))}
    mapping.update(body["mapping"])
    imp.mapping = mapping
    imp.state, imp.updated_at = "analysing", utcnow()
    db.session.commit()
    jobs.enqueue(jobs.ANALYSE, imp.id)
    return _answer(imp)


@bp.route("/ledger/imports/<int:import_id>/commit", methods=["POST"])
@roles_required(*IMPORTERS)
@bp.response(202, ImportSchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def commit_import(import_id: int):
    """Write the rows that pass into the register, as a background job (poll for its progress).

    A commit whose process went away (nothing heard for 15 minutes; its transaction rolled back)
    may be started again."""
    imp = _import_or_404(import_id)
    if imp.state != "ready" and not service.stalled(imp):
        raise _busy(imp)
    report = imp.report or {}
    if report.get("mapping_errors") or not report.get("valid"):
        raise ApiError(
            422,
            "nothing_to_import",
            msg(
                "没有可以导入的行，请先调整列对应或修改文件",
                "No row can be imported; fix the mapping or the file",
            ),
        )
    imp.state, imp.error, imp.updated_at = "committing", None, utcnow()
    db.session.commit()
    jobs.enqueue(jobs.COMMIT, imp.id)
    return _answer(imp)


@bp.route("/ledger/imports/<int:import_id>/rejected.xlsx", methods=["GET"])
@roles_required(*IMPORTERS)
@bp.doc(responses={"200": {"description": "The rows turned away", "content": {xlsx.MIMETYPE: {}}}})
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
@bp.alt_response(410, response=HTTPStatus.GONE.name)
def rejected_rows(import_id: int):
    """The rows turned away, as in the file, with a reason column (未导入的行.xlsx)."""
    imp = _import_or_404(import_id)
    if imp.state not in ("ready", "committed"):
        raise _busy(imp)
    if imp.rejected and not service.file_kept(imp):
        raise ApiError(
            410,
            "file_gone",
            msg(
                f"上传的文件已超过保留期（{current_app.config['LEDGER_KEEP_DAYS']} 天）被删除，无法再生成未导入的行",
                f"The uploaded file was deleted after {current_app.config['LEDGER_KEEP_DAYS']} days; its rejected rows are gone with it",
            ),
        )
    sheet = service.rejected_sheet(imp)
    return xlsx.response(sheet, f"ledger-{imp.id}-rejected.xlsx", f"未导入的行-{imp.id}.xlsx")


@bp.route("/ledger/imports/<int:import_id>/accounts.xlsx", methods=["GET"])
@roles_required(*IMPORTERS)
@bp.doc(
    responses={"200": {"description": "New accounts and first passwords", "content": {xlsx.MIMETYPE: {}}}}
)
@bp.alt_response(410, response=HTTPStatus.GONE.name)
def first_passwords(import_id: int):
    """The worker accounts an organisation import created, with their first passwords: one
    download, then the server forgets them (each worker must choose a new one at first login)."""
    imp = _import_or_404(import_id)
    sheet = organisation.take_first_passwords(imp) if imp.state == "committed" else None
    if sheet is None:
        raise ApiError(
            410,
            "passwords_gone",
            msg(
                "初始密码只能下载一次，已下载或本次导入没有新账号；如需重置请在账号管理中修改",
                "First passwords can be downloaded once: done already, or this import made no account. Reset them on the accounts screen",
            ),
        )
    audit.record("ledger.first_passwords", current_user, "ledger_import", imp.id, {"accounts": sheet.rows})
    with sheet.dropped_on_error():
        db.session.commit()
    return xlsx.response(sheet, f"ledger-{imp.id}-accounts.xlsx", f"新账号初始密码-{imp.id}.xlsx")
