"""Care tiers: which residents need welfare visits how often, derived from age and tags.

The rules are a table (config CARE_TIER_RULES replaces the default): the first rule that matches
wins. A rule matches when every condition it has holds: min_age (years), any_tags (at least one
of them; "*" = any tag at all). Default after the common 2022 local rule (domain README).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import current_app, has_app_context

DEFAULT_CARE_TIER_RULES: list[dict] = [
    {"tier": "high", "min_age": 80, "any_tags": ["living_alone", "empty_nest"]},
    {"tier": "high", "any_tags": ["critical_illness"]},
    {"tier": "key", "min_age": 60, "any_tags": ["disabled", "disabled_care"]},
    {"tier": "key", "any_tags": ["extreme_hardship", "lost_only_child"]},
    {"tier": "general", "min_age": 60},
    {"tier": "general", "any_tags": ["*"]},
]


def age_on(birth_date: date, today: date) -> int:
    """Full years of age on `today` (a 29 February birthday counts from 1 March in common years)."""
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def care_tier_rules() -> list[dict]:
    if has_app_context():
        return current_app.config.get("CARE_TIER_RULES") or DEFAULT_CARE_TIER_RULES
    return DEFAULT_CARE_TIER_RULES


def derived_tier(age: int, tags: Iterable[str], rules: list[dict] | None = None) -> str:
    """The tier the rules give someone of this age with these tags; "none" when none matches."""
    tags = set(tags)
    for rule in rules if rules is not None else care_tier_rules():
        if "min_age" in rule and age < rule["min_age"]:
            continue
        wanted = rule.get("any_tags")
        if wanted is not None and not ("*" in wanted and tags or tags.intersection(wanted)):
            continue
        return rule["tier"]
    return "none"


def effective_tier(
    birth_date: date, tags: Iterable[str], status: str, override: str | None, today: date
) -> str:
    """The tier that counts: the override when set, else derived; nobody who left is visited."""
    from server.register.catalogue import OFF_REGISTER_STATUSES

    if status in OFF_REGISTER_STATUSES:
        return "none"
    if override:
        return override
    return derived_tier(age_on(birth_date, today), tags)
