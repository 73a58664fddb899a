"""Backups taken under write load restore to a consistent, complete forum."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bbs.config import load_config
from bbs.forum import Forum
from bbs.store.backup import backup, restore, verify
from tests.conftest import use_store, who


def _until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll `check` (another thread does the work) until it holds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the writer stopped writing"
        time.sleep(0.005)


def test_backup_under_write_load_restores_and_checks(
    forum: Forum, tmp_path: Path, empty_store: str
) -> None:
    bob = who(forum, "ada")  # the sysop: no rate limits in the way of the load
    _, root = forum.start_thread(bob, "garden", "general", "Load", "start")
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        while not stop.is_set():
            written.append(forum.reply(bob, "garden", root, f"reply {len(written)}"))

    writer = threading.Thread(target=write)
    writer.start()
    _until(lambda: len(written) >= 20)  # the load is on: replies are going in
    dest = tmp_path / "backup"
    acknowledged_before_start = list(written)
    copies = backup(forum.data_dir, dest)
    acknowledged_before_end = len(written)
    _until(lambda: len(written) > acknowledged_before_end + 5)  # and go on after it
    stop.set()
    writer.join()
    assert set(copies) == {"hub", "garden"}
    assert verify(dest) == "ok"  # each file's integrity_check, or pg_restore reading it all

    restored_dir = tmp_path / "restored"
    use_store(restored_dir, empty_store)  # a store of the same kind, holding nothing yet
    restore(dest, restored_dir)
    again = Forum(restored_dir, load_config(restored_dir))
    try:
        thread = again.read_thread(who(again, "ada"), "garden", 1)
        # Every reply acknowledged before the backup began is in it, and nothing
        # that was not written: the copy is one consistent snapshot.
        ids = [p.id for p in thread.posts[1:]]
        assert ids == sorted(ids) and set(acknowledged_before_start) <= set(ids)
        assert set(ids) <= set(written)
        assert len(ids) <= acknowledged_before_end + 1
        assert thread.thread.posts == len(thread.posts)
    finally:
        again.close()


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        restore(tmp_path, tmp_path / "x")
