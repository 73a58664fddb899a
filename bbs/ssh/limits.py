"""Limits of one worker: unauthenticated connections, idle people, concurrent app starts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable

from bbs.ssh.penalties import MaxStartups

log = logging.getLogger(__name__)


class ConnectionLimiter:
    """Counts connections that have not signed in yet, globally and per address."""

    def __init__(
        self, max_total: int, max_per_address: int, startups: MaxStartups | None = None
    ) -> None:
        self.max_total = max_total
        self.max_per_address = max_per_address
        self.startups = startups
        self._by_address: Counter[str] = Counter()

    @property
    def pending(self) -> int:
        return sum(self._by_address.values())

    def admit(self, address: str) -> bool:
        """True (and counted) if another unauthenticated connection from `address` may start."""
        pending = self.pending
        if pending >= self.max_total or self._by_address[address] >= self.max_per_address:
            return False
        if self.startups is not None and self.startups.refuse(pending):
            return False
        self._by_address[address] += 1
        return True

    def done(self, address: str) -> None:
        """The connection signed in or went away: stop counting it."""
        if self._by_address[address] > 0:
            self._by_address[address] -= 1
        if self._by_address[address] <= 0:
            del self._by_address[address]


class IdleWatch:
    """One loop-wide sweeper (every few seconds) for the idle timeout on people's input.

    Each watched item gives `last_input()` (monotonic seconds) and gets `warn(seconds_left)`
    once, then `expire()`. No timer per session: idle sessions stay free.
    """

    def __init__(self, timeout_s: float, warning_s: float) -> None:
        self.timeout_s = timeout_s
        self.warning_s = min(warning_s, timeout_s)
        self.interval = max(0.25, min(5.0, self.warning_s / 4 or 5.0))
        self._items: dict[
            object, tuple[Callable[[], float], Callable[[float], None], Callable[[], None]]
        ] = {}
        self._warned: set[object] = set()
        self._task: asyncio.Task[None] | None = None

    def watch(
        self,
        key: object,
        last_input: Callable[[], float],
        warn: Callable[[float], None],
        expire: Callable[[], None],
    ) -> None:
        """Start watching `key`; its callbacks run on the loop."""
        self._items[key] = (last_input, warn, expire)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def unwatch(self, key: object) -> None:
        self._items.pop(key, None)
        self._warned.discard(key)

    def latest_input(self) -> float:
        """The most recent input of anyone watched (monotonic seconds; 0.0 with no one)."""
        return max((last_input() for last_input, _, _ in self._items.values()), default=0.0)

    async def _run(self) -> None:
        while self._items:
            await asyncio.sleep(self.interval)
            self.sweep(time.monotonic())

    def sweep(self, now: float) -> None:
        """Warn or expire every item whose person has been quiet too long."""
        for key, (last_input, warn, expire) in list(self._items.items()):
            quiet = now - last_input()
            try:
                if quiet >= self.timeout_s:
                    self.unwatch(key)
                    expire()
                elif quiet >= self.timeout_s - self.warning_s:
                    if key not in self._warned:
                        self._warned.add(key)
                        warn(self.timeout_s - quiet)
                else:
                    self._warned.discard(key)
            except Exception:
                log.exception("idle watch callback failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
