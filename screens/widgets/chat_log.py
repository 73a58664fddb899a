"""A chat room's lines: each drawn once when it arrives, the page following the newest.

A new line costs the drawing of that line alone (wrapped to the width), not of the
room's scrollback; at the bottom the terminal moves the rows above it up
(`screens.engine.scroll_rows`), so only the new rows are sent. The whole log is drawn
again only when the width or the colours change, or a line is taken out (hidden by a
moderator). While the reader has scrolled
back, new lines do not move the page; at the bottom it follows them, as a terminal does.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.strip import Strip

from screens.engine.scroll_rows import MovesRows
from screens.widgets.lines import styled_line
from screens.widgets.text_page import TextPage

KEEP = 500
"""Lines the log holds (a room keeps as many)."""

_DRAWN: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(2048)
"""Lines drawn lately, by what they show, width and style, for every session of the process:
a line said in a room of a hundred is drawn once, not once for each of them (once per
colour system: a Strip keeps the escape codes it was first sent with)."""


class ChatLog(MovesRows, TextPage):
    """Lines of text, each under a key (a line's id) so it can be taken out again; scrolled
    with a text page's keys."""

    DEFAULT_CSS = "ChatLog { overflow-x: hidden; scrollbar-gutter: stable; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[tuple[Hashable, Text]] = []
        self._drawn_entries: list[list[Strip]] = []

    @property
    def keys(self) -> list[Hashable]:
        return [key for key, _ in self.entries]

    def clear(self) -> None:
        self.entries = []
        self._redraw()

    def add(self, key: Hashable, text: Text) -> None:
        """Put a line at the bottom (drawn now, alone); the page follows if it was there."""
        at_end = self.is_vertical_scroll_end or self.max_scroll_y == 0
        self.entries.append((key, text))
        if self._drawn is None:  # not drawn yet: drawn whole when it is shown
            del self.entries[: max(0, len(self.entries) - KEEP)]
            if at_end:
                self.scroll_end(animate=False, immediate=True, x_axis=False)
            return
        width, style = self._drawn
        strips = self._draw_one(text, width, style, self.app.console)
        self._drawn_entries.append(strips)
        self._lines.extend(strips)
        if len(self.entries) > KEEP:
            self._drop_oldest(len(self.entries) - KEEP)
        size = Size(width, len(self._lines))
        if at_end:
            self.follow_end(size)  # the rows above move up on the terminal, if they can
        else:
            self.virtual_size = size
            self.refresh()

    def _drop_oldest(self, count: int) -> None:
        """Forget the oldest lines; the rows still on the page stay where they are on it."""
        gone = sum(len(strips) for strips in self._drawn_entries[:count])
        del self.entries[:count]
        del self._drawn_entries[:count]
        del self._lines[:gone]
        if gone:  # the same rows, fewer above them: no repaint for that
            width, height = self.virtual_size
            self.set_reactive(ChatLog.virtual_size, Size(width, max(0, height - gone)))
            self.set_reactive(ChatLog.scroll_y, max(0.0, self.scroll_y - gone))
            self.set_reactive(ChatLog.scroll_target_y, max(0.0, self.scroll_target_y - gone))

    def remove(self, key: Hashable) -> bool:
        """Take a line out (hidden by a moderator); False when it was not shown."""
        kept = [(k, t) for k, t in self.entries if k != key]
        if len(kept) == len(self.entries):
            return False
        self.entries = kept
        self._redraw()
        return True

    def replace(self, key: Hashable, text: Text) -> None:
        """Show a line differently (marked hidden, for moderators)."""
        self.entries = [(k, text if k == key else t) for k, t in self.entries]
        self._redraw()

    def _draw_one(self, text: Text, width: int, style: Style, console: Console) -> list[Strip]:
        key = (text.plain, tuple(text.spans), str(text.style), width, style, console.color_system)
        drawn = _DRAWN.get(key)
        if drawn is None:
            rendered = console.render_lines(text, console.options.update_width(width), pad=True)
            drawn = _DRAWN[key] = [styled_line(line, style, width) for line in rendered]
        return drawn

    def _draw(self, width: int, style: Style, console: Console) -> list[Strip]:
        self._drawn_entries = [self._draw_one(t, width, style, console) for _, t in self.entries]
        return [strip for strips in self._drawn_entries for strip in strips]

    def _redraw(self) -> None:
        at_end = self.is_vertical_scroll_end or self.max_scroll_y == 0
        super()._redraw()
        if at_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
