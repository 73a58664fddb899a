"""Scroll views whose box the screen's CSS fixes: new content need not lay the screen out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Size
from textual.reactive import Reactive

if TYPE_CHECKING:
    from textual.widget import Widget as _Base
else:
    _Base = object  # a plain mixin: a Widget base here breaks component-class inheritance


class FixedBox(_Base):
    """Put first among a ScrollView's bases (`class Pane(FixedBox, ScrollView)`).

    Textual's `virtual_size` lays the whole screen out whenever it changes. For a pane
    whose size is set by CSS (the thread's tree and body), more or fewer lines only
    change its scrollbars; a scrollbar shown or hidden still lays out.
    """

    virtual_size = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        if self.container_size:
            self._scroll_update(size)
