"""Scroll bars drawn once per size, place and colours for the process, in their list's frame.

Replaces `textual.scrollbar.ScrollBar.render_lines` and `ScrollBar.refresh`, process-wide
(textual 8.2.8).
Why: a scroll bar redraws whenever its list grows or scrolls: every live reply to a
thread redrew each reader's through Textual's styles cache, and bars of the same size,
place and colours are the same lines. And a list that grows repaints its bar from the
handler that repaints the list; Textual's way the bar's repaint arrived by message
after the list's frame was drawn, and drew a second frame of its own: every live reply
cost each reader two.
Saves: see the README's performance section, rows `scrollbar_lines` and
`scrollbar_in_frame` (`bench/fanout.py --off scrollbar_lines`).
Guarded by: tests/test_engine.py::test_scroll_bars_draw_as_textual_draws_them and
tests/test_ui_thread.py::test_live_replies_and_keys_leave_the_terminal_as_a_full_redraw_would.
"""

from __future__ import annotations

from typing import Any

from textual.cache import LRUCache
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from screens.engine.repaint import repaint_now

LEANS_ON = (
    "textual.scrollbar:ScrollBar.render_lines",
    "textual.scrollbar:ScrollBar.refresh",
    "textual.scrollbar:ScrollBar.render",
    "textual.scrollbar:ScrollBarRender",
    "textual.app:App.get_line_filters",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

_LINES: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(512)
_ORIGINAL_LINES = ScrollBar.render_lines
_ORIGINAL_REFRESH = ScrollBar.refresh


def filter_key(line_filter: Any) -> tuple[object, ...]:
    """What a line filter does, not which app's instance it is (each app makes its own)."""
    return (
        type(line_filter),
        line_filter.enabled,
        getattr(line_filter, "_terminal_theme", None),
        getattr(line_filter, "dim_factor", None),
    )


def _shared_lines(self: ScrollBar, crop: Region) -> list[Strip]:
    """ScrollBar.render_lines, from one cache for the process, keyed on all it draws from."""
    parent = self.parent
    if parent is None:
        return _ORIGINAL_LINES(self, crop)
    styles = parent.styles
    app = self.app
    key = (
        crop,
        self.vertical,
        self.size,
        self.window_size,
        self.window_virtual_size,
        self.position,
        self.thickness,
        self.grabbed is not None,
        self.mouse_over,
        styles.scrollbar_background,
        styles.scrollbar_color,
        styles.scrollbar_background_hover,
        styles.scrollbar_color_hover,
        styles.scrollbar_background_active,
        styles.scrollbar_color_active,
        parent.background_colors,
        self.screen.styles.scrollbar_color.a == 0,
        app.current_theme.name,
        app.console.color_system,  # a Strip keeps the escape codes it was first sent with
        tuple(filter_key(line_filter) for line_filter in app.get_line_filters()),
    )
    lines = _LINES.get(key)
    if lines is None:
        lines = _LINES[key] = _ORIGINAL_LINES(self, crop)
    return lines


def _refresh_in_frame(
    self: ScrollBar,
    *regions: Region,
    repaint: bool = True,
    layout: bool = False,
    recompose: bool = False,
) -> ScrollBar:
    """ScrollBar.refresh, but a plain repaint joins the frame being prepared (`repaint_now`)."""
    if layout or recompose or not repaint or not repaint_now(self, regions):
        return _ORIGINAL_REFRESH(
            self, *regions, repaint=repaint, layout=layout, recompose=recompose
        )
    return self


def install_lines(on: bool) -> None:
    """Shared scroll-bar lines in place (or Textual's own back)."""
    ScrollBar.render_lines = _shared_lines if on else _ORIGINAL_LINES  # type: ignore[method-assign]


def install_in_frame(on: bool) -> None:
    """Scroll-bar repaints in their list's frame (or Textual's own way back)."""
    ScrollBar.refresh = _refresh_in_frame if on else _ORIGINAL_REFRESH  # type: ignore[method-assign]
