"""Each piece of CSS parsed once per process, not once per app (one app per SSH session).

Replaces `textual.css.stylesheet.Stylesheet._parse_rules` (textual 8.2.8), process-wide.
Why: Textual caches parsed rules per Stylesheet, and every app has its own, so every
session parsed every widget's DEFAULT_CSS and every screen's .tcss again. Parsed rule
sets are only read once made, so one cache keyed on the CSS, where it came from and the
stylesheet's variables (a theme's colours) serves every app.
Saves: see the README's performance section, row `css_rules` (`bench/step_cost.py
--off css_rules`: sign in to the welcome screen).
Guarded by: tests/test_engine.py::test_shared_css_rules_style_every_widget_as_textual_does.
"""

from __future__ import annotations

from typing import Any

from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet

LEANS_ON = ("textual.css.stylesheet:Stylesheet._parse_rules",)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

_SHARED_RULES: LRUCache[tuple[object, ...], list[Any]] = LRUCache(1024)
_ORIGINAL = Stylesheet._parse_rules


def _shared_parse_rules(
    self: Stylesheet,
    css: str,
    read_from: Any,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> list[Any]:
    """Stylesheet._parse_rules from one cache for the process, keyed also on the variables."""
    variables = self._variables
    cached = getattr(self, "_bbs_variables_key", None)
    if cached is None or cached[0] is not variables:
        cached = (variables, tuple(sorted(variables.items())))
        self._bbs_variables_key = cached  # type: ignore[attr-defined]
    key = (css, read_from, is_default_rules, tie_breaker, scope, cached[1])
    rules = _SHARED_RULES.get(key)
    if rules is None:
        rules = _ORIGINAL(self, css, read_from, is_default_rules, tie_breaker, scope)
        _SHARED_RULES[key] = rules
    return rules


def install(on: bool) -> None:
    """Put the shared cache in place (or Textual's own back)."""
    Stylesheet._parse_rules = _shared_parse_rules if on else _ORIGINAL  # type: ignore[method-assign]
