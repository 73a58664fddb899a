"""Bench: the server's CPU per step of a person's path, one person at a time; prints a table.

    .venv/bin/python bench/step_cost.py [--people 20] [--keys 100] [--workers 1] [--off PIECES]

Capacity is CPU: with N people on two cores, what each login, screen and key costs
decides how many are held and how long a key waits. Timing under load mixes every
cost together; here one simulated person at a time walks the bench path (sign in,
directory, community, thread list, thread, Down/Up, Escape + Enter, a reply) against
`bbs serve` and the server's CPU (user + system, /proc, whole process tree) is read
before and after each step, once the server has gone quiet. Figures are
milliseconds of server CPU per step: mean over all people (the /proc clock ticks at
10 ms, so a step is repeated and summed before dividing). `--off css_rules,key_route`
runs the server with those pieces of the engine turned off (`BBS_ENGINE_OFF`), to
measure what each saves.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.compare import (  # noqa: E402
    DOWN,
    UP,
    WELCOME,
    Client,
    Ours,
    cpu_s,
    move,
    open_thread,
    press,
    wait_listening,
)

QUIET_S = 0.25
"""Pause after a step before reading the CPU again (the frame written, the loop idle)."""


class Meter:
    """Sums the server's CPU seconds per named step."""

    def __init__(self, target: Ours) -> None:
        self.target = target
        self.totals: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    async def step(self, name: str, coro_factory, repeat: int = 1) -> None:  # noqa: ANN001
        await asyncio.sleep(QUIET_S)
        before = cpu_s(self.target.pids())
        for _ in range(repeat):
            await coro_factory()
        await asyncio.sleep(QUIET_S)
        self.totals[name] = self.totals.get(name, 0.0) + cpu_s(self.target.pids()) - before
        self.counts[name] = self.counts.get(name, 0) + repeat


async def walk(target: Ours, meter: Meter, keys: int) -> None:
    """One person's path, each step metered."""
    state: dict[str, object] = {}

    async def sign_in() -> None:
        conn = await asyncssh.connect(
            "127.0.0.1",
            target.port,
            username=target.username,
            client_keys=[target.key],
            known_hosts=None,
            agent_path=None,
        )
        chan, client = await conn.create_session(
            Client, term_type="xterm-256color", term_size=(80, 24), encoding=None
        )
        await client.wait(*WELCOME)
        state.update(conn=conn, chan=chan, client=client)

    await meter.step("sign in to welcome", sign_in)
    chan, client = state["chan"], state["client"]
    await meter.step("d: directory", lambda: press(chan, client, b"d", b"Communities"))
    await meter.step("Enter: community", lambda: press(chan, client, b"\r", b"Thread"))
    await meter.step("Enter: thread list focus", lambda: press(chan, client, b"\r"))
    await meter.step("Enter: open thread", lambda: open_thread(chan, client))
    turn = iter([DOWN, UP] * keys)
    await meter.step(
        "Down/Up in thread", lambda: move(chan, client, next(turn), timeout=5), repeat=keys
    )

    async def reopen() -> None:
        await press(chan, client, b"\x1b", b"Thread")
        await press(chan, client, b"\r", b"Next unread")

    await meter.step("Escape + Enter: reopen", reopen, repeat=3)

    async def reply() -> None:
        await press(chan, client, b"r", b"Send")
        client.mark()
        chan.write(b"a reply from the bench")
        await asyncio.sleep(0.2)
        await press(chan, client, b"\x13", b"Next unread", timeout=10)

    await meter.step("r, text, Ctrl+S: reply", reply)

    async def leave() -> None:
        state["conn"].close()  # type: ignore[attr-defined]
        await state["conn"].wait_closed()  # type: ignore[attr-defined]

    await meter.step("disconnect", leave)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--keys", type=int, default=100, help="Down/Up presses per person")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--off", default="", help="engine pieces to turn off (comma-separated)")
    args = parser.parse_args()
    os.environ["BBS_ENGINE_OFF"] = args.off  # read by the server the bench starts
    key = asyncssh.generate_private_key("ssh-ed25519")
    workdir = Path(tempfile.mkdtemp(prefix="bbs-step-cost-"))
    (workdir / "id.pub").write_bytes(key.export_public_key())
    target = Ours(workdir, key, args.workers)
    target.start()
    try:
        await wait_listening(target)
        await asyncio.sleep(2.0)
        meter = Meter(target)
        started = time.monotonic()
        for _ in range(args.people):
            await walk(target, meter, args.keys)
        took = time.monotonic() - started
    finally:
        target.stop()
    off = f", engine off: {args.off}" if args.off else ""
    sys.stdout.write(
        f"server CPU per step, ms (mean of {args.people} people, one at a time{off})\n"
    )
    for name, total in meter.totals.items():
        sys.stdout.write(f"  {name:<28} {total / meter.counts[name] * 1000:>8.1f}\n")
    path = sum(
        meter.totals[n] / args.people
        for n in meter.totals
        if n.startswith(("sign in", "d:", "Enter"))
    )
    sys.stdout.write(f"  {'sign in + path to a thread':<28} {path * 1000:>8.1f}\n")
    sys.stdout.write(f"({took:.0f} s)\n")


if __name__ == "__main__":
    asyncio.run(main())
