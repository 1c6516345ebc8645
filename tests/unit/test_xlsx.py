"""The shared XLSX writer: what any export's cells become, whatever was typed on a phone."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl

from server.xlsx import Column, write

COLUMNS = [
    Column("文本", 20),
    Column("时间", 17, "datetime"),
    Column("日期", 12, "date"),
    Column("比率", 8, "percent"),
    Column("数量", 8, "number"),
]


def read(rows) -> openpyxl.worksheet.worksheet.Worksheet:
    sheet = write("测试", COLUMNS, rows)
    assert sheet.rows == len(rows)
    return openpyxl.load_workbook(io.BytesIO(b"".join(sheet.chunks()))).active


def test_formula_looking_text_stays_text_and_control_characters_are_dropped():
    texts = ["=SUM(A1:A9)", "+86 138", "-1 层", "@cmd", "\t=1", -3, "楼道\x0b堆物", "正常"]
    sheet = read([[text, None, None, None, None] for text in texts])
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # Exactly what was typed (no apostrophe added), marked as text by Excel's quote prefix.
    assert [c.value for c in cells] == [
        "=SUM(A1:A9)",
        "+86 138",
        "-1 层",
        "@cmd",
        "\t=1",
        "-3",
        "楼道堆物",
        "正常",
    ]
    assert [c.quotePrefix for c in cells] == [True] * 6 + [False] * 2
    assert {c.data_type for c in cells} == {"s"}


def test_times_are_shanghai_wall_clock_dates_are_dates_and_numbers_stay_numbers():
    aware = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
    naive_utc = datetime(2026, 11, 30, 16, 0)  # SQLite hands back UTC without tzinfo
    sheet = read([["a", aware, date(2026, 1, 2), 0.25, -3], ["b", naive_utc, aware, None, 0]])
    first, second = list(sheet.iter_rows(min_row=2))
    assert first[1].value == datetime(2026, 11, 30, 9, 30) and first[1].number_format == "yyyy-mm-dd hh:mm"
    assert first[2].value == datetime(2026, 1, 2) and first[2].number_format == "yyyy-mm-dd"
    assert first[3].value == 0.25 and first[3].number_format == "0.0%"
    assert first[4].value == -3 and first[4].data_type == "n"
    # Past 16:00 UTC is the next day in Shanghai; a datetime in a date column keeps only its local date.
    assert second[1].value == datetime(2026, 12, 1, 0, 0)
    assert second[2].value == datetime(2026, 11, 30) and second[3].value is None and second[4].value == 0


def test_the_header_is_frozen_bold_and_filterable_and_columns_have_their_widths():
    sheet = read([["a", None, None, None, None]])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E2"
    assert [c.value for c in sheet[1]] == ["文本", "时间", "日期", "比率", "数量"]
    assert all(c.font.b for c in sheet[1])
    # Stored widths carry Excel's cell padding (under a character): Excel shows them as 20 and 17.
    assert 20 <= sheet.column_dimensions["A"].width < 21 and 17 <= sheet.column_dimensions["B"].width < 18
