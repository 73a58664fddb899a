"""Limits hold across the workers of `bbs serve --workers 2` (real processes), not per process.

A worker's memory once held its own penalties and counts, so `--workers 4` gave a
password guesser four times the budget. Now they live in limits.db: a penalty
earned through one worker is enforced by the other, six concurrent logins of one
person across the workers let exactly five through, and a killed worker's leases
free within their expiry.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from bbs.ssh.limits import SESSIONS
from bbs.store.limits import LimitsStore
from tests.ssh_serve import Served, seed_people, serve
from tests.ssh_support import wait_until

TTL_S = 3.0
GUESSER = "127.0.0.5"
WAITS_FOR_STDIN = "post somewhere general --title 'held open'"


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Any, Path]]:
    data = tmp_path_factory.mktemp("workers") / "data"
    keys = seed_people(data, "bob")
    env = {
        "BBS_LIMITS_LEASE_TTL_S": str(TTL_S),
        "BBS_PENALTY_AUTHFAIL_S": "60",
        "BBS_PENALTY_EXEMPT": "",  # (the default) so main's per-worker penalties show
        "BBS_EXEC_STDIN_TIMEOUT_S": "60",
    }
    with serve(data, workers=2, env=env) as served:
        yield served, keys["bob"], data / "limits.db"


async def connect(port: int, source: str = "127.0.0.1", **kw: Any) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1", port, local_addr=(source, 0), known_hosts=None, agent_path=None, **kw
    )


async def test_a_penalty_earned_through_one_worker_is_enforced_by_the_other(board: tuple) -> None:
    served, _, limits_db = board
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(
            served.port,
            GUESSER,
            username="bob",
            password="wrong",
            client_keys=[],
            preferred_auth=["password"],
        )
    store = LimitsStore(limits_db, "test")
    deadline = time.monotonic() + 5
    while store.penalty_for(GUESSER) == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    store.close()
    for _ in range(16):  # the kernel spreads them over both workers
        with pytest.raises(asyncssh.DisconnectError, match="Too many failed sign-ins"):
            await connect(served.port, GUESSER, username="guest", client_keys=[])
    refusing = set(
        re.findall(
            rf"w(\d) bbs\.ssh\.connection: conn \S+ from {re.escape(GUESSER)} refused", served.log
        )
    )
    assert refusing == {"0", "1"}, refusing


async def hold_sessions(
    served: Served, key: asyncssh.SSHKey, n: int
) -> tuple[list[Any], list[Any]]:
    """n concurrent exec sessions of bob: (connections, the processes let in and running)."""
    told_from = len(served.log)

    async def one() -> tuple[Any, Any]:
        conn = await connect(served.port, username="bob", client_keys=[key])
        return conn, await conn.create_process(WAITS_FOR_STDIN)

    opened = await asyncio.gather(*(one() for _ in range(n)))

    def decided() -> bool:
        """Each session let in (it runs) or refused (and has ended), as the log says."""
        told = served.log[told_from:]
        runs = len(re.findall(r"session \S+: bob runs", told))
        refused = len(re.findall(r"session \S+: bob refused", told))
        ended = sum(process.exit_status is not None for _, process in opened)
        return runs + refused == n and ended == refused

    await wait_until(decided, timeout=20, what="every session let in or refused")
    running = [p for _, p in opened if p.exit_status is None]
    for _, process in opened:
        if process.exit_status is not None:
            assert process.exit_status == 1
            assert "You already have 5 sessions open here" in await process.stderr.read()
    return [c for c, _ in opened], running


def workers_running_bob(log: str) -> set[str]:
    return set(re.findall(r"w(\d) bbs\.ssh\.channel: session \S+: bob runs", log))


async def test_six_concurrent_logins_across_the_workers_let_exactly_five_through(
    board: tuple,
) -> None:
    served, key, limits_db = board
    spread: set[str] = set()
    for _ in range(3):  # until the kernel has put them on both workers (almost always at once)
        before = served.log
        conns, running = await hold_sessions(served, key, 6)
        assert len(running) == 5
        spread = workers_running_bob(served.log[len(before) :])
        for conn in conns:
            conn.abort()
        store = LimitsStore(limits_db, "test")
        await wait_until(lambda store=store: store.count(SESSIONS) == 0, what="given back")
        store.close()
        if spread == {"0", "1"}:
            break
    assert spread == {"0", "1"}


def worker_pids(log: str) -> list[int]:
    """The pids of the workers running now (the last one started for each index)."""
    started = dict(re.findall(r"worker (\d) started \(pid (\d+)\)", log))
    return [int(pid) for pid in started.values()]


async def test_a_killed_workers_leases_free_within_their_expiry(board: tuple) -> None:
    served, key, limits_db = board
    conns, running = await hold_sessions(served, key, 5)
    assert len(running) == 5
    store = LimitsStore(limits_db, "test")
    assert store.count(SESSIONS) == 5
    pids = worker_pids(served.log)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    # dead and reaped by the supervisor (it has noticed): nothing of theirs can give back now
    await wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids))
    assert store.count(SESSIONS) == 5  # nobody gave them back: they outlive the workers
    while store.count(SESSIONS) and time.monotonic() - killed < TTL_S + 5:
        await asyncio.sleep(0.05)
    freed = time.monotonic() - killed
    store.close()
    assert freed <= TTL_S + 1.0, freed
    for conn in conns:
        conn.abort()
    for index in (0, 1):  # the supervisor starts them again
        served.wait_for_log(f"worker {index} listening", count=2)
    conns, running = await hold_sessions(served, key, 6)
    assert len(running) == 5
    for conn in conns:
        conn.abort()
