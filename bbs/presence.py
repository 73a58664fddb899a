"""Who's online and where: this process's sessions, and those other hosts announce on the bus."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bbs.live import LiveBus


@dataclass(frozen=True)
class OnlineEntry:
    session_id: str
    handle: str
    where: str
    since: float


def digest(entries: Iterable[tuple[str, str, str]]) -> int:
    """A checksum of (session, handle, where) triples that does not depend on their order.

    Each host puts the digest of its own sessions in its heartbeat; another host that
    holds a different picture of them (an arrival or a move lost with a link) asks for
    the whole list again.
    """
    total = 0
    for session, handle, where in entries:
        total += zlib.crc32(f"{session}\0{handle}\0{where}".encode())
    return total & 0xFFFFFFFF


class Presence:
    """The sessions of this process, and of other workers and hosts (through `bbs.bus`).

    Another host's entries are kept under that host's id and dropped with it when it
    goes quiet; their session ids are qualified with the host's ("host/s0-1"), since two
    hosts number their sessions alike.
    """

    def __init__(self, bus: LiveBus) -> None:
        self.bus = bus
        self._entries: dict[str, OnlineEntry] = {}
        self._remote: dict[str, dict[str, OnlineEntry]] = {}
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

    # this process's own --------------------------------------------------------------
    def local(self) -> list[OnlineEntry]:
        """This process's sessions (what it announces to the others)."""
        with self._lock:
            return list(self._entries.values())

    def local_entry(self, session_id: str) -> OnlineEntry | None:
        with self._lock:
            return self._entries.get(session_id)

    def local_digest(self) -> tuple[int, int]:
        """(count, digest) of this process's sessions, for its heartbeat."""
        with self._lock:
            triples = [(e.session_id, e.handle, e.where) for e in self._entries.values()]
        return len(triples), digest(triples)

    # other hosts' --------------------------------------------------------------------
    def apply_remote(self, host: str, entry: OnlineEntry, gone: bool) -> None:
        """An arrival, move or departure on another host (`entry.session_id` as it has it)."""
        with self._lock:
            entries = self._remote.setdefault(host, {})
            if gone:
                entries.pop(entry.session_id, None)
            else:
                entries[entry.session_id] = replace(entry, session_id=f"{host}/{entry.session_id}")

    def replace_host(self, host: str, entries: Iterable[OnlineEntry], *, first: bool) -> None:
        """A host's whole list (or, with first=False, the next part of it)."""
        with self._lock:
            held = {} if first else self._remote.get(host, {})
            for e in entries:
                held[e.session_id] = replace(e, session_id=f"{host}/{e.session_id}")
            self._remote[host] = held

    def drop_host(self, host: str) -> int:
        """Forget a host that left or went quiet; returns how many sessions it had."""
        with self._lock:
            return len(self._remote.pop(host, {}))

    def host_digest(self, host: str) -> tuple[int, int]:
        """(count, digest) of what this process believes `host` has, to compare with its beat."""
        prefix = len(host) + 1
        with self._lock:
            triples = [
                (e.session_id[prefix:], e.handle, e.where)
                for e in self._remote.get(host, {}).values()
            ]
        return len(triples), digest(triples)

    def hosts(self) -> list[str]:
        with self._lock:
            return list(self._remote)

    # everyone ------------------------------------------------------------------------
    def online(self) -> list[OnlineEntry]:
        with self._lock:
            everyone = list(self._entries.values())
            for entries in self._remote.values():
                everyone.extend(entries.values())
        return sorted(everyone, key=lambda e: (e.handle, e.since))

    def sessions_of(self, handle: str) -> int:
        with self._lock:
            count = sum(1 for e in self._entries.values() if e.handle == handle)
            for entries in self._remote.values():
                count += sum(1 for e in entries.values() if e.handle == handle)
            return count
