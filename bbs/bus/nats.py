"""The transport for more than one host: NATS (`bbs serve --bus nats://HOST:PORT`), via nats-py.

Each worker of each host holds its own connection, with `no_echo` (nothing it publishes
comes back to it) and subscriptions only to what its sessions can show. Publishing
never waits on the server: messages go to a queue that one task hands to nats-py;
while the link is down, or when the server stops reading and that queue and nats-py's
own buffer pass `MAX_BUFFERED`, messages are dropped (and the host says so, so the
others load their screens again): a stalled server never stalls anyone's keys.
nats-py's pings (every heartbeat) notice a server that stopped answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import SlowConsumerError

from bbs.bus.transport import Link, Transport
from bbs.bus.wire import MAX_EVENT_BYTES

log = logging.getLogger(__name__)

MAX_BUFFERED = 8 * 1024 * 1024
CONNECT_BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0)
FLUSH_TIMEOUT_S = 2.0


class NatsTransport(Transport):
    """One process's connection to NATS (see the module's docstring)."""

    selective = True

    def __init__(self, servers: str, *, name: str, ping_interval_s: float = 1.0) -> None:
        self.servers = [s.strip() for s in servers.split(",") if s.strip()]
        self.name = name
        self.ping_interval_s = ping_interval_s
        self.nc: Client | None = None
        self._link: Link | None = None
        self._outbox: deque[tuple[str, bytes]] = deque()
        self._queued = 0
        self._wanted: set[str] = set()
        self._subs: dict[str, Subscription] = {}
        self._send_wake = asyncio.Event()
        self._sub_wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._connected = asyncio.Event()
        self._stopping = False
        self._lost_reported = False

    # life ----------------------------------------------------------------------------
    async def start(self, link: Link) -> None:
        """Connect in the background; wait (a moment) for the first connection."""
        self._link = link
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._connect()),
            loop.create_task(self._sender()),
            loop.create_task(self._subscriber()),
        ]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), 3)

    async def stop(self) -> None:
        self._stopping = True
        if self.nc is not None and self.nc.is_connected:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._drain_outbox(), 1)
        for task in self._tasks:
            task.cancel()
        # nats-py can swallow a cancellation in the middle of a call: wait, but not for ever.
        self._sub_wake.set()
        self._send_wake.set()
        await asyncio.wait(self._tasks, timeout=2)
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.nc.close(), 2)

    async def _connect(self) -> None:
        link = self._link
        assert link is not None
        attempt = 0
        while not self._stopping:
            nc = nats.NATS()
            try:
                await nc.connect(
                    servers=self.servers,
                    name=self.name,
                    no_echo=True,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,  # type: ignore[arg-type]
                    connect_timeout=2,
                    ping_interval=self.ping_interval_s,  # type: ignore[arg-type]
                    max_outstanding_pings=2,
                    pending_size=0,  # no buffering while reconnecting: drop, then resync
                    error_cb=self._error,
                    disconnected_cb=self._disconnected,
                    reconnected_cb=self._reconnected,
                    closed_cb=self._closed,
                )
            except Exception as error:  # noqa: BLE001 - any failure: retry, the sysop is told
                if not self._lost_reported:
                    log.warning("bus: cannot reach NATS at %s (%s); retrying", self.servers, error)
                    self._lost_reported = True
                    link.lost()
                self._connected.set()  # start() waits no longer
                await asyncio.sleep(CONNECT_BACKOFF_S[min(attempt, len(CONNECT_BACKOFF_S) - 1)])
                attempt += 1
                continue
            self.nc, self._subs = nc, {}
            if nc.max_payload < MAX_EVENT_BYTES:
                log.error(
                    "bus: the NATS server takes messages of %d bytes, less than the largest "
                    "event (%d): set max_payload higher in its configuration",
                    nc.max_payload,
                    MAX_EVENT_BYTES,
                )
            log.info("bus: connected to NATS (%s)", ", ".join(self.servers))
            self._sub_wake.set()
            self._connected.set()
            if self._lost_reported:
                self._lost_reported = False
                link.restored()
            return

    # nats-py's callbacks -------------------------------------------------------------
    async def _disconnected(self) -> None:
        if not self._stopping and self._link is not None and not self._lost_reported:
            self._lost_reported = True
            self._link.lost()

    async def _reconnected(self) -> None:
        if self._link is not None and self._lost_reported:
            self._lost_reported = False
            self._link.restored()

    async def _closed(self) -> None:
        if not self._stopping:
            log.error("bus: the NATS connection closed for good")

    async def _error(self, error: Exception) -> None:
        if isinstance(error, SlowConsumerError):
            if self._link is not None:
                self._link.missed()
        elif not self._stopping:
            log.warning("bus: NATS: %s %s", type(error).__name__, error)

    async def _message(self, msg: Msg) -> None:
        if self._link is not None:
            try:
                self._link.received(msg.subject, msg.data)
            except Exception:
                log.exception("bus: delivering a message on %s failed", msg.subject)

    # publishing ----------------------------------------------------------------------
    def publish(self, subject: str, payload: bytes) -> None:
        nc = self.nc
        if nc is None or not nc.is_connected or self._stopping:
            self._drop()
        elif self._queued + nc.pending_data_size + len(payload) > MAX_BUFFERED:
            self._drop()  # the server stopped reading: never hold more than this
        elif len(payload) > nc.max_payload:
            log.error("bus: %d bytes on %s: over NATS's max_payload", len(payload), subject)
            self._drop()
        else:
            self._outbox.append((subject, payload))
            self._queued += len(payload)
            self._send_wake.set()

    def _drop(self) -> None:
        if self._link is not None:
            self._link.dropped()

    async def _sender(self) -> None:
        while not self._stopping:
            await self._send_wake.wait()
            self._send_wake.clear()
            await self._drain_outbox()

    async def _drain_outbox(self) -> None:
        while self._outbox:
            subject, payload = self._outbox.popleft()
            self._queued -= len(payload)
            nc = self.nc
            try:
                assert nc is not None
                await nc.publish(subject, payload)
            except Exception:  # noqa: BLE001 - disconnected meanwhile, or closed: dropped
                self._drop()

    # subscriptions -------------------------------------------------------------------
    def subscribe(self, subject: str) -> None:
        self._wanted.add(subject)
        self._sub_wake.set()

    def unsubscribe(self, subject: str) -> None:
        self._wanted.discard(subject)
        self._sub_wake.set()

    async def _subscriber(self) -> None:
        """Brings NATS's subscriptions in line with `_wanted`, one batch at a time."""
        while not self._stopping:
            await self._sub_wake.wait()
            self._sub_wake.clear()
            try:
                await self._reconcile()
            except Exception as error:  # the link went down meanwhile, or ours: say which
                log.warning("bus: subscriptions not brought in line yet (%r)", error)

    async def _reconcile(self) -> None:
        nc = self.nc
        if nc is None or nc.is_closed:
            return
        added = []
        for subject in sorted(self._wanted - self._subs.keys()):
            self._subs[subject] = await nc.subscribe(subject, cb=self._message)
            added.append(subject)
        for subject in sorted(self._subs.keys() - self._wanted):
            await self._subs.pop(subject).unsubscribe()
        if added:
            await nc.flush(timeout=FLUSH_TIMEOUT_S)  # type: ignore[arg-type]
            for subject in added:
                if subject in self._subs and self._link is not None:
                    self._link.subscribed(subject)
