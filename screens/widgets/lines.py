"""Finished lines for the widgets that draw their own: every segment carries a style.

How those lines reach the screen (kept by identity, past Textual's styles cache) is the
engine's `screens.engine.lines.DirectLines`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from screens.engine.lines import DirectLines

if TYPE_CHECKING:
    from textual.widget import Widget


def styled_line(segments: Iterable[Segment], style: Style, width: int | None = None) -> Strip:
    """A line with `style` under each segment's own.

    Rich leaves plain text without a style (None), and `Strip.apply_style` skips a null
    style, but Textual's line filters (monochrome for NO_COLOR) need one on every segment.
    """
    under = style.__add__
    return Strip(
        [
            Segment(text, under(own), None) if not control else Segment(text, own, control)
            for text, own, control in segments
        ],
        width,
    )


class LineWidget(DirectLines):
    """Put before Widget: a widget of one line of text, drawn once per text, width and style.

    For the lines every screen has (title, keys, a heading): Textual's Static renders
    its text through Content and StylesCache again whenever its screen changes, and a
    docked line is in every frame's crop, whatever changed.
    """

    _line: Strip | None = None
    _blank_line: Strip | None = None

    def line_text(self) -> Text:
        """The line's text (called once each time the line is drawn anew)."""
        raise NotImplementedError

    def redraw(self) -> None:
        """The text changed: draw the line again (on the next frame)."""
        self._line = None
        cast("Widget", self).refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()  # type: ignore[misc]
        self._line = self._blank_line = None  # other colours

    def render_line(self, y: int) -> Strip:
        widget = cast("Widget", self)
        width = self.content_width()
        if y > 0:
            if self._blank_line is None or self._blank_line.cell_length != width:
                self._blank_line = Strip.blank(width, widget.rich_style)
            return self._blank_line
        if self._line is None or self._line.cell_length != width:
            style = widget.rich_style
            text = self.line_text()
            segments = text.render(widget.app.console, end="")
            self._line = styled_line(segments, style).crop_extend(0, width, style)
        return self._line
