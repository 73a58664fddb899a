"""Sessions per person: counted at the source of truth, exec sessions included, taken atomically."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

import asyncssh

from tests.ssh_support import Person, connect, make_key, run_command, running_server, seed_small
from tests.test_ssh_e2e import FACTORIES
from tests.test_ssh_exhaustion import hold_stdin


async def reach(person: Person) -> str:
    """What the person sees first: the welcome screen or the refusal."""
    text = await person.wait_for(lambda t: "welcome, Bob" in t or "already have" in t, timeout=20)
    return "in" if "welcome, Bob" in text else "refused"


async def test_six_concurrent_logins_of_one_person_let_exactly_five_through(
    tmp_path: Path,
) -> None:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        key = make_key(ctx.forum, "bob")
        people = await asyncio.gather(*(connect(port, "bob", key=key) for _ in range(6)))
        seen = await asyncio.gather(*(reach(p) for p in people))
        assert sorted(seen) == ["in"] * 5 + ["refused"], seen
        refused = people[seen.index("refused")]
        assert "You already have 5 sessions open here; close one first." in refused.text
        await asyncio.wait_for(refused.client.closed.wait(), 5)
        for person in people:
            await person.close()


async def test_exec_sessions_count_toward_the_cap_and_free_their_place(tmp_path: Path) -> None:
    async with running_server(tmp_path, FACTORIES, exec_stdin_timeout_s=60) as (ctx, port):
        seed_small(ctx)
        key = make_key(ctx.forum, "bob")
        async with AsyncExitStack() as stack:
            for _ in range(5):  # five commands waiting for their input
                await hold_stdin(stack, port, "bob", "127.0.0.1", key)
            refused = await run_command(port, "bob", "whoami", key=key)
            assert refused.exit_status == 1
            assert "You already have 5 sessions open here" in str(refused.stderr)
            tui = await connect(port, "bob", key=key)
            await tui.wait_for("already have 5 sessions")
            await tui.close()
        done = await run_command(port, "bob", "whoami", key=key)  # their places came back
        assert done.exit_status == 0 and done.stdout.startswith("bob")


async def test_sessions_one_after_another_on_one_connection_each_take_and_free_a_place(
    tmp_path: Path,
) -> None:
    async with running_server(tmp_path, FACTORIES, max_sessions_per_person=1) as (ctx, port):
        seed_small(ctx)
        key = make_key(ctx.forum, "bob")
        async with await asyncssh.connect(
            "127.0.0.1", port, username="bob", client_keys=[key], known_hosts=None, agent_path=None
        ) as conn:
            for _ in range(3):
                done = await conn.run("whoami", check=False)
                assert done.exit_status == 0, done.stderr
