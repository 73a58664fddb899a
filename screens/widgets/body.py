"""A post's body as Markdown drawn in one widget, with links shown as text, never followed.

Textual's `Markdown` widget mounts a widget per block, so showing another post removed
and mounted a dozen widgets and laid the screen out again over several frames: most
of the CPU a cursor key cost in a thread. Rich's Markdown renders the same document
into the lines of one `Static`, so a new post is one update and one frame.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from bbs.text import clean
from screens.widgets.fixed_box import FixedBox

CODE_THEME = "ansi_dark"
"""Code blocks in the terminal's own palette, so themes and NO_COLOR apply to them too."""


def markdown(source: str) -> Markdown:
    """People's text as Markdown: links print their address after the text, not a hyperlink."""
    return Markdown(source, code_theme=CODE_THEME, hyperlinks=False)


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


class BodyPane(FixedBox, ScrollView, can_focus=True):
    """A post's header line and body in one scrolling pane that is never laid out again.

    The text is rendered to lines once per post (and per width) and drawn line by line,
    so moving to another post changes this pane's lines and nothing else on the screen.
    """

    DEFAULT_CSS = "BodyPane { overflow-x: hidden; scrollbar-gutter: stable; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source = ""
        self._content: RenderableType = Text()
        self._lines: list[Strip] = []
        self._width = 0

    def show(self, meta: Text, body: str) -> None:
        """Show another post (its body cleaned again) from the top."""
        self.source = clean(body)
        self._content = Group(meta, Text(), markdown(self.source))
        self._width = 0
        self._render_lines()
        self.scroll_to(0, 0, animate=False, immediate=True)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for reading it back)."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def on_resize(self) -> None:
        self._render_lines()

    def _render_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        console = self.app.console
        lines = console.render_lines(self._content, console.options.update_width(width), pad=True)
        self._lines = [Strip(line, width) for line in lines]
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        return (
            self._lines[index].crop_extend(0, width, self.rich_style).apply_style(self.rich_style)
        )
