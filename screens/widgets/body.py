"""A post's body as Markdown drawn in one widget, with links shown as text, never followed.

Textual's `Markdown` widget mounts a widget per block, so showing another post removed
and mounted a dozen widgets and laid the screen out again over several frames: most
of the CPU a cursor key cost in a thread. Rich's Markdown renders the same document
into the lines of one `Static`, so a new post is one update and one frame.
"""

from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widgets import Static

from bbs.text import clean
from screens.engine import markdown as engine_markdown
from screens.widgets.lines import styled_line
from screens.widgets.text_page import DrawnPage

CODE_THEME = "ansi_dark"
"""Code blocks in the terminal's own palette, so themes and NO_COLOR apply to them too."""

_BODIES: LRUCache[tuple[str, int, Style, str | None], list[Strip]] = LRUCache(512)
"""Bodies drawn lately, by (text, width, style, colour system), for every session of the
process: people go back and forth between posts, and many read the same ones. The colour
system is in the key because a Strip keeps the escape codes it was first sent with: a
line drawn for a truecolor terminal must not reach a 256-colour one."""


def markdown(source: str) -> Markdown:
    """People's text as Markdown: links print their address after the text, not a hyperlink.

    Rich's own Markdown, parsed with one parser for the process (`screens.engine.markdown`).
    """
    return engine_markdown.markdown(source, CODE_THEME, hyperlinks=False)


def body_lines(source: str, width: int, style: Style, console: Console) -> list[Strip]:
    """A (cleaned) body drawn as Markdown in `width` cells over `style`, from the cache if there."""
    key = (source, width, style, console.color_system)
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
    key = (meta.plain, tuple(meta.spans), meta.style, width, style, console.color_system)
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


class BodyPane(DrawnPage):
    """A post's header line and body in one scrolling pane that is never laid out again.

    The text is rendered to lines once per post, width and style (the body from a cache
    shared by every session) and handed back line by line, so moving to another post
    changes this pane's lines and nothing else on the screen.
    """

    DEFAULT_CSS = "BodyPane { overflow-x: hidden; scrollbar-gutter: stable; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.source = ""
        self._meta = Text()

    def show(self, meta: Text, body: str) -> None:
        """Show another post (its body cleaned again) from the top."""
        self.source = clean(body)
        self._meta = meta
        self._redraw()
        self.scroll_to(0, 0, animate=False, immediate=True)

    def _draw(self, width: int, style: Style, console: Console) -> list[Strip]:
        lines = list(head_lines(self._meta, width, style, console))
        lines.append(Strip.blank(width, style))
        lines.extend(body_lines(self.source, width, style, console))
        return lines
