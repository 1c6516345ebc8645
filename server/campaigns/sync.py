"""What sync carries of campaigns: a worker's roll-call answers and attempts from the phone
(push kind `campaign_answer`), and their own targets with the campaigns they belong to."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select

from server import worktime as calendar
from server.campaigns.models import Campaign, CampaignEvent, CampaignTarget
from server.campaigns.service import (
    ANSWERS,
    ATTEMPTS,
    MAX_REASON,
    campaign_data,
    close_target,
    live_clause,
    own_live_target,
    record_attempt,
    retally,
    target_data,
)
from server.extensions import db
from server.fields import parse_uuid
from server.i18n import msg
from server.sync.protocol import (
    EntityReader,
    Prepared,
    PushContext,
    PushItem,
    StoredItem,
    forbidden,
    rejected,
    workers_only,
)
from server.sync.registry import SyncRegistry


class CampaignAnswers:
    """Payload {target_id, outcome, reason}: a roll-call answer (reached, no_answer, relocate,
    assist) closes the target on its first arrival; not_met / no_entry is an attempt and needs a
    reason. Idempotent by item id (the event's id)."""

    kinds = frozenset({"campaign_answer"})

    def stored(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, StoredItem]:
        if not ids:
            return {}
        rows = db.session.execute(
            select(
                CampaignEvent.id,
                CampaignEvent.content_hash,
                CampaignEvent.author_id,
                CampaignEvent.received_at,
                CampaignEvent.kind,
            ).where(CampaignEvent.id.in_(ids))
        )
        return {
            row.id: StoredItem(
                row.content_hash or "", row.author_id, row.received_at, {"campaign_close": row.kind}
            )
            for row in rows
        }

    def preload(self, items: list[PushItem], ctx: PushContext) -> None:
        return None

    def prepare(self, item: PushItem, ctx: PushContext) -> Prepared | dict:
        payload = item.payload if isinstance(item.payload, dict) else {}
        target_id = parse_uuid(payload.get("target_id"))
        target = own_live_target(target_id, ctx.user.id) if target_id else None
        if target is None:
            return forbidden(item)
        errors: dict[str, list[str]] = {}
        unknown = set(payload) - {"target_id", "outcome", "reason"}
        for key in sorted(map(str, unknown)):
            errors[key] = [msg("未知的字段", "Unknown field")]
        outcome = payload.get("outcome")
        campaign = db.session.get(Campaign, target.campaign_id)
        allowed = ANSWERS if campaign.mode == "roll_call" else ATTEMPTS
        if outcome not in allowed:
            words = "、".join(allowed.values())
            errors["outcome"] = [msg(f"结果只能是：{words}", f"outcome is one of {', '.join(allowed)}")]
        reason = payload.get("reason")
        if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
            errors["reason"] = [msg("原因最多 200 字", "At most 200 characters")]
        elif outcome in ATTEMPTS and not (reason or "").strip():
            errors["reason"] = [msg("未遇到或无法入户时请填写原因", "Say why (not met / no entry)")]
        if errors:
            return rejected(item, "validation_failed", errors)
        rows = {"target_id": target.id, "outcome": outcome, "reason": (reason or "").strip() or None}
        return Prepared(item, rows, [], {})

    def insert(self, batch: list[Prepared], ctx: PushContext) -> None:
        answered: dict[int, set[int]] = {}
        for p in batch:
            target = db.session.get(CampaignTarget, p.rows["target_id"])
            made_at = min(p.item.created_at, ctx.now)
            if p.rows["outcome"] in ANSWERS:
                answered.setdefault(target.campaign_id, set()).add(target.grid_id)
                kind = close_target(
                    target,
                    p.item.id,
                    ctx.user.id,
                    made_at,
                    ctx.now,
                    answer=p.rows["outcome"],
                    content_hash=p.item.content_hash,
                    tally=False,
                )
            else:
                record_attempt(
                    target,
                    p.item.id,
                    p.rows["outcome"],
                    p.rows["reason"],
                    ctx.user.id,
                    made_at,
                    ctx.now,
                    p.item.content_hash,
                )
                kind = "attempt"
            p.answer["campaign_close"] = kind
        # The board's counts, once per grid a batch answered in (not once per answer).
        for campaign_id, grid_ids in sorted(answered.items()):
            retally(campaign_id, grid_ids)
        db.session.flush()

    def server_view(self, item_id: uuid.UUID) -> dict | None:
        return None


CAMPAIGN_ANSWERS = CampaignAnswers()


# An ended campaign (early, or past its end) leaves the phone: the readers stop seeing it and its
# targets, so every change recorded for them reaches the phone as a delete.


def _own_targets(stmt, ctx):
    running = select(Campaign.id).where(live_clause(calendar.now()))
    return stmt.where(CampaignTarget.assignee_id == ctx.user.id, CampaignTarget.campaign_id.in_(running))


def _live_campaign_targets(stmt, ctx):
    return stmt.where(CampaignTarget.status != "cancelled")


def _with_own_targets(stmt, ctx):
    mine = exists().where(
        CampaignTarget.campaign_id == Campaign.id, CampaignTarget.assignee_id == ctx.user.id
    )
    return stmt.where(mine, live_clause(calendar.now()))


def register(sync: SyncRegistry) -> None:
    sync.add_handler(CAMPAIGN_ANSWERS)
    sync.add_reader(
        EntityReader(
            "campaign",
            Campaign,
            Campaign.id,
            _with_own_targets,
            lambda c: (c.id, c.version, campaign_data(c)),
            int,
            carried=workers_only,
        )
    )
    sync.add_reader(
        EntityReader(
            "campaign_target",
            CampaignTarget,
            CampaignTarget.id,
            _own_targets,
            lambda t: (str(t.id), t.version, target_data(t)),
            uuid.UUID,
            snapshot_filter=_live_campaign_targets,
            carried=workers_only,
        )
    )
