"""Read marks from every session of a process, written together a moment later.

A person moving through a thread marks a post read with each key. Written one by
one, that was a write transaction (and, with synchronous=FULL, an fsync) per key
press: at 100 sessions, 200 a second, queued on SQLite's one write lock and on
the thread pool that screens also load from, so screens waited seconds behind
them. Marks are not acknowledged writes: losing the last half second of them in a
crash costs a post shown as unread again, nothing more.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from bbs.errors import ForumError
from bbs.models import Person

log = logging.getLogger(__name__)

Marks = dict[tuple[str, int], tuple[Person, dict[int, set[int]]]]
"""(community, person id) -> (the person, thread id -> post ids read)."""
Writer = Callable[[Person, str, dict[int, set[int]]], None]


class ReadMarkBatcher:
    """Collects marks; one flush every `delay` seconds writes each community's in one go."""

    def __init__(self, write: Writer, delay: float = 0.5) -> None:
        self._write = write
        self.delay = delay
        self._lock = threading.Lock()
        self._pending: Marks = {}
        self._timer: threading.Timer | None = None

    def add(self, viewer: Person, slug: str, thread_id: int, post_id: int) -> None:
        """Mark soon (never blocks on the database)."""
        with self._lock:
            _, threads = self._pending.setdefault((slug, viewer.id), (viewer, {}))
            threads.setdefault(thread_id, set()).add(post_id)
            if self._timer is None:
                self._timer = threading.Timer(self.delay, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Write every pending mark now (the timer calls this; so does closing the forum)."""
        with self._lock:
            pending, self._pending = self._pending, {}
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        for (slug, _), (viewer, threads) in pending.items():
            try:
                self._write(viewer, slug, threads)
            except ForumError:
                pass  # no longer allowed to read there: nothing to mark
            except Exception:
                log.exception("writing read marks for %s in %s failed", viewer.handle, slug)
