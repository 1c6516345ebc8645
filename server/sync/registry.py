"""Which features the sync framework serves: their push handlers, feed readers and catalogues.

create_app builds one registry per app and hands it to each feature's `sync.register`, the way
blueprints are registered; the framework reads it back and never imports a feature.

Reader order is part of the protocol: a snapshot cursor names the reader it stopped in by its
position, so new readers are appended (tests/unit/test_sync_registry.py pins the order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

from server.sync.protocol import EntityReader, KindHandler

EXTENSION = "gridwalk.sync"


@dataclass(frozen=True)
class Catalogue:
    """Code lists a feature serves in the `catalogue` entity: {list id: [items]}.

    `settings`: built from the street's configuration (care tiers and their rules). No feed row
    records a configuration change, so a cursor carries a fingerprint of these lists and a phone
    whose fingerprint differs gets them again on its next pull.
    """

    lists: Callable[[], dict[str, list]]
    settings: bool = False


@dataclass
class SyncRegistry:
    handlers: dict[str, KindHandler] = field(default_factory=dict)
    readers: list[EntityReader] = field(default_factory=list)
    catalogues: list[Catalogue] = field(default_factory=list)
    by_name: dict[str, EntityReader] = field(default_factory=dict)

    def add_handler(self, handler: KindHandler) -> None:
        for kind in handler.kinds:
            if kind in self.handlers:
                raise ValueError(f"push kind {kind!r} is registered twice")
            self.handlers[kind] = handler

    def add_reader(self, reader: EntityReader) -> None:
        if reader.name in self.by_name:
            raise ValueError(f"entity {reader.name!r} is registered twice")
        self.readers.append(reader)
        self.by_name[reader.name] = reader

    def add_catalogue(self, lists: Callable[[], dict[str, list]], *, settings: bool = False) -> None:
        self.catalogues.append(Catalogue(lists, settings))


def init_app(app: Flask) -> SyncRegistry:
    registry = SyncRegistry()
    app.extensions[EXTENSION] = registry
    return registry


def current() -> SyncRegistry:
    return current_app.extensions[EXTENSION]
