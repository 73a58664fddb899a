"""Bench: many concurrent SSH sessions against `bbs serve`; prints a table.

    .venv/bin/python bench/ssh_sessions.py --sessions 1 10 50 200 --workers 1 2 --idle 30

For each (workers, N): time from connect to the first full screen, key press to
screen update, server RSS per session (/proc), server CPU while all sessions idle.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh
import pyte

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree(pid: int) -> list[int]:
    """The server process and its workers."""
    found = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


class Client(asyncssh.SSHClientSession):  # type: ignore[type-arg]
    def __init__(self) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()

    def data_received(self, data: bytes, datatype: object) -> None:
        self.stream.feed(data)
        self.changed.set()

    def text(self) -> str:
        return "\n".join(self.screen.display)


async def wait_text(client: Client, check, timeout: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check(client.text()):
        client.changed.clear()
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(client.text())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(client.changed.wait(), left)


async def one_session(port: int) -> tuple[float, object, Client]:
    start = time.monotonic()
    conn = await asyncssh.connect(
        "127.0.0.1", port, username="guest", known_hosts=None, agent_path=None, client_keys=[]
    )
    chan, client = await conn.create_session(
        Client, term_type="xterm-256color", term_size=(80, 24), encoding=None
    )
    await wait_text(client, lambda t: "Online now" in t and "Quit" in t)
    return time.monotonic() - start, (conn, chan), client


async def key_latency(chan: object, client: Client) -> float:
    start = time.monotonic()
    before = client.text()
    chan.write(b"w")  # type: ignore[attr-defined]
    await wait_text(client, lambda t: t != before)
    took = time.monotonic() - start
    await asyncio.sleep(0.3)
    before = client.text()
    chan.write(b"\x1b")  # type: ignore[attr-defined]
    await wait_text(client, lambda t: t != before)
    return took


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run(n: int, workers: int, idle: float) -> dict[str, float]:
    data = Path(tempfile.mkdtemp(prefix="bbs-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "BBS_MAX_STARTUPS": "2000:30:2000",  # else MaxStartups drops logins past 10 pending
        "BBS_MAX_UNAUTHENTICATED": "2000",
        "BBS_MAX_UNAUTHENTICATED_PER_ADDRESS": "2000",
        "BBS_MAX_GUESTS": "4000",  # every session is a guest from one address
        "BBS_MAX_GUESTS_PER_ADDRESS": "4000",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/bbs"),
            "serve",
            "--data-dir",
            str(data),
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                probe = await asyncssh.connect(
                    "127.0.0.1",
                    port,
                    username="guest",
                    known_hosts=None,
                    agent_path=None,
                    client_keys=[],
                )
                probe.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        pids = tree(server.pid)
        rss_before = rss_kb(pids)
        results = await asyncio.gather(*(one_session(port) for _ in range(n)))
        firsts = [r[0] for r in results]
        await asyncio.sleep(1.0)
        rss_after = rss_kb(tree(server.pid))
        lat = []
        for _, (_conn, chan), client in results:
            lat.append(await key_latency(chan, client))
        await asyncio.sleep(1.0)
        pids = tree(server.pid)
        cpu0 = cpu_s(pids)
        await asyncio.sleep(idle)
        cpu_idle = (cpu_s(pids) - cpu0) / idle * 100
        for _, (conn, _chan), _client in results:
            conn.close()
        return {
            "first_p50": pct(firsts, 50) * 1000,
            "first_p99": pct(firsts, 99) * 1000,
            "key_p50": pct(lat, 50) * 1000,
            "key_p99": pct(lat, 99) * 1000,
            "kb_per_session": (rss_after - rss_before) / n,
            "idle_cpu": cpu_idle,
        }
    finally:
        server.terminate()
        server.wait(15)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 50, 200])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--idle", type=float, default=30.0, help="idle seconds for CPU")
    args = parser.parse_args()
    head = (
        f"{'workers':>7} {'N':>4} {'first p50':>10} {'first p99':>10} {'key p50':>8} "
        f"{'key p99':>8} {'KB/session':>10} {'idle CPU %':>10}"
    )
    sys.stdout.write(head + "\n" + "-" * len(head) + "\n")
    for workers in args.workers:
        for n in args.sessions:
            r = await run(n, workers, args.idle)
            sys.stdout.write(
                f"{workers:>7} {n:>4} {r['first_p50']:>8.0f}ms {r['first_p99']:>8.0f}ms "
                f"{r['key_p50']:>6.0f}ms {r['key_p99']:>6.0f}ms {r['kb_per_session']:>10.0f} "
                f"{r['idle_cpu']:>10.2f}\n"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
