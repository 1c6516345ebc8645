"""§6 优抚 festival visits: the built-in calendar (春节, 八一) and the proposals a street confirms
(a draft campaign through the usual creation path) or dismisses, each once.

A proposal visits every resident tagged 优抚对象 in the street, in the two weeks up to the
festival: from 00:00 fourteen days before it (or now, when that has passed) to the end of the
festival day, Asia/Shanghai. It is offered until that end passes; then the next year's is.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server import worktime as calendar
from server.auth.models import User
from server.auth.scope import Scope
from server.campaigns.models import Campaign, CampaignProposal
from server.campaigns.service import campaign_data, count_matches, create_campaign
from server.errors import ApiError, not_found
from server.extensions import db
from server.forms.models import FormTemplate
from server.i18n import msg
from server.timeutil import SHANGHAI, iso

# 春节 (the first day of the lunar year), checked against a published table (2025–2033) and the
# Purple Mountain Observatory's calendar; past 2040 no 春节 is proposed until the table grows.
SPRING_FESTIVALS = {
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
    2036: date(2036, 1, 28),
    2037: date(2037, 2, 15),
    2038: date(2038, 2, 4),
    2039: date(2039, 1, 24),
    2040: date(2040, 2, 12),
}
FESTIVAL_NAMES = {"spring_festival": "春节", "army_day": "八一建军节"}
TAG = "special_care"  # 优抚对象 (server/register/catalogue.py)
RULE = {"subject": "resident", "tags": [TAG]}
LEAD_DAYS = 14
TEMPLATE_KEY = "welfare_visit"


def festival_date(festival: str, year: int) -> date | None:
    if festival == "army_day":
        return date(year, 8, 1)
    return SPRING_FESTIVALS.get(year)


def _window(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day - timedelta(days=LEAD_DAYS), time(0), SHANGHAI)
    end = datetime.combine(day + timedelta(days=1), time(0), SHANGHAI)
    return start, end


def upcoming(now: datetime) -> list[tuple[str, date]]:
    """Each festival's next date whose visits are not over at `now`, soonest first."""
    year = now.astimezone(SHANGHAI).year
    found = []
    for festival in FESTIVAL_NAMES:
        for candidate in (year, year + 1):
            day = festival_date(festival, candidate)
            if day is not None and _window(day)[1] > now:
                found.append((festival, day))
                break
    return sorted(found, key=lambda pair: pair[1])


def _key(festival: str, day: date) -> str:
    return f"{festival}-{day.isoformat()}"


def _street_of(user: User) -> int:
    scope = Scope.of(user)
    if scope.level != "street" or scope.level_id is None:
        raise ApiError(
            403,
            "forbidden",
            msg("节日优抚走访由街道管理员确认", "Only the street's supervisors decide festival proposals"),
        )
    return scope.level_id


def _template() -> FormTemplate | None:
    """The newest active 关爱巡访 form, else the newest active form of that kind."""
    for condition in (FormTemplate.key == TEMPLATE_KEY, FormTemplate.kind == TEMPLATE_KEY):
        found = db.session.scalar(
            select(FormTemplate)
            .where(condition, FormTemplate.active.is_(True))
            .order_by(FormTemplate.version.desc(), FormTemplate.id.desc())
            .limit(1)
        )
        if found is not None:
            return found
    return None


def _proposal(street_id: int, festival: str, day: date, now: datetime, decided: dict) -> dict[str, Any]:
    start, end = _window(day)
    starts_at = max(start, now.astimezone(SHANGHAI).replace(second=0, microsecond=0))
    reach = count_matches(Campaign(street_id=street_id, community_id=None, rule=RULE))
    template = _template()
    row = decided.get(_key(festival, day))
    return {
        "key": _key(festival, day),
        "festival": festival,
        "festival_name": FESTIVAL_NAMES[festival],
        "date": day.isoformat(),
        "name": f"{day.year}年{FESTIVAL_NAMES[festival]}优抚对象走访慰问",
        "rule": dict(RULE),
        "template": {"key": template.key, "version": template.version} if template else None,
        "starts_at": iso(starts_at),
        "ends_at": iso(end),
        "close_out_time": "17:30",
        "count": reach,
        "status": row.decision if row else "proposed",
        "campaign_id": row.campaign_id if row else None,
    }


def proposals(user: User) -> list[dict[str, Any]]:
    """The street's next festival proposals, with how many people each would reach."""
    street_id = _street_of(user)
    now = calendar.now()
    coming = upcoming(now)
    keys = [_key(f, d) for f, d in coming]
    decided = {
        row.key: row
        for row in db.session.scalars(
            select(CampaignProposal).where(
                CampaignProposal.street_id == street_id, CampaignProposal.key.in_(keys)
            )
        )
    }
    return [_proposal(street_id, festival, day, now, decided) for festival, day in coming]


def decide(user: User, key: str, decision: str) -> tuple[dict[str, Any], Campaign | None]:
    """Confirm (a draft campaign, ready to launch) or dismiss one current proposal, once."""
    street_id = _street_of(user)
    now = calendar.now()
    current = {_key(f, d): (f, d) for f, d in upcoming(now)}
    if key not in current:
        raise not_found()
    festival, day = current[key]
    existing = db.session.scalar(
        select(CampaignProposal).where(CampaignProposal.street_id == street_id, CampaignProposal.key == key)
    )
    if existing is not None:
        raise _decided(existing)
    proposal = _proposal(street_id, festival, day, now, {})
    campaign = None
    if decision == "confirmed":
        if proposal["template"] is None:
            raise ApiError(
                409, "no_template", msg("没有可用的关爱巡访表单", "No active welfare visit form to use")
            )
        body = {
            k: proposal[k] for k in ("name", "template", "rule", "starts_at", "ends_at", "close_out_time")
        }
        campaign = create_campaign(body, user)
    row = CampaignProposal(
        street_id=street_id,
        key=key,
        festival=festival,
        festival_date=day,
        decision=decision,
        campaign_id=campaign.id if campaign else None,
        decided_by=user.id,
        decided_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        # Another supervisor answered it at the same moment: theirs stands.
        raise ApiError(
            409, "proposal_decided", msg("该提议已被处理", "The proposal has already been decided")
        ) from None
    proposal.update(status=decision, campaign_id=row.campaign_id)
    return proposal, campaign


def _decided(row: CampaignProposal) -> ApiError:
    words = "确认" if row.decision == "confirmed" else "忽略"
    return ApiError(
        409,
        "proposal_decided",
        msg(f"该提议已{words}，不能再次处理", f"The proposal was already {row.decision}"),
        campaign_id=row.campaign_id,
    )


def proposal_data(proposal: dict[str, Any], campaign: Campaign | None) -> dict[str, Any]:
    return proposal | {"campaign": campaign_data(campaign) if campaign else None}
