"""All of the forum's CSS, read into a session's stylesheet before its first screen.

Replaces what `textual.app.App._load_screen_css` does when a screen with a CSS_PATH is
first pushed, and what `textual.widget.Widget._post_register` (through
`textual.dom.DOMNode._get_default_css`) does when a widget class is first mounted: both
add to the app's stylesheet, and both make Textual parse and apply the whole stylesheet
again (textual 8.2.8).
Why: each session met each of those once per screen type (7.9 ms for the directory's).
Everything is read up front, so the stylesheet is parsed once per session (from rules
parsed once per process, `screens.engine.css_rules`) and no later push restyles the app.
Saves: see the README's performance section, row `css_preload` (`bench/step_cost.py
--off css_preload`: the path to a thread).
Guarded by: tests/test_engine.py::test_preloaded_css_styles_every_screen_as_textual_does
and test_every_screen_css_is_preloaded.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from textual.app import App
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.scrollbar import ScrollBar, ScrollBarCorner
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets._toast import Toast, ToastRack
from textual.widgets._tooltip import Tooltip

from screens.engine.switches import on

LEANS_ON = (
    "textual.dom:DOMNode._css_bases",
    "textual.dom:DOMNode._get_default_css",
    "textual.app:App._load_screen_css",
    "textual.widget:Widget._post_register",
    "textual.css.stylesheet:Stylesheet.add_source",
    "textual.css.stylesheet:Stylesheet.read_all",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

SCREEN_CSS = tuple(sorted(str(p) for p in Path(__file__).parent.parent.glob("*.tcss")))
"""Every screen's stylesheet (each beside its screen's module, named by its CSS_PATH)."""

TEXTUAL_WIDGETS: tuple[type[DOMNode], ...] = (
    Screen,
    ModalScreen,
    Static,
    Label,
    Input,
    TextArea,
    OptionList,
    Select,
    Button,
    Checkbox,
    Horizontal,
    Vertical,
    VerticalScroll,
    ScrollBar,
    ScrollBarCorner,
    ToastRack,
    Toast,
    Tooltip,
)
"""Textual's widget classes the forum's screens mount (others are added when first mounted)."""


def widget_classes() -> list[type[DOMNode]]:
    """Textual's widgets the forum uses, then every screen and widget class of the forum's
    own that is imported (all of them, once the app's routes are)."""
    ours: list[type[DOMNode]] = []
    todo = list(DOMNode.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("screens.") and cls not in ours:
            ours.append(cls)
    ours.sort(key=lambda cls: (cls.__module__, cls.__qualname__))
    return [*TEXTUAL_WIDGETS, *ours]


def default_css(cls: type[DOMNode]) -> list[tuple[tuple[str, str], str, int, str]]:
    """`cls`'s DEFAULT_CSS and its bases', as Textual reads them when one is mounted."""
    node = SimpleNamespace(_node_bases=DOMNode._css_bases(cls))
    return DOMNode._get_default_css(node)  # type: ignore[arg-type]


def preload_css(app: App[object]) -> None:
    """Add every screen's CSS file and every widget class's DEFAULT_CSS to `app`'s stylesheet."""
    if not on("css_preload"):
        return
    stylesheet = app.stylesheet
    for cls in widget_classes():
        for read_from, css, tie_breaker, scope in default_css(cls):
            stylesheet.add_source(
                css,
                read_from=read_from,
                is_default_css=True,
                tie_breaker=tie_breaker,
                scope=scope,
            )
    stylesheet.read_all([Path(path) for path in SCREEN_CSS])
