"""The `catalogue` entity: the code lists the features register (categories, tags, care tiers ...),
each served as {"id": list id, "items": [...]}. They live in code and configuration, not in rows,
so the reader builds them on every read."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from server.sync import registry
from server.sync.protocol import EntityReader, PullContext, change, everything
from server.sync.registry import SyncRegistry


def catalogue_entries() -> list[dict]:
    """Every registered list as {"id", "items": [{"code", "label": {zh, en}, ...}]}, sorted by id."""
    entries: dict[str, list] = {}
    for catalogue in registry.current().catalogues:
        entries.update(catalogue.lists())
    return [{"id": key, "items": entries[key]} for key in sorted(entries)]


def settings_lists() -> dict[str, list]:
    """The lists built from configuration (the care settings), which no feed row announces."""
    lists: dict[str, list] = {}
    for catalogue in registry.current().catalogues:
        if catalogue.settings:
            lists.update(catalogue.lists())
    return lists


def settings_fingerprint() -> str:
    """Changes when the configured lists change (a restart with other config), so cursors can tell."""
    encoded = json.dumps(settings_lists(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()[:12]


def settings_changes() -> list[dict]:
    """The configured lists as feed changes, for a phone whose cursor holds other settings."""
    return [
        change("catalogue", key, {"id": key, "items": items}, None)
        for key, items in sorted(settings_lists().items())
    ]


class CatalogueReader(EntityReader):
    """Reads the registered lists; a feature that edits one at run time (an admin's case time
    limits) records a "catalogue" change for that list id, so phones past the snapshot get it."""

    def snapshot(self, ctx: PullContext, after: Any, limit: int) -> list[tuple[Any, dict]]:
        entries = [e for e in catalogue_entries() if after is None or e["id"] > after]
        return [(e["id"], change(self.name, e["id"], e, None)) for e in entries[:limit]]

    def load(self, ctx: PullContext, ids: list[str]) -> dict[str, dict]:
        return {e["id"]: change(self.name, e["id"], e, None) for e in catalogue_entries() if e["id"] in ids}


def register(sync: SyncRegistry) -> None:
    sync.add_reader(
        CatalogueReader("catalogue", None, None, everything, lambda entry: (entry["id"], None, entry), str)
    )
