"""How fast the forum layer opens big threads and boards. Prints a table; not a test.

    .venv/bin/python bench/forum_speed.py

Builds a temporary data dir with a thread of 1,000 posts, one of 5,000, a
board of 100,000 posts (2,000 threads of 50) and a board of 100,000 threads,
then times the forum calls a screen makes (median and worst of several runs).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bigdata import add_many_threads, add_thread_tree, make_forum  # noqa: E402


def timed(fn: Callable[[], object], runs: int = 7) -> tuple[float, float]:
    fn()  # warm the page cache and statement cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        forum = make_forum(Path(tmp))
        t0 = time.perf_counter()
        t1k = add_thread_tree(forum, "threads", 1_000, "A thousand posts")
        t5k = add_thread_tree(forum, "threads", 5_000, "Five thousand posts", seed=2)
        add_many_threads(forum, "posts100k", 2_000, 50)
        add_many_threads(forum, "threads100k", 100_000, 1)
        build = time.perf_counter() - t0
        reader = forum.person("reader")
        assert reader is not None
        rows = [
            ("open a thread of 1,000 posts", lambda: forum.read_thread(reader, "big", t1k)),
            ("open a thread of 5,000 posts", lambda: forum.read_thread(reader, "big", t5k)),
            (
                "first page of a board of 100,000 posts",
                lambda: forum.threads(reader, "big", "posts100k"),
            ),
            (
                "first page of a board of 100,000 threads",
                lambda: forum.threads(reader, "big", "threads100k"),
            ),
            (
                "community page: boards with unread counts (206,000 posts)",
                lambda: forum.boards(reader, "big"),
            ),
            ("unread count, whole community", lambda: forum.unread_count(reader, "big")),
            (
                "search 'jasmine' over 206,000 posts",
                lambda: forum.search(reader, "jasmine seedlings"),
            ),
        ]
        print(f"built 206,000 posts in {build:.1f} s\n")
        print(f"{'operation':<58} {'median ms':>10} {'max ms':>8}")
        for name, fn in rows:
            median, worst = timed(fn)
            print(f"{name:<58} {median:>10.1f} {worst:>8.1f}")
        forum.mark_all_read(reader, "big")
        median, worst = timed(lambda: forum.boards(reader, "big"))
        print(f"{'community page after mark-all-read':<58} {median:>10.1f} {worst:>8.1f}")
        forum.close()


if __name__ == "__main__":
    main()
