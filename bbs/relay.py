"""Live events between worker processes: a tiny broker on a unix socket, JSON lines.

The supervisor runs `Broker`; each worker runs a `RelayClient` that sends every
event its bus publishes and hands events from other workers to `bus.deliver()`
(never `publish`, so nothing loops back) and presence events to
`presence.apply_remote()`. When a worker connects it asks the others to
announce their sessions; when one disappears the broker says its sessions left.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bbs.live import LiveBus, LiveEvent
from bbs.presence import OnlineEntry, Presence

log = logging.getLogger(__name__)

HELLO = "relay-hello"  # a worker joined: others re-announce their sessions
MAX_LINE = 64 * 1024


class Broker:
    """Fans each line from one worker out to all the others (runs in the supervisor)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writers: dict[asyncio.StreamWriter, set[str]] = {}
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._server = await asyncio.start_unix_server(self._serve, str(self.path), limit=MAX_LINE)
        self.path.chmod(0o600)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for writer in list(self._writers):
            writer.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sessions = self._writers[writer] = set()
        try:
            while line := await reader.readline():
                self._note(sessions, line)
                self._send(line, skip=writer)
        except (ConnectionError, asyncio.LimitOverrunError, ValueError):
            log.warning("relay: a worker sent something unreadable; dropping it")
        finally:
            del self._writers[writer]
            writer.close()
            for session in sessions:  # that worker's people are gone
                gone = LiveEvent(kind="presence-gone", session=session).to_dict()
                self._send(json.dumps(gone).encode() + b"\n", skip=None)

    @staticmethod
    def _note(sessions: set[str], line: bytes) -> None:
        try:
            data = json.loads(line)
        except ValueError:
            return
        if data.get("kind") == "presence":
            sessions.add(str(data.get("session", "")))
        elif data.get("kind") == "presence-gone":
            sessions.discard(str(data.get("session", "")))

    def _send(self, line: bytes, skip: asyncio.StreamWriter | None) -> None:
        for writer in list(self._writers):
            if writer is not skip and not writer.is_closing():
                writer.write(line)


class RelayClient:
    """A worker's end: forwards its bus to the broker and delivers what comes back."""

    def __init__(
        self,
        path: Path,
        bus: LiveBus,
        presence: Presence,
        local_sessions: Callable[[], Mapping[str, Any]],
    ) -> None:
        self.path = path
        self.bus = bus
        self.presence = presence
        self.local_sessions = local_sessions
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        """Connect, install as the bus's relay, say hello."""
        self._loop = asyncio.get_running_loop()
        reader, self._writer = await asyncio.open_unix_connection(str(self.path), limit=MAX_LINE)
        self.bus.relay = self.send
        self._task = self._loop.create_task(self._read(reader))
        self.send(LiveEvent(kind=HELLO))

    async def stop(self) -> None:
        self.bus.relay = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._writer is not None:
            self._writer.close()

    def send(self, event: LiveEvent) -> None:
        """Called by the bus (from any thread) for every local event."""
        if self._loop is None or self._loop.is_closed():
            return
        line = json.dumps(event.to_dict()).encode() + b"\n"
        self._loop.call_soon_threadsafe(self._write, line)

    def _write(self, line: bytes) -> None:
        if self._writer is not None and not self._writer.is_closing():
            self._writer.write(line)

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while line := await reader.readline():
                self._receive(line)
        except (ConnectionError, ValueError, asyncio.LimitOverrunError):
            log.warning("relay connection lost")
        log.warning("relay: broker went away; live events stay within this worker")

    def _receive(self, line: bytes) -> None:
        try:
            event = LiveEvent(**json.loads(line))
        except (ValueError, TypeError):
            log.warning("relay: unreadable line dropped")
            return
        if event.kind == HELLO:
            self._announce()
            return
        if event.kind in ("presence", "presence-gone"):
            entry = OnlineEntry(event.session, event.actor, event.target, time.time())
            self.presence.apply_remote(entry, gone=event.kind == "presence-gone")
        self.bus.deliver(event)

    def _announce(self) -> None:
        online = {e.session_id: e for e in self.presence.online()}
        for session_id in self.local_sessions():
            entry = online.get(session_id)
            if entry is not None:
                self.send(
                    LiveEvent(
                        kind="presence",
                        actor=entry.handle,
                        target=entry.where,
                        session=entry.session_id,
                    )
                )
