"""Calling the forum off the event loop; refusals come back as words for the person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rich.text import Text
from textual.dom import DOMNode
from textual.errors import NoWidget
from textual.screen import Screen
from textual.widgets import Static

from bbs.errors import ForumError
from bbs.session import Session
from bbs.shown import note_bad
from screens.engine.first_frame import HoldsFirstFrame
from screens.widgets.safe import safe
from screens.widgets.session import session_of

T = TypeVar("T")


def still_shown(node: DOMNode) -> bool:
    """Whether the node is still on a screen in the app's stack (not popped or closing, and
    the app not shutting down: its screens' widgets are being removed)."""
    try:
        screen = node if isinstance(node, Screen) else node.screen
        app = node.app
        return app.is_running and node.is_attached and screen in app.screen_stack
    except (NoWidget, LookupError):  # detached mid-way: no screen, no app
        return False


def deliver(node: DOMNode, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """From a worker thread: run `callback(*args, **kwargs)` on the loop, if the node is shown.

    A screen's worker can finish after the person has left the screen (Escape while
    it loaded); its result then has nowhere to go and is dropped, not applied to a
    screen whose widgets are being removed (which crashed the session).
    """

    _deliver(node, callback, args, kwargs, releases=True)


def deliver_part(node: DOMNode, callback: Callable[..., Any], *args: Any) -> None:
    """As `deliver`, for a part of a screen that its first frame does not wait for (a
    thread's poll line): it arriving first must not draw the screen before what it shows."""
    _deliver(node, callback, args, {}, releases=False)


def _deliver(
    node: DOMNode,
    callback: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    releases: bool,
) -> None:
    def run() -> None:
        if still_shown(node):
            callback(*args, **kwargs)
            screen = node if isinstance(node, Screen) else node.screen
            if releases and isinstance(screen, HoldsFirstFrame):
                screen.release_frames()  # what it shows has arrived: draw it

    node.app.call_from_thread(run)


def forum_call(
    node: DOMNode,
    call: Callable[[Session], T],
    done: Callable[[T], None],
    failed: Callable[[str], None] | None = None,
    group: str = "forum",
) -> None:
    """Run `call(session)` in a thread; then `done(result)` or `failed(message)` on the loop."""
    session = session_of(node)

    def refused(message: str) -> None:
        node.notify(message, severity="error", markup=False)

    def run() -> None:
        try:
            result = call(session)
        except ForumError as error:
            deliver(node, failed or refused, str(error))
            return
        except Exception as error:  # ours: the person keeps their session and is told
            deliver(node, failed or refused, ours(node, error))
            return
        deliver(node, done, result)

    node.run_worker(run, thread=True, group=group)


def ours(node: DOMNode, error: Exception) -> str:
    """Log an error of ours once (not for every person on every view); words for the person."""
    where = f"{type(node).__name__}"
    note_bad(where, (type(error).__name__, str(error)[:200]), error, trace=True)
    return "Sorry, that could not be shown: something is wrong on our side (it is logged)."


class ErrorLine(Static):
    """One line of refusal in words ("⚠ ..."), hidden when there is nothing to say."""

    DEFAULT_CSS = """
    ErrorLine { height: auto; padding: 0 1; color: $error; text-style: bold; display: none; }
    """

    def say(self, message: str) -> None:
        self.update(safe(f"⚠ {message}") if message else Text(""))
        self.display = bool(message)
