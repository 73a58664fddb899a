"""Each terminal gets a style's escape codes for its own colour system.

Replaces `textual.strip:Strip.render_style` (textual 8.2.8), process-wide.
Why: Textual keeps a style's codes on the Style itself (`style._ansi`), made for the
colour system of the first terminal that drew it, and Rich shares Style objects across
the process. One terminal per process is Textual's case; a server has many: once a
truecolor session had drawn a style, a 256-colour or 16-colour terminal was sent the
truecolor codes (SGR 38;2) for it, which it cannot show. `Strip.render_ansi` is already
cached per (style, colour system); this asks it every time instead of `style._ansi`.
Saves: nothing: a fix, always on (not one of the switches). It costs one cached call
per segment of a line sent (`bench/step_cost.py` shows no change beyond noise).
Guarded by: tests/test_shared_lines_colours.py (a style drawn for truecolor, then for a
256-colour terminal, with and without this) and tests/test_ssh_e2e.py's
test_monochrome_and_256_colour_terminals_get_a_readable_screen.
"""

from __future__ import annotations

from rich.style import Style
from textual.strip import Strip

LEANS_ON = ("textual.strip:Strip.render_style", "textual.strip:Strip.render_ansi")
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

_ORIGINAL = Strip.__dict__["render_style"]


def _render_style(cls: type[Strip], style: Style, text: str, color_system: object) -> str:
    """Strip.render_style with the codes for `color_system`, never another terminal's."""
    ansi = cls.render_ansi(style, color_system)  # type: ignore[arg-type]
    output = f"\x1b[{ansi}m{text}\x1b[0m" if ansi else text
    if style._link:
        output = f"\x1b]8;id={style._link_id};{style._link}\x1b\\{output}\x1b]8;;\x1b\\"
    return output


def install(on: bool = True) -> None:
    """The per-terminal codes in place (or Textual's own back, for a test's before)."""
    Strip.render_style = classmethod(_render_style) if on else _ORIGINAL  # type: ignore[assignment, method-assign]
