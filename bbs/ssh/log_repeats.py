"""Errors that repeat are logged with a rate limit: a full descriptor table must not fill the disk.

A warning or error that keeps happening (every accept() failing with EMFILE, every
write to a failing disk) is the same line thousands of times a second. The filter lets
the first few of each kind through per window and counts the rest; the next one let
through says how many were left out ("[and 1,234 more like this in the last 60 s]").
Records of the same kind share a logger, a level, a message template (not its
arguments) and an exception type. Info and debug records are never held back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

Kind = tuple[str, int, str, str]

MAX_KINDS = 1000  # kinds remembered at once; the oldest is forgotten first


class RepeatFilter(logging.Filter):
    """Lets `burst` records of each kind through per `window_s`; counts and reports the rest."""

    def __init__(
        self,
        window_s: float = 60.0,
        burst: int = 5,
        level: int = logging.WARNING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.window_s = window_s
        self.burst = burst
        self.level = level
        self.clock = clock
        self._kinds: OrderedDict[Kind, list[float]] = OrderedDict()  # [window start, let, held]
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < self.level:
            return True
        kind = _kind_of(record)
        now = self.clock()
        with self._lock:
            seen = self._kinds.get(kind)
            if seen is None or now - seen[0] >= self.window_s:
                held = int(seen[2]) if seen is not None else 0
                self._remember(kind, [now, 1, 0])
                if held:
                    _note_held(record, held, self.window_s)
                return True
            if seen[1] < self.burst:
                seen[1] += 1
                return True
            seen[2] += 1
            return False

    def _remember(self, kind: Kind, state: list[float]) -> None:
        self._kinds[kind] = state
        self._kinds.move_to_end(kind)
        while len(self._kinds) > MAX_KINDS:
            self._kinds.popitem(last=False)


def _kind_of(record: logging.LogRecord) -> Kind:
    exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
    return (record.name, record.levelno, str(record.msg), exc)


def _note_held(record: logging.LogRecord, held: int, window_s: float) -> None:
    """Say on the record let through how many of its kind were held back before it."""
    record.msg = f"{record.msg} [and {held:,} more like this in the last {window_s:.0f} s]"


def install(window_s: float = 60.0, burst: int = 5) -> RepeatFilter:
    """Put one RepeatFilter on every handler of the root logger (once); returns it."""
    root = logging.getLogger()
    for handler in root.handlers:
        for existing in handler.filters:
            if isinstance(existing, RepeatFilter):
                return existing
    repeat = RepeatFilter(window_s, burst)
    for handler in root.handlers:
        handler.addFilter(repeat)
    return repeat
