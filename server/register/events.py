"""What the register tells the features built on it, without importing them: a feature that keeps
state derived from residents (the visit schedule follows a care-tier change) or households (a
campaign target follows its household to another grid) listens here, and create_app connects it. Listeners run inside the caller's transaction, before its commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import Flask, current_app

EXTENSION = "gridwalk.register.residents_changed"
HOUSEHOLDS = "gridwalk.register.households_changed"

ResidentsListener = Callable[[set[uuid.UUID]], None]


def on_residents_changed(app: Flask, listener: ResidentsListener) -> None:
    app.extensions.setdefault(EXTENSION, []).append(listener)


def residents_changed(resident_ids: set[uuid.UUID]) -> None:
    """These residents were created or edited (their rows are written, not yet committed)."""
    if not resident_ids:
        return
    for listener in current_app.extensions.get(EXTENSION, ()):
        listener(resident_ids)


HouseholdsListener = Callable[[set[uuid.UUID]], None]


def on_households_changed(app: Flask, listener: HouseholdsListener) -> None:
    app.extensions.setdefault(HOUSEHOLDS, []).append(listener)


def households_changed(household_ids: set[uuid.UUID]) -> None:
    """These households were created or edited, perhaps moved to another grid (not yet committed)."""
    if not household_ids:
        return
    for listener in current_app.extensions.get(HOUSEHOLDS, ()):
        listener(household_ids)
