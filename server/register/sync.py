"""What sync carries of the register: household and resident edits pushed from the phone, the
buildings, households and residents of a worker's grids, and the register's code lists."""

from __future__ import annotations

import uuid
from typing import Any

from server.register import catalogue
from server.register.models import Building, Household, Resident
from server.register.push import REGISTER_EDITS
from server.register.service import building_data, household_data, resident_data
from server.sync.protocol import EntityReader, in_grids, workers_only
from server.sync.registry import SyncRegistry
from server.timeutil import local_today


class ResidentReader(EntityReader):
    """Residents, their age counted once per page from today's date."""

    def serialize_rows(self, rows: list) -> list[tuple[Any, Any, dict]]:
        today = local_today()
        return [(str(row["id"]), row["version"], resident_data(row, today)) for row in rows]


def code_lists() -> dict[str, list]:
    return {
        "resident_tags": catalogue.RESIDENT_TAGS,
        "housing_types": catalogue.HOUSING_TYPES,
        "resident_relations": catalogue.RELATIONS,
        "resident_statuses": catalogue.STATUSES,
    }


def register(sync: SyncRegistry) -> None:
    sync.add_handler(REGISTER_EDITS)
    sync.add_catalogue(code_lists)
    sync.add_reader(
        EntityReader(
            "building",
            Building,
            Building.id,
            in_grids(Building.grid_id),
            lambda b: (str(b["id"]), b["version"], building_data(b)),
            uuid.UUID,
            carried=workers_only,
            core=True,
        )
    )
    sync.add_reader(
        EntityReader(
            "household",
            Household,
            Household.id,
            in_grids(Household.grid_id, Household.street_id),
            lambda h: (str(h["id"]), h["version"], household_data(h)),
            uuid.UUID,
            carried=workers_only,
            core=True,
        )
    )
    sync.add_reader(
        ResidentReader(
            "resident",
            Resident,
            Resident.id,
            in_grids(Resident.grid_id, Resident.street_id),
            lambda r: (str(r["id"]), r["version"], resident_data(r)),
            uuid.UUID,
            carried=workers_only,
            core=True,
        )
    )
