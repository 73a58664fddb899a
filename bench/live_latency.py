"""Bench: a live reply, from the writer's acknowledgement to every reader's screen; prints a table.

    .venv/bin/python bench/live_latency.py [--readers 50] [--replies 20] [--transports relay nats]

R readers, spread over two hosts, have the same thread open; a writer on the first host
sends replies with the exec command (`ssh ada@host reply garden/1`) one at a time. For
each reply: the time from the command's acknowledgement (it returns once the post has
committed) to each reader's screen showing it (the thread's post count in its title:
a reply far down may be out of sight), p50 and p99 over replies x readers (a
reader on the writer's host may show it before the writer hears back: counted as 0),
and the servers' CPU (every bbs process, and the NATS server apart) per reply per
reader over the replies (the writer's exec sessions included).

The two hosts: with `relay`, one `bbs serve --workers 2` (two worker processes on one
port, readers spread by the kernel; the embedded relay between them); with `nats`, two
`bbs serve --bus nats://...` on 127.0.0.1 and 127.0.0.2, readers split half and half,
and a NATS server this script starts. Everything is on loopback and ends by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bbs.bootstrap import open_forum  # noqa: E402
from bbs.config import Config  # noqa: E402
from bench.compare import cpu_s, descendants, pct  # noqa: E402
from tests.bus_support import NatsServer  # noqa: E402
from tests.hosts_support import Host, second_loopback, seed, shared_host_key  # noqa: E402

STEP_TIMEOUT_S = 30.0


class Reader(asyncssh.SSHClientSession):  # type: ignore[type-arg]
    """Keeps the last bytes received and says when a marker first shows (no emulator)."""

    def __init__(self) -> None:
        self.tail = b""
        self.changed = asyncio.Event()
        self.marker = b""
        self.seen_at = 0.0

    def data_received(self, data: bytes, datatype: object) -> None:
        self.tail = (self.tail + data)[-16384:]
        if self.marker and not self.seen_at and self.marker in self.tail:
            self.seen_at = time.monotonic()
        self.changed.set()

    def expect(self, marker: bytes) -> None:
        self.marker, self.seen_at, self.tail = marker, 0.0, b""

    async def wait(self, marker: bytes, timeout: float = STEP_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.tail:
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"waiting for {marker!r}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)


def add_readers(data_dir: Path, count: int) -> dict[str, asyncssh.SSHKey]:
    """reader0..N, members of the garden, each with a key."""
    forum = open_forum(Config(data_dir=data_dir), empty=True)
    keys = {}
    try:
        for n in range(count):
            person = forum.register(f"reader{n}", f"Reader {n}")
            forum.hub.set_membership(person.id, "garden", "member", "active")
            key = keys[person.handle] = asyncssh.generate_private_key("ssh-ed25519")
            fingerprint = key.get_fingerprint("sha256")
            forum.hub.add_key(person.id, fingerprint, key.export_public_key().decode().strip())
    finally:
        forum.close()
    return keys


async def open_reader(host: Host, handle: str) -> tuple[Any, Reader]:
    conn = await asyncssh.connect(
        host.address,
        host.port,
        username=handle,
        client_keys=[host.keys[handle]],
        known_hosts=None,
        agent_path=None,
    )
    chan, reader = await conn.create_session(
        Reader, term_type="xterm-256color", term_size=(80, 24), encoding=None
    )
    await reader.wait(b"Online now")
    for key, marker in ((b"d", b"Garden"), (b"\r", b"Tomatoes")):
        chan.write(key)
        await reader.wait(marker)
    for _ in range(5):
        chan.write(b"\r")
        with contextlib.suppress(TimeoutError):
            await reader.wait(b"Who grows", timeout=2)
            return conn, reader
    raise TimeoutError(f"{handle} did not open the thread")


async def run(transport: str, readers: int, replies: int, rate: float) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"bbs-live-{transport}-"))
    data = work / "data"
    keys = seed(data)
    keys.update(add_readers(data, readers))
    host_key = shared_host_key(work)
    nats = NatsServer().start() if transport == "nats" else None
    common: dict[str, Any] = {"data_dir": data, "host_key": host_key, "keys": keys}
    env = {"BBS_MAX_SESSIONS_PER_PERSON": "1000", "BBS_MAX_STARTUPS": "1000:30:1000"}
    env |= {"BBS_MAX_UNAUTHENTICATED": "1000", "BBS_MAX_UNAUTHENTICATED_PER_ADDRESS": "1000"}
    # every reader comes from one loopback address: lift the per-address caps on people too
    env |= {"BBS_MAX_SIGNED_IN": "4000", "BBS_MAX_SIGNED_IN_PER_ADDRESS": "4000"}
    if nats is not None:
        hosts = [
            Host("host-a", address="127.0.0.1", bus=nats.url, env=env, **common),
            Host("host-b", address=second_loopback(), bus=nats.url, env=env, **common),
        ]
    else:
        hosts = [Host("host-a", address="127.0.0.1", bus="", workers=2, env=env, **common)]
    conns: list[Any] = []
    try:
        for host in hosts:
            host.start()
        await asyncio.gather(*(host.ready() for host in hosts))
        people: list[Reader] = []
        for n in range(readers):
            started = time.monotonic()
            conn, reader = await open_reader(hosts[n % len(hosts)], f"reader{n}")
            conns.append(conn)
            people.append(reader)
            await asyncio.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))
        await asyncio.sleep(2.0)
        pids = [pid for host in hosts if host.proc for pid in descendants(host.proc.pid)]
        nats_pids = [nats.proc.pid] if nats is not None and nats.proc else []
        cpu0, nats0 = cpu_s(pids), cpu_s(nats_pids)
        latencies: list[float] = []
        early = missing = 0
        for number in range(replies):
            marker = f"\u00b7 {number + 2} posts".encode()  # the thread's title: its count
            for reader in people:
                reader.expect(marker)
            done = await hosts[0].run("ada", "reply garden/1", stdin=f"reply {number} from ada")
            acknowledged = time.monotonic()
            if done.exit_status != 0:
                raise RuntimeError(done.stderr)
            deadline = acknowledged + 10
            while not all(r.seen_at for r in people) and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            for reader in people:
                if not reader.seen_at:
                    missing += 1
                    continue
                early += reader.seen_at < acknowledged
                latencies.append(max(0.0, reader.seen_at - acknowledged))
            await asyncio.sleep(0.5)
        cpu, nats_cpu = cpu_s(pids) - cpu0, cpu_s(nats_pids) - nats0
        per = replies * readers
        return {
            "transport": transport,
            "hosts": "2 workers" if nats is None else "2 hosts",
            "p50": pct(latencies, 50) * 1000,
            "p99": pct(latencies, 99) * 1000,
            "cpu": cpu / per * 1000,
            "nats_cpu": nats_cpu / per * 1000,
            "early": early,
            "missing": missing,
        }
    finally:
        for conn in conns:
            conn.close()
        for host in hosts:
            host.stop()
        if nats is not None:
            nats.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--transports", nargs="+", default=["relay", "nats"])
    parser.add_argument("--rate", type=float, default=5.0, help="readers signing in per second")
    args = parser.parse_args()
    sys.stdout.write(
        f"{args.readers} readers over two hosts, {args.replies} replies; latency from the "
        "writer's acknowledgement to each reader's screen\n"
        f"{'transport':>9} {'hosts':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'bbs CPU ms/reply/reader':>24} {'NATS':>6} {'before ack':>10} {'missed':>6}\n"
    )
    for transport in args.transports:
        r = await run(transport, args.readers, args.replies, args.rate)
        sys.stdout.write(
            f"{r['transport']:>9} {r['hosts']:>9} {r['p50']:>7.1f} {r['p99']:>7.1f} "
            f"{r['cpu']:>24.2f} {r['nats_cpu']:>6.3f} {r['early']:>10} {r['missing']:>6}\n"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
