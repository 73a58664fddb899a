"""Over real SSH: a bad row already stored and a chain deeper than Python's stack break
nobody's sign-in, thread or exec command (the TUI read back through pyte)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.ssh_support import connect, make_key, run_command, running_server, seed_small
from tests.test_attack_meetups import raw_event
from tests.test_attack_threads import old_chain
from tests.test_ssh_e2e import FACTORIES
from tests.when import in_days


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        yield ctx, port


async def test_a_far_future_event_breaks_no_ones_sign_in_or_events(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    bob = forum.person("bob")
    forum.create_event(bob, "garden", "Seed swap", in_days(2), "Europe/Paris", "Shed")
    far = raw_event(forum, "garden", starts_at=4e11, title="Far")  # year 14,645
    session = await connect(port, "bob", key=make_key(forum, "bob"))
    screen = await session.wait_for("welcome, Bob")
    await session.wait_for("1 event could not be")
    assert "Sorry" not in screen
    await session.close()
    listed = await run_command(port, "guest", "events garden")
    assert listed.exit_status == 0 and "Seed swap" in listed.stdout
    exported = await run_command(port, "guest", f"ics garden/e{far}")
    assert exported.exit_status == 1 and "cannot be shown" in exported.stderr


async def test_a_chain_deeper_than_pythons_stack_opens_over_ssh(server: tuple) -> None:
    ctx, port = server
    thread_id, _ = old_chain(ctx.forum, 1_100)
    done = await run_command(port, "guest", f"thread garden/{thread_id}")
    assert done.exit_status == 0 and "Level 1100" in done.stdout
    session = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
    await session.wait_for("welcome, Bob")
    session.send("d")
    await session.wait_for("Garden")
    session.send("\r")
    await session.wait_for("Deep")
    await session.press_until_lit("\r", "Deep")  # from the boards to the thread list
    session.send("\r")  # and open the thread
    await session.wait_for("Root")
    session.send("\x1b[F")  # End: the deepest post
    await session.wait_for("Level 1100")
    await session.close()
