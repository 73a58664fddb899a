"""What a guest or one address can exhaust: stdin that never ends, connection pools, terminal size.

Each test is the attack, with real asyncssh clients against the real server on
loopback; hostile clients come from their own loopback addresses (127.0.0.0/8).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, suppress
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from bbs.ssh.terminal import MAX_SIZE, MIN_SIZE
from tests.ssh_support import make_key, run_command, running_server, seed_small, wait_until
from tests.test_ssh_e2e import FACTORIES

REFUSED = (asyncssh.DisconnectError, asyncssh.ChannelOpenError, ConnectionError, OSError)
WAITS_FOR_STDIN = "post garden general --title 'never ends'"


async def open_conn(
    port: int, username: str, source: str, key: asyncssh.SSHKey | None = None
) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        local_addr=(source, 0),
        username=username,
        client_keys=[key] if key else [],
        known_hosts=None,
        agent_path=None,
    )


async def hold_stdin(
    stack: AsyncExitStack,
    port: int,
    username: str,
    source: str,
    key: asyncssh.SSHKey | None = None,
) -> asyncssh.SSHClientProcess[Any]:
    """An exec command that reads stdin, whose stdin is never closed (the attack)."""
    conn = await stack.enter_async_context(await open_conn(port, username, source, key))
    process = await conn.create_process(WAITS_FOR_STDIN)
    stack.push_async_callback(_close, conn)
    return process


async def _close(conn: asyncssh.SSHClientConnection) -> None:
    conn.abort()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES, exec_stdin_timeout_s=1.0) as (ctx, port):
        seed_small(ctx)
        yield ctx, port


# stdin ------------------------------------------------------------------------------------
async def test_stdin_that_never_ends_is_cut_at_the_time_limit(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    async with AsyncExitStack() as stack:
        process = await hold_stdin(stack, port, "bob", "127.0.0.1", key)
        process.stdin.write("half a post and then nothing")
        started = time.monotonic()
        done = await asyncio.wait_for(process.wait(check=False), 10)
        took = time.monotonic() - started
    assert done.exit_status == 1
    assert "No end of input after 1 s; the command did not run" in str(done.stderr)
    assert took < 5, took
    assert not ctx.forum.threads(ctx.forum.person("ada"), "garden", "general")


async def test_stdin_past_the_size_limit_is_refused_at_once(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    limit = ctx.config.exec_stdin_max_bytes
    async with AsyncExitStack() as stack:
        process = await hold_stdin(stack, port, "bob", "127.0.0.1", key)
        started = time.monotonic()
        process.stdin.write("x" * (limit + 1))  # and keeps the stream open
        done = await asyncio.wait_for(process.wait(check=False), 10)
        took = time.monotonic() - started
    assert done.exit_status == 1
    assert f"Input is over the limit of {limit:,} bytes" in str(done.stderr)
    assert took < 0.9, took  # well before the time limit: refused when it crossed the limit
    assert not ctx.forum.threads(ctx.forum.person("ada"), "garden", "general")


# connection pools ----------------------------------------------------------------------------
async def test_guests_are_capped_per_address_and_in_total_and_members_still_get_in(
    tmp_path: Path,
) -> None:
    caps = {"max_guests": 4, "max_guests_per_address": 2, "exec_stdin_timeout_s": 60}
    async with running_server(tmp_path, FACTORIES, **caps) as (ctx, port), AsyncExitStack() as s:
        seed_small(ctx)
        for _ in range(2):
            await hold_stdin(s, port, "guest", "127.0.0.2")
        with pytest.raises(REFUSED, match="Too many guests from your address"):
            await hold_stdin(s, port, "guest", "127.0.0.2")
        for _ in range(2):
            await hold_stdin(s, port, "guest", "127.0.0.3")
        with pytest.raises(REFUSED, match="Too many guests on the board right now"):
            await hold_stdin(s, port, "guest", "127.0.0.4")
        whoami = await run_command(
            port, "bob", "whoami", key=make_key(ctx.forum, "bob"), source="127.0.0.4"
        )
        assert whoami.exit_status == 0 and whoami.stdout.startswith("bob")


async def test_signed_in_connections_are_capped_per_address_and_in_total(tmp_path: Path) -> None:
    caps = {"max_signed_in": 3, "max_signed_in_per_address": 2}
    async with running_server(tmp_path, FACTORIES, **caps) as (ctx, port), AsyncExitStack() as s:
        seed_small(ctx)
        ada, bob = make_key(ctx.forum, "ada"), make_key(ctx.forum, "bob")
        for _ in range(2):
            await s.enter_async_context(await open_conn(port, "ada", "127.0.0.2", ada))
        with pytest.raises(REFUSED, match="Too many connections from your address"):
            await (await open_conn(port, "ada", "127.0.0.2", ada)).run("whoami")
        await s.enter_async_context(await open_conn(port, "bob", "127.0.0.3", bob))
        with pytest.raises(REFUSED, match="The board is full right now"):
            await (await open_conn(port, "bob", "127.0.0.4", bob)).run("whoami")
        guest = await run_command(port, "guest", "whoami", source="127.0.0.4")
        assert guest.exit_status == 0  # guests have a pool of their own


# terminal size ---------------------------------------------------------------------------------
class CountingClient(asyncssh.SSHClientSession):  # type: ignore[type-arg]
    """Counts what the server sends (a 20000-column screen is too big for an emulator)."""

    def __init__(self) -> None:
        self.received = 0

    def data_received(self, data: bytes, datatype: Any) -> None:
        self.received += len(data)


def app_of(ctx: Any, handle: str) -> Any:
    return next(s.app for s in ctx.sessions.values() if s.handle == handle and s.app)


async def test_terminal_sizes_are_clamped_at_start_and_on_resize(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    async with await open_conn(port, "bob", "127.0.0.1", key) as conn:
        chan, client = await conn.create_session(
            CountingClient, term_type="xterm-256color", term_size=(20000, 5000), encoding=None
        )
        await wait_until(lambda: any(s.handle == "bob" and s.app for s in ctx.sessions.values()))
        await wait_until(lambda: app_of(ctx, "bob").size == MAX_SIZE)
        # a whole screen of 500 x 200 is 100,000 cells, a byte each at least: the frame is here
        await wait_until(lambda: client.received >= MAX_SIZE[0] * MAX_SIZE[1])
        assert client.received < 2 * 2**20, client.received  # frames of 500 x 200 at most
        chan.change_terminal_size(1, 1)
        await wait_until(lambda: app_of(ctx, "bob").size == MIN_SIZE)
        chan.change_terminal_size(50000, 3)
        await wait_until(lambda: app_of(ctx, "bob").size == (MAX_SIZE[0], MIN_SIZE[1]))
        chan.change_terminal_size(0, 0)
        await wait_until(lambda: app_of(ctx, "bob").size == MIN_SIZE)
        chan.change_terminal_size(100, 30)
        await wait_until(lambda: app_of(ctx, "bob").size == (100, 30))
        with suppress(Exception):
            chan.close()
