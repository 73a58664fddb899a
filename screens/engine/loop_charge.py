"""Every callback the event loop runs for a session's app is timed and charged to its account.

Replaces `asyncio.events.Handle._run` (CPython 3.11), process-wide, by one that reads the
callback's context (`Handle._context`) for the session's `bbs.ssh.fairness.CHARGED`
account and charges it the time the callback took; a callback of no session runs as
before. (Not Textual or Rich, but a private name all the same, so it lives here.)
Why: every session's app runs on one loop, so the cost of a key matters, not its size:
one keystroke into a 25,000-character line of a text area costs the loop ~0.1 s
(Textual re-wraps the line), a keystroke elsewhere well under 1 ms. A byte budget cannot
tell them apart; this can, and the SSH driver feeds a session's input only while its
account is in credit.
Saves: not CPU, fairness: a flood of such keys delayed another person's echo by
1.3-1.8 s; now 0.2 s (tests/test_ssh_hostile.py). Its own cost is one Python call and
two clock reads per callback of a session.
Guarded by: tests/test_fairness.py::test_loop_time_is_charged_to_the_session_whose_tasks_ran
and tests/test_ssh_hostile.py.
"""

from __future__ import annotations

import asyncio
import time

from bbs.ssh.fairness import CHARGED

LEANS_ON = ("asyncio.events:Handle._run", "asyncio.events:Handle.__init__")
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

_original_run = asyncio.events.Handle._run


def _charged_run(self: asyncio.Handle) -> None:
    """Handle._run, timing the callback when its context belongs to a session."""
    account = self._context.get(CHARGED)  # type: ignore[attr-defined]
    if account is None:
        return _original_run(self)
    start = time.perf_counter()
    try:
        return _original_run(self)
    finally:
        account.charge(time.perf_counter() - start)


def install() -> None:
    """Charge loop time to sessions from now on, in this process (idempotent)."""
    asyncio.events.Handle._run = _charged_run  # type: ignore[method-assign]


def installed() -> bool:
    return asyncio.events.Handle._run is _charged_run  # type: ignore[comparison-overlap]
