"""The visit schedule's date maths: due dates per tier, major changes, flags, and who was due in a month."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server.register.care import age_on, derived_tier
from server.register.schedule import (
    due_in_month,
    due_state,
    follow_up_deadline,
    major_change_pending,
    month_bounds,
    next_due,
    visit_flag,
)

INTERVALS = {"high": 7, "key": 30, "general": 90}


def at(text: str) -> datetime:
    """A Shanghai wall-clock time as the UTC instant it is stored as."""
    return datetime.fromisoformat(text + "+08:00").astimezone(UTC)


def due(**kwargs) -> date | None:
    kwargs.setdefault("created_at", at("2026-01-05T10:00"))
    kwargs.setdefault("last_visit_at", None)
    kwargs.setdefault("major_change_at", None)
    return next_due(intervals=INTERVALS, **kwargs)


def test_never_visited_is_due_the_day_they_were_registered():
    assert due(tier="high") == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("tier", "expected"),
    [("high", date(2026, 3, 8)), ("key", date(2026, 3, 31)), ("general", date(2026, 5, 30))],
)
def test_a_visit_moves_the_due_date_by_the_tiers_interval(tier, expected):
    assert due(tier=tier, last_visit_at=at("2026-03-01T16:00")) == expected


def test_the_due_date_is_the_shanghai_date_not_the_utc_one():
    # 07:30 on 1 March in Nanchang is still 28 February in UTC.
    assert due(tier="high", last_visit_at=at("2026-03-01T07:30")) == date(2026, 3, 8)


def test_nobody_off_the_list_is_due():
    assert due(tier="none") is None


def test_a_major_change_makes_a_visit_due_at_once():
    last = at("2026-03-01T10:00")
    change = at("2026-03-10T15:00")
    assert due(tier="general", last_visit_at=last, major_change_at=change) == date(2026, 3, 10)
    assert follow_up_deadline(last, change) == at("2026-03-11T15:00")
    # Already due sooner: the earlier date stands.
    assert due(
        tier="high", last_visit_at=at("2026-03-01T10:00"), major_change_at=at("2026-03-20T09:00")
    ) == date(2026, 3, 8)


def test_a_major_change_recorded_on_a_visit_is_followed_up_within_24_hours():
    visit = at("2026-03-10T15:00")
    assert major_change_pending(visit, visit)
    assert due(tier="general", last_visit_at=visit, major_change_at=visit) == date(2026, 3, 10)
    assert follow_up_deadline(visit, visit) == at("2026-03-11T15:00")


def state_at(now: str, last_visit_at: datetime | None, major_change_at: datetime | None) -> str | None:
    next_visit_due = due(tier="general", last_visit_at=last_visit_at, major_change_at=major_change_at)
    return due_state(next_visit_due, last_visit_at, major_change_at, at(now))


def test_a_follow_up_is_due_from_the_change_and_overdue_24_hours_after_it():
    visit = at("2026-03-10T10:00")  # a visit that recorded a major change
    assert state_at("2026-03-10T10:00", visit, visit) == "due"
    assert state_at("2026-03-10T23:59", visit, visit) == "due"
    # The next morning the 24 hours have not run out: due, not yet overdue.
    assert state_at("2026-03-11T09:59", visit, visit) == "due"
    assert state_at("2026-03-11T10:01", visit, visit) == "overdue"
    # A visit after it (recording no new change) clears it: quarterly again.
    follow_up = at("2026-03-11T10:30")
    assert follow_up_deadline(follow_up, visit) is None
    assert state_at("2026-03-11T10:31", follow_up, visit) == "later"


def test_a_major_change_does_not_forgive_a_visit_already_overdue():
    created = at("2026-01-05T10:00")  # never visited: due since 5 January
    change = at("2026-03-10T10:00")
    next_visit_due = due(tier="general", created_at=created, major_change_at=change)
    assert next_visit_due == date(2026, 1, 5)
    assert due_state(next_visit_due, None, change, at("2026-03-10T11:00")) == "overdue"


def test_without_a_follow_up_the_dates_decide():
    last = at("2026-03-01T16:00")
    next_visit_due = due(tier="high", last_visit_at=last)  # 8 March
    assert due_state(next_visit_due, last, None, at("2026-03-07T23:59")) == "later"
    assert due_state(next_visit_due, last, None, at("2026-03-08T00:00")) == "due"
    assert due_state(next_visit_due, last, None, at("2026-03-09T00:00")) == "overdue"
    assert due_state(None, last, None, at("2026-03-09T00:00")) is None


def test_the_next_visit_after_a_major_change_returns_to_the_interval():
    change = at("2026-03-10T15:00")
    follow_up = at("2026-03-11T09:00")
    assert not major_change_pending(follow_up, change)
    assert due(tier="general", last_visit_at=follow_up, major_change_at=change) == date(2026, 6, 9)


def test_not_reached_twice_raises_the_flag():
    assert visit_flag(0) is None and visit_flag(1) is None
    assert visit_flag(2) == visit_flag(5) == "not_reached_twice"


def test_month_bounds_are_shanghai_months_as_utc_instants():
    first, last, start, end = month_bounds("2026-12")
    assert (first, last) == (date(2026, 12, 1), date(2026, 12, 31))
    assert start == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert month_bounds("2024-02")[1] == date(2024, 2, 29)


def in_month(month="2026-03", **kwargs) -> bool:
    kwargs.setdefault("created_at", at("2026-01-05T10:00"))
    kwargs.setdefault("last_visit_before", None)
    kwargs.setdefault("major_change_before", None)
    kwargs.setdefault("first_major_change_in_month", None)
    return due_in_month(month=month, intervals=INTERVALS, **kwargs)


def test_who_is_due_in_a_month():
    # Weekly: always due in a month.
    assert in_month(tier="high", last_visit_before=at("2026-02-27T10:00"))
    # Monthly: last visited 15 Feb → due 17 March.
    assert in_month(tier="key", last_visit_before=at("2026-02-15T10:00"))
    # Quarterly: last visited 10 February → due 11 May: not due in March or April.
    assert not in_month(tier="general", last_visit_before=at("2026-02-10T10:00"))
    assert not in_month("2026-04", tier="general", last_visit_before=at("2026-02-10T10:00"))
    assert in_month("2026-05", tier="general", last_visit_before=at("2026-02-10T10:00"))
    # Overdue from before the month still counts.
    assert in_month(tier="general", last_visit_before=at("2025-10-01T10:00"))
    # Never visited: due since registration.
    assert in_month(tier="general")
    # Registered after the month: not due in it; during it: due.
    assert not in_month(tier="high", created_at=at("2026-04-01T09:00"))
    assert in_month(tier="general", created_at=at("2026-03-31T20:00"))
    assert not in_month(tier="none")


def test_a_major_change_during_the_month_makes_a_quarterly_resident_due():
    last = at("2026-02-10T10:00")
    assert in_month(
        tier="general", last_visit_before=last, first_major_change_in_month=at("2026-03-12T10:00")
    )
    # On the last evening: the 24 hours run into April.
    assert not in_month(
        tier="general", last_visit_before=last, first_major_change_in_month=at("2026-03-31T20:00")
    )


def test_age_counts_full_years():
    assert age_on(date(1946, 11, 27), date(2026, 11, 27)) == 80
    assert age_on(date(1946, 11, 28), date(2026, 11, 27)) == 79
    assert age_on(date(1948, 2, 29), date(2026, 2, 28)) == 77
    assert age_on(date(1948, 2, 29), date(2026, 3, 1)) == 78


@pytest.mark.parametrize(
    ("age", "tags", "tier"),
    [
        (82, ["living_alone"], "high"),
        (81, ["empty_nest", "aged"], "high"),
        (45, ["critical_illness"], "high"),
        (79, ["living_alone"], "general"),
        (65, ["disabled"], "key"),
        (70, ["disabled_care"], "key"),
        (40, ["lost_only_child"], "key"),
        (30, ["extreme_hardship"], "key"),
        (50, ["disabled"], "general"),
        (61, [], "general"),
        (35, ["military_family"], "general"),
        (59, [], "none"),
    ],
)
def test_default_care_tier_rules(age, tags, tier):
    assert derived_tier(age, tags) == tier


def test_care_tier_rules_are_a_table_that_can_be_replaced():
    rules = [{"tier": "key", "min_age": 70}]
    assert derived_tier(71, [], rules) == "key"
    assert derived_tier(69, ["living_alone"], rules) == "none"
