"""Which records use a photo: each feature that keeps photos registers, in create_app, how to ask
"does a record this user may see use it" (serving a photo) and "does any record use it" (pruning).
The photo framework asks every registered use and never imports a feature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import ColumnElement

from server.auth.models import User
from server.auth.scope import Scope

EXTENSION = "gridwalk.photo_uses"

# (sha256, user, scope) -> "a record this user may see uses the photo", as SQL.
Visible = Callable[[str, User, Scope], ColumnElement[bool]]
# (sha256 column) -> "some record uses the photo", as SQL.
Referenced = Callable[[ColumnElement[str]], ColumnElement[bool]]


@dataclass
class PhotoUses:
    visible: list[Visible] = field(default_factory=list)
    referenced: list[Referenced] = field(default_factory=list)

    def add(self, *, visible: Visible, referenced: Referenced) -> None:
        """A feature that stores photos must give both: one lets the right people see them, the
        other keeps the prune from deleting them as orphans."""
        self.visible.append(visible)
        self.referenced.append(referenced)


def init_app(app: Flask) -> PhotoUses:
    uses = PhotoUses()
    app.extensions[EXTENSION] = uses
    return uses


def current() -> PhotoUses:
    return current_app.extensions[EXTENSION]
