"""Garbage collection for a server process that holds many Textual apps at once.

A full collection walks every object the process tracks, and each session's app holds
~30,000: with 50 sessions on a worker one took 0.45 s on the 2-core machine, and it
came every ten seconds or so under load, so every key pressed meanwhile waited (it
was most of the bench's p99 key latency). Two things keep it out of people's way:

- What a session builds to sign in (its app, screens, styles) lives as long as the
  session, so once its first screen is up the collector is told to leave it alone
  (`gc.freeze()`): automatic collections walk only what was made since, which is small.
- Frozen objects are still freed by reference counting; only cycles among them wait
  (a closed session's app is one). Those are reclaimed by a full collection of
  everything (`gc.unfreeze()`, `gc.collect()`, `gc.freeze()`), run when sessions have
  ended and nobody has pressed a key for a moment, or at the latest `OVERDUE_S` after
  the first ended.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

# Every frame allocates (Textual's strips carry seven small caches each), so the
# default thresholds (700, 10, 10) ran a full collection about every 1.5 s under load.
THRESHOLDS = (700, 10, 100)

QUIET_S = 1.0
"""No key from anyone for this long: a full collection now delays no one's keystroke."""
OVERDUE_S = 60.0
"""Longest a closed session's memory waits for a quiet moment before it is reclaimed anyway."""


def tune_gc() -> None:
    """Collect the oldest generation less often; freeze what was loaded so far (modules, classes).

    Call once the process has imported and opened what it serves with, before sessions come.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


class Collector:
    """Freezes each session's long-lived objects and reclaims closed sessions when quiet."""

    def __init__(
        self,
        last_input: Callable[[], float],
        *,
        quiet_s: float = QUIET_S,
        overdue_s: float = OVERDUE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.last_input = last_input
        """The most recent key from anyone (monotonic seconds)."""
        self.quiet_s, self.overdue_s, self.clock = quiet_s, overdue_s, clock
        self.pending_since: float | None = None
        """When the first session ended since the last full collection."""
        self.full_collections = 0
        self._handle: asyncio.TimerHandle | None = None

    def settled(self) -> None:
        """A session's first screen is up: what it has built lives as long as it does."""
        gc.collect(1)  # young garbage first, so it is not frozen with the rest
        gc.freeze()

    def ended(self) -> None:
        """A session closed: its app is garbage, in cycles among frozen objects."""
        if self.pending_since is None:
            self.pending_since = self.clock()
        self._schedule(self.quiet_s)

    def _schedule(self, delay: float) -> None:
        if self._handle is None:
            self._handle = asyncio.get_running_loop().call_later(delay, self._check)

    def _check(self) -> None:
        self._handle = None
        if self.pending_since is None:
            return
        now = self.clock()
        quiet_for = now - self.last_input()
        if quiet_for >= self.quiet_s or now - self.pending_since >= self.overdue_s:
            self.collect_all()
        else:
            self._schedule(self.quiet_s - quiet_for)

    def collect_all(self) -> int:
        """Collect everything, frozen or not, then freeze the survivors; returns objects freed."""
        started = time.perf_counter()
        gc.unfreeze()
        freed = gc.collect()
        gc.freeze()
        self.pending_since = None
        self.full_collections += 1
        log.info(
            "full collection: %d objects freed in %.0f ms",
            freed,
            (time.perf_counter() - started) * 1000,
        )
        return freed

    def stop(self) -> None:
        """The server stops: hand what is frozen back to the automatic collector."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self.pending_since is not None:
            gc.unfreeze()
            self.pending_since = None
