"""One process's place on the bus: events out and in, who's online across hosts, resyncs.

Every process (each worker of each host) is a "host" here, with its own connection:
- it sends every event its sessions cause (never receiving its own back) and delivers
  what others send to its own screens;
- once a heartbeat (`heartbeat_s`, one timer per process, none per session) it says
  it is alive with a checksum of its sessions; a host that has said nothing for
  `timeout_s` has its people dropped from who's online; a host whose checksum differs
  from what this one holds is asked for its whole list (that heals a lost arrival,
  and brings back the people of a host that returns);
- the bus never promises delivery, so whenever events may have been lost (this link
  was down, or another host's; messages were dropped) every live screen is told to
  load again once, when it is seen. Such news is gathered for one heartbeat, so that
  hosts coming back one after the other cost each screen one reload, not one each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from bbs.bus.interest import Interest
from bbs.bus.transport import Transport
from bbs.bus.wire import (
    BEAT,
    BOARD,
    BYE,
    EVERYTHING,
    HOST_SUBJECTS,
    PREFIX,
    ROSTER,
    decode_event,
    dumps,
    encode_event,
    loads,
    subject_for,
    sync_subject,
    untoken,
)
from bbs.live import LiveBus
from bbs.live_events import Kind, LiveEvent, Whereabouts
from bbs.presence import OnlineEntry, Presence

log = logging.getLogger(__name__)

ROSTER_PART = 500
"""Sessions per roster message (well under NATS's default 1 MiB payload)."""
GONE_MEMORY_S = 3600.0
"""How long a host that went quiet is remembered, to know it is back (and resync for it)."""


@dataclass
class HostState:
    """What this process knows of another host."""

    seen: float
    epoch: int | None = None
    asked: float = 0.0


class BusHost:
    """Joins a LiveBus and a Presence to a Transport (see the module's docstring)."""

    def __init__(
        self,
        bus: LiveBus,
        presence: Presence,
        transport: Transport,
        *,
        host_id: str,
        heartbeat_s: float = 1.0,
        timeout_s: float = 5.0,
        interest: Interest | None = None,
    ) -> None:
        self.bus = bus
        self.presence = presence
        self.transport = transport
        self.host_id = host_id
        self.heartbeat_s = heartbeat_s
        self.timeout_s = timeout_s
        self.interest = interest
        self.epoch = 0
        self.link_up = False
        self.resyncs = 0
        self._hosts: dict[str, HostState] = {}
        self._gone: dict[str, float] = {}
        self._dropped = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = 0
        self._timer: asyncio.TimerHandle | None = None
        self._resync: asyncio.TimerHandle | None = None
        self._roster_due = False

    # life ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Connect, subscribe to what every host hears, start the heartbeat."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self.link_up = True  # until the transport says otherwise
        await self.transport.start(self)
        for subject in (BOARD, *HOST_SUBJECTS, sync_subject(self.host_id)):
            self.transport.subscribe(subject)
        if self.interest is None:
            for subject in EVERYTHING:
                self.transport.subscribe(subject)
        elif self.transport.selective:
            self.interest.attach(self.transport.subscribe, self.transport.unsubscribe)
        self.bus.remote = self._outbound
        self._tick()

    async def stop(self) -> None:
        """Say goodbye (others drop this host's people at once) and disconnect."""
        self.bus.remote = None
        for handle in (self._timer, self._resync):
            if handle is not None:
                handle.cancel()
        self._publish(BYE, {"host": self.host_id})
        await self.transport.stop()

    # events out ----------------------------------------------------------------------
    def _outbound(self, event: LiveEvent) -> None:
        """The bus published `event` (on any thread): encode it there, send it on the loop."""
        since = None
        if event.kind == Kind.PRESENCE and isinstance(event.payload, Whereabouts):
            entry = self.presence.local_entry(event.payload.session)
            since = entry.since if entry is not None else time.time()
        payload = encode_event(event, self.host_id, since)
        subject = subject_for(event)
        if threading.get_ident() == self._thread:
            self._send(event, subject, payload)
        elif self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self._loop.call_soon_threadsafe(self._send, event, subject, payload)

    def _send(self, event: LiveEvent, subject: str, payload: bytes) -> None:
        if self.interest is not None:
            self.interest.note(event)
        self.transport.publish(subject, payload)

    def _publish(self, subject: str, data: dict[str, Any]) -> None:
        self.transport.publish(subject, dumps(data))

    # events in (the transport's Link) ------------------------------------------------
    def received(self, subject: str, payload: bytes) -> None:
        if subject.startswith(f"{PREFIX}.h."):
            self._host_message(subject, payload)
            return
        try:
            event, host, since = decode_event(payload)
        except (ValueError, TypeError):
            log.warning("bus: an unreadable event on %s was dropped", subject)
            return
        if host == self.host_id:
            return
        if isinstance(event.payload, Whereabouts):
            self._heard(host)
            where = event.payload
            entry = OnlineEntry(where.session, event.actor, where.where, since or time.time())
            self.presence.apply_remote(host, entry, gone=event.kind == Kind.PRESENCE_GONE)
        elif self.interest is not None:
            self.interest.note(event)
        self.bus.deliver(event)

    def lost(self) -> None:
        if self.link_up:
            log.warning("bus: link lost; live events stay on this host until it is back")
        self.link_up = False

    def restored(self) -> None:
        log.warning("bus: link restored; live screens will load again once")
        self.link_up = True
        self.epoch += 1
        self._dropped = False
        self._beat()
        self._send_roster()
        self._resync_soon()

    def missed(self) -> None:
        log.warning("bus: messages for this host were lost; live screens will load again")
        self._resync_soon()

    def dropped(self) -> None:
        self._dropped = True

    def subscribed(self, subject: str) -> None:
        """A new subscription is live: screens made before it may have missed its events."""
        before = self.bus.mark()
        parts = subject.split(".")
        if parts[1:2] == ["c"]:
            self.bus.resync(community=untoken(parts[2]), before=before)
        elif parts[1:2] == ["m"]:
            handle = parts[3] if parts[2] == "*" else parts[2]
            self.bus.resync(handle=untoken(handle), before=before)

    # hosts ---------------------------------------------------------------------------
    def _host_message(self, subject: str, payload: bytes) -> None:
        try:
            data = loads(payload)
            host = str(data["host"])
        except (ValueError, TypeError, KeyError):
            log.warning("bus: an unreadable message on %s was dropped", subject)
            return
        if host == self.host_id:
            return
        if subject == BEAT:
            self._beat_from(host, data)
        elif subject == ROSTER:
            self._roster_from(host, data)
        elif subject == BYE:
            self._forget(host, lost=bool(data.get("lost")))
        elif subject == sync_subject(self.host_id):
            self._send_roster()

    def _heard(self, host: str) -> HostState:
        state = self._hosts.get(host)
        now = time.monotonic()
        if state is None:
            state = self._hosts[host] = HostState(seen=now)
            if self._gone.pop(host, None) is not None:
                log.info("bus: host %s is back", host)
                self._resync_soon()
        state.seen = now
        return state

    def _beat_from(self, host: str, data: dict[str, Any]) -> None:
        state = self._heard(host)
        epoch = int(data.get("epoch", 0))
        if state.epoch is not None and epoch != state.epoch:
            log.info("bus: host %s may have lost events (epoch %s)", host, epoch)
            self._resync_soon()
        state.epoch = epoch
        theirs = (int(data.get("count", 0)), int(data.get("digest", 0)))
        now = time.monotonic()
        if self.presence.host_digest(host) != theirs and now - state.asked >= self.heartbeat_s:
            state.asked = now
            self._publish(sync_subject(host), {"host": self.host_id})

    def _roster_from(self, host: str, data: dict[str, Any]) -> None:
        self._heard(host)
        try:
            rows = data["entries"]
            entries = [OnlineEntry(str(s), str(h), str(w), float(t)) for s, h, w, t in rows]
        except (KeyError, TypeError, ValueError):
            log.warning("bus: an unreadable list of sessions from %s was dropped", host)
            return
        self.presence.replace_host(host, entries, first=int(data.get("part", 0)) == 0)
        if int(data.get("part", 0)) + 1 >= int(data.get("parts", 1)):
            self.bus.deliver(LiveEvent(Kind.PRESENCE, payload=Whereabouts()))

    def _send_roster(self) -> None:
        """Publish this host's sessions (soon: several requests in one turn cost one list)."""
        if not self._roster_due and self._loop is not None:
            self._roster_due = True
            self._loop.call_soon(self._roster_now)

    def _roster_now(self) -> None:
        self._roster_due = False
        rows = [[e.session_id, e.handle, e.where, e.since] for e in self.presence.local()]
        parts = max(1, -(-len(rows) // ROSTER_PART))
        for part in range(parts):
            chunk = rows[part * ROSTER_PART : (part + 1) * ROSTER_PART]
            self._publish(
                ROSTER, {"host": self.host_id, "part": part, "parts": parts, "entries": chunk}
            )

    def _forget(self, host: str, *, lost: bool) -> None:
        """A host left (or went quiet, or its connection broke): its people are gone."""
        self._hosts.pop(host, None)
        if lost:
            self._gone[host] = time.monotonic()
        if self.presence.drop_host(host):
            self.bus.deliver(LiveEvent(Kind.PRESENCE_GONE, payload=Whereabouts()))

    # the one timer -------------------------------------------------------------------
    def _tick(self) -> None:
        now = time.monotonic()
        for host, state in list(self._hosts.items()):
            if now - state.seen > self.timeout_s:
                log.warning("bus: host %s went quiet; its people are no longer online", host)
                self._forget(host, lost=True)
        for host, at in list(self._gone.items()):
            if now - at > GONE_MEMORY_S:
                del self._gone[host]
        self._beat()
        assert self._loop is not None
        self._timer = self._loop.call_later(self.heartbeat_s, self._tick)

    def _beat(self) -> None:
        if self._dropped:  # events of ours were dropped: others should load again
            self._dropped = False
            self.epoch += 1
        count, digest = self.presence.local_digest()
        self._publish(
            BEAT, {"host": self.host_id, "epoch": self.epoch, "count": count, "digest": digest}
        )

    def _resync_soon(self) -> None:
        if self._resync is None and self._loop is not None:
            self._resync = self._loop.call_later(self.heartbeat_s, self._resync_now)

    def _resync_now(self) -> None:
        self._resync = None
        self.resyncs += 1
        log.info("bus: %d live screens told to load again", self.bus.subscriber_count)
        self.bus.resync()
