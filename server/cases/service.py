"""Opening cases from hazard and city reports (state `reported`, with the 'report' event).

The caller owns the transaction; the push inserts a batch's cases in two statements.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from server.cases.catalogue import city_class_of
from server.cases.models import Case, CaseEvent, case_photo
from server.extensions import db


def case_row(
    *,
    case_kind: str,
    answers: dict,
    submission_id: uuid.UUID,
    grid_id: int,
    building_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    address: str | None,
    location: dict | None,
    photos: list[str],
    reporter_id: int,
    reported_at: datetime,
    now: datetime,
) -> dict[str, Any]:
    """The case a valid report opens, as a row (answers already checked against the template).

    `case_kind` ("hazard" or "city") is what the report's form kind opens (its descriptor in
    server/forms/kinds.py, which sits above cases: the caller passes it).
    """
    if case_kind == "hazard":
        category, subcategory = answers["category"], None
        severity, urgent = answers.get("severity"), bool(answers.get("immediate_danger"))
    else:
        # city_case v2 asks for a severity; reports queued under v1 have none.
        subcategory = answers["subcategory"]
        category, severity, urgent = city_class_of(subcategory), answers.get("severity"), False
    return {
        "id": uuid.uuid4(),
        "kind": case_kind,
        "category": category,
        "subcategory": subcategory,
        "severity": severity,
        "urgent": urgent,
        "state": "reported",
        "description": answers.get("description") or "",
        "address": address,
        "location": location,
        "photos": photos,
        "grid_id": grid_id,
        "building_id": building_id,
        "household_id": household_id,
        "reporter_id": reporter_id,
        "submission_id": submission_id,
        "reported_at": reported_at,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def open_cases(rows: list[dict]) -> None:
    """Insert cases in `reported` with their 'report' events (the reporter's photos on the event)."""
    if not rows:
        return
    connection = db.session.connection()
    connection.execute(insert(Case.__table__), rows)
    events = [
        {
            "case_id": row["id"],
            "actor_id": row["reporter_id"],
            "action": "report",
            "from_state": None,
            "to_state": "reported",
            "comment": None,
            "photos": row["photos"],
            "at": row["created_at"],
            # The submission the report came in as: the log names each version of the report.
            "item_id": row["submission_id"],
        }
        for row in rows
    ]
    connection.execute(insert(CaseEvent.__table__), events)
    links = [{"case_id": row["id"], "sha256": sha} for row in rows for sha in dict.fromkeys(row["photos"])]
    if links:
        connection.execute(insert(case_photo), links)


def cases_of_submissions(submission_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[uuid.UUID, str]]:
    """(case id, state) per submission that opened a case."""
    if not submission_ids:
        return {}
    rows = db.session.execute(
        select(Case.submission_id, Case.id, Case.state).where(Case.submission_id.in_(submission_ids))
    )
    return {row.submission_id: (row.id, row.state) for row in rows}
