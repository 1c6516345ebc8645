"""A campaign's targets as an Excel sheet for the desk: who, where, whose, and how it stands."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select

from server.campaigns.models import Campaign
from server.campaigns.service import describe
from server.extensions import db
from server.i18n import msg
from server.register import catalogue
from server.xlsx import Column, Spreadsheet, write

_BATCH = 500
# The register's care-tier words; a resident off the visit list shows no tier here.
_TIERS = {item["code"]: item["label"]["zh"] for item in catalogue.CARE_TIERS if item["code"] != "none"}


def columns() -> list[Column]:
    return [
        Column(msg("对象", "Target"), 12),
        Column(msg("地址", "Address"), 30),
        Column(msg("网格", "Grid"), 18),
        Column(msg("关爱等级", "Care tier"), 10),
        Column(msg("状态", "Status"), 10),
        Column(msg("尝试次数", "Attempts"), 8, "number"),
        Column(msg("最近结果", "Last outcome"), 10),
        Column(msg("原因", "Reason"), 20),
        Column(msg("叫应", "Roll-call"), 10),
        Column(msg("完成时间", "Closed at"), 17, "datetime"),
        Column(msg("后续提交", "Follow-ups"), 8, "number"),
    ]


def _rows(stmt: Select) -> Iterator[list[Any]]:
    offset = 0
    while True:
        page = list(db.session.scalars(stmt.offset(offset).limit(_BATCH)))
        if not page:
            return
        for target, data in zip(page, describe(page), strict=True):
            yield [
                data["name"],
                data["address"],
                data["grid_name"],
                _TIERS.get(target.care_tier, ""),
                data["status_words"],
                target.attempts,
                {"not_met": "未遇到", "no_entry": "无法入户"}.get(target.last_outcome or "", ""),
                target.last_reason,
                data["answer_words"],
                target.closed_at,
                target.follow_ups,
            ]
        offset += _BATCH


def build_targets_xlsx(stmt: Select) -> Spreadsheet:
    return write(msg("专项对象", "Campaign targets"), columns(), _rows(stmt))


def filenames(campaign: Campaign, today: date) -> tuple[str, str]:
    return (
        f"campaign-{campaign.id}-{today.isoformat()}.xlsx",
        f"专项-{campaign.name}-{today.isoformat()}.xlsx",
    )
