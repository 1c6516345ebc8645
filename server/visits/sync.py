"""What sync carries of visits: the configured care settings the phone works the visit schedule
out with, offline: care_tiers with each tier's interval (WELFARE_VISIT_INTERVAL_DAYS) and
care_tier_rules, the tier rules in the order they are tried (CARE_TIER_RULES)."""

from __future__ import annotations

from server.register import catalogue
from server.register.care import care_tier_rules
from server.register.schedule import interval_days
from server.sync.registry import SyncRegistry


def care_lists() -> dict[str, list]:
    intervals = interval_days()
    tiers = [
        dict(item, interval_days=intervals[item["code"]]) if item["code"] in intervals else item
        for item in catalogue.CARE_TIERS
    ]
    rules = [
        {key: rule[key] for key in ("tier", "min_age", "any_tags") if key in rule}
        for rule in care_tier_rules()
    ]
    return {"care_tier_rules": rules, "care_tiers": tiers}


def register(sync: SyncRegistry) -> None:
    # Settings: a street's care configuration changes with a restart, not by a feed row.
    sync.add_catalogue(care_lists, settings=True)
