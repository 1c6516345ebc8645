"""URL rules whose URL builders are compiled when first used instead of when the rule is added."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """Werkzeug compiles two URL-builder functions (Python source, compiled) for every rule as
    it is added: about 35 ms of each create_app's 50 on this machine, for about 100 rules. This
    API never builds a URL from its own rules (no url_for), so a builder is compiled only if one
    is ever asked for: each gunicorn worker, CLI run and test app starts that much sooner.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_now = super()._compile_builder
        compiled: Callable[..., tuple[str, str]] | None = None

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            nonlocal compiled
            if compiled is None:
                compiled = compile_now(append_unknown)
            return compiled(rule, **values)

        return build
