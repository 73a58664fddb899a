"""Scroll views whose box the screen's CSS fixes: new content need not lay the screen out.

Replaces, for panes that mix in `FixedBox`, the `virtual_size` reactive of
`textual.widget.Widget` (declared with `layout=True`) by one without a layout, and
updates the scroll bars when it changes as `textual.scroll_view.ScrollView._size_updated`
does after a layout, through `Widget._scroll_update` (textual 8.2.8).
Why: Textual lays the whole screen out whenever a pane's virtual size changes. For a
pane whose size CSS sets (the thread's tree and body, the welcome page), more or fewer
lines only change its scroll bars; a scroll bar shown or hidden still lays out.
Saves: see the README's performance section, row `fixed_box` (`bench/fanout.py --off
fixed_box`: a reply adds a line to every reader's tree).
Guarded by: tests/test_ui_thread.py::test_live_replies_and_keys_leave_the_terminal_as_a_full_
redraw_would and tests/test_ui_long_thread.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Size
from textual.reactive import Reactive

from screens.engine.switches import on

if TYPE_CHECKING:
    from textual.widget import Widget as _Base
else:
    _Base = object  # a plain mixin: a Widget base here breaks component-class inheritance

LEANS_ON = (
    "textual.widget:Widget.virtual_size",
    "textual.scroll_view:ScrollView._size_updated",
    "textual.widget:Widget._scroll_update",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""


class FixedBox(_Base):
    """Put first among a ScrollView's bases (`class Pane(FixedBox, ScrollView)`)."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        if not on("fixed_box"):
            self.refresh(layout=True)  # what Textual's own virtual_size does
        elif self.container_size:
            self._scroll_update(size)
