"""Each session's share of the event loop: loop time is charged to the session whose code ran.

Every session's app runs on one event loop, so the cost of a key is what matters,
not its size: one keystroke into a 25,000-character line of a text area costs the
loop ~0.1 s (Textual re-wraps the line), a keystroke elsewhere well under 1 ms. A
budget of bytes cannot tell them apart; this can. Each app's tasks run in a context
whose `CHARGED` variable holds the session's `LoopAccount`, and every callback the
loop runs in such a context is timed and charged to it (by the UI's engine,
`screens.engine.loop_charge`, which wraps asyncio's `Handle._run`: the server installs
it through the drivers `bbs.cli` hands it). The SSH driver feeds a session's input one
key per turn of the loop and only while its account is in credit, so a session that
floods costly keys is slowed to its share and everyone else's keys still come through.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from typing import Any

RATE = 0.25
"""Seconds of loop time per second a session may use, sustained (a quarter of a core)."""
BURST = 1.0
"""Seconds it may use at once: signing in (~0.15 s) and opening screens stay well inside it."""

CHARGED: contextvars.ContextVar[LoopAccount | None] = contextvars.ContextVar(
    "bbs_charged", default=None
)


class LoopAccount:
    """A token bucket of loop seconds: spending goes below zero, credit comes back at `rate`."""

    def __init__(
        self,
        rate: float = RATE,
        burst: float = BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.spent = 0.0
        """Loop seconds charged in all (for the log)."""
        self._tokens = burst
        self._at = clock()

    def charge(self, seconds: float) -> None:
        """The session's code just ran for `seconds`."""
        self.spent += seconds
        self._tokens -= seconds

    def balance(self) -> float:
        """Seconds of credit now (negative: in debt)."""
        now = self.clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        return self._tokens

    def wait(self) -> float:
        """Seconds until the account is out of debt (0 when it is not in debt)."""
        return max(0.0, -self.balance() / self.rate)

    def run(self, callback: Callable[..., Any], *args: Any) -> Any:
        """Call `callback(*args)` in a context charged to this account."""
        context = contextvars.copy_context()
        context.run(CHARGED.set, self)
        return context.run(callback, *args)

    def context(self) -> contextvars.Context:
        """A copy of the current context, charged to this account (for `create_task`)."""
        context = contextvars.copy_context()
        context.run(CHARGED.set, self)
        return context


KEY_WINDOW_S = 0.05
"""How long a key counts as being answered, at most, when no frame follows it."""


class KeysInFlight:
    """Sessions whose key is on its way to their screen: the live bus waits for them.

    A key takes several turns of the loop to become a frame (the driver, the app, its
    screen, the frame timer); a hundred chat readers' redraws handed out one a turn
    put one redraw in each of those turns, and a mover's key p99 went from 8 to 25-30 ms
    while a room talked (17-20 ms held so: `bench/chat.py`). While a key is in flight the
    bus holds its deliveries (`bbs.live.HOLD_MAX_S`, then as long free): what a person
    typed comes before what others said.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._until: dict[object, float] = {}

    def started(self, session: object) -> None:
        """`session`'s app was handed a key (or a paste): its answer is due."""
        self._until[session] = self.clock() + KEY_WINDOW_S

    def done(self, session: object) -> None:
        """`session`'s screen was written (or it closed)."""
        self._until.pop(session, None)

    def busy(self) -> bool:
        """Is any session's key still on its way (within the window)?"""
        if not self._until:
            return False
        now = self.clock()
        for session, until in list(self._until.items()):
            if until > now:
                return True
            del self._until[session]
        return False


KEYS = KeysInFlight()
"""This process's (one loop's): the SSH driver marks, the server hands `busy` to the bus."""
