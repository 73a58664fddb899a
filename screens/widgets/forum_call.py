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
from screens.widgets.first_frame import HoldsFirstFrame
from screens.widgets.safe import safe
from screens.widgets.session import session_of

T = TypeVar("T")


def still_shown(node: DOMNode) -> bool:
    """Whether the node is still on a screen in the app's stack (not popped or closing)."""
    try:
        screen = node if isinstance(node, Screen) else node.screen
        return node.is_attached and screen in node.app.screen_stack
    except (NoWidget, LookupError):  # detached mid-way: no screen, no app
        return False


def deliver(node: DOMNode, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """From a worker thread: run `callback(*args, **kwargs)` on the loop, if the node is shown.

    A screen's worker can finish after the person has left the screen (Escape while
    it loaded); its result then has nowhere to go and is dropped, not applied to a
    screen whose widgets are being removed (which crashed the session).
    """

    def run() -> None:
        if still_shown(node):
            callback(*args, **kwargs)
            screen = node if isinstance(node, Screen) else node.screen
            if isinstance(screen, HoldsFirstFrame):
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
        deliver(node, done, result)

    node.run_worker(run, thread=True, group=group)


class ErrorLine(Static):
    """One line of refusal in words ("⚠ ..."), hidden when there is nothing to say."""

    DEFAULT_CSS = """
    ErrorLine { height: auto; padding: 0 1; color: $error; text-style: bold; display: none; }
    """

    def say(self, message: str) -> None:
        self.update(safe(f"⚠ {message}") if message else Text(""))
        self.display = bool(message)
