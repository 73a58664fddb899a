"""Publish/subscribe of live events between sessions (and, through a relay, workers).

A subscriber gives its own event loop; the bus hands events over with
`call_soon_threadsafe`, so a post written from a worker thread still reaches
every screen on its loop. Nothing polls: an idle session costs nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveEvent:
    """Something happened that other sessions may want to show at once."""

    kind: str  # "post", "thread", "edit", "oneliner", "presence", "mail", "moderation", "event"
    community: str = ""
    board_id: int = 0
    thread_id: int = 0
    post_id: int = 0
    actor: str = ""
    target: str = ""  # a handle for mail and mentions; where someone is, for presence
    session: str = ""  # the session id, for presence
    reply: tuple[object, ...] = ()
    """For a new reply: (parent id, depth, created, body), so that everyone reading the
    thread shows it from the event instead of each asking the database for it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "reply", tuple(self.reply))  # a list, through the relay

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


Callback = Callable[[LiveEvent], None]
PRESENCE_KINDS = frozenset({"presence", "presence-gone"})
"""Who is where: sent for every sign-in, screen change and sign-out."""


class LiveBus:
    """In-process fan-out; `relay` (if set) carries events to other worker processes."""

    def __init__(self) -> None:
        self._subscribers: dict[int, tuple[asyncio.AbstractEventLoop | None, Callback]] = {}
        self._presence_subscribers: set[int] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.relay: Callable[[LiveEvent], None] | None = None

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
            token = next(self._ids)
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

    def publish(self, event: LiveEvent) -> None:
        """Deliver locally and hand to the relay for other workers."""
        self.deliver(event)
        if self.relay is not None:
            try:
                self.relay(event)
            except Exception:
                log.exception("live relay failed for %s", event.kind)

    def publish_presence(self, entry: object, *, gone: bool) -> None:
        """Tell every session (here and in other workers) that someone arrived, moved or left."""
        self.publish(
            LiveEvent(
                kind="presence-gone" if gone else "presence",
                actor=getattr(entry, "handle", ""),
                target=getattr(entry, "where", ""),
                session=getattr(entry, "session_id", ""),
            )
        )

    def deliver(self, event: LiveEvent) -> None:
        """Deliver to this process's subscribers only (the relay calls this for remote events)."""
        with self._lock:
            if event.kind in PRESENCE_KINDS:
                subscribers = self._subscribers
                targets = [subscribers[t] for t in self._presence_subscribers if t in subscribers]
            else:
                targets = list(self._subscribers.values())
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, callback in targets:
            try:
                if loop is None:
                    callback(event)
                elif loop is running:  # no wake-up byte through the self-pipe per subscriber
                    loop.call_soon(callback, event)
                elif not loop.is_closed():
                    loop.call_soon_threadsafe(callback, event)
            except Exception:
                log.exception("live subscriber failed for %s", event.kind)
