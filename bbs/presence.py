"""Who's online and where: one entry per live session, shared between workers by live events."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

from bbs.live import LiveBus


@dataclass(frozen=True)
class OnlineEntry:
    session_id: str
    handle: str
    where: str
    since: float


class Presence:
    """The sessions of this process (and, through the bus relay, of the other workers)."""

    def __init__(self, bus: LiveBus) -> None:
        self.bus = bus
        self._entries: dict[str, OnlineEntry] = {}
        self._lock = threading.Lock()

    def arrive(self, session_id: str, handle: str, where: str = "welcome") -> None:
        self._set(OnlineEntry(session_id, handle, where, time.time()))

    def move(self, session_id: str, where: str) -> None:
        with self._lock:
            entry = self._entries.get(session_id)
        if entry is not None and entry.where != where:
            self._set(replace(entry, where=where))

    def leave(self, session_id: str) -> None:
        with self._lock:
            entry = self._entries.pop(session_id, None)
        if entry is not None:
            self.bus.publish_presence(entry, gone=True)

    def _set(self, entry: OnlineEntry) -> None:
        with self._lock:
            self._entries[entry.session_id] = entry
        self.bus.publish_presence(entry, gone=False)

    def apply_remote(self, entry: OnlineEntry, gone: bool) -> None:
        """An entry from another worker (through the relay)."""
        with self._lock:
            if gone:
                self._entries.pop(entry.session_id, None)
            else:
                self._entries[entry.session_id] = entry

    def online(self) -> list[OnlineEntry]:
        with self._lock:
            return sorted(self._entries.values(), key=lambda e: (e.handle, e.since))

    def sessions_of(self, handle: str) -> int:
        with self._lock:
            return sum(1 for e in self._entries.values() if e.handle == handle)
