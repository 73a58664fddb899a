"""Economies for many apps in one process (the SSH server): parsed CSS and footers shared."""

from __future__ import annotations

from typing import Any

from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet
from textual.widgets import Footer

_SHARED_RULES: LRUCache[tuple[object, ...], list[Any]] = LRUCache(1024)


def _shared_parse_rules(
    self: Stylesheet,
    css: str,
    read_from: Any,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> list[Any]:
    """Stylesheet._parse_rules with one cache for the process, keyed also on the CSS variables.

    Textual caches parsed rules per Stylesheet, so every app (one per session) parsed every
    widget's CSS again (~15% of an app start). Rule sets are only read once parsed.
    """
    variables = self._variables
    cached = getattr(self, "_bbs_variables_key", None)
    if cached is None or cached[0] is not variables:
        cached = (variables, tuple(sorted(variables.items())))
        self._bbs_variables_key = cached  # type: ignore[attr-defined]
    key = (css, read_from, is_default_rules, tie_breaker, scope, cached[1])
    rules = _SHARED_RULES.get(key)
    if rules is None:
        rules = _ORIGINAL_PARSE_RULES(self, css, read_from, is_default_rules, tie_breaker, scope)
        _SHARED_RULES[key] = rules
    return rules


_ORIGINAL_PARSE_RULES = Stylesheet._parse_rules
_ORIGINAL_FOOTER_RECOMPOSE = Footer.recompose


def _footer_signature(footer: Footer) -> tuple[object, ...]:
    """What a Footer's compose depends on: the screen's shown bindings and their state."""
    return (
        footer.show_command_palette,
        tuple(
            (b.key, b.description, b.action, b.show, id(b.group), enabled, tooltip)
            for (_, b, enabled, tooltip) in footer.screen.active_bindings.values()
            if b.show
        ),
    )


async def _footer_recompose(self: Footer) -> None:
    """Footer.recompose, skipped when the bindings it would show have not changed.

    Textual recomposes the footer (a dozen keys, each restyled) on every bindings signal:
    focus moves, screen pushes, refresh_bindings; about 18% of an app start went there.
    """
    if not self.is_attached:
        return
    signature = _footer_signature(self)
    if self.children and signature == getattr(self, "_bbs_signature", None):
        return
    self._bbs_signature = signature  # type: ignore[attr-defined]
    await _ORIGINAL_FOOTER_RECOMPOSE(self)


def apply_process_economies() -> None:
    """Process-wide economies for many apps in one process (idempotent).

    Parse each piece of CSS once per process, not once per app; recompose a footer
    only when its bindings changed.
    """
    Stylesheet._parse_rules = _shared_parse_rules  # type: ignore[method-assign]
    Footer.recompose = _footer_recompose  # type: ignore[method-assign]


def undo_process_economies() -> None:
    """Back to Textual's own behaviour (for a bench's before/after)."""
    Stylesheet._parse_rules = _ORIGINAL_PARSE_RULES  # type: ignore[method-assign]
    Footer.recompose = _ORIGINAL_FOOTER_RECOMPOSE  # type: ignore[method-assign]
