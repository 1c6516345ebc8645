"""A month's KPIs as an Excel sheet: one row per figure with its definition, then, when asked
for, the same figures per street, community or grid (kpis.month_kpis's breakdown)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from server.i18n import msg, wants_english
from server.xlsx import Column, Spreadsheet, write

_BY_LABELS = {
    "street": {"zh": "街道", "en": "street"},
    "community": {"zh": "社区", "en": "community"},
    "grid": {"zh": "网格", "en": "grid"},
}


def columns() -> list[Column]:
    return [
        Column(msg("月份", "Month"), 9),
        Column(msg("范围", "Level"), 8),
        Column(msg("编码", "Code"), 18),
        Column(msg("名称", "Name"), 18),
        Column(msg("指标", "Figure"), 14),
        Column(msg("分子", "Numerator"), 8, "number"),
        Column(msg("分母", "Denominator"), 8, "number"),
        Column(msg("比率", "Rate"), 8, "percent"),
        Column(msg("定义", "Definition"), 80),
    ]


def _figure_rows(month: str, level: str, code: str | None, name: str, part: dict, lang: str):
    figures = {**part["figures"], "visit_rate": part["visit_rate"]}
    for figure in figures.values():
        definition = figure["definition"][lang]
        # Every definition starts "<name> = ...": the figure's name is its own first words.
        title = definition.split(" = ", 1)[0]
        yield [
            month,
            level,
            code,
            name,
            title,
            figure["numerator"],
            figure["denominator"],
            figure["rate"],
            definition,
        ]


def kpi_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    """The selection's figures (范围 合计), then each part's when the data has a breakdown."""
    lang = "en" if wants_english() else "zh"
    month = data["month"]
    yield from _figure_rows(month, msg("合计", "total"), None, msg("所选范围", "selection"), data, lang)
    by = data.get("by")
    for part in data.get("breakdown", []):
        yield from _figure_rows(month, _BY_LABELS[by][lang], part["code"], part["name"], part, lang)


def build_kpis_xlsx(data: dict[str, Any]) -> Spreadsheet:
    """kpis.month_kpis's answer as a workbook (one sheet, 考核指标)."""
    return write(msg(f"考核指标{data['month']}", f"KPIs {data['month']}"), columns(), kpi_rows(data))


def filenames(month: str) -> tuple[str, str]:
    """The download's ASCII name and its Chinese one."""
    return f"gridwalk-kpis-{month}.xlsx", f"考核指标-{month}.xlsx"
