"""Calling the forum off the event loop; refusals come back as words for the person."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.text import Text
from textual.dom import DOMNode
from textual.widgets import Static

from bbs.errors import ForumError
from bbs.session import Session
from screens.widgets.safe import safe
from screens.widgets.session import session_of

T = TypeVar("T")


def forum_call(
    node: DOMNode,
    call: Callable[[Session], T],
    done: Callable[[T], None],
    failed: Callable[[str], None] | None = None,
    group: str = "forum",
) -> None:
    """Run `call(session)` in a thread; then `done(result)` or `failed(message)` on the loop."""
    session, app = session_of(node), node.app

    def refused(message: str) -> None:
        node.notify(message, severity="error", markup=False)

    def run() -> None:
        try:
            result = call(session)
        except ForumError as error:
            app.call_from_thread(failed or refused, str(error))
            return
        app.call_from_thread(done, result)

    node.run_worker(run, thread=True, group=group)


class ErrorLine(Static):
    """One line of refusal in words ("⚠ ..."), hidden when there is nothing to say."""

    DEFAULT_CSS = """
    ErrorLine { height: auto; padding: 0 1; color: $error; text-style: bold; display: none; }
    """

    def say(self, message: str) -> None:
        self.update(safe(f"⚠ {message}") if message else Text(""))
        self.display = bool(message)
