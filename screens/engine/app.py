"""The engine's side of the app: what `BBSApp` changes in how Textual's App draws and routes.

Replaces `textual.app.App._background_screens` (opaque screens), sets the App's
`_disable_tooltips`, and takes a cursor key to its binding and its frame to the
terminal in one step (`screens.engine.key_route`, `screens.engine.repaint.draw_now`)
(textual 8.2.8).
Why:
- `opaque_screens`: Textual always counts the screen just below the top as seen, so
  whatever that screen did (a live event arriving, even one it only notes for later)
  set it repainting the top screen's whole area: a full frame for every reply to a
  thread, for everyone reading it. With an opaque top screen nothing below is seen.
- `no_tooltips`: none are used; Textual adds a Tooltip widget to every screen.
- `draw_now`: the repaint for a key started the screen's frame timer, which drew on its
  own turn of the loop, behind every callback ready on a busy server (tens of ms while
  people log in): one of three such turns a cursor key waited for.
Saves: see the README's performance section, rows `opaque_screens`, `no_tooltips`,
`key_route` and `draw_now` (`bench/fanout.py --off opaque_screens`; `draw_now` is
latency, not CPU: `bench/compare.py`'s key p99).
Guarded by: tests/test_ui_thread.py::test_news_for_the_screen_under_a_thread_redraws_
nothing_on_the_thread, ::test_a_cursor_key_draws_its_frame_before_the_loop_turns and
::test_a_cursor_key_runs_its_binding_without_bubbling.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from textual import events
from textual.app import App
from textual.screen import Screen

from screens.engine.key_route import binds_first, run_binding
from screens.engine.repaint import draw_now
from screens.engine.switches import on

LEANS_ON = (
    "textual.app:App._background_screens",
    "textual.app:App.__init__",  # where _disable_tooltips is set
    "textual.screen:Screen._extend_compose",  # where it is read
    "textual.app:App._context",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

ResultT = TypeVar("ResultT")


class EngineApp(App[ResultT]):
    """Put as the app's base instead of App (`class BBSApp(EngineApp[None])`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if on("no_tooltips"):
            self._disable_tooltips = True

    @property
    def _background_screens(self) -> list[Screen[object]]:
        """Screens seen through the top one: none when it is opaque (all but dialogs)."""
        stack = self._screen_stack
        if stack and on("opaque_screens") and stack[-1].styles.background.a == 1:
            return []
        return list(super()._background_screens)

    async def on_event(self, event: events.Event) -> None:
        """A key's frame is drawn in the step that ran its binding (`draw_now`).

        A cursor key of a line widget is a priority binding, which Textual runs here,
        before it would forward the key; with `key_route`, any key that could only end at
        a binding runs it here too.
        """
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        screen = self.screen
        if on("key_route") and binds_first(self, event):
            self.app_focus = True
            if not await run_binding(self, event):
                await super().on_event(event)
        else:
            await super().on_event(event)
        if self.screen is screen and on("draw_now"):  # a screen just pushed draws when ready
            draw_now(screen)


@contextmanager
def app_context(app: App[Any]) -> Iterator[None]:
    """Run code as `app`'s own (its active app and message pump), from outside its tasks.

    What Textual's `App._context` does: for a live event handed out by another session's
    task, and for a bench that pushes a screen onto an app from outside it.
    """
    with app._context():
        yield
