"""Finished lines for the widgets that draw their own: every segment carries a style."""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip


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
