"""Campaigns: create, launch (targets per grid worker), close targets exactly once, follow the
register, and the desk's figures. Services never commit: the route or the job does.

Retry rule for 未遇到 / 无法入户 (not_met / no_entry): the attempt is counted, the target stays on
the worker's checklist as `attempted` and comes back the next day (retry_on, a Shanghai date);
after MAX_ATTEMPTS attempts it is `unreachable` and off the checklist (the board lists it for the
supervisor). A form submission still closes an attempted or unreachable target.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Row, Select, and_, case, delete, func, insert, literal, or_, select, text, update

from server import worktime as calendar
from server.auth.models import User, user_grid
from server.auth.scope import Scope
from server.campaigns.models import Campaign, CampaignEvent, CampaignTally, CampaignTarget
from server.campaigns.rules import TIER_RANK, matches, parse_rule
from server.errors import ApiError, not_found, validation_failed
from server.extensions import db
from server.forms.models import FormTemplate
from server.i18n import msg
from server.org.models import Community, Grid
from server.push.message import WebPush
from server.register.models import Household, Resident
from server.sync.changes import change_row, record_changes
from server.timeutil import SHANGHAI, aware, iso, local_date, parse_time

CAMPAIGN_ENTITY = "campaign"
TARGET_ENTITY = "campaign_target"
MAX_ATTEMPTS = 3
# Roll-call answers (each closes the target on its first arrival) and the normal mode's attempts.
ANSWERS = {"reached": "已叫应", "no_answer": "无人应答", "relocate": "需转移", "assist": "需帮扶"}
# The answers the roll-call board counts per grid (campaign_tally's columns).
TALLIED_ANSWERS = tuple(ANSWERS)
ATTEMPTS = {"not_met": "未遇到", "no_entry": "无法入户"}
STATUS_WORDS = {
    "open": "待完成",
    "attempted": "已尝试",
    "done": "已完成",
    "unreachable": "多次未遇",
    "cancelled": "已取消",
}
LIVE = ("open", "attempted")  # still on the worker's checklist
# Targets written per statement and per job step (a job commits after each step).
CHUNK = 2000  # app.config CAMPAIGN_LAUNCH_CHUNK overrides it (tests watch progress)
DEFAULT_INLINE_TARGETS = 5000
MAX_REASON = 200


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


def deadline(campaign: Campaign) -> datetime:
    """When the targets are due: a roll-call's launch + its hours, else the campaign's end."""
    if campaign.mode == "roll_call" and campaign.launched_at is not None and campaign.deadline_hours:
        return min(
            _aware(campaign.launched_at) + timedelta(hours=campaign.deadline_hours), _aware(campaign.ends_at)
        )
    return _aware(campaign.ends_at)


def is_ended(campaign: Campaign, now: datetime | None = None) -> bool:
    """Ended early by a supervisor, or a launched campaign whose end has passed (the sweep will
    mark it; every reader already treats it as ended)."""
    if campaign.status == "ended":
        return True
    return campaign.status == "active" and _aware(campaign.ends_at) <= (now or calendar.now())


def status_of(campaign: Campaign) -> str:
    return "ended" if is_ended(campaign) else campaign.status


def live_clause(now: datetime) -> Any:
    """SQL for the campaigns still running at `now` (what phones hold)."""
    return and_(Campaign.status == "active", Campaign.ends_at > now)


# ---- what is sent ------------------------------------------------------------------------------


def campaign_data(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "street_id": campaign.street_id,
        "community_id": campaign.community_id,
        "template": {"key": campaign.template_key, "version": campaign.template_version},
        "form_kind": campaign.form_kind,
        "rule": campaign.rule,
        "mode": campaign.mode,
        "deadline_hours": campaign.deadline_hours,
        "starts_at": iso(campaign.starts_at),
        "ends_at": iso(campaign.ends_at),
        "due_at": iso(deadline(campaign)),
        "close_out_time": campaign.close_out_time,
        "daily_quota": campaign.daily_quota,
        "status": status_of(campaign),
        "launch": {"total": campaign.launch_total, "done": campaign.launch_done},
        "launched_at": iso(campaign.launched_at),
        "created_by": campaign.created_by,
        "created_at": iso(campaign.created_at),
        "version": campaign.version,
    }


def retry_on(target: CampaignTarget | Row) -> str | None:
    """The Shanghai date an attempted target comes back on the checklist."""
    if target.status != "attempted" or target.last_attempt_at is None:
        return None
    return (local_date(target.last_attempt_at) + timedelta(days=1)).isoformat()


def target_data(target: CampaignTarget | Row) -> dict[str, Any]:
    """A target as the phone holds it (the register on the phone has the names and rooms)."""
    data = {
        "id": str(target.id),
        "campaign_id": target.campaign_id,
        "household_id": str(target.household_id),
        "resident_id": str(target.resident_id) if target.resident_id else None,
        "building_id": str(target.building_id) if target.building_id else None,
        "grid_id": target.grid_id,
        "assignee_id": target.assignee_id,
        "care_tier": target.care_tier,
        "status": target.status,
        "attempts": target.attempts,
        "last_outcome": target.last_outcome,
        "last_reason": target.last_reason,
        "retry_on": retry_on(target),
        "answer": target.answer,
        "answered_at": iso(target.answered_at),
        "closed_at": iso(target.closed_at),
        "follow_ups": target.follow_ups,
        "version": target.version,
    }
    return {key: value for key, value in data.items() if value is not None}


# ---- who sees what -------------------------------------------------------------------------------


def visible_campaigns(user: User) -> Select:
    """Campaigns of the user's street (a community supervisor: the street's and their own)."""
    scope = Scope.of(user)
    stmt = select(Campaign).where(scope.street_clause(Campaign.street_id))
    if scope.level == "community":
        stmt = stmt.where(or_(Campaign.community_id.is_(None), Campaign.community_id == scope.level_id))
    return stmt


def campaign_or_404(user: User, campaign_id: int) -> Campaign:
    campaign = db.session.scalar(visible_campaigns(user).where(Campaign.id == campaign_id))
    if campaign is None:
        raise not_found()
    return campaign


def _may_edit(user: User, campaign: Campaign) -> None:
    """Only the level that owns it: the street's campaign by street supervisors, a community's by
    its own supervisors (or the street's)."""
    scope = Scope.of(user)
    if scope.level == "community" and campaign.community_id != scope.level_id:
        raise ApiError(
            403,
            "forbidden",
            msg("街道的专项只能由街道管理员修改", "Only the street's supervisors edit a street campaign"),
        )


def area(campaign: Campaign) -> Any:
    """The campaign's area as a condition on Community (joined to Grid)."""
    if campaign.community_id is not None:
        return Community.id == campaign.community_id
    return Community.street_id == campaign.street_id


# ---- create and edit ------------------------------------------------------------------------------


def _parse_close_out(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        return None
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        return None
    return parsed.strftime("%H:%M")


def _check_fields(body: dict, campaign: Campaign | None, errors: dict[str, list[str]]) -> dict:
    """The plain fields of a create or edit, as values to set."""
    values: dict[str, Any] = {}
    if "name" in body:
        name = (body["name"] or "").strip() if isinstance(body["name"], str) else ""
        if not name or len(name) > 100:
            errors["name"] = [msg("请填写名称（最多 100 字）", "A name of at most 100 characters")]
        values["name"] = name
    if "mode" in body:
        if body["mode"] not in ("normal", "roll_call"):
            errors["mode"] = [msg("方式只能是普通或叫应", "mode is normal or roll_call")]
        values["mode"] = body["mode"]
    mode = values.get("mode", campaign.mode if campaign else "normal")
    if "deadline_hours" in body:
        hours = body["deadline_hours"]
        if hours is not None and (
            not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 720
        ):
            errors["deadline_hours"] = [msg("时限为 1–720 小时", "1 to 720 hours")]
        values["deadline_hours"] = hours
    hours = values.get("deadline_hours", campaign.deadline_hours if campaign else None)
    if mode == "roll_call" and not hours and "deadline_hours" not in errors:
        errors["deadline_hours"] = [msg("叫应需要填写时限（小时）", "A roll-call needs a deadline in hours")]
    for key in ("starts_at", "ends_at"):
        if key in body:
            parsed = parse_time(body[key])
            if parsed is None:
                errors[key] = [msg("时间格式有误（需带时区）", "An ISO 8601 time with an offset")]
            values[key] = parsed
    starts = values.get("starts_at", campaign.starts_at if campaign else None)
    ends = values.get("ends_at", campaign.ends_at if campaign else None)
    if starts and ends and "starts_at" not in errors and "ends_at" not in errors:
        if _aware(ends) <= _aware(starts):
            errors["ends_at"] = [msg("结束时间应晚于开始时间", "ends_at is after starts_at")]
        elif "ends_at" in values and _aware(ends) <= calendar.now():
            errors["ends_at"] = [msg("结束时间不能早于现在", "ends_at is in the past")]
    if "close_out_time" in body:
        parsed_time = _parse_close_out(body["close_out_time"])
        if parsed_time is None:
            errors["close_out_time"] = [msg("日结时间格式为 HH:MM", "HH:MM")]
        values["close_out_time"] = parsed_time
    if "daily_quota" in body:
        quota = body["daily_quota"]
        if quota is not None and (
            not isinstance(quota, int) or isinstance(quota, bool) or not 1 <= quota <= 10000
        ):
            errors["daily_quota"] = [msg("每日指标为 1–10000", "1 to 10000")]
        values["daily_quota"] = quota
    return values


def _template(body: dict, errors: dict) -> FormTemplate | None:
    ref = body.get("template")
    if (
        not isinstance(ref, dict)
        or not isinstance(ref.get("key"), str)
        or not isinstance(ref.get("version"), int)
    ):
        errors["template"] = [msg("请选择表单及版本", "Choose a form template and version")]
        return None
    template = db.session.scalar(
        select(FormTemplate).where(FormTemplate.key == ref["key"], FormTemplate.version == ref["version"])
    )
    if template is None or not template.active:
        errors["template"] = [msg("表单版本不存在或已停用", "No such active form version")]
        return None
    return template


def campaign_area_of(user: User) -> tuple[int, int | None]:
    """(street, community) a campaign of this user covers: a community supervisor's stays in
    their community, a street supervisor's is the street's (community None)."""
    scope = Scope.of(user)
    if scope.level == "community":
        community = db.session.get(Community, scope.level_id)
        return community.street_id, community.id
    if scope.level == "street" and scope.level_id is not None:
        return scope.level_id, None
    raise ApiError(
        403, "forbidden", msg("只有街道或社区管理员可以发起专项", "Only street or community supervisors")
    )


def create_campaign(body: dict, user: User) -> Campaign:
    """A draft: a community supervisor's stays in their community."""
    errors: dict[str, list[str]] = {}
    for key in ("name", "template", "rule", "starts_at", "ends_at"):
        if body.get(key) is None:
            errors[key] = [msg("必填", "Required")]
    values = _check_fields(body, None, errors)
    template = _template(body, errors) if "template" not in errors else None
    rule, rule_errors = parse_rule(body.get("rule")) if body.get("rule") is not None else ({}, {})
    errors.update({f"rule.{key}": words for key, words in rule_errors.items()})
    if errors:
        raise validation_failed(errors)
    street_id, community_id = campaign_area_of(user)
    now = calendar.now()
    campaign = Campaign(
        street_id=street_id,
        community_id=community_id,
        template_key=template.key,
        template_version=template.version,
        form_kind=template.kind,
        rule=rule,
        status="draft",
        launch_done=0,
        created_by=user.id,
        created_at=now,
        version=1,
        **{"close_out_time": "17:30", "mode": "normal", **values},
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


def edit_campaign(campaign: Campaign, body: dict, user: User) -> int:
    """A draft changes freely; a launched campaign may move its end, quota and close-out, and its
    rule may only grow: the new matches are added (returned), removing needs a cancel."""
    _may_edit(user, campaign)
    if is_ended(campaign) or campaign.status in ("cancelled", "launching"):
        raise ApiError(409, "campaign_closed", msg("该专项已结束或正在下发，不能修改", "Ended or launching"))
    errors: dict[str, list[str]] = {}
    launched = campaign.status == "active"
    if launched:
        frozen = sorted(set(body) & {"mode", "deadline_hours", "starts_at", "template"})
        for key in frozen:
            errors[key] = [msg("已下发的专项不能修改此项", "Cannot change after launch")]
    values = _check_fields(body, campaign, errors)
    template = _template(body, errors) if "template" in body and not launched else None
    rule = None
    if "rule" in body:
        rule, rule_errors = parse_rule(body["rule"])
        errors.update({f"rule.{key}": words for key, words in rule_errors.items()})
    if errors:
        raise validation_failed(errors)
    added = 0
    if rule is not None and launched:
        added = _grow_rule(campaign, rule)
    elif rule is not None:
        campaign.rule = rule
    if template is not None:
        campaign.template_key, campaign.template_version = template.key, template.version
        campaign.form_kind = template.kind
    for key, value in values.items():
        setattr(campaign, key, value)
    campaign.version += 1
    if launched:
        _campaign_changed(campaign)
    return added


def _grow_rule(campaign: Campaign, rule: dict) -> int:
    """The edited rule must still match every live target; its new matches become targets."""
    found = {row.subject_id: row for row in db.session.execute(_matches(campaign, rule))}
    live = select(CampaignTarget.subject_id).where(
        CampaignTarget.campaign_id == campaign.id, CampaignTarget.status != "cancelled"
    )
    dropped = [subject for subject in db.session.scalars(live) if subject not in found]
    if dropped:
        raise ApiError(
            409,
            "rule_removes_targets",
            msg(
                f"新规则会去掉 {len(dropped)} 个已下发的对象；规则只能增加对象，去掉请逐个取消并说明原因",
                f"The new rule drops {len(dropped)} targets; cancel them explicitly with a reason",
            ),
            count=len(dropped),
        )
    campaign.rule = rule
    return add_targets(campaign, list(found.values()), calendar.now())


# ---- launch --------------------------------------------------------------------------------------


def _matches(campaign: Campaign, rule: dict | None = None) -> Select:
    return matches(rule or campaign.rule, area(campaign), db.session.get_bind().dialect.name)


def count_matches(campaign: Campaign) -> int:
    return db.session.scalar(select(func.count()).select_from(_matches(campaign).subquery())) or 0


def preview_count(raw_rule: Any, user: User) -> int:
    """How many a rule would match now in the area a campaign of this user would have."""
    rule, errors = parse_rule(raw_rule)
    if errors:
        raise validation_failed({f"rule.{key}": words for key, words in errors.items()})
    street_id, community_id = campaign_area_of(user)
    return count_matches(Campaign(street_id=street_id, community_id=community_id, rule=rule))


def grid_workers(grid_ids: Iterable[int] | None = None) -> dict[int, int]:
    """grid → its worker (the active worker with the smallest id, when a grid has several)."""
    stmt = (
        select(user_grid.c.grid_id, func.min(User.id))
        .join(User, User.id == user_grid.c.user_id)
        .where(User.role == "worker", User.active.is_(True))
        .group_by(user_grid.c.grid_id)
    )
    if grid_ids is not None:
        stmt = stmt.where(user_grid.c.grid_id.in_(list(grid_ids)))
    return dict(db.session.execute(stmt).all())


def add_targets(campaign: Campaign, found: list, now: datetime) -> int:
    """Insert the matches not yet targets (the unique constraint backs this check); returns how many."""
    if not found:
        return 0
    have = set(
        db.session.scalars(select(CampaignTarget.subject_id).where(CampaignTarget.campaign_id == campaign.id))
    )
    new = [row for row in found if row.subject_id not in have]
    workers = grid_workers({row.grid_id for row in new})
    connection = db.session.connection()
    for start in range(0, len(new), CHUNK):
        rows = [
            {
                "id": uuid.uuid4(),
                "campaign_id": campaign.id,
                "subject_id": row.subject_id,
                "household_id": row.household_id,
                "resident_id": row.resident_id,
                "building_id": row.building_id,
                "grid_id": row.grid_id,
                "community_id": row.community_id,
                "assignee_id": workers.get(row.grid_id),
                "care_tier": row.care_tier or "none",
                "status": "open",
                "attempts": 0,
                "follow_ups": 0,
                "added_at": now,
                "version": 1,
            }
            for row in new[start : start + CHUNK]
        ]
        connection.execute(insert(CampaignTarget.__table__), rows)
        record_changes(
            [
                change_row(TARGET_ENTITY, r["id"], user_id=r["assignee_id"], at=now)
                for r in rows
                if r["assignee_id"]
            ]
        )
    if new:
        _campaign_changed(campaign, {workers[row.grid_id] for row in new if row.grid_id in workers})
        retally(campaign.id, {row.grid_id for row in new})
    return len(new)


def insert_matches(campaign: Campaign, matched: Select, now: datetime) -> int:
    """add_targets for a query of matches. On PostgreSQL one INSERT … SELECT writes them in the
    database (30,000 households: no row crosses to Python but the new ids for the feed), skipping
    subjects already targets by the unique constraint; elsewhere the rows go through add_targets."""
    if db.session.get_bind().dialect.name != "postgresql":
        return add_targets(campaign, list(db.session.execute(matched)), now)
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    found = matched.subquery()
    workers = (
        select(user_grid.c.grid_id, func.min(User.id).label("worker_id"))
        .join(User, User.id == user_grid.c.user_id)
        .where(User.role == "worker", User.active.is_(True))
        .group_by(user_grid.c.grid_id)
        .subquery()
    )
    columns = (
        "id",
        "campaign_id",
        "subject_id",
        "household_id",
        "resident_id",
        "building_id",
        "grid_id",
        "community_id",
        "assignee_id",
        "care_tier",
        "status",
        "attempts",
        "follow_ups",
        "added_at",
        "version",
    )
    rows = select(
        func.gen_random_uuid(),
        literal(campaign.id),
        found.c.subject_id,
        found.c.household_id,
        found.c.resident_id.cast(CampaignTarget.resident_id.type),
        found.c.building_id,
        found.c.grid_id,
        found.c.community_id,
        workers.c.worker_id,
        func.coalesce(found.c.care_tier, "none"),
        literal("open"),
        literal(0),
        literal(0),
        literal(now, CampaignTarget.added_at.type),
        literal(1),
    ).select_from(found.outerjoin(workers, workers.c.grid_id == found.c.grid_id))
    stmt = (
        pg_insert(CampaignTarget.__table__)
        .from_select(columns, rows)
        .on_conflict_do_nothing(constraint="uq_campaign_target_subject")
        .returning(CampaignTarget.id, CampaignTarget.assignee_id)
    )
    added = db.session.execute(stmt).all()
    record_changes(
        [
            change_row(TARGET_ENTITY, target_id, user_id=user_id, at=now)
            for target_id, user_id in added
            if user_id
        ]
    )
    if added:
        _campaign_changed(campaign, {user_id for _, user_id in added if user_id})
        retally(campaign.id)
    return len(added)


def _campaign_changed(campaign: Campaign, extra: set[int] | None = None) -> None:
    """Every worker holding a target of it (and `extra`) hears of the campaign again."""
    holders = set(
        db.session.scalars(
            select(CampaignTarget.assignee_id)
            .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.assignee_id.is_not(None))
            .distinct()
        )
    )
    record_changes(
        [change_row(CAMPAIGN_ENTITY, campaign.id, user_id=u) for u in sorted(holders | (extra or set()))]
    )


def launch(campaign: Campaign, user: User) -> str:
    """Launch a draft (or launch again: only new matches are added). Returns "done" when the
    targets are written in this transaction, "job" when a job writes them (the caller enqueues
    run_launch after its commit). A rule matching no one is refused with the count."""
    _may_edit(user, campaign)
    if campaign.status in ("ended", "cancelled"):
        raise ApiError(409, "campaign_closed", msg("该专项已结束", "The campaign has ended"))
    if campaign.status == "launching":
        raise ApiError(409, "launch_running", msg("正在下发中，请稍候", "The launch is still running"))
    now = calendar.now()
    if _aware(campaign.ends_at) <= now:
        raise ApiError(409, "campaign_over", msg("专项的结束时间已过", "The campaign's end is past"))
    total = count_matches(campaign)
    if total == 0:
        raise ApiError(
            422,
            "no_targets",
            msg(
                "规则没有匹配到任何对象（0 个），未下发", "The rule matches no one (0 targets): not launched"
            ),
            count=0,
        )
    first = campaign.status == "draft"
    campaign.launch_total, campaign.launch_done = total, 0
    if first:
        campaign.launched_at = now
    campaign.version += 1
    if total > current_app.config.get("CAMPAIGN_INLINE_TARGETS", DEFAULT_INLINE_TARGETS):
        campaign.status = "launching"
        return "job"
    insert_matches(campaign, _matches(campaign), now)
    campaign.launch_done = total
    campaign.status = "active"
    _campaign_changed(campaign)
    return "done"


def launch_step(campaign_id: int) -> bool:
    """One job step: write the next CHUNK of matches (in subject order); True when finished.
    The caller commits after each step, so progress is visible and a crash resumes."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != "launching":
        return True
    chunk = current_app.config.get("CAMPAIGN_LAUNCH_CHUNK", CHUNK)
    query = _matches(campaign).subquery()
    found = list(
        db.session.execute(
            select(query).order_by(query.c.subject_id).offset(campaign.launch_done).limit(chunk)
        )
    )
    add_targets(campaign, found, calendar.now())
    campaign.launch_done = min(campaign.launch_done + len(found), campaign.launch_total or 0)
    if len(found) < chunk:
        campaign.launch_done = campaign.launch_total or campaign.launch_done
        campaign.status = "active"
        campaign.version += 1
        _campaign_changed(campaign)
        return True
    return False


def launch_pushes(campaign: Campaign) -> list[WebPush]:
    """At launch: each worker with targets is woken (a roll-call says its deadline)."""
    return pushes_for(campaign, "task_assigned", f"新专项：{campaign.name}")


def pushes_for(campaign: Campaign, kind: str, title: str, only_open: bool = False) -> list[WebPush]:
    stmt = select(CampaignTarget.assignee_id).where(
        CampaignTarget.campaign_id == campaign.id, CampaignTarget.assignee_id.is_not(None)
    )
    if only_open:
        stmt = stmt.where(CampaignTarget.status.in_(LIVE))
    users = sorted(set(db.session.scalars(stmt.distinct())))
    if not users:
        return []
    return [
        WebPush(
            user_ids=users,
            kind=kind,
            title=title[:80],
            url=f"/campaigns/{campaign.id}",
            tag=f"campaign-{campaign.id}",
            data={"campaign_id": campaign.id},
        )
    ]


def cancel_targets(campaign: Campaign, body: dict, user: User) -> int:
    """Remove targets with a reason (the only way targets leave a launched campaign)."""
    _may_edit(user, campaign)
    if is_ended(campaign):
        raise ApiError(409, "campaign_ended", msg("该专项已结束", "The campaign has ended"))
    reason = body.get("reason")
    errors: dict[str, list[str]] = {}
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        errors["reason"] = [msg("取消对象需要说明原因（最多 200 字）", "A reason of at most 200 characters")]
    ids = body.get("target_ids")
    parsed = [_uuid(v) for v in ids] if isinstance(ids, list) and 0 < len(ids) <= 10000 else None
    if parsed is None or None in parsed:
        errors["target_ids"] = [msg("请选择要取消的对象", "A list of target ids")]
    if errors:
        raise validation_failed(errors)
    scope = Scope.of(user)
    targets = list(
        db.session.scalars(
            select(CampaignTarget).where(
                CampaignTarget.campaign_id == campaign.id,
                CampaignTarget.id.in_(parsed),
                scope.grid_clause(CampaignTarget.grid_id),
            )
        )
    )
    if len(targets) != len(set(parsed)):
        raise not_found()
    now = calendar.now()
    changed = 0
    for target in targets:
        if target.status == "cancelled":
            continue
        if target.status == "done":
            raise ApiError(
                409, "target_closed", msg("已完成的对象不能取消", "A done target cannot be cancelled")
            )
        target.status, target.cancel_reason = "cancelled", reason.strip()
        target.version += 1
        db.session.add(
            CampaignEvent(
                id=uuid.uuid4(),
                target_id=target.id,
                campaign_id=campaign.id,
                kind="cancel",
                reason=reason.strip(),
                author_id=user.id,
                made_at=now,
                received_at=now,
            )
        )
        if target.assignee_id:
            record_changes([change_row(TARGET_ENTITY, target.id, user_id=target.assignee_id)])
        changed += 1
    if changed:
        retally(campaign.id, {target.grid_id for target in targets})
    return changed


# ---- ending ---------------------------------------------------------------------------------------


def end_campaign(campaign: Campaign, user: User) -> datetime:
    """End a running campaign now (its end moves to now); returns the planned end. Its targets
    leave the workers' phones; the board stays readable."""
    _may_edit(user, campaign)
    now = calendar.now()
    if is_ended(campaign, now):
        raise ApiError(409, "campaign_ended", msg("该专项已结束", "The campaign has already ended"))
    if campaign.status != "active":
        raise ApiError(
            409,
            "campaign_not_running",
            msg("只有进行中的专项可以结束", "Only a running campaign can be ended"),
        )
    planned = _aware(campaign.ends_at)
    # The conditional UPDATE is the gate: of two supervisors ending it at once, one ends it.
    claimed = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.status == "active")
        .values(status="ended", ends_at=now, version=Campaign.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(campaign)
    if claimed != 1:
        raise ApiError(409, "campaign_ended", msg("该专项已结束", "The campaign has already ended"))
    _left_phones(campaign, now)
    return planned


def end_overdue(now: datetime) -> list[int]:
    """The sweep: mark launched campaigns past their end as ended (each once), so the change
    reaches the phones; returns their ids. The caller commits."""
    ended = []
    due = db.session.scalars(
        select(Campaign).where(Campaign.status == "active", Campaign.ends_at <= now).order_by(Campaign.id)
    ).all()
    for campaign in due:
        claimed = db.session.execute(
            update(Campaign)
            .where(Campaign.id == campaign.id, Campaign.status == "active")
            .values(status="ended", version=Campaign.version + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.expire(campaign)
        if claimed == 1:
            _left_phones(campaign, now)
            ended.append(campaign.id)
    return ended


def _left_phones(campaign: Campaign, now: datetime) -> None:
    """Tell every holder: the campaign and its targets are no longer theirs to hold (the readers
    no longer see an ended campaign, so each change arrives as a delete)."""
    holders = db.session.execute(
        select(CampaignTarget.id, CampaignTarget.assignee_id).where(
            CampaignTarget.campaign_id == campaign.id, CampaignTarget.assignee_id.is_not(None)
        )
    ).all()
    record_changes([change_row(TARGET_ENTITY, t, "delete", user_id=u, at=now) for t, u in holders])
    record_changes(
        [
            change_row(CAMPAIGN_ENTITY, campaign.id, "delete", user_id=u, at=now)
            for u in sorted({u for _, u in holders})
        ]
    )


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# ---- closing targets (submissions, roll-call answers, attempts) ------------------------------------


def own_live_target(target_id: uuid.UUID, user_id: int) -> CampaignTarget | None:
    target = db.session.get(CampaignTarget, target_id)
    if target is None or target.assignee_id != user_id or target.status == "cancelled":
        return None
    return target


def check_submission_target(target_id: uuid.UUID, template_key: str, user_id: int) -> str | None:
    """A submission may close one of its author's targets with the campaign's form (any version:
    items queued under a version retired mid-campaign still close theirs)."""
    target = own_live_target(target_id, user_id)
    if target is None:
        return msg(
            "找不到该专项对象（可能已转给其他网格员或已取消）", "No campaign target of yours with this id"
        )
    campaign = db.session.get(Campaign, target.campaign_id)
    if campaign.template_key != template_key:
        return msg("该专项要求填写另一张表单", "This campaign uses another form")
    return None


def close_target(
    target: CampaignTarget,
    item_id: uuid.UUID,
    author_id: int,
    made_at: datetime,
    now: datetime,
    *,
    submission_id: uuid.UUID | None = None,
    answer: str | None = None,
    content_hash: str | None = None,
    tally: bool = True,
) -> str:
    """Close the target if nothing closed it yet ("close"), else record a follow-up.

    An answer recounts the board's tally of the target's grid; a batch of answers passes
    tally=False and recounts its grids once (retally).

    The conditional UPDATE is the gate: on PostgreSQL a second closer waits for the first's row
    lock and then finds it done; the partial unique index on close events backs it up. Work done
    (by the phone's time) after the campaign ended is kept as a follow-up and closes nothing.
    """
    closable = ("open", "attempted", "unreachable") if in_time(target, made_at) else ()
    closed = db.session.execute(
        update(CampaignTarget)
        .where(CampaignTarget.id == target.id, CampaignTarget.status.in_(closable))
        .values(
            status="done",
            closed_at=made_at,
            closed_by_item=item_id,
            answer=answer,
            answered_at=made_at if answer else None,
            version=CampaignTarget.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    kind = "close" if closed == 1 else "follow_up"
    if kind == "follow_up":
        values: dict[str, Any] = {
            "follow_ups": CampaignTarget.follow_ups + 1,
            "version": CampaignTarget.version + 1,
        }
        if answer and closable:
            # The newest answer (by the phone's time) is the one the board shows (an ended
            # campaign's board stays as it was at the end).
            db.session.execute(
                update(CampaignTarget)
                .where(
                    CampaignTarget.id == target.id,
                    or_(CampaignTarget.answered_at.is_(None), CampaignTarget.answered_at < made_at),
                )
                .values(answer=answer, answered_at=made_at)
                .execution_options(synchronize_session=False)
            )
        db.session.execute(
            update(CampaignTarget)
            .where(CampaignTarget.id == target.id)
            .values(values)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        insert(CampaignEvent.__table__).values(
            id=item_id,
            target_id=target.id,
            campaign_id=target.campaign_id,
            kind=kind,
            outcome=answer,
            submission_id=submission_id,
            author_id=author_id,
            made_at=made_at,
            received_at=now,
            content_hash=content_hash,
        )
    )
    record_changes([change_row(TARGET_ENTITY, target.id, user_id=target.assignee_id, at=now)])
    if answer and tally:
        retally(target.campaign_id, {target.grid_id})
    db.session.expire(target)
    return kind


def in_time(target: CampaignTarget, made_at: datetime) -> bool:
    """Whether work made at `made_at` still counts for the target's campaign (before its end;
    ending early moves the end to that moment)."""
    campaign = db.session.get(Campaign, target.campaign_id)
    return _aware(made_at) < _aware(campaign.ends_at)


def targets_submitted(closing: list[tuple[uuid.UUID, uuid.UUID, int, datetime]], now: datetime) -> None:
    """The submissions listener: each stored submission closes its target, or is its follow-up."""
    for target_id, submission_id, author_id, made_at in closing:
        target = db.session.get(CampaignTarget, target_id)
        if target is not None:
            close_target(target, submission_id, author_id, made_at, now, submission_id=submission_id)


def record_attempt(
    target: CampaignTarget,
    item_id: uuid.UUID,
    outcome: str,
    reason: str,
    author_id: int,
    made_at: datetime,
    now: datetime,
    content_hash: str,
) -> None:
    """未遇到 / 无法入户: counted as attempted; retried the next day, up to MAX_ATTEMPTS."""
    db.session.execute(
        insert(CampaignEvent.__table__).values(
            id=item_id,
            target_id=target.id,
            campaign_id=target.campaign_id,
            kind="attempt",
            outcome=outcome,
            reason=reason,
            author_id=author_id,
            made_at=made_at,
            received_at=now,
            content_hash=content_hash,
        )
    )
    if target.status in ("open", "attempted") and in_time(target, made_at):
        target.attempts += 1
        target.status = "unreachable" if target.attempts >= MAX_ATTEMPTS else "attempted"
    else:
        target.follow_ups += 1
    target.last_outcome, target.last_reason, target.last_attempt_at = outcome, reason, made_at
    target.version += 1
    record_changes([change_row(TARGET_ENTITY, target.id, user_id=target.assignee_id, at=now)])


# ---- following the register ------------------------------------------------------------------------


def follow_households(household_ids: set[uuid.UUID]) -> None:
    """Register listener: targets follow a moved household to its new grid's worker, and active
    campaigns whose rule now matches these households (or their residents) gain them."""
    moved = db.session.execute(
        select(CampaignTarget, Household.grid_id)
        .join(Household, Household.id == CampaignTarget.household_id)
        .where(CampaignTarget.household_id.in_(household_ids), CampaignTarget.grid_id != Household.grid_id)
    ).all()
    if moved:
        grids = {grid_id for _, grid_id in moved}
        workers = grid_workers(grids)
        communities = dict(
            db.session.execute(select(Grid.id, Grid.community_id).where(Grid.id.in_(grids))).all()
        )
        touched: dict[int, set[int]] = {}
        # Both ends of each move: the grid it left and the one it joined.
        regridded: dict[int, set[int]] = {}
        for target, grid_id in moved:
            regridded.setdefault(target.campaign_id, set()).update((target.grid_id, grid_id))
            old = target.assignee_id
            target.grid_id, target.community_id = grid_id, communities[grid_id]
            target.assignee_id = workers.get(grid_id)
            target.version += 1
            rows = []
            if old is not None and old != target.assignee_id:
                rows.append(change_row(TARGET_ENTITY, target.id, "delete", user_id=old))
            if target.assignee_id is not None:
                rows.append(change_row(TARGET_ENTITY, target.id, user_id=target.assignee_id))
                touched.setdefault(target.campaign_id, set()).add(target.assignee_id)
            record_changes(rows)
        db.session.flush()
        for campaign_id, users in touched.items():
            record_changes([change_row(CAMPAIGN_ENTITY, campaign_id, user_id=u) for u in sorted(users)])
        for campaign_id, grid_ids in sorted(regridded.items()):
            retally(campaign_id, grid_ids)
    _add_new_matches(Household.id.in_(household_ids))


def follow_residents(resident_ids: set[uuid.UUID]) -> None:
    """Register listener: a resident newly tagged or tiered joins the active campaigns it matches."""
    households = select(Resident.household_id).where(Resident.id.in_(resident_ids))
    _add_new_matches(Household.id.in_(households))


def _add_new_matches(condition: Any) -> None:
    now = calendar.now()
    active = db.session.scalars(
        select(Campaign).where(Campaign.status == "active", Campaign.ends_at > now)
    ).all()
    for campaign in active:
        insert_matches(campaign, _matches(campaign).where(condition), now)


def retally(campaign_id: int, grid_ids: set[int] | None = None) -> None:
    """Recount the roll-call board's tally of these grids of a campaign (None: every grid it has
    targets in), in the caller's transaction, after any change to its targets' answers, grids or
    cancellations.

    On PostgreSQL each grid's recount first takes a transaction lock on (campaign, grid): two
    transactions recounting one grid take turns, and the later one (read committed) counts after
    the earlier has committed, so neither's change is lost. SQLite runs one writer at a time."""
    db.session.flush()  # ORM edits (a cancel, a moved household) must be in the count
    if grid_ids is None:
        grid_ids = set(
            db.session.scalars(
                select(CampaignTarget.grid_id).where(CampaignTarget.campaign_id == campaign_id).distinct()
            )
        ) | set(
            db.session.scalars(select(CampaignTally.grid_id).where(CampaignTally.campaign_id == campaign_id))
        )
    grids = sorted(grid_ids)
    if not grids:
        return
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        for grid_id in grids:  # in order: two recounts of the same grids never wait on each other in a circle
            connection.execute(
                text("SELECT pg_advisory_xact_lock(CAST(:campaign AS integer), CAST(:grid AS integer))"),
                {"campaign": campaign_id, "grid": grid_id},
            )
    counted = connection.execute(
        select(
            CampaignTarget.grid_id,
            func.min(CampaignTarget.community_id).label("community_id"),
            func.count().label("targets"),
            func.sum(case((CampaignTarget.answer.is_(None), 1), else_=0)).label("unanswered"),
            *(
                func.sum(case((CampaignTarget.answer == answer, 1), else_=0)).label(answer)
                for answer in TALLIED_ANSWERS
            ),
        )
        .where(
            CampaignTarget.campaign_id == campaign_id,
            CampaignTarget.grid_id.in_(grids),
            CampaignTarget.status != "cancelled",
        )
        .group_by(CampaignTarget.grid_id)
    ).all()
    connection.execute(
        delete(CampaignTally).where(
            CampaignTally.campaign_id == campaign_id, CampaignTally.grid_id.in_(grids)
        )
    )
    if counted:
        connection.execute(
            insert(CampaignTally.__table__),
            [
                {"campaign_id": campaign_id, **{key: int(value or 0) for key, value in row._mapping.items()}}
                | {"community_id": row.community_id}
                for row in counted
            ],
        )


# ---- the desk's figures --------------------------------------------------------------------------


def _local_day_bounds(now: datetime) -> tuple[datetime, datetime]:
    today = now.astimezone(SHANGHAI).date()
    start = datetime.combine(today, time(0), SHANGHAI).astimezone(UTC)
    return start, start + timedelta(days=1)


def _close_out_at(campaign: Campaign, day: date) -> datetime:
    hour, minute = (int(part) for part in campaign.close_out_time.split(":"))
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


def board(campaign: Campaign, user: User, group: str) -> list[dict[str, Any]]:
    """Per community, grid or worker (group): targets, done, attempted, unreachable, overdue,
    handled today and today's 日结 (met / pending / missed)."""
    now = calendar.now()
    start, end = _local_day_bounds(now)
    overdue_now = deadline(campaign) < now
    key = {
        "community": CampaignTarget.community_id,
        "grid": CampaignTarget.grid_id,
        "worker": CampaignTarget.assignee_id,
    }[group]
    live = CampaignTarget.status.in_(LIVE)
    today = or_(
        and_(CampaignTarget.closed_at >= start, CampaignTarget.closed_at < end),
        and_(CampaignTarget.last_attempt_at >= start, CampaignTarget.last_attempt_at < end),
    )
    stmt = (
        select(
            key.label("key"),
            func.count().label("targets"),
            func.sum(case((CampaignTarget.status == "done", 1), else_=0)).label("done"),
            func.sum(case((CampaignTarget.attempts > 0, 1), else_=0)).label("attempted"),
            func.sum(case((CampaignTarget.status == "unreachable", 1), else_=0)).label("unreachable"),
            func.sum(case((live, 1), else_=0)).label("open"),
            func.sum(case((today, 1), else_=0)).label("today"),
        )
        .where(
            CampaignTarget.campaign_id == campaign.id,
            CampaignTarget.status != "cancelled",
            Scope.of(user).grid_clause(CampaignTarget.grid_id),
        )
        .group_by(key)
        .order_by(key)
    )
    names = _names(group)
    close_out = _close_out_at(campaign, now.astimezone(SHANGHAI).date())
    rows = []
    for row in db.session.execute(stmt):
        met = row.open == 0 or (campaign.daily_quota is not None and row.today >= campaign.daily_quota)
        rows.append(
            {
                "key": row.key,
                "name": names.get(row.key, "未分配网格员" if group == "worker" else str(row.key)),
                "targets": row.targets,
                "done": int(row.done or 0),
                "attempted": int(row.attempted or 0),
                "unreachable": int(row.unreachable or 0),
                "open": int(row.open or 0),
                "overdue": int(row.open or 0) if overdue_now else 0,
                "today": int(row.today or 0),
                "quota": campaign.daily_quota,
                "close_out": "met" if met else ("missed" if now >= close_out else "pending"),
            }
        )
    return rows


def _names(group: str) -> dict[Any, str]:
    if group == "community":
        return dict(db.session.execute(select(Community.id, Community.name)).all())
    if group == "grid":
        return dict(db.session.execute(select(Grid.id, Grid.name)).all())
    return dict(db.session.execute(select(User.id, User.display_name).where(User.role == "worker")).all())


def targets_query(campaign: Campaign, user: User, args: dict) -> Select:
    """Drill-down: the scope's targets of the campaign, filtered, in checklist order."""
    stmt = select(CampaignTarget).where(
        CampaignTarget.campaign_id == campaign.id, Scope.of(user).grid_clause(CampaignTarget.grid_id)
    )
    for key in ("community_id", "grid_id", "assignee_id", "status"):
        if key in args:
            stmt = stmt.where(getattr(CampaignTarget, key) == args[key])
    return stmt.order_by(
        case(TIER_RANK, value=CampaignTarget.care_tier, else_=3),
        CampaignTarget.building_id,
        CampaignTarget.id,
    )


def describe(targets: list[CampaignTarget]) -> list[dict[str, Any]]:
    """Targets for the desk: with the household's address and head, the resident's name."""
    households = {t.household_id for t in targets}
    residents = {t.resident_id for t in targets if t.resident_id}
    heads = {
        row.id: row
        for row in db.session.execute(
            select(Household.id, Household.address, Household.head_name).where(Household.id.in_(households))
        )
    }
    names = (
        dict(db.session.execute(select(Resident.id, Resident.name).where(Resident.id.in_(residents))).all())
        if residents
        else {}
    )
    grids = dict(
        db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_({t.grid_id for t in targets}))).all()
    )
    out = []
    for target in targets:
        head = heads.get(target.household_id)
        out.append(
            _desk_data(
                target,
                head.address if head else None,
                head.head_name if head else None,
                names.get(target.resident_id),
                grids.get(target.grid_id),
            )
        )
    return out


def _desk_data(
    target: CampaignTarget | Row,
    address: str | None,
    head_name: str | None,
    resident_name: str | None,
    grid_name: str | None,
) -> dict[str, Any]:
    data = target_data(target)
    data["address"] = address
    data["name"] = resident_name if target.resident_id else head_name
    data["grid_name"] = grid_name
    data["status_words"] = STATUS_WORDS[target.status]
    data["answer_words"] = ANSWERS.get(target.answer or "")
    return data


def roll_call_board(campaign: Campaign, user: User, limit: int = 200) -> dict[str, Any]:
    """未叫应 per community and grid, and the people not yet reached in care-tier order (those with
    no answer, then those answered 无人应答).

    Refreshed every few seconds while the whole street confirms: few statements, each carrying its
    names (a round trip costs more than the rows when the server is busy with the confirmations)."""
    scope = Scope.of(user)
    base = and_(
        CampaignTarget.campaign_id == campaign.id,
        CampaignTarget.status != "cancelled",
        scope.grid_clause(CampaignTarget.grid_id),
    )
    # The counts per grid as every change to the targets left them (retally), names joined in.
    per_grid = db.session.execute(
        select(CampaignTally, Grid.name.label("grid_name"), Community.name.label("community_name"))
        .join(Grid, Grid.id == CampaignTally.grid_id)
        .join(Community, Community.id == CampaignTally.community_id)
        .where(CampaignTally.campaign_id == campaign.id, scope.grid_clause(CampaignTally.grid_id))
        .order_by(CampaignTally.community_id, CampaignTally.grid_id)
    ).all()
    communities: dict[int, dict[str, Any]] = {}
    grids = []
    counts = ("targets", "unanswered", "reached", "no_answer", "relocate", "assist")
    for tally, grid_name, community_name in per_grid:
        entry = {"grid_id": tally.grid_id, "name": grid_name, "community_id": tally.community_id}
        entry |= {key: getattr(tally, key) for key in counts}
        grids.append(entry)
        total = communities.setdefault(
            tally.community_id,
            {"community_id": tally.community_id, "name": community_name} | dict.fromkeys(counts, 0),
        )
        for key in counts:
            total[key] += entry[key]
    # One short query per (answer, tier) step, each read in index order (ix_campaign_target_roll_call):
    # the first 200 of 30,000 without sorting them all, with the names the desk shows joined in.
    # Plain rows, not ORM objects: target_data reads the same attribute names off either.
    named = (
        select(
            *CampaignTarget.__table__.c,
            Household.address,
            Household.head_name,
            Resident.name.label("resident_name"),
            Grid.name.label("grid_name"),
        )
        .outerjoin(Household, Household.id == CampaignTarget.household_id)
        .outerjoin(Resident, Resident.id == CampaignTarget.resident_id)
        .outerjoin(Grid, Grid.id == CampaignTarget.grid_id)
    )
    waiting: list[dict[str, Any]] = []
    for answered in (CampaignTarget.answer.is_(None), CampaignTarget.answer == "no_answer"):
        for tier in TIER_RANK:
            if len(waiting) >= limit:
                break
            rows = db.session.execute(
                named.where(base, answered, CampaignTarget.care_tier == tier)
                .order_by(CampaignTarget.grid_id, CampaignTarget.building_id, CampaignTarget.id)
                .limit(limit - len(waiting))
            )
            waiting.extend(
                _desk_data(row, row.address, row.head_name, row.resident_name, row.grid_name) for row in rows
            )
    return {
        "campaign": campaign_data(campaign),
        "communities": list(communities.values()),
        "grids": grids,
        "not_reached": waiting,
        "server_time": iso(calendar.now()),
    }
