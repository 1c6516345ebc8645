"""The import pipeline: store the upload, find the header and map its columns, check every row,
then write what passed through the register's own edit planning. Nothing here commits; the
jobs and routes own the transactions.

Residents are matched by ID number, households by their address within a grid, buildings by
name within a grid: the same file again plans no write at all, and an edited file plans only the
edits, each bumping its record's version and feed entry as a phone's or the desk's edit would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select, text

from server import xlsx
from server.audit.service import record
from server.auth.models import User
from server.auth.scope import Scope
from server.extensions import db
from server.i18n import msg
from server.ledger import columns, reader
from server.ledger.models import LedgerImport
from server.org.models import Community, Grid
from server.register import service as register
from server.register.idcard import (
    birth_date_errors,
    birth_date_of,
    gender_of,
    id_number_errors,
    phone_errors,
)
from server.register.models import Building, Household, Resident
from server.timeutil import local_today, utcnow
from server.visits.service import refresh_visit_state

HEADER_SEARCH_ROWS = 30
FIRST_ERRORS = 5
SAMPLE_ROWS = 3


# ---- files ----------------------------------------------------------------------------------


def storage_dir() -> Path:
    folder = Path(current_app.config["INSTANCE_PATH"]) / "ledger"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_path(imp: LedgerImport) -> Path:
    return storage_dir() / f"{imp.file_sha256}.{imp.file_format}"


def limits() -> reader.Limits:
    config = current_app.config
    return reader.Limits(config["LEDGER_MAX_ROWS"], config["LEDGER_MAX_UNZIPPED_BYTES"])


def store_upload(data: bytes, file_name: str, user: User, kind: str = "register") -> LedgerImport:
    """Keep the file under its SHA-256 and open an import for it; the register is not touched.

    A file that is not XLSX or CSV, or an XLSX that would unpack too far or holds too many rows,
    is refused here (reader.FileRefused) and nothing is kept.
    """
    if not data:
        raise reader.FileRefused("empty_file", msg("文件是空的", "The file is empty"))
    file_format = reader.sniff(data[:4096], file_name)
    digest = hashlib.sha256(data).hexdigest()
    path = storage_dir() / f"{digest}.{file_format}"
    try:
        # The same file again: touched, so a sweep running in another request now keeps it.
        os.utime(path)
    except FileNotFoundError:
        partial = path.with_suffix(f".{uuid.uuid4().hex}.part")
        partial.write_bytes(data)
        try:
            if file_format == reader.XLSX:
                reader.check_xlsx(partial, limits())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    imp = LedgerImport(
        kind=kind,
        file_sha256=digest,
        file_name=(file_name or "ledger")[:200],
        file_format=file_format,
        size_bytes=len(data),
        uploaded_by=user.id,
        state="analysing",
    )
    db.session.add(imp)
    db.session.flush()
    return imp


def import_in_scope(import_id: int, user: User) -> LedgerImport | None:
    """An import the user may see: their own (an import holds a file of their area's people)."""
    imp = db.session.get(LedgerImport, import_id)
    if imp is None or imp.uploaded_by != user.id:
        return None
    return imp


# ---- progress (readable by any process while the commit's transaction is still open) --------


def _progress_path(import_id: int) -> Path:
    return storage_dir() / f"import-{import_id}.progress.json"


def write_progress(import_id: int, done: int, total: int) -> None:
    path = _progress_path(import_id)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"done": done, "total": total}))
    os.replace(partial, path)


def read_progress(import_id: int) -> dict | None:
    try:
        return json.loads(_progress_path(import_id).read_text())
    except (OSError, ValueError):
        return None


def clear_progress(import_id: int) -> None:
    _progress_path(import_id).unlink(missing_ok=True)


# A commit step writes progress every few seconds; this long without a sign of life, the process
# that ran it is gone (a restart, a killed worker): its transaction rolled back, it may start again.
STALLED_AFTER = timedelta(minutes=15)


def stalled(imp: LedgerImport) -> bool:
    """A commit that will never finish: nothing heard of it for STALLED_AFTER."""
    if imp.state != "committing":
        return False
    last = imp.updated_at if imp.updated_at.tzinfo else imp.updated_at.replace(tzinfo=UTC)
    try:
        touched = datetime.fromtimestamp(_progress_path(imp.id).stat().st_mtime, UTC)
        last = max(last, touched)
    except OSError:
        pass
    return utcnow() - last > STALLED_AFTER


# ---- retention ----------------------------------------------------------------------------------

# An upload under its SHA-256; what one import keeps beside it (checked rows, progress, the first
# passwords of an organisation import) is named import-<id>.*.
_UPLOAD_FILE = re.compile(r"^([0-9a-f]{64})\.(xlsx|csv)$")
_IMPORT_FILE = re.compile(r"^import-(\d+)\.")
# A half-written upload or progress file this old belongs to no living request.
_LEFTOVER_AFTER = timedelta(days=1)


def sweep() -> dict[str, int]:
    """Forget what an import left on disk once nobody has touched it for LEDGER_KEEP_DAYS: the
    uploaded file (a street's names, ID numbers and phones), its checked rows, and first passwords
    never downloaded. An import still waiting then will never be committed: it fails, saying so.
    Its record, report and audit rows stay. Part of the caller's transaction; run at every upload
    and by `flask ledger prune`. Returns what it removed."""
    cutoff = utcnow() - timedelta(days=current_app.config["LEDGER_KEEP_DAYS"])
    expired = msg(
        f"上传后超过 {current_app.config['LEDGER_KEEP_DAYS']} 天未导入，文件已删除；请重新上传",
        f"Not imported within {current_app.config['LEDGER_KEEP_DAYS']} days of upload: the file is deleted; upload it again",
    )
    failed = 0
    for imp in db.session.scalars(
        select(LedgerImport).where(
            LedgerImport.state.in_(("analysing", "ready", "committing")), LedgerImport.updated_at < cutoff
        )
    ):
        if imp.state == "committing" and not stalled(imp):
            continue  # a commit still at work (its progress file is fresh)
        imp.state, imp.error = "failed", expired
        failed += 1
    db.session.flush()
    live = db.session.execute(
        select(LedgerImport.id, LedgerImport.file_sha256).where(
            (LedgerImport.updated_at >= cutoff) | (LedgerImport.state == "committing")
        )
    ).all()
    keep_ids = {str(row.id) for row in live}
    keep_files = {row.file_sha256 for row in live}
    removed = {"imports_failed": failed, "files": 0}
    folder = storage_dir()
    stale_leftover = (utcnow() - _LEFTOVER_AFTER).timestamp()
    for path in folder.iterdir():
        upload, own = _UPLOAD_FILE.match(path.name), _IMPORT_FILE.match(path.name)
        if upload:  # a file written or touched lately may be an upload whose import is not committed yet
            gone = upload.group(1) not in keep_files and _mtime(path) < stale_leftover
        elif own:
            gone = own.group(1) not in keep_ids
        else:  # *.part, *.tmp: an upload or a write cut short
            gone = path.suffix in (".part", ".tmp") and _mtime(path) < stale_leftover
        if gone:
            path.unlink(missing_ok=True)
            removed["files"] += 1
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def file_kept(imp: LedgerImport) -> bool:
    """Whether the import's upload is still on disk (sweep removes it after LEDGER_KEEP_DAYS)."""
    return file_path(imp).is_file()


# ---- header and mapping ---------------------------------------------------------------------


def find_header(
    head: list[tuple[int, list[Any]]],
    field_for_header: Callable[[Any], str | None] = columns.field_for_header,
) -> tuple[int, list[str]] | None:
    """The row naming the most known fields among the first rows, and each column's header (a
    blank header cell under a cell merged down from above takes the text above it)."""
    best, best_score = None, 1
    for index, (_number, values) in enumerate(head):
        score = len({field_for_header(v) for v in values if field_for_header(v)})
        if score > best_score:
            best, best_score = index, score
    if best is None:
        return None
    number, values = head[best]
    headers: list[str] = []
    for column, value in enumerate(values):
        text = columns.text_of(value)
        above = best - 1
        while text is None and above >= 0 and above >= best - 3:
            cells = head[above][1]
            text = columns.text_of(cells[column]) if column < len(cells) else None
            above -= 1
        headers.append(text or "")
    while headers and not headers[-1]:
        headers.pop()
    return number, headers


def guess_mapping(
    headers: list[str], field_for_header: Callable[[Any], str | None] = columns.field_for_header
) -> dict[str, str | None]:
    """Column index → field: the first column naming a field gets it."""
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        code = field_for_header(header)
        if code in taken:
            code = None
        if code:
            taken.add(code)
        mapping[str(index)] = code
    return mapping


def mapping_errors(mapping: dict[str, str | None], scope_grids: int) -> list[str]:
    """What the mapping lacks before any row can be checked."""
    mapped = {code for code in mapping.values() if code}
    errors = []
    for code in ("name", "id_number"):
        if code not in mapped:
            label = columns.FIELD_BY_CODE[code].zh
            errors.append(msg(f"请指定“{label}”对应的列", f"Choose the column for {code}"))
    if "grid" not in mapped and scope_grids != 1:
        errors.append(msg("请指定“网格”对应的列", "Choose the column for the grid"))
    if "address" not in mapped and "room" not in mapped:
        errors.append(
            msg(
                "请指定“现住址”对应的列，或“楼栋”“单元”“门牌/房号”对应的列",
                "Choose the column for the address, or for the building, unit and room",
            )
        )
    return errors


def check_mapping(
    mapping: Any, headers: list[str], fields: dict[str, Any] = columns.FIELD_BY_CODE
) -> dict[str, list[str]]:
    """A mapping sent by the user: known columns, known fields (of the ledger's kind), each field once."""
    problems: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for key, code in mapping.items():
        if not (key.isascii() and key.isdigit()) or int(key) >= len(headers):
            problems[key] = [msg("没有这一列", "No such column")]
        elif code is not None and code not in fields:
            problems[key] = [msg("未知的字段", "Unknown field")]
        elif code is not None and code in seen:
            problems[key] = [msg("该字段已对应到另一列", "Another column already fills this field")]
        elif code is not None:
            seen[code] = key
    return problems


# ---- checking every row ---------------------------------------------------------------------


class RowValues:
    """A row's field values in slots: a street's 100,000 rows take a third of what dicts would."""

    __slots__ = tuple(f.code for f in columns.FIELDS)

    def __init__(self, values: dict[str, Any]):
        for code, value in values.items():
            setattr(self, code, value)

    def get(self, code: str, default: Any = None) -> Any:
        return getattr(self, code, default)

    def __getitem__(self, code: str) -> Any:
        try:
            return getattr(self, code)
        except AttributeError:
            raise KeyError(code) from None

    def items(self) -> list[tuple[str, Any]]:
        return [(code, getattr(self, code)) for code in self.__slots__ if hasattr(self, code)]


@dataclass(slots=True)
class LedgerRow:
    """A row that passed every check, as field values ready for the register."""

    number: int
    grid_id: int
    household_key: str
    address: str
    values: RowValues


@dataclass
class Checked:
    rows: list[LedgerRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    report: dict = field(default_factory=dict)


class _Errors:
    """Row errors counted per field, with the first few of each kept for the report."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = defaultdict(int)
        self.first: dict[str, list[dict]] = defaultdict(list)

    def add(self, code: str, number: int, value: Any, message: str) -> None:
        self.counts[code] += 1
        if len(self.first[code]) < FIRST_ERRORS:
            shown = columns.text_of(value)
            self.first[code].append({"row": number, "value": (shown or "")[:60], "message": message})

    def report(self) -> list[dict]:
        order = [f.code for f in columns.FIELDS] + ["household", "row"]
        return [
            {
                "field": code,
                "label": columns.FIELD_BY_CODE[code].zh if code in columns.FIELD_BY_CODE else _EXTRA[code],
                "errors": self.counts[code],
                "first": self.first[code],
            }
            for code in order
            if self.counts.get(code)
        ]


_EXTRA = {"household": "住户", "row": "整行"}


class _Grids:
    """The grids in scope, found by code, by name, or by community and name."""

    def __init__(self, scope: Scope):
        rows = db.session.execute(
            select(Grid.id, Grid.code, Grid.name, Community.name)
            .join(Community, Community.id == Grid.community_id)
            .where(Grid.id.in_(scope.grids()))
        ).all()
        self.ids = [r[0] for r in rows]
        self.by_code = {r[1]: r[0] for r in rows}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.by_pair: dict[tuple[str, str], int] = {}
        for grid_id, _code, name, community in rows:
            self.by_name[name].append(grid_id)
            self.by_pair[(community, name)] = grid_id
            if name.startswith(community):  # 蓼洲街社区第1网格 is also 第1网格 of 蓼洲街社区
                self.by_pair[(community, name[len(community) :])] = grid_id

    def find(self, text: str | None, community: str | None) -> int:
        if text is None:
            if len(self.ids) == 1:
                return self.ids[0]
            raise columns.CellError(msg("必填项", "Required"))
        if community and (community, text) in self.by_pair:
            return self.by_pair[(community, text)]
        if text in self.by_code:
            return self.by_code[text]
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise columns.CellError(
                msg(
                    f"网格名称“{text}”不唯一，请填写社区列或网格编码",
                    f"Several grids are named “{text}”; give the community or the grid code",
                )
            )
        raise columns.CellError(
            msg(f"网格“{text}”不存在或不在您的负责范围内", f"No grid “{text}” in your area")
        )


def read_rows(imp: LedgerImport) -> Iterator[tuple[int, list[Any]]]:
    return reader.rows(file_path(imp), imp.file_format, limits())


def read_header(
    imp: LedgerImport, field_for_header=columns.field_for_header, names: str = "“姓名”“身份证号”"
) -> None:
    """Find the header in the first rows, map the columns (the saved mapping, else a guess) and
    keep a few sample rows: the step every kind of ledger starts with. `names` are the column
    names a missing header's message gives as examples."""
    head: list[tuple[int, list[Any]]] = []
    for item in read_rows(imp):
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    found = find_header(head, field_for_header)
    if found is None:
        raise reader.FileRefused(
            "no_header",
            msg(
                f"找不到表头：前 30 行中没有{names}等列名",
                f"No header found: none of the first 30 rows names the columns ({names}…)",
            ),
        )
    header_row, headers = found
    if imp.header_row != header_row or imp.headers != headers or not imp.mapping:
        imp.mapping = saved_mapping(imp, headers) or guess_mapping(headers, field_for_header)
    imp.header_row, imp.headers = header_row, headers
    samples = [
        [columns.text_of(v) for v in values]
        for number, values in head
        if number > header_row and any(columns.text_of(v) for v in values)
    ][:SAMPLE_ROWS]
    imp.samples = [[(s or "")[:60] for s in row] for row in samples]


def analyse(imp: LedgerImport, user: User) -> None:
    """Find the header, map the columns (the saved mapping, else a guess) and check every row."""
    read_header(imp)
    checked = check_rows(imp, Scope.of(user))
    imp.report = checked.report
    imp.rejected = [list(item) for item in checked.rejected]


def saved_mapping(imp: LedgerImport, headers: list[str]) -> dict | None:
    """The mapping this user saved last for a file with exactly these headers (next month's
    ledger in the same layout needs no adjusting again)."""
    earlier = db.session.scalars(
        select(LedgerImport)
        .where(
            LedgerImport.uploaded_by == imp.uploaded_by,
            LedgerImport.kind == imp.kind,
            LedgerImport.id != imp.id,
            LedgerImport.state.in_(("ready", "committed")),
        )
        .order_by(LedgerImport.id.desc())
        .limit(20)
    )
    for other in earlier:
        if other.headers == headers and other.mapping:
            return dict(other.mapping)
    return None


ParsedFile = tuple[int, list[LedgerRow], dict[int, list[str]], "_Errors"]


def _parse_file(imp: LedgerImport, grids: _Grids) -> ParsedFile:
    """The checks a row needs only the file for: values, the ID number's own rules, the grid,
    and the same person twice in the file."""
    mapping = {int(k): v for k, v in (imp.mapping or {}).items() if v}
    errors = _Errors()
    today = local_today()
    parsed: list[LedgerRow] = []
    rejected: dict[int, list[str]] = {}
    total = 0

    def reject(row: int, code: str, value: Any, message: str) -> None:
        errors.add(code, row, value, message)
        label = columns.FIELD_BY_CODE[code].zh if code in columns.FIELD_BY_CODE else _EXTRA[code]
        rejected.setdefault(row, []).append(f"{label}：{message}")

    for number, cells in read_rows(imp):
        if number <= (imp.header_row or 0):
            continue
        raw = {code: cells[index] if index < len(cells) else None for index, code in mapping.items()}
        if all(columns.text_of(v) is None for v in raw.values()):
            continue  # an empty row (or one with only unmapped columns filled)
        total += 1
        values: dict[str, Any] = {}
        bad = False
        for code, value in raw.items():
            if columns.text_of(value) is None:
                values[code] = [] if code == "tags" else None
                continue
            try:
                values[code] = _shared(code, columns.CONVERTERS[code](value))
            except columns.CellError as exc:
                reject(number, code, value, str(exc))
                bad = True
        bad |= _check_values(number, raw, values, today, reject)
        try:
            grid_id = grids.find(values.get("grid"), values.get("community"))
        except columns.CellError as exc:
            reject(number, "grid", raw.get("grid"), str(exc))
            continue
        if bad:
            continue
        address = values.get("address") or "".join(
            part for part in (values.get("building"), values.get("unit"), values.get("room")) if part
        )
        if not values.get("address") and not values.get("room"):
            reject(number, "address", raw.get("address"), msg("缺少住址或门牌号", "No address or room"))
            continue
        parsed.append(LedgerRow(number, grid_id, columns.address_key(address), address, RowValues(values)))

    # The same person twice in one file: neither row is taken (which one is right is not ours to guess).
    rows_of_id: dict[str, list[int]] = defaultdict(list)
    for row in parsed:
        rows_of_id[row.values["id_number"]].append(row.number)
    for row in parsed:
        same = rows_of_id[row.values["id_number"]]
        if len(same) > 1:
            others = "、".join(str(n) for n in same if n != row.number)
            reject(
                row.number,
                "id_number",
                row.values["id_number"],
                msg(f"与第 {others} 行的身份证号重复", f"The same ID number as row {others}"),
            )
    parsed = [row for row in parsed if row.number not in rejected]

    return total, parsed, rejected, errors


def _parsed_path(imp: LedgerImport) -> Path:
    return storage_dir() / f"import-{imp.id}.parsed.json"


def _save_parsed(imp: LedgerImport, parsed_file: ParsedFile) -> None:
    """One JSON line for the head (mapping, counts, first errors), then one per row: written as
    it goes, so a street's 100,000 rows are never one string in memory."""
    total, rows, rejected, errors = parsed_file
    head = {
        "mapping": imp.mapping,
        "header_row": imp.header_row,
        "total": total,
        "rejected": {str(k): v for k, v in rejected.items()},
        "counts": errors.counts,
        "first": errors.first,
    }
    path = _parsed_path(imp)
    partial = path.with_suffix(".tmp")
    with partial.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head, ensure_ascii=False) + "\n")
        for r in rows:
            values = {k: _jsonable(v) for k, v in r.values.items()}
            line = [r.number, r.grid_id, r.household_key, r.address, values]
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    os.replace(partial, path)


def _jsonable(value: Any) -> Any:
    return {"date": value.isoformat()} if isinstance(value, date) else value


def _load_parsed(imp: LedgerImport) -> ParsedFile | None:
    """The file's checks as the last analysis left them, if made with this mapping."""
    try:
        source = _parsed_path(imp).open(encoding="utf-8")
    except OSError:
        return None
    with source:
        try:
            head = json.loads(source.readline())
        except ValueError:
            return None
        if head.get("mapping") != imp.mapping or head.get("header_row") != imp.header_row:
            return None
        rows = []
        for line in source:
            number, grid_id, key, address, values = json.loads(line)
            for k, v in values.items():
                values[k] = date.fromisoformat(v["date"]) if isinstance(v, dict) else _shared(k, v)
            rows.append(LedgerRow(number, grid_id, key, address, RowValues(values)))
    errors = _Errors()
    errors.counts.update(head["counts"])
    errors.first.update(head["first"])
    return head["total"], rows, {int(k): v for k, v in head["rejected"].items()}, errors


# Values repeated on thousands of rows (the same grid, building, relation): one string each.
_REPEATED = frozenset(
    {"community", "grid", "building", "unit", "relation", "gender", "status", "housing_type"}
)


def _shared(code: str, value: Any) -> Any:
    return sys.intern(value) if code in _REPEATED and isinstance(value, str) else value


def drop_parsed(imp: LedgerImport) -> None:
    _parsed_path(imp).unlink(missing_ok=True)


def check_rows(imp: LedgerImport, scope: Scope, reuse_parsed: bool = False) -> Checked:
    """Every data row against the register's rules, the file's other rows and the register.

    The file's own checks are kept beside the file after an analysis; the commit (reuse_parsed)
    reads them back instead of the workbook, and asks the register again."""
    grids = _Grids(scope)
    checked = Checked()
    problems = mapping_errors(imp.mapping or {}, len(grids.ids))
    if problems:
        checked.report = {"rows": 0, "valid": 0, "rejected": 0, "mapping_errors": problems, "columns": []}
        return checked
    parsed_file = _load_parsed(imp) if reuse_parsed else None
    if parsed_file is None:
        parsed_file = _parse_file(imp, grids)
        _save_parsed(imp, parsed_file)
    total, parsed, rejected, errors = parsed_file

    def reject(row: int, code: str, value: Any, message: str) -> None:
        errors.add(code, row, value, message)
        label = columns.FIELD_BY_CODE[code].zh if code in columns.FIELD_BY_CODE else _EXTRA[code]
        rejected.setdefault(row, []).append(f"{label}：{message}")

    known = _grids_of_id_numbers([row.values["id_number"] for row in parsed])
    allowed = set(grids.ids)
    for row in parsed:
        registered_in = known.get(row.values["id_number"])
        if registered_in is not None and registered_in not in allowed:
            reject(
                row.number,
                "id_number",
                row.values["id_number"],
                msg(
                    "该身份证号已登记在您负责范围以外的网格，请联系街道核实",
                    "This ID number is registered in a grid outside your area",
                ),
            )
    buildings = _buildings_by_name(allowed)
    for row in parsed:
        name = row.values.get("building")
        if not name or row.number in rejected:
            continue
        grids_with_it = buildings.get(name, {})
        if grids_with_it and row.grid_id not in grids_with_it:
            reject(
                row.number,
                "building",
                name,
                msg(f"楼栋“{name}”登记在另一个网格，与本行网格不符", f"Building “{name}” is in another grid"),
            )
    checked.rows = [row for row in parsed if row.number not in rejected]
    checked.rejected = sorted((row, "；".join(reasons)) for row, reasons in rejected.items())
    existing_households = _household_keys({row.grid_id for row in checked.rows})
    household_keys = {(row.grid_id, row.household_key) for row in checked.rows}
    checked.report = {
        "rows": total,
        "valid": len(checked.rows),
        "rejected": len(rejected),
        "residents_existing": sum(1 for row in checked.rows if row.values["id_number"] in known),
        "households": len(household_keys),
        "households_existing": len(household_keys & existing_households),
        "mapping_errors": [],
        "columns": errors.report(),
    }
    return checked


def _check_values(number: int, raw: dict, values: dict, today: date, reject: Callable) -> bool:
    """The register's own rules on a converted row: ID number, its birth date and sex, phone."""
    bad = False
    for code in ("name", "id_number"):
        if code in raw and values.get(code) is None and columns.text_of(raw.get(code)) is None:
            reject(number, code, None, msg("必填项", "Required"))
            bad = True
    number_text = values.get("id_number")
    if number_text:
        problems = id_number_errors(number_text, today)
        if problems:
            reject(number, "id_number", raw.get("id_number"), problems[0])
            return True
        born, sex = birth_date_of(number_text), gender_of(number_text)
        if values.get("birth_date") is None and "birth_date" not in _failed(raw, values, "birth_date"):
            values["birth_date"] = born
        elif values.get("birth_date") is not None and values["birth_date"] != born:
            reject(
                number,
                "birth_date",
                raw.get("birth_date"),
                msg(
                    f"出生日期与身份证号（{born.isoformat()}）不一致",
                    f"Differs from the ID number's birth date ({born.isoformat()})",
                ),
            )
            bad = True
        if values.get("gender") is None and "gender" not in _failed(raw, values, "gender"):
            values["gender"] = sex
        elif values.get("gender") is not None and values["gender"] != sex:
            reject(
                number,
                "gender",
                raw.get("gender"),
                msg("性别与身份证号（第 17 位奇数为男、偶数为女）不一致", "Differs from the ID number's sex"),
            )
            bad = True
    if values.get("birth_date") is not None and (problems := birth_date_errors(values["birth_date"], today)):
        reject(number, "birth_date", raw.get("birth_date"), problems[0])
        bad = True
    if values.get("phone"):
        if problems := phone_errors(values["phone"]):
            reject(number, "phone", raw.get("phone"), problems[0])
            bad = True
    for code, limit in (("name", 50), ("address", 200), ("unit", 20), ("room", 20), ("building", 100)):
        if values.get(code) and len(values[code]) > limit:
            reject(number, code, raw.get(code), msg(f"最多 {limit} 个字", f"At most {limit} characters"))
            bad = True
    return bad


def _failed(raw: dict, values: dict, code: str) -> set[str]:
    """{code} when the cell had text the converter refused (already reported)."""
    return {code} if columns.text_of(raw.get(code)) is not None and values.get(code) is None else set()


def _chunks(items: list, size: int = 1000) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _grids_of_id_numbers(numbers: Iterable[str]) -> dict[str, int]:
    """ID number → the grid of the resident registered with it."""
    table = Resident.__table__
    out: dict[str, int] = {}
    for chunk in _chunks(sorted(set(numbers))):
        query = select(table.c.id_number, table.c.grid_id).where(table.c.id_number.in_(chunk))
        out.update((number, grid_id) for number, grid_id in db.session.execute(query))
    return out


def _residents_by_id_number(numbers: Iterable[str]) -> dict[str, dict]:
    table = Resident.__table__
    out: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(numbers))):
        for row in db.session.execute(select(table).where(table.c.id_number.in_(chunk))).mappings():
            out[row["id_number"]] = dict(row)
    return out


def _buildings_by_name(grid_ids: set[int]) -> dict[str, dict[int, dict]]:
    table = Building.__table__
    out: dict[str, dict[int, dict]] = defaultdict(dict)
    for chunk in _chunks(sorted(grid_ids)):
        for row in db.session.execute(select(table).where(table.c.grid_id.in_(chunk))).mappings():
            out[row["name"]][row["grid_id"]] = dict(row)
    return out


def _households(grid_ids: set[int]) -> dict[tuple[int, str], uuid.UUID]:
    """(grid, address as compared) → the household registered there (the first, if several)."""
    table = Household.__table__
    out: dict[tuple[int, str], uuid.UUID] = {}
    for chunk in _chunks(sorted(grid_ids)):
        query = select(table.c.grid_id, table.c.address, table.c.id).where(table.c.grid_id.in_(chunk))
        for grid_id, address, household_id in db.session.execute(query):
            if address:
                out.setdefault((grid_id, columns.address_key(address)), household_id)
    return out


def _household_keys(grid_ids: set[int]) -> set[tuple[int, str]]:
    return set(_households(grid_ids))


# ---- the commit -------------------------------------------------------------------------------


RESIDENT_COLUMNS = ("name", "gender", "birth_date", "id_number", "phone", "relation", "tags", "status")


def commit(imp: LedgerImport, user: User, progress: Callable[[int, int], None]) -> dict:
    """Write every row that passes the checks now (the register may have moved since the
    preview) through the register's edit planning; returns the counts. The caller commits."""
    scope = Scope.of(user)
    _one_commit_at_a_time(imp)
    checked = check_rows(imp, scope, reuse_parsed=True)
    if checked.report.get("mapping_errors"):
        raise reader.FileRefused("mapping_incomplete", checked.report["mapping_errors"][0])
    mapped = {code for code in (imp.mapping or {}).values() if code}
    now = utcnow()
    ctx = register.EditContext(user, scope, now, "import")
    grid_ids = {row.grid_id for row in checked.rows}
    households = _households(grid_ids)
    buildings = _buildings_by_name(grid_ids)
    groups: dict[tuple[int, str], list[LedgerRow]] = defaultdict(list)
    for row in checked.rows:
        groups[(row.grid_id, row.household_key)].append(row)
    del checked.rows
    counts = {
        entity: {"created": 0, "updated": 0, "unchanged": 0}
        for entity in (register.BUILDING, register.HOUSEHOLD, register.RESIDENT)
    }
    rejected = dict(checked.rejected)
    changed_residents: set[uuid.UUID] = set()
    keys = list(groups)
    total_rows = checked.report["valid"]
    done_rows = 0
    chunk = current_app.config["LEDGER_COMMIT_CHUNK"]
    grid_exists: dict[int, bool] = {}
    for start in range(0, len(keys), chunk):
        # One state per step: only this step's rows are held, whatever the file's size.
        state = register.RegisterState(lock=False)
        state.grids = grid_exists  # asked once per import, not once per step
        chunk_keys = keys[start : start + chunk]
        state.load(register.HOUSEHOLD, [households[k] for k in chunk_keys if k in households])
        known = _residents_by_id_number(row.values["id_number"] for k in chunk_keys for row in groups[k])
        for row in known.values():
            state.put(register.RESIDENT, row)
        for by_grid in buildings.values():
            for row in by_grid.values():
                state.put(register.BUILDING, row)
        writes: list[register.RegisterWrite] = []
        for key in chunk_keys:
            members = groups.pop(key)
            outcome = _plan_household(key, members, mapped, households, buildings, state, ctx)
            if not _take(outcome, members, writes, counts, rejected):
                done_rows += len(members)
                continue
            household_id = outcome.row["id"]
            for row in members:
                resident = _plan_resident(row, household_id, mapped, known, state, ctx)
                if _take(resident, [row], writes, counts, rejected) and isinstance(
                    resident, register.RegisterWrite
                ):
                    if not resident.created:
                        changed_residents.add(resident.row["id"])
            done_rows += len(members)
        register.execute_bulk(writes)
        progress(done_rows, total_rows)
    refresh_visit_state(changed_residents)
    turned_away_now = len(rejected) - len(checked.rejected)
    result = {
        "rows": checked.report["rows"],
        "imported": total_rows - turned_away_now,
        "rejected": len(rejected),
        "buildings": counts[register.BUILDING],
        "households": counts[register.HOUSEHOLD],
        "residents": counts[register.RESIDENT],
    }
    imp.rejected = sorted([number, reason] for number, reason in rejected.items())
    record(
        "ledger.import",
        user,
        "ledger_import",
        imp.id,
        {
            "file_sha256": imp.file_sha256,
            "file_name": imp.file_name,
            "scope": scope.level,
            **result,
        },
    )
    return result


# Two imports naming the same new person must not both create them: commits take turns.
_COMMIT_LOCK = 0x6C656467  # "ledg"


def _one_commit_at_a_time(imp: LedgerImport) -> None:
    """Wait for any other import's commit to end before reading the register (PostgreSQL: a
    transaction-scoped advisory lock; SQLite: this transaction's first write takes the one
    write lock)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _COMMIT_LOCK})
    else:
        imp.updated_at = utcnow()
        db.session.flush()


def _take(
    outcome: register.Outcome, rows: list[LedgerRow], writes: list, counts: dict, rejected: dict
) -> bool:
    """Book a planned outcome; False when its rows were turned away."""
    if isinstance(outcome, register.RegisterWrite):
        writes.append(outcome)
        counts[outcome.entity]["created" if outcome.created else "updated"] += 1
        for step in outcome.steps:
            if step[0] == "insert" and step[1] == register.BUILDING:
                counts[register.BUILDING]["created"] += 1
        return True
    if isinstance(outcome, register.Unchanged):
        counts[outcome.entity]["unchanged"] += 1
        return True
    if isinstance(outcome, register.Rejected):
        reason = "；".join(f"{k}：{v[0]}" for k, v in outcome.fields.items())
    elif isinstance(outcome, register.Forbidden):
        reason = msg("不在您的负责范围内", "Outside your area")
    else:
        reason = msg(
            "该记录正被他人修改，请稍后重新导入", "Someone is editing this record; import again later"
        )
    for row in rows:
        rejected[row.number] = reason
    return False


def _plan_household(
    key: tuple[int, str],
    members: list[LedgerRow],
    mapped: set[str],
    households: dict,
    buildings: dict,
    state: register.RegisterState,
    ctx: register.EditContext,
) -> register.Outcome:
    grid_id = key[0]
    head = next((r for r in members if r.values.get("relation") == "head"), members[0])
    household_id = households.get(key)
    current = state.get(register.HOUSEHOLD, household_id) if household_id else None
    if current is None:
        household_id = uuid.uuid4()
        state.absent(register.HOUSEHOLD, [household_id])
    sent: dict[str, Any] = {
        "id": str(household_id),
        "grid_id": grid_id,
        "address": head.address,
        "head_name": head.values["name"],
    }
    for code in ("unit", "room", "housing_type"):
        if code in mapped:
            sent[code] = head.values.get(code)
    if "phone" in mapped and head.values.get("phone"):
        sent["phone"] = head.values["phone"]
    name = head.values.get("building") if "building" in mapped else None
    if name:
        stored = buildings.get(name, {}).get(grid_id)
        if stored is not None:
            sent["building_id"] = str(stored["id"])
        else:
            building_id = uuid.uuid4()
            state.absent(register.BUILDING, [building_id])
            sent["building"] = {"id": str(building_id), "name": name}
    outcome = register.plan_household(sent, current["version"] if current else None, state, ctx)
    if isinstance(outcome, register.RegisterWrite):
        households[key] = outcome.row["id"]
        if "building" in sent:  # made with this household: later households refer to it
            buildings.setdefault(name, {})[grid_id] = state.get(register.BUILDING, building_id)
    return outcome


def _plan_resident(
    row: LedgerRow,
    household_id: uuid.UUID,
    mapped: set[str],
    known: dict,
    state: register.RegisterState,
    ctx: register.EditContext,
) -> register.Outcome:
    current = known.get(row.values["id_number"])
    resident_id = current["id"] if current else uuid.uuid4()
    if current is None:
        state.absent(register.RESIDENT, [resident_id])
    sent: dict[str, Any] = {"id": str(resident_id)}
    sent["household_id"] = str(household_id)
    for code in RESIDENT_COLUMNS:
        # Birth date and sex come from the ID number when their columns are absent; a column
        # not mapped keeps what the register has.
        if code not in mapped and code not in ("name", "id_number", "gender", "birth_date"):
            continue
        value = row.values.get(code)
        if code == "status" and value is None:
            continue
        sent[code] = value.isoformat() if code == "birth_date" else value
    return register.plan_resident(sent, current["version"] if current else None, state, ctx)


# ---- rejected rows back as a workbook ---------------------------------------------------------


def rejected_sheet(imp: LedgerImport) -> xlsx.Spreadsheet:
    """The rows turned away, as they were in the file, with a reason column to fix and re-import.

    Every cell is written as text (an ID number keeps its digits), and text that Excel would read
    as a formula stays text (server.xlsx)."""
    reasons = {number: reason for number, reason in (imp.rejected or [])}
    headers = list(imp.headers or [])
    width = len(headers)
    sheet_columns = [xlsx.Column(h or f"第{i + 1}列", 16) for i, h in enumerate(headers)]
    sheet_columns.append(xlsx.Column("错误原因", 60))

    def rows() -> Iterator[list[Any]]:
        if not reasons:
            return
        for number, cells in read_rows(imp):
            if number in reasons:
                texts = [columns.text_of(c) for c in cells[:width]]
                texts += [None] * (width - len(texts))
                yield [*texts, f"第 {number} 行：{reasons[number]}"]

    return xlsx.write("未导入的行", sheet_columns, rows())
