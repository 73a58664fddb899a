"""A post's body as Markdown drawn in one widget, with links shown as text, never followed.

Textual's `Markdown` widget mounts a widget per block, so showing another post removed
and mounted a dozen widgets and laid the screen out again over several frames: most
of the CPU a cursor key cost in a thread. Rich's Markdown renders the same document
into the lines of one `Static`, so a new post is one update and one frame.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from rich.console import Console
from rich.markdown import Markdown
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from bbs.text import clean
from screens.widgets.fixed_box import FixedBox
from screens.widgets.lines import DirectLines, styled_line

CODE_THEME = "ansi_dark"
"""Code blocks in the terminal's own palette, so themes and NO_COLOR apply to them too."""

_TEMPLATE = Markdown("", code_theme=CODE_THEME, hyperlinks=False)
_PARSER = MarkdownIt().enable("strikethrough").enable("table")
"""Rich makes a new MarkdownIt (and linkify) for every document: ~1 ms of a cursor key."""

_BODIES: LRUCache[tuple[str, int, Style], list[Strip]] = LRUCache(512)
"""Bodies drawn lately, by (text, width, style), for every session of the process: people
go back and forth between posts, and many read the same ones."""


def markdown(source: str) -> Markdown:
    """People's text as Markdown: links print their address after the text, not a hyperlink.

    Rich's own Markdown, parsed with one parser for the process (its other settings are
    those of a template made once).
    """
    document = Markdown.__new__(Markdown)
    document.__dict__.update(_TEMPLATE.__dict__)
    document.markup = source
    document.parsed = _PARSER.parse(source)
    return document


def body_lines(source: str, width: int, style: Style, console: Console) -> list[Strip]:
    """A (cleaned) body drawn as Markdown in `width` cells over `style`, from the cache if there."""
    key = (source, width, style)
    lines = _BODIES.get(key)
    if lines is None:
        options = console.options.update_width(width)
        rendered = console.render_lines(markdown(source), options, pad=True)
        lines = [styled_line(line, style, width) for line in rendered]
        _BODIES[key] = lines
    return lines


_HEADS: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(512)


def head_lines(meta: Text, width: int, style: Style, console: Console) -> list[Strip]:
    """A post's header (author, age) drawn in `width` cells over `style`, cached like bodies."""
    key = (meta.plain, tuple(meta.spans), meta.style, width, style)
    lines = _HEADS.get(key)
    if lines is None:
        rendered = console.render_lines(meta, console.options.update_width(width), pad=True)
        lines = _HEADS[key] = [styled_line(line, style, width) for line in rendered]
    return lines


class PostBody(Static):
    """Markdown for text from people: cleaned again, never read as Rich markup."""

    DEFAULT_CSS = "PostBody { height: auto; }"

    def __init__(self, body: str = "", **kwargs: object) -> None:
        self.source = clean(body)
        super().__init__(markdown(self.source), **kwargs)  # type: ignore[arg-type]

    def show(self, body: str) -> None:
        """Replace the document with another (cleaned) body."""
        source = clean(body)
        if source != self.source:
            self.source = source
            self.update(markdown(source))


class BodyPane(DirectLines, FixedBox, ScrollView, can_focus=True):
    """A post's header line and body in one scrolling pane that is never laid out again.

    The text is rendered to lines once per post, width and style (the body from a cache
    shared by every session) and handed back line by line, so moving to another post
    changes this pane's lines and nothing else on the screen.
    """

    DEFAULT_CSS = "BodyPane { overflow-x: hidden; scrollbar-gutter: stable; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source = ""
        self._meta = Text()
        self._lines: list[Strip] = []
        self._blank = Strip.blank(0, Style())
        self._drawn: tuple[int, Style] | None = None
        self._restyle = False

    def show(self, meta: Text, body: str) -> None:
        """Show another post (its body cleaned again) from the top."""
        self.source = clean(body)
        self._meta = meta
        self._drawn = None
        self._render_lines()
        self.scroll_to(0, 0, animate=False, immediate=True)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for reading it back)."""
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
        lines = list(head_lines(self._meta, width, style, console))
        lines.append(Strip.blank(width, style))
        lines.extend(body_lines(self.source, width, style, console))
        self._lines = lines
        self._blank = Strip.blank(width, style)
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        if index < len(self._lines):
            return self._lines[index]
        if self._blank.cell_length != self.content_width():  # not drawn yet
            self._blank = Strip.blank(self.content_width(), self.rich_style)
        return self._blank
