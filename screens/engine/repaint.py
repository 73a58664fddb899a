"""A plain repaint handed straight to the screen, where Textual would send three messages.

Replaces, for one widget, what `textual.widget.Widget.refresh`, `Widget._check_refresh`
(on the widget's Idle), `textual.screen.Screen._on_update` and `Screen._on_idle` do
between them (textual 8.2.8): the widget goes into the screen's dirty set and the
screen's frame timer is resumed.
Why: Textual's way, the widget marks itself, on its Idle posts the screen an Update, and
on the screen's Idle the frame timer starts: for each widget a key changes, three
messages and two more turns of the loop, each behind every other session's work on a
busy server; and a widget repainted while a frame is being drawn (a scroll bar, after
its list grew) gets a frame of its own.
Saves: see the README's performance section, row `repaint_now` (`bench/step_cost.py
--off repaint_now`: Down/Up in a thread).
Guarded by: tests/test_ui_thread.py::test_a_cursor_key_redraws_the_tree_and_body_without_
messages_to_them and ::test_live_replies_and_keys_leave_the_terminal_as_a_full_redraw_would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import NoScreen
from textual.geometry import Region

from screens.engine.switches import on

if TYPE_CHECKING:
    from textual.widget import Widget

LEANS_ON = (
    "textual.widget:Widget.refresh",
    "textual.widget:Widget._check_refresh",
    "textual.widget:Widget._set_dirty",
    "textual.screen:Screen._on_update",
    "textual.screen:Screen._on_idle",
    "textual.screen:Screen._on_timer_update",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""


def repaint_now(widget: Widget, regions: tuple[Region, ...] = ()) -> bool:
    """Put `widget` (or `regions` of it) in its screen's dirty set now; False: go Textual's way.

    Anything but a plain repaint of a mounted, laid-out widget on a screen (a layout,
    a scroll or a restyle on its way, a repaint already asked for) goes Textual's way.
    """
    if (
        not widget.is_mounted
        or widget._closing
        or widget._repaint_required  # already on its way the usual way
        or widget._layout_required
        or widget._scroll_required
        or widget._refresh_styles_required
        or not on("repaint_now")
    ):
        return False
    try:
        screen = widget.screen
    except NoScreen:  # not on a screen yet
        return False
    widget._layout_cache.clear()
    widget._set_dirty(*regions)
    widget.clear_cached_dimensions()
    widget._rich_style_cache.clear()
    if widget.display and screen in screen._compositor:
        screen._dirty_widgets.add(widget)
        if screen.is_current and not widget.app._batch_count:
            screen._update_timer.resume()  # what the screen's Idle handler would do
        else:
            screen.check_idle()
    return True


def draw_now(widget: Widget) -> None:
    """Draw the frame for what is dirty on `widget`'s screen now, not on the timer's turn.

    What the screen's frame timer (`Screen._on_timer_update`) would do on its own turn of
    the loop, behind every callback ready on a busy server; the timer, still woken,
    finds nothing left to draw.
    """
    screen = widget.screen
    if screen._dirty_widgets and screen.is_current and not widget.app._batch_count:
        screen._on_timer_update()
