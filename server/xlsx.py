"""Spreadsheets for the desk: one sheet with a bold, frozen header row, sized columns, real dates
and times (Asia/Shanghai wall clock), and typed-in text that Excel never runs as a formula.

The workbook is written in openpyxl's write-only mode into a temporary file, so a long export
keeps memory flat; the route sends that file in chunks once its audit row is committed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, Any
from urllib.parse import quote

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from server.timeutil import SHANGHAI

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to Excel (CSV/XLSX injection): names and
# addresses are typed on phones, so such text gets a leading apostrophe and stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"
_CHUNK = 64 * 1024


def safe_text(value: Any) -> str:
    """Text for a spreadsheet cell: formula-looking text prefixed with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def local_naive(value: datetime) -> datetime:
    """An instant as the Shanghai wall clock shows it, without tzinfo (Excel has no time zones).

    Naive values are UTC by our storage rule (SQLite drops tzinfo)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SHANGHAI).replace(tzinfo=None)


@dataclass(frozen=True)
class Column:
    """One column: its header, its width in characters, and how its values are stored."""

    title: str
    width: float = 12
    # text | number | date | datetime | percent
    kind: str = "text"


@dataclass
class Spreadsheet:
    """A finished workbook in a temporary file, with its data row count (for the audit row)."""

    file: IO[bytes]
    rows: int

    def chunks(self) -> Iterator[bytes]:
        """The file's bytes in chunks; the file is closed when the response is done with it."""
        try:
            self.file.seek(0)
            while chunk := self.file.read(_CHUNK):
                yield chunk
        finally:
            self.file.close()

    @contextmanager
    def dropped_on_error(self) -> Iterator[None]:
        """Around the audit row's commit: if that fails the file is never sent, so close it now."""
        try:
            yield
        except BaseException:
            self.file.close()
            raise


def _cell_value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "datetime" and isinstance(value, datetime):
        return local_naive(value)
    if kind == "date" and isinstance(value, datetime):
        return local_naive(value).date()
    if kind in ("number", "percent", "date") and isinstance(value, int | float | date):
        return value
    # Control characters the XML of a sheet cannot hold are dropped, not a failed export.
    return ILLEGAL_CHARACTERS_RE.sub("", safe_text(value))


_FORMATS = {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "percent": PERCENT_FORMAT}


def write(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Spreadsheet:
    """Write one sheet: the header row (bold, frozen, filterable), then a row per item of `rows`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    # Both must be set before the first row: write-only sheets write their head first.
    sheet.freeze_panes = "A2"
    for n, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        out: list[Any] = []
        for column, value in zip(columns, row, strict=True):
            value = _cell_value(value, column.kind)
            if value is not None and column.kind in _FORMATS:
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = _FORMATS[column.kind]
                value = cell
            out.append(value)
        sheet.append(out)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    file = tempfile.TemporaryFile(prefix="gridwalk-export-")
    try:
        workbook.save(file)
    except BaseException:
        file.close()
        raise
    return Spreadsheet(file, count)


def content_disposition(ascii_name: str, name: str) -> str:
    """attachment, with an ASCII name for old clients and the UTF-8 name (RFC 6266 / RFC 5987)."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def response(spreadsheet: Spreadsheet, ascii_name: str, name: str):
    """The workbook as a download, streamed from its file; never cached (it holds personal data)."""
    return current_app.response_class(
        spreadsheet.chunks(),
        status=200,
        mimetype=MIMETYPE,
        headers={
            "Content-Disposition": content_disposition(ascii_name, name),
            "Cache-Control": "no-store",
        },
        direct_passthrough=True,
    )
