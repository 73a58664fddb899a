"""Bench: a real person signs in and reads while hostile connections soak a worker; prints a table.

    .venv/bin/python bench/soak.py --exec 1000 --guests 200 --addresses 4
    .venv/bin/python bench/soak.py --exec 100 --guests 20 --hold 10     # a quick check

Against `bbs serve --workers 1` on a seeded board: `--exec` connections that run a
command reading stdin and never close it (a guest's `post`, or with `--exec-as
member` a member's, five accounts a person's session cap allows) and `--guests` guest
TUI sessions left idle, all from `--addresses` loopback addresses (127.0.0.2 and
on). They ramp in at `--rate` a second and every one reconnects when it is cut or
refused (after `--retry` seconds), as a patient attacker would. Meanwhile a real
person from 127.0.0.250 signs in over and over: the time to the welcome screen, then
the directory, a community, a thread, and Down/Up keys timed as in bench/compare.py.

With the caps at their defaults most hostile connections are refused (per address,
and the guests' own pool) and the exec ones are cut at the stdin time limit; with
`--open-caps` every cap is raised out of the way, to see what holding them all costs.
Rows: the person alone, while the hostile connections ramp in, and while they are held.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bbs.bootstrap import open_forum  # noqa: E402
from bbs.config import Config  # noqa: E402
from bbs.models import Role  # noqa: E402
from bench.compare import (  # noqa: E402
    BBS,
    DOWN,
    UP,
    WELCOME,
    Client,
    cpu_s,
    descendants,
    free_port,
    move,
    open_thread,
    pct,
    press,
    rss_kb,
)

REAL_SOURCE = "127.0.0.250"
WAITS_FOR_STDIN = "post night-gardeners general --title 'never ends'"
OPEN_CAPS = {
    "BBS_MAX_STARTUPS": "100000:30:100000",
    "BBS_MAX_UNAUTHENTICATED": "100000",
    "BBS_MAX_UNAUTHENTICATED_PER_ADDRESS": "100000",
    "BBS_MAX_GUESTS": "100000",
    "BBS_MAX_GUESTS_PER_ADDRESS": "100000",
    "BBS_MAX_SIGNED_IN": "100000",
    "BBS_MAX_SIGNED_IN_PER_ADDRESS": "100000",
    "BBS_EXEC_STDIN_TIMEOUT_S": "100000",
}


@dataclass
class Hostile:
    exec_held: int = 0
    guests_held: int = 0
    exec_peak: int = 0
    guests_peak: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    cut: int = 0  # exec commands ended by the server (the stdin time limit)

    def refuse(self, why: str) -> None:
        self.refused[why] = self.refused.get(why, 0) + 1


@dataclass
class Phase:
    name: str
    signins: list[float] = field(default_factory=list)
    keys: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    exec_held: int = 0
    guests_held: int = 0
    rss_mb: float = 0.0
    fds: int = 0
    server_cores: float = 0.0


def reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.split(";")[0][:60]


async def hostile_exec(
    port: int,
    source: str,
    login: tuple[str, asyncssh.SSHKey | None],
    hostile: Hostile,
    until: float,
) -> None:
    """An exec command whose stdin never ends; again whenever it is cut or refused."""
    username, key = login
    while time.monotonic() < until:
        try:
            async with asyncssh.connect(
                "127.0.0.1",
                port,
                local_addr=(source, 0),
                username=username,
                client_keys=[key] if key else [],
                known_hosts=None,
                agent_path=None,
            ) as conn:
                process = await conn.create_process(WAITS_FOR_STDIN)
                hostile.exec_held += 1
                hostile.exec_peak = max(hostile.exec_peak, hostile.exec_held)
                try:
                    left = until - time.monotonic()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(process.wait(check=False), max(0.1, left))
                        hostile.cut += 1
                        if process.exit_status not in (None, 0):
                            hostile.refuse(reason(Exception(await process.stderr.read())))
                finally:
                    hostile.exec_held -= 1
        except (OSError, asyncssh.Error) as error:
            hostile.refuse(reason(error))
        await asyncio.sleep(ARGS.retry)


async def hostile_guest(port: int, source: str, hostile: Hostile, until: float) -> None:
    """A guest TUI session that sits idle; again whenever it is dropped or refused."""
    while time.monotonic() < until:
        try:
            async with asyncssh.connect(
                "127.0.0.1",
                port,
                local_addr=(source, 0),
                username="guest",
                client_keys=[],
                known_hosts=None,
                agent_path=None,
            ) as conn:
                chan, client = await conn.create_session(
                    Client, term_type="xterm-256color", term_size=(80, 24), encoding=None
                )
                await client.wait(*WELCOME)
                hostile.guests_held += 1
                hostile.guests_peak = max(hostile.guests_peak, hostile.guests_held)
                try:
                    while not client.closed and time.monotonic() < until:
                        await asyncio.sleep(0.5)
                finally:
                    hostile.guests_held -= 1
        except (OSError, asyncssh.Error, TimeoutError, ConnectionError) as error:
            hostile.refuse(reason(error))
        await asyncio.sleep(ARGS.retry)


async def real_person(port: int, key: asyncssh.SSHKey, phases: list[Phase]) -> None:
    """Signs in, reads a thread with Down/Up keys, leaves; over and over (into the phase now)."""
    while True:
        started = time.monotonic()
        try:
            async with asyncssh.connect(
                "127.0.0.1",
                port,
                local_addr=(REAL_SOURCE, 0),
                username="reader",
                client_keys=[key],
                known_hosts=None,
                agent_path=None,
            ) as conn:
                chan, client = await conn.create_session(
                    Client, term_type="xterm-256color", term_size=(80, 24), encoding=None
                )
                await client.wait(*WELCOME)
                phases[-1].signins.append(time.monotonic() - started)
                await press(chan, client, b"d", b"Communities")
                await press(chan, client, b"\r", b"Thread")
                await press(chan, client, b"\r")
                await asyncio.sleep(0.3)
                await open_thread(chan, client)
                for i in range(10):
                    await asyncio.sleep(0.25)
                    with contextlib.suppress(TimeoutError):
                        phases[-1].keys.append(await move(chan, client, DOWN if i % 2 else UP, 5))
        except Exception as error:  # noqa: BLE001 - a bench reports failures
            phases[-1].failures.append(reason(error))
        await asyncio.sleep(1.0)


def seed(data: Path, members: int) -> tuple[asyncssh.SSHKey, list[tuple[str, Any]]]:
    """The demo board, a sysop `reader` who reads, and `members` hostile accounts (with keys)."""
    forum = open_forum(Config(data_dir=data))
    try:

        def person_with_key(handle: str, role: Role = Role.USER) -> asyncssh.SSHKey:
            person = forum.register(handle, handle, role=role)
            key = asyncssh.generate_private_key("ssh-ed25519")
            text = key.export_public_key().decode().strip()
            forum.hub.add_key(person.id, key.get_fingerprint("sha256"), text)
            return key

        reader = person_with_key("reader", Role.SYSOP)
        logins = [(f"soak{i}", person_with_key(f"soak{i}")) for i in range(members)]
        return reader, logins
    finally:
        forum.close()


def snapshot(phase: Phase, hostile: Hostile, pid: int, cpu0: float, wall0: float) -> None:
    pids = descendants(pid)
    phase.exec_held, phase.guests_held = hostile.exec_held, hostile.guests_held
    phase.rss_mb = rss_kb(pids) / 1024
    phase.fds = sum(len(os.listdir(f"/proc/{p}/fd")) for p in pids if os.path.exists(f"/proc/{p}"))
    phase.server_cores = (cpu_s(pids) - cpu0) / max(0.001, time.monotonic() - wall0)


async def soak() -> None:
    args = ARGS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the clients' own descriptors
    base = Path(tempfile.mkdtemp(prefix="bbs-soak-"))
    data = base / "data"
    members = math.ceil(args.exec / 5) if args.exec_as == "member" else 0
    reader, logins = seed(data, members)
    port = free_port()
    env = {**os.environ, **(OPEN_CAPS if args.open_caps else {})}
    log = (base / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(BBS), "serve", "--data-dir", str(data), "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env=env,
        start_new_session=True,
    )
    hostile = Hostile()
    phases = [Phase("the person alone")]
    try:
        await asyncio.sleep(3.0)
        person = asyncio.create_task(real_person(port, reader, phases))
        cpu0, wall0 = cpu_s(descendants(server.pid)), time.monotonic()
        await asyncio.sleep(args.quiet)
        snapshot(phases[-1], hostile, server.pid, cpu0, wall0)
        phases.append(Phase("hostile ramping in"))
        cpu0, wall0 = cpu_s(descendants(server.pid)), time.monotonic()
        sources = [f"127.0.0.{2 + i % args.addresses}" for i in range(args.exec + args.guests)]
        ramp = (args.exec + args.guests) / args.rate
        until = time.monotonic() + ramp + args.hold + 5
        tasks = []
        for i, source in enumerate(sources):
            await asyncio.sleep(max(0.0, wall0 + i / args.rate - time.monotonic()))
            if i < args.exec:
                login = logins[i // 5] if logins else ("guest", None)
                tasks.append(asyncio.create_task(hostile_exec(port, source, login, hostile, until)))
            else:
                tasks.append(asyncio.create_task(hostile_guest(port, source, hostile, until)))
        await asyncio.sleep(3.0)
        snapshot(phases[-1], hostile, server.pid, cpu0, wall0)
        phases.append(Phase("hostile held"))
        cpu0, wall0 = cpu_s(descendants(server.pid)), time.monotonic()
        await asyncio.sleep(args.hold)
        snapshot(phases[-1], hostile, server.pid, cpu0, wall0)
        person.cancel()
        for task in tasks:
            task.cancel()
        await asyncio.gather(person, *tasks, return_exceptions=True)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, 15)
        server.wait(20)
    report(phases, hostile, args)


def report(phases: list[Phase], hostile: Hostile, args: argparse.Namespace) -> None:
    caps = "raised out of the way" if args.open_caps else "at their defaults"
    print(
        f"\nsoak: {args.exec} exec ({args.exec_as}) + {args.guests} guests from"
        f" {args.addresses} addresses at {args.rate}/s, caps {caps}, one worker"
    )
    print(
        "| phase | exec held | guests held | sign-in p50 / p99 | key p50 / p99 |"
        " person's failures | server RSS | server fds | server cores |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for p in phases:
        print(
            f"| {p.name} | {p.exec_held} | {p.guests_held} |"
            f" {pct(p.signins, 50) * 1000:.0f} / {pct(p.signins, 99) * 1000:.0f} ms"
            f" ({len(p.signins)}) |"
            f" {pct(p.keys, 50) * 1000:.1f} / {pct(p.keys, 99) * 1000:.1f} ms ({len(p.keys)}) |"
            f" {len(p.failures)} | {p.rss_mb:.0f} MB | {p.fds} | {p.server_cores:.2f} |"
        )
    print(
        f"hostile peaks: exec {hostile.exec_peak}, guests {hostile.guests_peak};"
        f" exec cut by the server: {hostile.cut}"
    )
    for why, count in sorted(hostile.refused.items(), key=lambda kv: -kv[1]):
        print(f"  refused or dropped x{count}: {why}")
    for p in phases:
        if p.failures:
            print(f"  the person, {p.name}: {sorted(set(p.failures))}")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exec", type=int, default=1000, help="idle exec connections")
    parser.add_argument("--guests", type=int, default=200, help="idle guest TUI sessions")
    parser.add_argument("--exec-as", choices=("guest", "member"), default="guest")
    parser.add_argument("--addresses", type=int, default=4, help="hostile source addresses")
    parser.add_argument("--rate", type=float, default=50.0, help="hostile connections a second")
    parser.add_argument("--retry", type=float, default=1.0, help="seconds before reconnecting")
    parser.add_argument("--quiet", type=float, default=10.0, help="seconds of the person alone")
    parser.add_argument("--hold", type=float, default=20.0, help="seconds with all held")
    parser.add_argument("--open-caps", action="store_true", help="raise every cap")
    return parser.parse_args()


ARGS = parse() if __name__ == "__main__" else argparse.Namespace(retry=1.0)

if __name__ == "__main__":
    asyncio.run(soak())
