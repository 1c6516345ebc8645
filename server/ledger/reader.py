"""Reading a ledger file safely: which format it is, whether it is too big to open, and its rows.

XLSX is opened only after its zip directory says it unpacks to a bounded size and its sheet
says it has a bounded number of rows; cells are read as stored (a formula is its text, never a
computed value). CSV is decoded as UTF-8 (with or without a BOM) or GB18030, never as a mix.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.i18n import msg

XLSX = "xlsx"
CSV = "csv"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+\d+:)?[A-Z]+(\d+)\"")
_LAST_ROW_RE = re.compile(rb"<(?:\w+:)?row\s[^>]*?r=\"(\d+)\"")
# The first bytes of a sheet hold its <dimension>; a lying or missing one is caught while reading.
_SHEET_HEAD_BYTES = 4096


class FileRefused(Exception):
    """A file the import cannot read, with the message the user sees (zh-CN or English)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_unzipped_bytes: int


def sniff(data_head: bytes, name: str) -> str:
    """xlsx or csv from the first bytes (the name's extension is only a hint); else refused."""
    if data_head.startswith(_ZIP_MAGIC):
        return XLSX
    if data_head.startswith(_OLE_MAGIC):
        raise FileRefused(
            "unsupported_file",
            msg(
                "不支持旧版 .xls 或加密的表格，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入",
                "Old .xls and password-protected workbooks are not supported: save as .xlsx or CSV",
            ),
        )
    if b"\x00" in data_head:
        raise FileRefused(
            "unsupported_file",
            msg(
                "文件不是 XLSX 或 CSV（CSV 请存为 UTF-8 或 GBK 编码）",
                "The file is not XLSX or CSV (save a CSV as UTF-8 or GBK)",
            ),
        )
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused("unsupported_file", msg("文件已损坏，不是有效的 XLSX", "Not a valid XLSX file"))
    return CSV


def check_xlsx(path: Path, limits: Limits) -> None:
    """Refuse a zip bomb (by the sizes its directory declares) and an oversized sheet (by its
    dimension) before openpyxl reads a byte of the sheets."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            if total > limits.max_unzipped_bytes or len(members) > 10_000:
                raise FileRefused(
                    "file_too_large",
                    msg(
                        f"文件解压后超过 {limits.max_unzipped_bytes // (1024 * 1024)} MB，拒绝读取（可能是压缩炸弹）",
                        f"The workbook unpacks to more than {limits.max_unzipped_bytes // (1024 * 1024)} MB; refused",
                    ),
                )
            sheet = _first_sheet_name(archive)
            if sheet is None:
                raise FileRefused("unsupported_file", msg("工作簿中没有工作表", "The workbook has no sheet"))
            with archive.open(sheet) as stream:
                head = stream.read(_SHEET_HEAD_BYTES)
    except FileRefused:
        raise
    except Exception:  # a damaged or hand-made zip fails in many ways (bad CRC, method, EOF)
        raise FileRefused(
            "unsupported_file", msg("文件已损坏，不是有效的 XLSX", "Not a valid XLSX file")
        ) from None
    match = _DIMENSION_RE.search(head)
    if match and int(match.group(2)) > limits.max_rows + 100:
        raise too_many_rows(limits.max_rows)


def too_many_rows(limit: int) -> FileRefused:
    return FileRefused(
        "too_many_rows",
        msg(
            f"表格超过 {limit:,} 行，请按社区或网格拆分后分别导入",
            f"The sheet has more than {limit:,} rows; split it by community or grid",
        ),
    )


def _first_sheet_name(archive: zipfile.ZipFile) -> str | None:
    names = sorted(
        (n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
        key=lambda n: int(re.sub(r"\D", "", n)),
    )
    return names[0] if names else None


def rows(path: Path, file_format: str, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """(sheet row number, cell values) for every row of the first sheet, the empty ones included;
    stops with too_many_rows past the cap, whatever the file claimed."""
    source = _xlsx_rows(path) if file_format == XLSX else _csv_rows(path)
    for number, values in source:
        if number > limits.max_rows + 100:
            raise too_many_rows(limits.max_rows)
        yield number, values


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it ignores; nothing the user could act on.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
        except Exception:
            raise FileRefused(
                "unsupported_file", msg("文件已损坏，不是有效的 XLSX", "Not a valid XLSX file")
            ) from None
        try:
            sheet = workbook.worksheets[0]
            # A sheet's stored dimension can be wrong (files written by other tools): read what is there.
            sheet.reset_dimensions()
            # Values only (no cell objects); empty rows come as empty tuples, so rows count from 1.
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(values)
        finally:
            workbook.close()


def decode_csv(data: bytes) -> str:
    """The text of a CSV: UTF-8 (BOM or not) or GB18030 (which GBK is a part of), one for the
    whole file; lines in both is a file error rather than half the names garbled."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise _mixed(data) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf8_lines = 0
    for line in data.splitlines():
        if max(line, default=0) < 0x80:
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            pass
    if utf8_lines:
        raise _mixed(data)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused(
            "bad_encoding",
            msg(
                "无法识别文件编码：CSV 请存为 UTF-8 或 GBK 编码",
                "Unknown text encoding: save the CSV as UTF-8 or GBK",
            ),
        ) from None


def _mixed(data: bytes) -> FileRefused:
    number = 0
    for number, line in enumerate(data.splitlines(), start=1):  # noqa: B007 (the line it stopped at)
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            break
    return FileRefused(
        "mixed_encoding",
        msg(
            f"文件中混有不同的文字编码（第 {number} 行起不是 UTF-8），请整体另存为 UTF-8 或 GBK 后再导入",
            f"The file mixes text encodings (line {number} is not UTF-8); save it all as UTF-8 or GBK",
        ),
    )


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    text = decode_csv(path.read_bytes())
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, [value if value != "" else None for value in values]
    except csv.Error:
        raise FileRefused("unsupported_file", msg("CSV 格式有误，无法读取", "Malformed CSV")) from None
