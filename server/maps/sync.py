"""What sync carries of the map: the boundary of each of a worker's grids (building points travel
with the register's buildings), and the operator's optional tile source."""

from __future__ import annotations

from flask import current_app

from server.maps.models import GridBoundary
from server.maps.service import GRID_BOUNDARY, boundary_data
from server.sync.protocol import EntityReader, in_grids, workers_only
from server.sync.registry import SyncRegistry


def tile_sources() -> dict[str, list]:
    """The basemap, when the operator set one (none: the map draws our own data alone)."""
    config = current_app.config
    if not config.get("MAP_TILE_URL"):
        return {"map_tiles": []}
    return {
        "map_tiles": [
            {
                "url": config["MAP_TILE_URL"],
                "attribution": config["MAP_TILE_ATTRIBUTION"],
                "crs": config["MAP_TILE_CRS"],
                "max_zoom": config["MAP_TILE_MAX_ZOOM"],
            }
        ]
    }


def register(sync: SyncRegistry) -> None:
    sync.add_catalogue(tile_sources, settings=True)
    sync.add_reader(
        EntityReader(
            GRID_BOUNDARY,
            GridBoundary,
            GridBoundary.grid_id,
            in_grids(GridBoundary.grid_id),
            lambda b: (b.grid_id, b.version, boundary_data(b)),
            int,
            carried=workers_only,
        )
    )
