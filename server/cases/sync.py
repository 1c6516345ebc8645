"""What sync carries of cases: the actions handlers and workers take offline, the open cases a
worker reported or a handler is sent, and the case catalogues with the time limits in force."""

from __future__ import annotations

import uuid

from server.cases import catalogue
from server.cases.limits import HAZARD_DEFAULT, limits_in_force
from server.cases.loop import OPEN_STATES, case_data, loop_catalogue, visible
from server.cases.models import Case
from server.cases.push import CASE_ACTIONS
from server.sync.protocol import EntityReader
from server.sync.registry import SyncRegistry


def _with_limit(item: dict, in_force: dict[str, dict], default: dict) -> dict:
    """A category with the handling limit in force and the catalogue's default beside it."""
    return dict(item, time_limit=in_force[item["code"]], default_time_limit=default)


def code_lists() -> dict[str, list]:
    """An admin's time-limit edit records a "catalogue" change for hazard_categories or
    city_case_categories (server/cases/limits.py), so phones past the snapshot get it too."""
    in_force = limits_in_force()
    hazards = [_with_limit(item, in_force, HAZARD_DEFAULT) for item in catalogue.HAZARD_CATEGORIES]
    city = [
        dict(
            top,
            subcategories=[_with_limit(sub, in_force, sub["time_limit"]) for sub in top["subcategories"]],
        )
        for top in catalogue.CITY_CASE_CATEGORIES
    ]
    return {
        "hazard_categories": hazards,
        "case_severities": catalogue.SEVERITIES,
        "city_case_categories": city,
        # The loop's states, the actions each allows and who may take them (the phone has no copy).
        "case_loop": loop_catalogue(),
    }


def register(sync: SyncRegistry) -> None:
    sync.add_handler(CASE_ACTIONS)
    sync.add_catalogue(code_lists)
    sync.add_reader(
        EntityReader(
            "case",
            Case,
            Case.id,
            lambda stmt, ctx: visible(stmt, ctx.user, ctx.scope),
            lambda c: (str(c.id), c.version, case_data(c)),
            uuid.UUID,
            # Each case with the actions this caller may take on it now.
            per_caller=lambda c, ctx: (str(c.id), c.version, case_data(c, ctx.user, scope=ctx.scope)),
            # Closed, voided and merged cases come by the feed (as their last state), not the snapshot.
            snapshot_filter=lambda stmt, ctx: stmt.where(Case.state.in_(OPEN_STATES)),
            carried=lambda ctx: ctx.user.role in ("worker", "handler"),
        )
    )
