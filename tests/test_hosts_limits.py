"""Limits hold across hosts (two real `bbs serve --bus` processes, one NATS server, one data
dir on SQLite, or one PostgreSQL database and a data dir each), not per host: a penalty
earned on A is enforced on B; a new account racing its first-day limit on both hosts at
once gets exactly the allowed number; one person's sessions are counted once across both.

Each host once kept its own penalties and counts: two hosts gave a password guesser twice
the budget and a new account twice its first day.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from bbs.config import Config
from bbs.forum import Forum
from bbs.ssh.limits import SESSIONS
from bbs.store.backends import open_limits
from tests.hosts_support import Host, two_hosts

GUESSER = "127.0.0.7"
FIRST_DAY_THREADS = 3  # bbs/config.py thread_first_day
LIMITS = {
    "BBS_PENALTY_AUTHFAIL_S": "60",
    "BBS_MAX_SESSIONS_PER_PERSON": "20",  # the first-day race below is not about sessions
    "BBS_EXEC_STDIN_TIMEOUT_S": "30",
}


def add_newcomer(config: Config, keys: dict[str, asyncssh.SSHKey]) -> None:
    """newt, signed up a moment ago (first-day limits apply), a member of garden, with a key."""
    forum = Forum(config.data_dir, config)
    try:
        newt = forum.register("newt", "Newt")
        key = keys["newt"] = asyncssh.generate_private_key("ssh-ed25519")
        fingerprint = key.get_fingerprint("sha256")
        forum.hub.add_key(newt.id, fingerprint, key.export_public_key().decode().strip())
        forum.hub.set_membership(newt.id, "garden", "member", "active")
    finally:
        forum.close()


async def guess_password(host: Host) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect(
            host.address,
            host.port,
            local_addr=(GUESSER, 0),
            username="bob",
            password="wrong",
            client_keys=[],
            preferred_auth=["password"],
            known_hosts=None,
            agent_path=None,
        )


async def test_a_penalty_earned_on_one_host_is_enforced_on_the_other(
    tmp_path: Path, empty_store: str
) -> None:
    async with two_hosts(tmp_path, env=LIMITS, store=empty_store) as board:
        a, b = board.hosts
        await guess_password(a)
        deadline = time.monotonic() + 5
        refused: Exception | None = None
        while refused is None:  # the penalty is written as the failed connection ends
            try:
                conn = await asyncssh.connect(
                    b.address,
                    b.port,
                    local_addr=(GUESSER, 0),
                    username="guest",
                    client_keys=[],
                    known_hosts=None,
                    agent_path=None,
                )
                conn.close()
            except asyncssh.DisconnectError as error:
                refused = error
            if refused is None and time.monotonic() > deadline:
                raise AssertionError("host B let the guesser in after its failure on host A")
        assert "Too many failed sign-ins" in str(refused)
        # someone else, from another address, still signs in on both hosts
        for host in board.hosts:
            done = await host.run("cy", "whoami")
            assert done.exit_status == 0 and done.stdout.startswith("cy"), done.stderr


async def test_a_new_account_racing_its_first_day_on_two_hosts_gets_exactly_its_number(
    tmp_path: Path, empty_store: str
) -> None:
    async with two_hosts(tmp_path, env=LIMITS, store=empty_store) as board:
        a, b = board.hosts
        add_newcomer(board.config(), a.keys)

        async def post(host: Host, n: int) -> Any:
            command = f"post garden general --title 'Hello {n}'"
            return await host.run("newt", command, stdin=f"First words, take {n}.")

        results = await asyncio.gather(*(post(board.hosts[n % 2], n) for n in range(8)))
        passed = [r for r in results if r.exit_status == 0]
        refused = [r for r in results if r.exit_status != 0]
        assert len(passed) == FIRST_DAY_THREADS, [(r.exit_status, r.stderr) for r in results]
        for r in refused:
            assert "first day" in r.stderr, r.stderr


async def test_one_persons_sessions_are_counted_once_across_both_hosts(
    tmp_path: Path, empty_store: str
) -> None:
    env = {"BBS_EXEC_STDIN_TIMEOUT_S": "60"}
    async with two_hosts(tmp_path, env=env, store=empty_store) as board:
        a, b = board.hosts
        opened: list[tuple[Any, Any]] = []

        async def hold(host: Host) -> tuple[Any, Any]:
            conn = await asyncssh.connect(
                host.address,
                host.port,
                username="bob",
                client_keys=[host.keys["bob"]],
                known_hosts=None,
                agent_path=None,
            )
            # waits for stdin that never comes: the session stays open
            return conn, await conn.create_process("post garden general --title held")

        opened = list(await asyncio.gather(*(hold(board.hosts[n % 2]) for n in range(6))))
        store = open_limits(board.config(), "test")
        bob = str(bob_id(board.config()))
        try:
            # every session is decided once it holds a place or has ended: wait for that
            deadline = time.monotonic() + 10
            while True:
                held = store.count(SESSIONS, bob)
                ended = [p for _, p in opened if p.exit_status is not None]
                if held + len(ended) == 6:
                    break
                assert time.monotonic() < deadline, f"{held} held, {len(ended)} ended"
                await asyncio.sleep(0.05)
            assert (held, len(ended)) == (5, 1)
            assert "You already have 5 sessions open here" in await ended[0].stderr.read()
        finally:
            store.close()
            for conn, _ in opened:
                conn.abort()


def bob_id(config: Config) -> int:
    forum = Forum(config.data_dir, config)
    try:
        bob = forum.person("bob")
        assert bob is not None
        return bob.id
    finally:
        forum.close()
