"""Publish/subscribe of live events between sessions (and, through `bbs.bus`, processes).

A subscriber gives its own event loop; the bus hands events over on that loop
(`call_soon_threadsafe` from another thread), so a post written from a worker
thread still reaches every screen on its loop. Nothing polls: an idle session
costs nothing. Events from other processes and hosts arrive through `deliver()`;
the bus never promises them: after a lost link `resync()` tells the screens that
may have missed something to load again.

On a loop, deliveries are paced: a subscriber that takes an event up (its callback
returns True: it will redraw) ends the loop's turn, and the next subscriber gets the
event on the next turn. A reply to a thread a hundred people read is a hundred redraws;
handed out at once they held the loop for a quarter of a second, and every key pressed
meanwhile waited behind them. Paced, keys are read between them. A subscriber still
waiting for one event when the next arrives gets both in its one turn: a burst of chat
lines in a room of fifty costs each reader one frame, not one per line (ten lines said
within one second to a hundred people on two workers: line to screen p99 1.1-1.6 s
handed out one by one, 0.8 s so; `bench/chat.py --stagger burst`). And while someone's
key is on its way to their screen (`hold_for_input`, which the SSH server sets),
deliveries wait, up to HOLD_MAX_S at a time and then as long free: a key takes several
turns, and a redraw in each of them made a mover's key p99 three to four times slower
while a hundred talked.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable

from bbs.live_events import PRESENCE_KINDS, Kind, LiveEvent, Resync, Whereabouts

__all__ = ["PRESENCE_KINDS", "Kind", "LiveBus", "LiveEvent", "Pacer"]

log = logging.getLogger(__name__)


Callback = Callable[[LiveEvent], object]
"""Returns True when it took the event up (work for its session follows), else anything."""
HOLD_STEP_S = 0.002
"""While a key is in flight, the bus looks again this often."""
HOLD_MAX_S = 0.02
"""Held this long, the bus hands out freely for as long again (keys are still read
between deliveries): under a steady stream of keys it keeps half the turns, so a thread
a hundred read still hears of a reply while everyone types."""


class Pacer:
    """One loop's queue of deliveries: handed out until one is taken up, then next turn.

    Queued by subscriber, in the order each was first owed something: a subscriber owed
    several events gets them all, in order, in its one turn.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop, hold: Callable[[], bool] | None = None
    ) -> None:
        self._loop = loop
        self._hold = hold
        """True while deliveries should wait (someone's key is on its way to their screen)."""
        self._held_since: float | None = None
        self._free_until = 0.0
        self._queue: OrderedDict[Callback, list[LiveEvent]] = OrderedDict()
        self._count = 0
        self._scheduled = False
        self._context = contextvars.Context()
        """Empty: the hand-out is charged to no session and carries no app's context."""

    def add(self, event: LiveEvent, callbacks: Iterable[Callback]) -> None:
        """Queue `event` for `callbacks` (on the loop's thread)."""
        queue = self._queue
        for callback in callbacks:
            owed = queue.get(callback)
            if owed is None:
                queue[callback] = [event]
            else:
                owed.append(event)
            self._count += 1
        self._schedule()

    def _schedule(self) -> None:
        if not self._scheduled and self._queue and not self._loop.is_closed():
            self._scheduled = True
            self._loop.call_soon(self._drain, context=self._context)

    def _drain(self) -> None:
        self._scheduled = False
        queue = self._queue
        if queue and self._hold is not None and self._loop.time() >= self._free_until:
            if self._hold():
                now = self._loop.time()
                if self._held_since is None:
                    self._held_since = now
                if now - self._held_since < HOLD_MAX_S:
                    self._scheduled = True
                    self._loop.call_later(HOLD_STEP_S, self._drain, context=self._context)
                    return
                self._free_until = now + HOLD_MAX_S  # held long enough: free for as long
            self._held_since = None
        while queue:
            callback, owed = queue.popitem(last=False)
            self._count -= len(owed)
            taken = False
            for event in owed:
                try:
                    taken = callback(event) is True or taken
                except Exception:
                    log.exception("live subscriber failed for %s", event.kind)
            if taken:
                break
        self._schedule()

    def __len__(self) -> int:
        return self._count


class LiveBus:
    """In-process fan-out; `remote` (if set) carries events to other processes and hosts."""

    def __init__(self) -> None:
        self._subscribers: dict[int, tuple[asyncio.AbstractEventLoop | None, Callback]] = {}
        self._presence_subscribers: set[int] = set()
        self._next_token = 1
        self._lock = threading.Lock()
        self._pacers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Pacer] = (
            weakref.WeakKeyDictionary()
        )
        self.remote: Callable[[LiveEvent], None] | None = None
        self.hold_for_input: Callable[[], bool] | None = None
        """Asked before each delivery on a loop: True holds it a moment (see Pacer)."""

    def subscribe(
        self,
        callback: Callback,
        loop: asyncio.AbstractEventLoop | None = None,
        *,
        presence: bool = True,
    ) -> int:
        """Call `callback(event)` on `loop` for every event; returns a token for unsubscribe.

        `presence=False` skips who-is-where events: every sign-in and every screen
        opened by anyone is one, so a screen that does not show them should not be
        woken by them (with 500 sessions they were most of the bus's deliveries).
        """
        with self._lock:
            token = self._next_token
            self._next_token += 1
            self._subscribers[token] = (loop, callback)
            if presence:
                self._presence_subscribers.add(token)
            return token

    def unsubscribe(self, token: int) -> None:
        with self._lock:
            self._subscribers.pop(token, None)
            self._presence_subscribers.discard(token)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def mark(self) -> int:
        """The token the next subscriber will get: every subscriber so far has a smaller one."""
        with self._lock:
            return self._next_token

    def publish(self, event: LiveEvent) -> None:
        """Deliver locally and hand to `remote` for other processes and hosts."""
        self.deliver(event)
        remote = self.remote
        if remote is not None:
            try:
                remote(event)
            except Exception:
                log.exception("live bus: sending %s to other hosts failed", event.kind)

    def resync(self, community: str = "", handle: str = "", before: int | None = None) -> None:
        """Tell subscribers (those older than token `before`, if given) that events were lost."""
        event = LiveEvent(Kind.RESYNC, community=community, payload=Resync(handle))
        self.deliver(event, before=before)

    def publish_presence(self, entry: object, *, gone: bool) -> None:
        """Tell every session (here and in other workers) that someone arrived, moved or left."""
        self.publish(
            LiveEvent(
                Kind.PRESENCE_GONE if gone else Kind.PRESENCE,
                actor=getattr(entry, "handle", ""),
                payload=Whereabouts(getattr(entry, "session_id", ""), getattr(entry, "where", "")),
            )
        )

    def deliver(self, event: LiveEvent, before: int | None = None) -> None:
        """Deliver to this process's subscribers only (`bbs.bus` calls this for remote events)."""
        with self._lock:
            subscribers = self._subscribers
            if event.kind in PRESENCE_KINDS:
                targets = [subscribers[t] for t in self._presence_subscribers if t in subscribers]
            elif before is not None:
                targets = [entry for token, entry in subscribers.items() if token < before]
            else:
                targets = list(subscribers.values())
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        by_loop: dict[asyncio.AbstractEventLoop, list[Callback]] = {}
        for loop, callback in targets:
            if loop is None:
                try:
                    callback(event)
                except Exception:
                    log.exception("live subscriber failed for %s", event.kind)
            else:
                by_loop.setdefault(loop, []).append(callback)
        for loop, callbacks in by_loop.items():
            pacer = self._pacer(loop)
            if loop is running:  # no wake-up byte through the self-pipe
                pacer.add(event, callbacks)
            elif not loop.is_closed():
                with contextlib.suppress(RuntimeError):  # closed meanwhile
                    loop.call_soon_threadsafe(pacer.add, event, callbacks)

    def _pacer(self, loop: asyncio.AbstractEventLoop) -> Pacer:
        with self._lock:
            pacer = self._pacers.get(loop)
            if pacer is None:
                pacer = self._pacers[loop] = Pacer(loop, self._holding)
            return pacer

    def _holding(self) -> bool:
        hold = self.hold_for_input
        return hold is not None and hold()

    def pending(self, loop: asyncio.AbstractEventLoop) -> int:
        """Deliveries queued on `loop` and not handed out yet."""
        pacer = self._pacers.get(loop)
        return 0 if pacer is None else len(pacer)
