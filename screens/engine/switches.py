"""Which pieces of the engine are on: all of them, unless `BBS_ENGINE_OFF` names some.

Every piece can be turned off to see what it does: `BBS_ENGINE_OFF=css_rules,strip_caches`
runs the app (and `bbs serve`, and the benches, whose `--off` sets it) with Textual's own
behaviour in those places. It is read when the engine is imported; each piece asks at
each use, so a bench can turn one off and on again (`set_off`). Not a setting for
sysops: a way to measure a piece (the README's performance section) and to find out
whether a frame that did or did not draw is the engine's doing.
"""

from __future__ import annotations

import os

PIECES: dict[str, str] = {
    "css_rules": "each piece of CSS parsed once per process (css_rules.py)",
    "strip_caches": "a Strip's caches made on first use (strips.py)",
    "dispatch_plans": "a message's handlers found from a plan per class (dispatch.py)",
    "scrollbar_lines": "scroll bars drawn once per size, place and colours (scrollbars.py)",
    "scrollbar_in_frame": "a scroll bar repaints in its list's frame (scrollbars.py)",
    "renders_in_crop": "a frame asks only the widgets in its update (compositor.py)",
    "repaint_now": "a line widget's repaint goes straight to the screen (repaint.py)",
    "direct_lines": "finished lines kept by identity, past the styles cache (lines.py)",
    "blank_background": "an opaque screen's own lines are one blank line (lines.py)",
    "first_frame": "a loading screen is drawn once, loaded (first_frame.py)",
    "fixed_box": "new content in a CSS-sized pane lays nothing out (fixed_box.py)",
    "opaque_screens": "no repaint of the top screen for the one under it (app.py)",
    "no_tooltips": "no Tooltip widget on every screen (app.py)",
    "key_route": "a key that can only end at a binding runs it at once (key_route.py)",
    "draw_now": "a key's frame drawn in the step that handled it (app.py)",
    "markdown_parser": "one Markdown parser for the process (markdown.py)",
    "scroll_rows": "a log following new lines moves the terminal's rows (scroll_rows.py)",
}
"""Every piece that can be turned off, and what it does."""

ENV = "BBS_ENGINE_OFF"


def _read_off(text: str) -> frozenset[str]:
    names = frozenset(name.strip() for name in text.split(",") if name.strip())
    unknown = sorted(names - PIECES.keys())
    if unknown:
        raise ValueError(
            f"{ENV} names no such piece: {', '.join(unknown)} (known: {', '.join(PIECES)})"
        )
    return names


OFF: frozenset[str] = _read_off(os.environ.get(ENV, ""))
"""The pieces turned off for this process (read at each use: a bench may change it)."""


def on(name: str) -> bool:
    """Whether the piece `name` is on."""
    return name not in OFF


def set_off(names: frozenset[str] | set[str]) -> None:
    """Turn exactly `names` off from now on, the rest on (for a bench's before and after).

    The process-wide patches follow at the next `screens.engine.process.install()`; a
    screen made while a piece was off may keep what it made without it (a Tooltip).
    """
    global OFF
    OFF = _read_off(",".join(names))
