"""Waiting in Pilot tests for what a person would see (a little at a time, never a fixed sleep),
and an app for a handle: the chat and poll screen tests share them."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from bbs.forum import Forum
from screens.app import BBSApp
from tests.conftest import who
from tests.ui_helpers import app_for as app_of
from tests.ui_helpers import screen_text


def app_for(forum: Forum, handle: str) -> BBSApp:
    """The app as `handle` (or "guest") would see it, on its own session."""
    return app_of(forum, forum.guest() if handle == "guest" else who(forum, handle))


async def until(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Until `check()` holds, looking every 20 ms; the screen's text if it never does."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not on screen in time:\n{screen_text(pilot.app)}")
        await pilot.pause(0.02)
