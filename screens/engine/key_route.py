"""A key for a line widget that only has bindings goes to its binding at once, without bubbling.

Replaces, for such keys, what `textual.app.App.on_event` does with a Key (forward it to
the focused widget, whose `Widget._on_key` dispatches it, bubble it to the screen and
back to the app) and runs `App._check_bindings` at once (textual 8.2.8).
Why: four messages and three more turns of the loop for a cursor key, each turn behind
every other session's work on a busy server. When no node from the focused widget up
to its screen has a handler of its own for the key (`on_key`, `key_<name>`), the
bubbling can do nothing but arrive at the bindings, so the app looks them up at once.
Anything else (a text area, a screen's `_key_escape`) goes Textual's way.
Saves: see the README's performance section, row `key_route` (`bench/step_cost.py --off
key_route`: Down/Up in a thread).
Guarded by: tests/test_ui_thread.py::test_a_cursor_key_runs_its_binding_without_bubbling.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widget import Widget

from screens.engine.lines import DirectLines

LEANS_ON = (
    "textual.app:App.on_event",
    "textual.app:App._check_bindings",
    "textual.widget:Widget._on_key",
    "textual.widget:Widget.handle_key",
    "textual.events:Key.name_aliases",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

_HANDLES: dict[tuple[type, str], bool] = {}


def _handles(cls: type, key: str) -> bool:
    """Whether instances of `cls` have a handler of their own for `key` (cached per class)."""
    known = _HANDLES.get((cls, key))
    if known is None:
        known = _HANDLES[(cls, key)] = (
            getattr(cls, "_on_key", None) is not Widget._on_key
            or getattr(cls, "on_key", None) is not None
            or getattr(cls, f"key_{key}", None) is not None
            or getattr(cls, f"_key_{key}", None) is not None
        )
    return known


def binds_first(app: App[object], event: events.Key) -> bool:
    """Whether `event` can only end at a binding: a line widget has the focus, no handlers."""
    focused = app.focused
    if not isinstance(focused, DirectLines) or event.is_forwarded:
        return False
    screen = app.screen
    if screen.maximized is not None:
        return False
    names = event.name_aliases
    node: object = focused
    while isinstance(node, Widget):
        cls = type(node)
        if any(_handles(cls, name) for name in names):
            return False
        if node is screen:
            return True
        node = node._parent
    return False


async def run_binding(app: App[object], event: events.Key) -> bool:
    """Run the binding for `event` at once (priority ones first); whether one ran."""
    return await app._check_bindings(event.key, priority=True) or await app._check_bindings(
        event.key
    )
