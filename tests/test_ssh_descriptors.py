"""A flood of guests cannot use up the server's descriptors, and errors that repeat stay small.

The attack: guest connections running an exec command that reads stdin, never
closed, from many addresses, past the server's open-file limit. It once took every
descriptor, a real person's `whoami` timed out, and asyncio's accept loop logged
EMFILE in a loop that multiplied itself (over a gigabyte in minutes).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import time
from pathlib import Path
from typing import Any

import asyncssh

from bbs.ssh import accept
from bbs.ssh.log_repeats import RepeatFilter
from tests.ssh_serve import seed_people, serve
from tests.ssh_support import wait_until

OPEN_FILES = 256  # the server's whole descriptor table, soft and hard
FLOOD = 320  # guest connections tried, from 32 addresses
WAITS_FOR_STDIN = "post somewhere general --title 'never ends'"


async def hold_guest(port: int, source: str, held: list[Any]) -> None:
    try:
        conn = await asyncio.wait_for(
            asyncssh.connect(
                "127.0.0.1",
                port,
                local_addr=(source, 0),
                username="guest",
                client_keys=[],
                known_hosts=None,
                agent_path=None,
            ),
            20,
        )
        await conn.create_process(WAITS_FOR_STDIN)
        held.append(conn)
    except (OSError, asyncssh.Error, TimeoutError):
        pass


async def test_a_guest_flood_past_the_open_file_limit_leaves_room_and_a_quiet_log(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    keys = seed_people(data, "bob")
    with serve(data, open_files=OPEN_FILES) as served:
        held: list[Any] = []
        sources = [f"127.0.0.{2 + i % 32}" for i in range(FLOOD)]
        gate = asyncio.Semaphore(16)

        async def one(source: str) -> None:
            async with gate:
                await hold_guest(served.port, source, held)

        await asyncio.gather(*(one(s) for s in sources))
        started = time.monotonic()
        async with asyncssh.connect(
            "127.0.0.1",
            served.port,
            local_addr=("127.0.0.250", 0),
            username="bob",
            client_keys=[keys["bob"]],
            known_hosts=None,
            agent_path=None,
        ) as conn:
            whoami = await asyncio.wait_for(conn.run("whoami", check=False), 20)
        took = time.monotonic() - started
        log = served.log
        for conn in held:
            conn.abort()
    assert whoami.exit_status == 0 and whoami.stdout.startswith("bob"), whoami.stderr
    assert took < 5, took
    assert len(held) <= OPEN_FILES // 2, len(held)  # the cap holds well below the limit
    assert "out of system resource" not in log and "Too many open files" not in log
    assert len(log) < 300_000, len(log)


# the accept loop and the log, each on its own ------------------------------------------------
class FullTable(socket.socket):
    """A listening socket whose every accept() meets a full descriptor table."""

    def accept(self) -> tuple[socket.socket, Any]:
        raise OSError(errno.EMFILE, "Too many open files")


async def test_a_full_descriptor_table_costs_one_error_a_second_not_a_multiplying_loop() -> None:
    loop = asyncio.get_running_loop()
    assert accept.install(loop)
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    sock = FullTable(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = await loop.create_server(asyncio.Protocol, sock=sock, backlog=100)
    client = socket.create_connection(sock.getsockname())  # something waits to be accepted
    try:
        await wait_until(lambda: len(errors) >= 3, what="three rounds")  # at 0, ~1 and ~2 s
    finally:
        client.close()
        server.close()
        loop.set_exception_handler(None)
    assert 1 <= len(errors) <= 3, len(errors)  # unpatched: 100 in the first round alone
    assert all(e["message"] == "socket.accept() out of system resource" for e in errors)


def test_an_error_that_repeats_is_logged_a_few_times_a_minute_then_counted() -> None:
    now = [0.0]
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Keep()
    handler.addFilter(RepeatFilter(window_s=60, burst=5, clock=lambda: now[0]))
    logger = logging.getLogger("test.repeats")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        for i in range(10_000):
            logger.error("accept failed on fd %d", i)
        logger.error("the disk is full")  # another kind goes through
        logger.info("conn %s from %s", "c1", "203.0.113.9")  # info is never held back
        assert len(seen) == 7
        now[0] = 61.0
        logger.error("accept failed on fd %d", 10_000)
        assert seen[-1] == "accept failed on fd 10000 [and 9,995 more like this in the last 60 s]"
    finally:
        logger.removeHandler(handler)
