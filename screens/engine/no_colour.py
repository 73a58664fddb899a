"""NO_COLOR: not one colour code. Bold, underline and reverse video carry what colour did.

Replaces Textual's own NO_COLOR filters in an app's line filters (`App._filters`):
`textual.filter.Monochrome` turns colours into greys and sends them (SGR 97;100, 97;40:
about 200 on the welcome screen), and `textual.filter.NoColor` sends the terminal's
default colours (39;49). `NoColour` sends none: every segment loses its colours, and one
whose background stood out from its widget's is shown reversed. A style's Textual meta
(click and hover targets) is kept, read from Rich's `Style._meta` (textual 8.2.8, rich
15.0.0).
Why: a monochrome terminal, or a person who asked for no colour, must still see where
the cursor row and the keys are, and get no colour codes at all.
Saves: nothing; it is a feature (a screen's bytes without colour codes).
Guarded by: tests/test_no_color.py (the bytes of every main screen over SSH) and
tests/test_ui_screens.py::test_no_color_gives_a_monochrome_app.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.filter import LineFilter, Monochrome, NoColor

LEANS_ON = (
    "textual.filter:LineFilter",
    "textual.filter:Monochrome",
    "textual.filter:NoColor",
    "textual.app:App.__init__",  # where _filters is made, Monochrome for NO_COLOR
    "rich.style:Style.meta",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

STANDS_OUT = 0.2
"""A background this much brighter or darker than the widget's own marks something that
stands out (a list's cursor row, a key in the key bar, a scroll bar's thumb); a panel a
shade off the screen's (surface, panel, boost) does not."""
_REVERSE = Style(reverse=True)


def _stands_out(style: Style, background: Color) -> bool:
    bgcolor = style.bgcolor
    if bgcolor is None or bgcolor.is_default or style.reverse:
        return False
    return abs(Color.from_rich_color(bgcolor).brightness - background.brightness) > STANDS_OUT


@lru_cache(maxsize=4096)
def no_colour_style(style: Style, background: Color) -> Style:
    """The style without colours; reverse video where its background made it stand out."""
    plain = style.without_color
    if _stands_out(style, background):
        plain += _REVERSE
    if style._meta:  # Textual's click and hover targets travel in the meta
        plain += Style.from_meta(style.meta)
    return plain


class NoColour(LineFilter):
    """Every segment without colours; reversed where its background stood out."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        style_of = no_colour_style
        return [
            Segment(text, style_of(style, background) if style else style, control)
            for text, style, control in segments
        ]


def use_no_colour(app: App[Any]) -> None:
    """Put NoColour in place of Textual's own NO_COLOR filters (idempotent)."""
    app.no_color = True
    kept = [f for f in app._filters if not isinstance(f, Monochrome | NoColor | NoColour)]
    app._filters[:] = [*kept, NoColour()]
