"""What the register tells the features built on it, without importing them: a feature that keeps
state derived from residents (the visit schedule follows a care-tier change) listens here, and
create_app connects it. Listeners run inside the caller's transaction, before its commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import Flask, current_app

EXTENSION = "gridwalk.register.residents_changed"

ResidentsListener = Callable[[set[uuid.UUID]], None]


def on_residents_changed(app: Flask, listener: ResidentsListener) -> None:
    app.extensions.setdefault(EXTENSION, []).append(listener)


def residents_changed(resident_ids: set[uuid.UUID]) -> None:
    """These residents were created or edited (their rows are written, not yet committed)."""
    if not resident_ids:
        return
    for listener in current_app.extensions.get(EXTENSION, ()):
        listener(resident_ids)
