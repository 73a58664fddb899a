"""Bench: plain mode's server CPU per command, beside the TUI's per key; prints a table.

    .venv/bin/python bench/plain_cost.py [--people 5] [--commands 40] [--keys 40]

One simulated person at a time against `bbs serve` (the demo data): in plain mode
(`ssh -t host plain`, asyncssh's line editor echoing) they sign in, open the
communities, a community, a board and a thread, then step through it with `next` and
`previous`, go back to the board and into the thread again, and reply; in the TUI
they walk bench/step_cost.py's path. The server's CPU (user + system, /proc, whole
process tree) is read before and after each step once the server is quiet; figures
are milliseconds per step, mean over people
(the /proc clock ticks at 10 ms, so a step is repeated and summed before dividing).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.compare import Client, Ours, press, wait_listening  # noqa: E402
from bench.step_cost import Meter, walk  # noqa: E402

PROMPT = b"> "


async def plain_walk(target: Ours, meter: Meter, commands: int) -> None:
    """One person's path in plain mode, each step metered."""
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
            Client, "plain", term_type="xterm-256color", term_size=(80, 24), encoding=None
        )
        await client.wait(b"Main menu> ")
        state.update(conn=conn, chan=chan, client=client)

    await meter.step("plain: sign in to main menu", sign_in)
    chan, client = state["chan"], state["client"]

    def command(line: str, *markers: bytes):  # noqa: ANN202 - a step's coroutine factory
        return lambda: press(chan, client, line.encode() + b"\r", *(markers or (PROMPT,)))

    await meter.step("plain: 2, the communities", command("2", b"Communities> "))
    await meter.step("plain: 1, a community", command("1", b"Boards:", PROMPT))
    await meter.step("plain: 1, a board", command("1", b", board ", PROMPT))
    await meter.step("plain: 1, a thread", command("1", b"Post 1 of", PROMPT))
    turn = iter(["next", "previous"] * commands)
    await meter.step(
        "plain: next / previous",
        lambda: press(chan, client, next(turn).encode() + b"\r", b"post ", PROMPT),
        repeat=commands,
    )

    async def reopen() -> None:
        await press(chan, client, b"back\r", b", board ", PROMPT)
        await press(chan, client, b"1\r", b"Post ", PROMPT)

    await meter.step("plain: back + 1, reopen", reopen, repeat=3)

    async def reply() -> None:
        chan.write(b"reply\r")
        await asyncio.sleep(0.1)
        chan.write(b"a reply from the bench\r")
        await press(chan, client, b".\r", b"Sent", PROMPT)

    await meter.step("plain: reply, a line, .", reply)

    async def leave() -> None:
        state["conn"].close()  # type: ignore[attr-defined]
        await state["conn"].wait_closed()  # type: ignore[attr-defined]

    await meter.step("plain: disconnect", leave)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=5)
    parser.add_argument("--commands", type=int, default=40, help="next/previous per person")
    parser.add_argument("--keys", type=int, default=40, help="TUI Down/Up per person")
    args = parser.parse_args()
    key = asyncssh.generate_private_key("ssh-ed25519")
    workdir = Path(tempfile.mkdtemp(prefix="bbs-plain-cost-"))
    (workdir / "id.pub").write_bytes(key.export_public_key())
    target = Ours(workdir, key, 1)
    target.start()
    try:
        await wait_listening(target)
        await asyncio.sleep(2.0)
        meter = Meter(target)
        started = time.monotonic()
        for _ in range(args.people):
            await plain_walk(target, meter, args.commands)
            await walk(target, meter, args.keys)
        took = time.monotonic() - started
    finally:
        target.stop()
    out = sys.stdout.write
    out(f"server CPU per step, ms (mean of {args.people} people, one at a time)\n")
    for name, total in meter.totals.items():
        out(f"  {name:<30} {total / meter.counts[name] * 1000:>8.1f}\n")
    per = {n: meter.totals[n] / meter.counts[n] * 1000 for n in meter.totals}
    out(
        "plain mode per command (next / previous) vs the TUI per key (Down/Up in a thread): "
        f"{per['plain: next / previous']:.1f} ms vs {per['Down/Up in thread']:.1f} ms\n"
    )
    out(f"({took:.0f} s)\n")


if __name__ == "__main__":
    asyncio.run(main())
