"""What the form submissions tell the features that hang work on them, without importing them: a
submission may name a campaign target (payload.campaign_target_id); the feature that owns targets
checks the link while the item is checked, and closes the target as the item is stored. create_app
connects it. Both run inside the push's transaction (the item's savepoint), before its commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

EXTENSION = "gridwalk.submissions.target_links"
TARGET_KEY = "campaign_target_id"


@dataclass(frozen=True)
class TargetLink:
    """check(target id, template key, author id) → None, or the words the worker is shown;
    stored([(target id, submission id, author id, made at)], now): the items were just inserted."""

    check: Callable[[uuid.UUID, str, int], str | None]
    stored: Callable[[list[tuple[uuid.UUID, uuid.UUID, int, datetime]], datetime], None]


def on_target_link(app: Flask, link: TargetLink) -> None:
    app.extensions[EXTENSION] = link


def target_link() -> TargetLink | None:
    """The connected owner of targets; None: nothing connected, so a link is refused."""
    return current_app.extensions.get(EXTENSION)
