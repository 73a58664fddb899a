"""Limits checked and recorded at once: concurrent replies from one person, in threads of
one process and in processes sharing the store (as the workers of one host do), on both
backends (across hosts: tests/test_hosts_store.py)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path
from typing import Any

from bbs.config import Config
from bbs.errors import RateLimited
from bbs.forum import Forum
from bbs.models import Role
from bbs.seed import create_community

ATTEMPTS = 8


def board(data_dir: Path, store: str, **figures: Any) -> tuple[Config, int]:
    """A board with a sysop's thread in 'garden' and 'newbie', signed up just now; the root."""
    config = Config(data_dir=data_dir, store=store, **figures)
    forum = Forum(data_dir, config)
    ada = forum.register("ada", "Ada", role=Role.SYSOP)
    newbie = forum.register("newbie", "New Person")
    spec = {"slug": "garden", "name": "Garden", "boards": [{"slug": "general"}]}
    create_community(forum, spec, ada.id, forum.clock())
    forum.hub.set_membership(newbie.id, "garden", "member", "active")
    _, root = forum.start_thread(ada, "garden", "general", "Hello", "Say hi")
    forum.close()
    return config, root


def reply_once(forum: Forum, root: int, n: int) -> str:
    newbie = forum.person("newbie")
    assert newbie is not None
    try:
        forum.reply(newbie, "garden", root, f"hello number {n}")
    except RateLimited:
        return "paced"
    return "posted"


def in_threads(data_dir: Path, config: Config, root: int, count: int) -> list[str]:
    forum = Forum(data_dir, config)
    store = forum.store("garden")
    write = store.add_reply

    def slow_disk(*args: Any, **kwargs: Any) -> int:
        time.sleep(0.02)  # the write takes a moment, as on a busy disk
        return write(*args, **kwargs)

    store.add_reply = slow_disk  # type: ignore[method-assign]
    start = threading.Barrier(count)
    results: list[str] = []

    def one(n: int) -> None:
        start.wait()
        results.append(reply_once(forum, root, n))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    posts = len(forum.read_thread(forum.guest(), "garden", 1).posts) - 1
    forum.close()
    assert posts == results.count("posted")
    return results


def _process(data_dir: str, config: Config, root: int, n: int, start: Any, out: Any) -> None:
    forum = Forum(Path(data_dir), config)
    start.wait()
    out.put(reply_once(forum, root, n))
    forum.close()


def in_processes(data_dir: Path, config: Config, root: int, count: int) -> list[str]:
    spawn = multiprocessing.get_context("spawn")  # no SQLite state carried across a fork
    start, out = spawn.Barrier(count), spawn.Queue()
    workers = [
        spawn.Process(target=_process, args=(str(data_dir), config, root, n, start, out))
        for n in range(count)
    ]
    for w in workers:
        w.start()
    results = [out.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=30)
        assert w.exitcode == 0
    forum = Forum(data_dir, config)
    posts = len(forum.read_thread(forum.guest(), "garden", 1).posts) - 1
    forum.close()
    assert posts == results.count("posted")
    return results


def test_concurrent_replies_in_threads_pass_the_pacing_one_at_a_time(
    tmp_path: Path, empty_store: str
) -> None:
    config, root = board(tmp_path, empty_store, post_interval_s=10.0)
    results = in_threads(tmp_path, config, root, ATTEMPTS)
    assert results.count("posted") == 1, results


def test_concurrent_replies_in_threads_meet_the_first_day_limit_exactly(
    tmp_path: Path, empty_store: str
) -> None:
    config, root = board(tmp_path, empty_store, post_interval_s=0.0)
    results = in_threads(tmp_path, config, root, config.reply_first_day + 6)
    assert results.count("posted") == config.reply_first_day, results


def test_concurrent_replies_from_processes_pass_the_pacing_one_at_a_time(
    tmp_path: Path, empty_store: str
) -> None:
    config, root = board(tmp_path, empty_store, post_interval_s=10.0)
    results = in_processes(tmp_path, config, root, ATTEMPTS)
    assert results.count("posted") == 1, results


def test_concurrent_replies_from_processes_meet_the_first_day_limit_exactly(
    tmp_path: Path, empty_store: str
) -> None:
    config, root = board(tmp_path, empty_store, post_interval_s=0.0, reply_first_day=3)
    results = in_processes(tmp_path, config, root, ATTEMPTS)
    assert results.count("posted") == 3, results
