"""A page of text (any Rich renderable) drawn once per content and width, scrolled with the keys.

For screens that show a page rather than widgets to work with: the welcome screen was
ten widgets (scroll boxes, columns, a text block per part), each styled, laid out and
laid out again as its text arrived and its scrollbars came and went, on every sign-in
of every session. One widget that draws the same page into lines costs one render.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from screens.widgets.fixed_box import FixedBox
from screens.widgets.lines import DirectLines, styled_line


class SegmentLines:
    """Lines already rendered, as a renderable (to put a cut part of a document in a panel)."""

    def __init__(self, lines: Iterable[list[Segment]]) -> None:
        self.lines = list(lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines:
            yield from line
            yield Segment.line()


class TextPage(DirectLines, FixedBox, ScrollView, can_focus=True):
    """Shows one renderable at the page's width; Up, Down, Page Up/Down, Home and End scroll."""

    DEFAULT_CSS = "TextPage { overflow-x: hidden; scrollbar-gutter: stable; }"
    BINDINGS = [
        Binding("up", "scroll_up", "Up", show=False),
        Binding("down", "scroll_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, content: RenderableType = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = content
        self._lines: list[Strip] = []
        self._blank = Strip.blank(0, Style())
        self._drawn: tuple[int, Style] | None = None
        self._restyle = False

    def show(self, content: RenderableType) -> None:
        """Show other content (the scroll position stays)."""
        self._content = content
        self._drawn = None
        self._render_lines()

    @property
    def text(self) -> str:
        """What the page shows, as plain text (for reading it back)."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def on_resize(self) -> None:
        self._render_lines()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyle = True  # a theme or focus change may change the colours: seen next frame
        self.refresh()

    def _prepare_lines(self) -> None:
        if self._restyle:
            self._restyle = False
            self._render_lines()  # the same lines again unless the width or colours changed

    def _render_lines(self) -> None:
        width = self.scrollable_content_region.width
        style = self.rich_style
        if width <= 0 or (width, style) == self._drawn:
            return
        self._drawn = (width, style)
        console = self.app.console
        content = Text(self._content) if isinstance(self._content, str) else self._content
        rendered = console.render_lines(content, console.options.update_width(width), pad=True)
        self._lines = [styled_line(line, style, width) for line in rendered]
        self._blank = Strip.blank(width, style)
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        if index < len(self._lines):
            return self._lines[index]
        if self._blank.cell_length != self.scrollable_content_region.width:  # not drawn yet
            self._blank = Strip.blank(self.scrollable_content_region.width, self.rich_style)
        return self._blank
