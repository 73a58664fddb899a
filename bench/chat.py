"""Bench: a busy chat room on `bbs serve --workers 2`, and idle rooms; prints a table.

    .venv/bin/python bench/chat.py [--people 100] [--speakers 10] [--every 10]
                                   [--movers 10] [--duration 60] [--idle 500]
                                   [--stagger even|burst]

PEOPLE sign in over SSH (a pty each, the TUI) and open the garden's chat room; SPEAKERS
of them say a line every EVERY seconds each (spread evenly over EVERY, or with `--stagger
burst` all within its first second; each line typed a key at a time, then Enter), while
MOVERS other people read a thread (Down and Up every half second, as bench/compare.py's
people do; from a process of their own, as from another machine, so that what they time
is the server, not the bench's own loop busy with a hundred copies of each line). Three
runs of DURATION seconds on the same sessions: the speakers quiet; typing their lines and
rubbing them out (Ctrl+U); typing and saying them.
For each line, the time from its speaker's Enter to each other person in the room
receiving it on their terminal (p50, p99 over lines x readers); the server's CPU (every
bbs process) per line per reader, over what the typing run cost; and the movers' key
latency in each run (the chat run's must stay within 20% of the quiet one's).

Then (or alone, with `--people 0`) IDLE people sign in to rooms (the lobby and the
garden's; RATE a second, each on its own) and nobody says anything: the whole server's
CPU over 10 s, as a share of one core (SSH keepalives off); then the same people go back
to the welcome screen and it is measured again, for what one host's heartbeats and
leases cost with nobody in a room. Targets: line-to-screen p99 under 200 ms; idle rooms
cost no measurable CPU. Everything runs on loopback and ends by itself; run the full
figures on a quiet machine (the lead's), small ones to check that it works:

    .venv/bin/python bench/chat.py --people 6 --speakers 2 --every 2 --movers 2 \\
        --duration 8 --idle 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import random
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bbs.bootstrap import open_forum  # noqa: E402
from bbs.config import Config  # noqa: E402
from bench.compare import DOWN, UP, Client, cpu_s, descendants, move, pct, press  # noqa: E402
from tests.hosts_support import Host, seed, shared_host_key  # noqa: E402

STEP_TIMEOUT_S = 30.0
TYPING_S = 0.06
"""Between a speaker's keys (a quick typist: a 25-character line in 1.5 s)."""
ENV = {
    "BBS_MAX_SESSIONS_PER_PERSON": "1000",
    "BBS_MAX_STARTUPS": "2000:30:2000",
    "BBS_MAX_UNAUTHENTICATED": "2000",
    "BBS_MAX_UNAUTHENTICATED_PER_ADDRESS": "2000",
    "BBS_MAX_SIGNED_IN_PER_ADDRESS": "2000",
    "BBS_MAX_SIGNED_IN": "2000",
    "BBS_IDLE_TIMEOUT_S": "36000",
}


class Listener(Client):
    """A person in the room: notes when each awaited marker first arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[bytes, float] = {}
        self.seen: dict[bytes, float] = {}
        self.tail = b""

    def data_received(self, data: bytes, datatype: object) -> None:
        now = time.monotonic()
        self.tail = (self.tail + data)[-4096:]
        if self.waiting:
            for marker in [m for m in self.waiting if m in self.tail]:
                self.waiting.pop(marker)
                self.seen[marker] = now
        self.buf += data  # what `press` waits on (no body rows to parse: cheaper than Client)
        if len(self.buf) > 1 << 16:
            del self.buf[: len(self.buf) - 4096]
        self.changed.set()


def add_people(data_dir: Path, prefix: str, count: int) -> dict[str, asyncssh.SSHKey]:
    """prefix0..N, members of the garden, old hands (a line a second), each with a key."""
    forum = open_forum(Config(data_dir=data_dir), empty=True)
    keys = {}
    try:
        for n in range(count):
            person = forum.register(f"{prefix}{n}", f"{prefix.title()} {n}")
            forum.hub.update_person(person.id, created=time.time() - 90 * 86_400)
            forum.hub.set_membership(person.id, "garden", "member", "active")
            key = keys[person.handle] = asyncssh.generate_private_key("ssh-ed25519")
            fingerprint = key.get_fingerprint("sha256")
            forum.hub.add_key(person.id, fingerprint, key.export_public_key().decode().strip())
        ada = forum.person("ada")
        assert ada is not None
        for n in range(12):  # a thread long enough to move through
            forum.reply(ada, "garden", 1, f"Reply number {n}: beans, peas and more beans.")
    finally:
        forum.close()
    return keys


async def sign_in(host: Host, handle: str, factory: type[Client] = Client) -> tuple[Any, Any, Any]:
    conn = await asyncio.wait_for(
        asyncssh.connect(
            host.address,
            host.port,
            username=handle,
            client_keys=[host.keys[handle]],
            known_hosts=None,
            agent_path=None,
        ),
        STEP_TIMEOUT_S,
    )
    chan, client = await conn.create_session(
        factory, term_type="xterm-256color", term_size=(80, 24), encoding=None
    )
    await client.wait(b"Online now", b"Quit")
    return conn, chan, client


async def into_room(host: Host, handle: str, room: str) -> tuple[Any, Any, Listener]:
    """Signed in and in a room: the lobby (c), or the garden's (d, Enter, c)."""
    conn, chan, client = await sign_in(host, handle, Listener)
    opened = b"Say something"  # the line to type, in the room
    keys = [(b"c", opened)] if room == "lobby" else []
    keys = keys or [(b"d", b"Communities"), (b"\r", b"Thread"), (b"c", opened)]
    for key, marker in keys:
        await asyncio.sleep(0.3)
        await press(chan, client, key, marker)
    await asyncio.sleep(0.3)  # the line to type takes the focus
    return conn, chan, client


async def into_thread(host: Host, handle: str) -> tuple[Any, Any, Client]:
    conn, chan, client = await sign_in(host, handle)
    for key, marker in ((b"d", b"Communities"), (b"\r", b"Thread"), (b"\r", b"Next unread")):
        await asyncio.sleep(0.3)
        for _ in range(3):
            with contextlib.suppress(TimeoutError):
                await press(chan, client, key, marker, timeout=STEP_TIMEOUT_S / 3)
                break
    return conn, chan, client


async def keep_moving(chan: Any, client: Client, until: float, out: list[float]) -> None:
    down, rng = True, random.Random()
    while time.monotonic() < until:
        await asyncio.sleep(0.5 * rng.uniform(0.8, 1.2))
        with contextlib.suppress(TimeoutError):
            out.append(await move(chan, client, DOWN if down else UP, timeout=5))
        down = not down


async def keep_speaking(
    n: int,
    chan: Any,
    listeners: list[Listener],
    mine: Listener,
    every: float,
    until: float,
    send: bool = True,
    offset: float = 0.0,
) -> list[tuple[bytes, float, list[Listener]]]:
    """Speaker n says a line every `every` s, the first after `offset` s; (marker, when
    Enter went, who should see it). With `send` false the line is typed and then rubbed
    out (Ctrl+U): typing alone."""
    said = []
    await asyncio.sleep(offset)
    count = 0
    while time.monotonic() < until:
        marker = f"L{n}q{count}z".encode()
        others = [r for r in listeners if r is not mine]
        started = time.monotonic()
        for ch in marker + b" from the bench":  # typed as a quick typist types
            chan.write(bytes([ch]))
            await asyncio.sleep(TYPING_S)
        if not send:
            chan.write(b"\x15")
            await asyncio.sleep(max(0.0, every - (time.monotonic() - started)))
            continue
        for reader in others:
            reader.waiting[marker] = 0.0
        chan.write(b"\r")  # the line goes when Enter does: timed from here
        said.append((marker, time.monotonic(), others))
        count += 1
        await asyncio.sleep(max(0.0, every - (time.monotonic() - started)))
    return said


class Movers:
    """The movers, signed in and moving from a process of their own.

    In the bench's process their keys' answers would queue behind its decrypting of a
    hundred listeners' copies of each chat line (the bench's loop, not the server's), and
    the movers' key p99 would measure the bench. People reading a thread are on other
    machines than the people in the room.
    """

    def __init__(self, host: Host, handles: list[str]) -> None:
        keys = {h: host.keys[h].export_private_key().decode() for h in handles}
        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        self.proc = context.Process(
            target=_movers_main, args=(theirs, host.address, host.port, keys), daemon=True
        )
        self.proc.start()

    async def ready(self) -> None:
        """Until every mover is in the thread."""
        answer = await asyncio.to_thread(self.pipe.recv)
        if answer != "ready":
            raise RuntimeError(f"the movers could not start: {answer}")

    def start(self, duration: float) -> None:
        """Move for `duration` s from now; `keys()` then answers with the latencies."""
        self.pipe.send(duration)

    async def keys(self) -> list[float]:
        return list(await asyncio.to_thread(self.pipe.recv))

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.pipe.send(None)
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()


def _movers_main(pipe: Connection, address: str, port: int, keys: dict[str, str]) -> None:
    asyncio.run(_movers(pipe, address, port, keys))


async def _movers(pipe: Connection, address: str, port: int, keys: dict[str, str]) -> None:
    host = SimpleNamespace(
        address=address,
        port=port,
        keys={h: asyncssh.import_private_key(k) for h, k in keys.items()},
    )
    movers = []
    try:
        for handle in keys:
            movers.append(await into_thread(host, handle))  # type: ignore[arg-type]
    except Exception as exc:  # said to the bench, which stops
        pipe.send(repr(exc))
        return
    pipe.send("ready")
    while (duration := await asyncio.to_thread(pipe.recv)) is not None:
        until, latencies = time.monotonic() + duration, []
        await asyncio.gather(
            *(keep_moving(chan, client, until, latencies) for _, chan, client in movers)
        )
        pipe.send(latencies)
    for conn, _, _ in movers:
        conn.close()


async def window(
    pids: list[int],
    movers: Movers,
    speakers: list[tuple[int, Any, Listener]],
    listeners: list[Listener],
    every: float,
    duration: float,
    send: bool = True,
    burst: bool = False,
) -> dict[str, Any]:
    """One run of `duration` s: movers move, speakers (if any) speak; what it measured.
    Speakers start spread evenly over `every` s (a line each `every / speakers` s), or
    with `burst` all within the first second (ten lines at once, every `every` s)."""
    until = time.monotonic() + duration
    cpu0, mine0 = cpu_s(pids), time.process_time()
    gap = (1.0 if burst else every) / max(1, len(speakers))
    movers.start(duration)
    speaking = [
        keep_speaking(n, chan, listeners, me, every, until, send, n * gap)
        for n, (_, chan, me) in enumerate(speakers)
    ]
    results = await asyncio.gather(*speaking)
    keys = await movers.keys()
    await asyncio.sleep(2.0)  # the last lines arrive
    cpu, mine = cpu_s(pids) - cpu0, time.process_time() - mine0
    latencies, missing, lines = [], 0, 0
    for said in results[: len(speakers)]:
        for marker, sent, others in said:  # type: ignore[union-attr]
            lines += 1
            for reader in others:
                seen = reader.seen.get(marker)
                if seen is None:
                    missing += 1
                else:
                    latencies.append(seen - sent)
    return {
        "lines": lines,
        "p50": pct(latencies, 50) * 1000,
        "p99": pct(latencies, 99) * 1000,
        "missing": missing,
        "key50": pct(keys, 50) * 1000,
        "key99": pct(keys, 99) * 1000,
        "cpu": cpu,
        "client_cpu": mine,
        "elapsed": duration + 2.0,
    }


async def busy_room(args: argparse.Namespace, work: Path) -> tuple[dict[str, Any], ...]:
    data = work / "data"
    keys = seed(data)
    keys |= add_people(data, "chatter", args.people)
    keys |= add_people(data, "mover", args.movers)
    host = Host(
        "chat", data, "127.0.0.1", "", shared_host_key(work), keys, workers=2, env=ENV
    ).start()
    conns: list[Any] = []
    movers: Movers | None = None
    try:
        await host.ready()
        room: list[tuple[Any, Any, Listener]] = []
        for n in range(args.people):
            started = time.monotonic()
            room.append(await into_room(host, f"chatter{n}", "garden"))
            conns.append(room[-1][0])
            await asyncio.sleep(max(0.0, 1 / args.rate - (time.monotonic() - started)))
        movers = Movers(host, [f"mover{n}" for n in range(args.movers)])
        await movers.ready()
        await asyncio.sleep(3.0)  # sign-ins settled
        assert host.proc is not None
        pids = descendants(host.proc.pid)
        listeners = [client for _, _, client in room]
        speakers = [(n, chan, client) for n, (_, chan, client) in enumerate(room[: args.speakers])]
        quiet = await window(pids, movers, [], listeners, args.every, args.duration)
        typing = await window(
            pids, movers, speakers, listeners, args.every, args.duration, False, args.burst
        )
        chat = await window(
            pids, movers, speakers, listeners, args.every, args.duration, burst=args.burst
        )
        return quiet, typing, chat
    finally:
        if movers is not None:
            movers.stop()
        for conn in conns:
            conn.close()
        host.stop()


async def idle_rooms(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    data = work / "idle"
    keys = seed(data)
    keys |= add_people(data, "idler", args.idle)
    host = Host("idle", data, "127.0.0.1", "", shared_host_key(work), keys, workers=2, env=ENV)
    host.start()
    conns = []
    try:
        await host.ready()
        arriving = []  # at RATE a second, each on its own (one by one took half an hour)
        for n in range(args.idle):
            room = "lobby" if n % 2 else "garden"
            arriving.append(asyncio.create_task(into_room(host, f"idler{n}", room)))
            await asyncio.sleep(1 / args.rate)
        for done in await asyncio.gather(*arriving, return_exceptions=True):
            if isinstance(done, BaseException):
                raise done
            conns.append(done)
        await asyncio.sleep(5.0)  # the last sign-ins' work (and the collector) is done
        assert host.proc is not None
        pids = descendants(host.proc.pid)
        in_rooms = await cpu_share(pids, 10.0)
        for _, chan, _ in conns:
            chan.write(b"\x1b")  # Escape: back to the welcome screen
            await asyncio.sleep(1 / (4 * args.rate))
        await asyncio.sleep(5.0)
        return {"sessions": len(conns), "rooms": in_rooms, "welcome": await cpu_share(pids, 10.0)}
    finally:
        for conn, _, _ in conns:
            conn.close()
        host.stop()


async def cpu_share(pids: list[int], seconds: float) -> float:
    """The processes' CPU over `seconds`, as a percentage of one core."""
    cpu0, t0 = cpu_s(pids), time.monotonic()
    await asyncio.sleep(seconds)
    return (cpu_s(pids) - cpu0) / (time.monotonic() - t0) * 100


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--people", type=int, default=100, help="in the garden's room (0: idle rooms only)"
    )
    parser.add_argument("--speakers", type=int, default=10, help="of them, who speak")
    parser.add_argument(
        "--every", type=float, default=10.0, help="seconds between a speaker's lines"
    )
    parser.add_argument("--movers", type=int, default=10, help="others, reading a thread")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of each run")
    parser.add_argument("--idle", type=int, default=500, help="people idle in rooms (0: skip)")
    parser.add_argument("--rate", type=float, default=5.0, help="sign-ins per second")
    parser.add_argument(
        "--stagger",
        choices=("even", "burst"),
        default="even",
        help="speakers spread over EVERY s, or all within its first second",
    )
    args = parser.parse_args()
    args.burst = args.stagger == "burst"
    work = Path(tempfile.mkdtemp(prefix="bbs-chat-bench-"))
    out = sys.stdout.write
    if args.people:
        await report_busy_room(args, work)
    if args.idle:
        idle = await idle_rooms(args, work)
        out(
            f"idle: {idle['sessions']} people in rooms, nobody speaking: the server used "
            f"{idle['rooms']:.2f}% of a core over 10 s; the same people on the welcome "
            f"screen {idle['welcome']:.2f}% (keepalives off)\n"
        )


async def report_busy_room(args: argparse.Namespace, work: Path) -> None:
    quiet, typing, chat = await busy_room(args, work)
    readers = max(1, args.people - 1)
    extra = max(0.0, chat["cpu"] - typing["cpu"])  # what the lines cost, their typing apart
    out = sys.stdout.write
    out(
        f"{args.people} people in one room on --workers 2, {args.speakers} speaking every "
        f"{args.every:g} s ({args.stagger}); {args.movers} others reading a thread;"
        f" {args.duration:g} s a run\n"
    )
    out(
        f"{'run':>8} {'lines':>6} {'line p50':>9} {'line p99':>9} {'missed':>6} "
        f"{'key p50':>8} {'key p99':>8} {'CPU %':>6} {'CPU ms/line/reader':>19}"
        f" {'bench CPU %':>11}\n"
    )
    for name, r in (("quiet", quiet), ("typing", typing), ("chat", chat)):
        per = extra / (r["lines"] * readers) * 1000 if r["lines"] else float("nan")
        line50 = f"{r['p50']:.1f}" if r["lines"] else "-"
        line99 = f"{r['p99']:.1f}" if r["lines"] else "-"
        out(
            f"{name:>8} {r['lines']:>6} {line50:>9} {line99:>9} {r['missing']:>6} "
            f"{r['key50']:>8.1f} {r['key99']:>8.1f} {r['cpu'] / r['elapsed'] * 100:>6.1f} "
            f"{'-' if not r['lines'] else f'{per:.3f}':>19}"
            f" {r['client_cpu'] / r['elapsed'] * 100:>11.1f}\n"
        )
    ratio = chat["key99"] / quiet["key99"] if quiet["key99"] else float("nan")
    ratio50 = chat["key50"] / quiet["key50"] if quiet["key50"] else float("nan")
    out(f"movers' key latency, chat / quiet: p50 {ratio50:.2f}x, p99 {ratio:.2f}x")
    out(" (target <= 1.20)\n")
    out(f"line-to-screen p99 {chat['p99']:.0f} ms (target < 200 ms)\n")


if __name__ == "__main__":
    asyncio.run(main())
