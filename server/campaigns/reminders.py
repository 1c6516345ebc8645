"""Roll-call reminders (server.push.reminders runs the sweep): at 50 % and at 80 % of a roll-call's
time, one push to each of its workers who still has targets without an answer. The same sweep
marks campaigns past their end as ended, so they leave the phones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.campaigns.models import Campaign
from server.campaigns.service import deadline, end_overdue, pushes_for
from server.extensions import db
from server.push.message import WebPush
from server.push.reminders import ReminderSource, aware, claim_once

SHARES = ((0.5, Campaign.reminded_half_at, "已过半"), (0.8, Campaign.reminded_late_at, "即将到时"))


def claim(now: datetime) -> list[WebPush]:
    """Claim every roll-call due a reminder at `now` (UTC); the caller commits, then sends."""
    end_overdue(now)
    pushes: list[WebPush] = []
    rows = db.session.scalars(
        select(Campaign)
        .where(Campaign.status == "active", Campaign.mode == "roll_call")
        .order_by(Campaign.id)
    )
    for campaign in rows:
        start, end = aware(campaign.launched_at), deadline(campaign)
        if end <= start or now >= end:
            continue
        used = (now - start) / (end - start)
        for share, mark, words in SHARES:
            # A sweep that first sees it past 80 % sends the 80 % push alone, not two at once.
            if used >= share and getattr(campaign, mark.key) is None:
                if share == 0.5 and used >= 0.8:
                    continue
                if claim_once(Campaign, campaign, mark, now):
                    pushes.extend(
                        pushes_for(campaign, "deadline_near", f"叫应{words}：{campaign.name}", only_open=True)
                    )
                break
    return pushes


def register(sources: list[ReminderSource]) -> None:
    sources.append(ReminderSource("campaigns", claim))
