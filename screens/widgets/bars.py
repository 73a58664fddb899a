"""The title line and the key line every screen has, each one widget drawing one line.

Textual's Header is four widgets and its Footer one widget per key, each styled and
mounted on every screen opened: about a third of what opening a screen cost, and the
server opens a screen for every Enter and Escape of every session. These draw the same
lines as text.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from screens.widgets.lines import LineWidget


class TextLine(LineWidget, Widget):
    """One line of text (a screen's heading); `update` it with another."""

    DEFAULT_CSS = "TextLine { height: 1; }"

    def __init__(self, text: Text | str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = text if isinstance(text, Text) else Text(text)

    def update(self, text: Text) -> None:
        """Show `text` instead (nothing is drawn again if it is the same)."""
        if text != self._text:
            self._text = text
            self.redraw()

    def line_text(self) -> Text:
        return self._text.copy()

    @property
    def text(self) -> str:
        return self._text.plain


class TitleBar(LineWidget, Widget):
    """The board's name, centred on the top line (a screen's own title if it has one)."""

    DEFAULT_CSS = """
    TitleBar { dock: top; width: 1fr; height: 1; background: $panel; color: $foreground; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "title", self.redraw, init=False)

    def line_text(self) -> Text:
        title = self.screen.title if self.screen.title is not None else self.app.title
        text = Text(title, no_wrap=True, overflow="ellipsis", justify="center")
        text.truncate(self.size.width, overflow="ellipsis")
        text.align("center", self.size.width)
        return text


class KeyBar(LineWidget, Widget, can_focus=False):
    """The keys the screen offers now, as one line; a click on one presses it."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; width: 1fr; height: 1;
        color: $footer-foreground; background: $footer-background;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground; background: $footer-description-background;
    }
    KeyBar > .keybar--disabled { text-style: dim; }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--disabled"}

    def __init__(self) -> None:
        super().__init__()
        self._entries: tuple[tuple[str, str, bool, str], ...] = ()
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._read_bindings()

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen and self.is_attached:
            self._read_bindings()

    def _read_bindings(self) -> None:
        """(key shown, description, enabled, key) for each shown action, once per action."""
        entries, seen = [], set()
        for _, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                shown = self.app.get_key_display(binding)
                entries.append((shown, binding.description, enabled, binding.key))
        if tuple(entries) != self._entries:
            self._entries = tuple(entries)
            self.redraw()

    def line_text(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        dim = self.get_component_rich_style("keybar--disabled")
        line, spans = Text(no_wrap=True, overflow="crop"), []
        for shown, description, enabled, key in self._entries:
            start = len(line)
            extra = Style() if enabled else dim
            line.append(f" {shown} ", key_style + extra)
            line.append(f"{description} ", description_style + extra)
            spans.append((start, len(line), key))
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        """Clicking a key presses it, as Textual's Footer does."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return

    @property
    def keys(self) -> str:
        """The line as plain text (what a person reads)."""
        return "  ".join(f"{shown} {description}" for shown, description, *_ in self._entries)
