"""A Web Push a feature asks for: built where the record changes, sent by the push package once the
caller has committed (a phone woken before the commit would pull nothing new)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class WebPush:
    """Who to wake and what the notification says; `kind` is one of server.push.service.KINDS."""

    user_ids: tuple[int, ...]
    kind: str
    title: str
    url: str
    tag: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        user_ids: Iterable[int],
        kind: str,
        title: str,
        url: str,
        tag: str,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        # Frozen, so the fields are set through object.__setattr__; any iterable of ids is taken.
        object.__setattr__(self, "user_ids", tuple(user_ids))
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "tag", tag)
        object.__setattr__(self, "data", dict(data or {}))
