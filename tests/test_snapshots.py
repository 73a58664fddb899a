"""Snapshots of the main screens at 80x24 (pytest-textual-snapshot).

Content is written at fixed distances before now, so ages ("3h ago") and so
the pictures stay the same from run to run. After a deliberate change to a
screen, look at the new picture and accept it with `--snapshot-update`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from bbs.forum import Forum
from tests.conftest import who
from tests.ui_helpers import app_for, idle

HOUR = 3600.0


@pytest.fixture
def garden(forum: Forum) -> Forum:
    """A small, fixed conversation in 'garden', as of now."""
    now = time.time()
    at = [now]
    forum.clock = lambda: at[0]

    def hours_ago(hours: float) -> None:
        at[0] = now - hours * HOUR

    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.set_bulletin(ada, "**Welcome to the garden.** Frost is due on Friday: fleece the beans.")
    hours_ago(50)
    thread_id, root = forum.start_thread(
        bob, "garden", "general", "Runner beans on a balcony", "Mine climb the railings."
    )
    hours_ago(30)
    first = forum.reply(ada, "garden", root, "Tie them in with soft string, not wire.")
    hours_ago(20)
    forum.reply(bob, "garden", first, "Jute worked. Thank you!")
    hours_ago(6)
    forum.reply(ada, "garden", root, "Pinch out the tops at the railing's height.")
    hours_ago(2)
    forum.start_thread(ada, "garden", "swaps", "Spare seed potatoes", "Charlotte, ten of them.")
    hours_ago(1)
    forum.add_oneliner(bob, "first frost warning tonight")
    forum.clock = time.time
    return forum


async def settled(pilot: Pilot[None]) -> None:
    """A picture of a finished screen: each key's work done, whatever it shows."""
    await idle(pilot)


def shot(garden: Forum, handle: str, keys: list[str]) -> Callable[[Pilot[None]], object]:
    async def run(pilot: Pilot[None]) -> None:
        await settled(pilot)
        for key in keys:
            await pilot.press(key)
            await settled(pilot)

    return run


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("welcome", []),
        ("directory", ["d"]),
        ("community", ["d", "enter"]),
        ("thread", ["d", "enter", "tab", "enter"]),
        ("composer", ["d", "enter", "tab", "enter", "r"]),
    ],
)
def test_main_screens(garden: Forum, snap_compare, name: str, keys: list[str]) -> None:  # noqa: ANN001
    app = app_for(garden, who(garden, "bob"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=shot(garden, "bob", keys))
