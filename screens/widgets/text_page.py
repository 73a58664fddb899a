"""A page of text (any Rich renderable) drawn once per content and width, scrolled with the keys.

For screens that show a page rather than widgets to work with: the welcome screen was
ten widgets (scroll boxes, columns, a text block per part), each styled, laid out and
laid out again as its text arrived and its scrollbars came and went, on every sign-in
of every session. One widget that draws the same page into lines costs one render.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from bbs.shown import note_bad
from screens.engine.fixed_box import FixedBox
from screens.engine.lines import DirectLines
from screens.widgets.lines import styled_line


class SegmentLines:
    """Lines already rendered, as a renderable (to put a cut part of a document in a panel)."""

    def __init__(self, lines: Iterable[list[Segment]]) -> None:
        self.lines = list(lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines:
            yield from line
            yield Segment.line()


_DRAWN: LRUCache[tuple[Hashable, int], list[list[Segment]]] = LRUCache(256)


class Drawn:
    """A renderable drawn once per width for the whole process, under a key naming what it shows.

    The welcome page is the same bulletin and one-liners for everyone who signs in;
    drawing them (Markdown, wrapping) was most of what the page cost.
    """

    def __init__(self, key: Hashable, renderable: RenderableType) -> None:
        self.key = key
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        cache_key = (self.key, options.max_width)
        lines = _DRAWN.get(cache_key)
        if lines is None:
            lines = _DRAWN[cache_key] = console.render_lines(self.renderable, options, pad=True)
        yield SegmentLines(lines)


def text_key(text: Text) -> Hashable:
    """What a Text shows, as a key for `Drawn`."""
    return (text.plain, tuple(text.spans), str(text.style))


class SideBySide:
    """Two renderables side by side, sharing the width by `ratio` with `gap` cells between."""

    def __init__(
        self, left: RenderableType, right: RenderableType, ratio: tuple[int, int], gap: int = 1
    ) -> None:
        self.left, self.right, self.ratio, self.gap = left, right, ratio, gap

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = options.max_width - self.gap
        left_width = room * self.ratio[0] // sum(self.ratio)
        right_width = room - left_width
        left = console.render_lines(self.left, options.update_width(left_width), pad=True)
        right = console.render_lines(self.right, options.update_width(right_width), pad=True)
        gap = Segment(" " * self.gap)
        blank_left, blank_right = Segment(" " * left_width), Segment(" " * right_width)
        for n in range(max(len(left), len(right))):
            yield from left[n] if n < len(left) else [blank_left]
            yield gap
            yield from right[n] if n < len(right) else [blank_right]
            yield Segment.line()


class DrawnPage(DirectLines, FixedBox, ScrollView, can_focus=True):
    """A scrolling page of lines drawn once per content, width and style, handed back as they are.

    Subclasses say what to draw (`_draw`) and call `_redraw()` when their content changes.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines: list[Strip] = []
        self._blank = Strip.blank(0, Style())
        self._drawn: tuple[int, Style] | None = None
        self._restyle = False

    def _draw(self, width: int, style: Style, console: Console) -> list[Strip]:
        """The page's lines at `width` in `style`."""
        raise NotImplementedError

    def _redraw(self) -> None:
        """The content changed: draw it again (now, if the page has a width)."""
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
        self._lines = self._draw(width, style, self.app.console)
        self._blank = Strip.blank(width, style)
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        if index < len(self._lines):
            return self._lines[index]
        if self._blank.cell_length != self.content_width():  # not drawn yet
            self._blank = Strip.blank(self.content_width(), self.rich_style)
        return self._blank


class TextPage(DrawnPage):
    """Shows one renderable at the page's width; Up, Down, Page Up/Down, Home and End scroll."""

    DEFAULT_CSS = "TextPage { overflow-x: hidden; scrollbar-gutter: stable; }"
    BINDINGS = [
        Binding("up", "scroll_up", "Up", show=False, priority=True),
        Binding("down", "scroll_down", "Down", show=False, priority=True),
        Binding("pageup", "page_up", "Page up", show=False, priority=True),
        Binding("pagedown", "page_down", "Page down", show=False, priority=True),
        Binding("home", "scroll_home", "Top", show=False, priority=True),
        Binding("end", "scroll_end", "Bottom", show=False, priority=True),
    ]

    def __init__(self, content: RenderableType = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = content

    def show(self, content: RenderableType) -> None:
        """Show other content (the scroll position stays)."""
        self._content = content
        self._redraw()

    def _draw(self, width: int, style: Style, console: Console) -> list[Strip]:
        content = Text(self._content) if isinstance(self._content, str) else self._content
        options = console.options.update_width(width)
        try:
            rendered = console.render_lines(content, options, pad=True)
        except Exception as error:  # ours: one page not drawn, the session goes on; logged once
            note_bad(f"page {self.id}", (type(error).__name__, str(error)[:200]), error, True)
            failed = Text("Sorry, this page could not be drawn (it is logged).", style="italic")
            rendered = console.render_lines(failed, options, pad=True)
        return [styled_line(line, style, width) for line in rendered]
