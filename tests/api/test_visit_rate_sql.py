"""The visit rate is counted by the database: it must say "due this month" exactly as the phone's
and the schedule's Python rule (schedule.due_in_month) does, on the histories where the two
could part: month ends, the tier intervals to the second, major changes 24 h before the end,
a visit and a major change at the same instant, a visit that did not reach anyone.

Each resident lives in a grid of their own, so the per-grid answer is the per-resident verdict.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from server.auth.scope import Scope
from server.extensions import db
from server.register.schedule import due_in_month, interval_days, month_bounds
from server.submissions.models import Submission
from server.visits.models import MajorChange, WelfareVisit
from server.visits.service import visit_rate
from tests import clock
from tests.factories import make_household, make_org, make_resident, make_user

DAY, HOUR, SECOND = timedelta(days=1), timedelta(hours=1), timedelta(seconds=1)


def histories(start, end) -> list[dict]:
    """(tier, registered, visits [(at, reached)], major changes, visited in month?) around the month."""
    long_ago = start - 400 * DAY
    return [
        {"tier": "high", "created": long_ago, "visits": [], "majors": []},
        {"tier": "high", "created": end + HOUR, "visits": [], "majors": []},
        {"tier": "general", "created": end - SECOND, "visits": [], "majors": []},
        {"tier": "high", "created": long_ago, "visits": [(end - 7 * DAY - SECOND, True)], "majors": []},
        {"tier": "high", "created": long_ago, "visits": [(end - 7 * DAY, True)], "majors": []},
        {"tier": "key", "created": long_ago, "visits": [(end - 30 * DAY - SECOND, True)], "majors": []},
        {"tier": "key", "created": long_ago, "visits": [(end - 30 * DAY, True)], "majors": []},
        {"tier": "general", "created": long_ago, "visits": [(start - 5 * DAY, True)], "majors": []},
        # The 90-day interval lapses on the month's last day to the second, from before the month.
        {"tier": "general", "created": long_ago, "visits": [(end - 90 * DAY - SECOND, True)], "majors": []},
        {"tier": "general", "created": long_ago, "visits": [(end - 90 * DAY, True)], "majors": []},
        {
            "tier": "general",
            "created": long_ago,
            "visits": [(start - 3 * DAY, True)],
            "majors": [start - 2 * DAY],
        },
        {
            "tier": "general",
            "created": long_ago,
            "visits": [(start - DAY, True)],
            "majors": [start - 2 * DAY],
        },
        {"tier": "general", "created": long_ago, "visits": [(start - DAY, True)], "majors": [start - DAY]},
        {
            "tier": "general",
            "created": long_ago,
            "visits": [(start - DAY, True)],
            "majors": [end - DAY - SECOND],
        },
        {"tier": "general", "created": long_ago, "visits": [(start - DAY, True)], "majors": [end - DAY]},
        {"tier": "general", "created": long_ago, "visits": [(start - DAY, False)], "majors": []},
        {
            "tier": "high",
            "created": long_ago,
            "visits": [(start - 10 * DAY, True), (start + DAY, True)],
            "majors": [],
        },
        {"tier": "key", "created": long_ago, "visits": [(start + 2 * DAY, False)], "majors": []},
        {"tier": "none", "created": long_ago, "visits": [], "majors": []},
    ]


def _visit(resident, grid_id: int, author_id: int, at, reached: bool) -> None:
    submission = Submission(
        id=uuid.uuid4(),
        kind="welfare_visit",
        template_key="welfare_visit",
        template_version=1,
        answers={},
        grid_id=grid_id,
        author_id=author_id,
        device_id="test",
        created_at=at,
        content_hash="0" * 64,
    )
    db.session.add(submission)
    db.session.flush()
    how = "home" if reached else "not_reached"
    db.session.add(
        WelfareVisit(
            submission_id=submission.id,
            resident_id=resident.id,
            grid_id=grid_id,
            visitor_id=author_id,
            visited_at=at,
            how_contacted=how,
            reached=reached,
        )
    )


@pytest.mark.parametrize("months_back", [0, 1])
def test_the_database_and_the_schedule_agree_on_who_was_due_and_visited(app, months_back):
    today = clock.today()
    month_start = today.replace(day=1)
    for _ in range(months_back):
        month_start = (month_start - DAY).replace(day=1)
    month = f"{month_start:%Y-%m}"
    _, _, start, end = month_bounds(month)
    cases = histories(start, end)
    org = make_org(communities=1, grids_per_community=len(cases))
    admin = make_user("admin", "admin1")
    expected: dict[int, tuple[int, int]] = {}
    for grid, history in zip(org["grids"], cases, strict=True):
        household = make_household(grid.id)
        override = None if history["tier"] == "none" else history["tier"]
        resident = make_resident(
            household,
            created_at=history["created"],
            birth_date=clock.today().replace(year=1990),
            tags=[],
            care_tier_override=override,
        )
        resident.care_tier = history["tier"]
        for at, reached in history["visits"]:
            _visit(resident, grid.id, admin.id, at, reached)
        for at in history["majors"]:
            db.session.add(MajorChange(resident_id=resident.id, at=at, actor_id=admin.id, source="visit"))
        reached_before = [at for at, reached in history["visits"] if reached and at < start]
        majors_before = [at for at in history["majors"] if at < start]
        majors_in = [at for at in history["majors"] if start <= at < end]
        due = due_in_month(
            tier=history["tier"],
            created_at=history["created"],
            last_visit_before=max(reached_before, default=None),
            major_change_before=max(majors_before, default=None),
            first_major_change_in_month=min(majors_in, default=None),
            month=month,
            intervals=interval_days(),
        )
        visited = any(reached and start <= at < end for at, reached in history["visits"])
        expected[grid.id] = (int(due), int(due and visited))
    db.session.commit()

    answer = visit_rate(Scope.of(admin), month)
    got = {row["grid_id"]: (row["due"], row["visited"]) for row in answer["grids"]}
    assert got == expected
    # The histories reach both verdicts, so neither side can agree by always saying one thing.
    assert {due for due, _ in expected.values()} == {0, 1} and any(v for _, v in expected.values())
    assert answer["total"]["due"] == sum(due for due, _ in expected.values())
