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
from dataclasses import dataclass
from typing import Any, ClassVar

RATE = 0.25
"""Seconds of loop time per second a session may use, sustained (a quarter of a core)."""
BURST = 1.0
"""Seconds it may use at once: signing in (~0.15 s) and opening screens stay well inside it."""

CHARGED: contextvars.ContextVar[LoopAccount | None] = contextvars.ContextVar(
    "bbs_charged", default=None
)


class LoopAccount:
    """A token bucket of loop seconds: spending goes below zero, credit comes back at `rate`."""

    charges: ClassVar[int] = 0
    """Callbacks charged to any account in this process: whether sessions' code ran lately."""

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
        LoopAccount.charges += 1
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
STILL_S = 0.004
"""A key in flight while no session's code ran for this long waits for something off the
loop (the store, in a thread; a timer): holding the bus for it would only delay everyone
(two of the bus's looks, `bbs.live.HOLD_STEP_S` apart: a key's own code, once queued, runs
before the next look)."""


@dataclass
class _Flight:
    until: float
    watched: bool
    """Sessions' loop time is charged (`LoopAccount.charges` moves while their code runs)."""
    moved: float
    """When sessions' code was last seen to have run (or the key was fed)."""


class KeysInFlight:
    """Sessions whose key is on its way to their screen: the live bus waits for them.

    A key takes several turns of the loop to become a frame (the driver, the app, its
    screen, the frame timer); a hundred chat readers' redraws handed out one a turn
    put one redraw in each of those turns, and a mover's key p99 went from 8 to 25-30 ms
    while a room talked (17-20 ms held so: `bench/chat.py`). While a key is in flight the
    bus holds its deliveries (`bbs.live.HOLD_MAX_S`, then as long free): what a person
    typed comes before what others said. Only while sessions' code runs on the loop,
    though: a key whose answer waits for the store (Enter on a chat line: the line is
    written in a thread) or for a timer holds nothing once the loop has been still for
    STILL_S. Held for its whole 20 ms, a speaker's Enter held back the line's own
    delivery to the fifty readers on the speaker's worker, and then freed the bus for as
    long, just as the line reached everyone's screen.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._flights: dict[object, _Flight] = {}
        self._charges = LoopAccount.charges

    def started(self, session: object, watched: bool = False) -> None:
        """`session`'s app was handed a key (or a paste): its answer is due. `watched`:
        the loop's time is charged to sessions, so a key can be seen to wait off the loop."""
        now = self.clock()
        self._flights[session] = _Flight(now + KEY_WINDOW_S, watched, now)

    def done(self, session: object) -> None:
        """`session`'s screen was written (or it closed)."""
        self._flights.pop(session, None)

    def busy(self) -> bool:
        """Is any session's key still on its way (within the window, and moving)?"""
        if not self._flights:
            return False
        now = self.clock()
        ran = LoopAccount.charges != self._charges
        self._charges = LoopAccount.charges
        for session, flight in list(self._flights.items()):
            if ran:
                flight.moved = now
            still = flight.watched and now - flight.moved >= STILL_S
            if flight.until <= now or still:
                del self._flights[session]
        return bool(self._flights)


KEYS = KeysInFlight()
"""This process's (one loop's): the SSH driver marks, the server hands `busy` to the bus."""
