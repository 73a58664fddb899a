"""Nothing acknowledged over SSH is lost: kill -9 the real server mid-load, restart, count;
on SQLite (the data dir's files) and on PostgreSQL (the server's store, which lives on)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncssh

from bbs.bootstrap import open_forum
from bbs.config import Config
from bbs.store.backup import check
from tests.ssh_support import make_key, seed_small

ROOT = Path(__file__).resolve().parent.parent
BBS = Path(sys.executable).parent / "bbs"
CLIENTS = 4
ENOUGH = 120  # acknowledged replies before the kill


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(data: Path, store: str) -> asyncssh.SSHKey:
    """People, the garden and a thread to answer; returns ada's key."""
    forum = open_forum(Config(data_dir=data, store=store), empty=True)
    try:
        ctx = type("Ctx", (), {"forum": forum})()
        seed_small(ctx)  # type: ignore[arg-type]
        key = make_key(forum, "ada")
        forum.start_thread(forum.person("ada"), "garden", "general", "Load", "root")
        return key
    finally:
        forum.close()


def start_server(data: Path, port: int, store: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BBS_POST_INTERVAL_S": "0", "BBS_STORE": store}
    return subprocess.Popen(
        [str(BBS), "serve", "--data-dir", str(data), "--port", str(port), "--empty"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def connect(port: int, key: asyncssh.SSHKey) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1", port, username="ada", client_keys=[key], known_hosts=None, agent_path=None
    )


async def until_listening(port: int, key: asyncssh.SSHKey, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        with contextlib.suppress(OSError, asyncssh.Error):
            conn = await connect(port, key)
            conn.close()
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the server did not start listening")


async def writer(port: int, key: asyncssh.SSHKey, n: int, acknowledged: list[int]) -> None:
    """Reply until the server dies; an id counts once the command exits 0 and prints it."""
    with contextlib.suppress(OSError, asyncssh.Error):
        async with await connect(port, key) as conn:
            for i in range(10_000):
                done = await conn.run("reply garden/1", input=f"writer {n} reply {i}", check=False)
                if done.exit_status != 0:
                    return
                acknowledged.append(int(str(done.stdout).strip().rpartition("/p")[2]))


async def test_kill_9_of_the_server_loses_no_acknowledged_reply(
    tmp_path: Path, empty_store: str
) -> None:
    data = tmp_path / "data"
    key = prepare(data, empty_store)
    port = free_port()
    proc = start_server(data, port, empty_store)
    acknowledged: list[int] = []
    try:
        await until_listening(port, key, proc)
        tasks = [asyncio.create_task(writer(port, key, n, acknowledged)) for n in range(CLIENTS)]
        deadline = time.monotonic() + 30
        while len(acknowledged) < ENOUGH and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # mid-load: replies are in flight
        proc.wait()
        await asyncio.wait_for(asyncio.gather(*tasks), 20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert len(acknowledged) >= ENOUGH, "the writers were too slow to test anything"

    again = start_server(data, port, empty_store)
    try:
        await until_listening(port, key, again)
        async with await connect(port, key) as conn:
            done = await conn.run("thread garden/1 --json", check=True)
        stored = {p["id"] for p in json.loads(str(done.stdout))["posts"]}
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(10)
    missing = set(acknowledged) - stored
    print(
        f"\nacknowledged {len(acknowledged)}, stored {len(stored) - 1} replies after the kill,"
        f" missing {len(missing)}",
        file=sys.__stderr__,
    )
    assert not missing
    assert check(Config(data_dir=data, store=empty_store)) == "ok"  # each file, or amcheck
