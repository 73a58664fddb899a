"""Communities not in use release their files: an LRU of open stores, safe under threads."""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from bbs.forum import Forum
from bbs.store.community import CommunityStore
from bbs.store.db import OpenFiles
from tests.conftest import who

pytestmark = pytest.mark.backends("sqlite")  # the LRU of open SQLite files


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_founding_and_reading_many_communities_keeps_descriptors_bounded(
    forum: Forum,
) -> None:
    forum.open_files.capacity = 8
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.read_thread(bob, "garden", forum.start_thread(bob, "garden", "general", "T", "x")[0])
    before = open_descriptors()
    for n in range(60):  # the sysop founds without pacing
        slug = f"c{n:02d}"
        forum.found_community(ada, slug, f"Community {n}")
        forum.start_thread(ada, slug, "general", "Hello", f"post {n}")
    for c in forum.list_communities(bob):
        forum.boards(bob, c.slug)
        forum.threads(bob, c.slug, "general")
    grown = open_descriptors() - before
    # 3 descriptors (db, -wal, -shm) for each of at most 8 open files, and some slack
    assert grown <= 3 * 8 + 6, f"{grown} more descriptors for 61 communities"
    assert forum.open_files.open_count() <= 8
    assert len(forum.list_communities(bob)) == 61  # every one still reads


def test_a_reader_holding_a_store_while_it_is_closed_reads_on(tmp_path: Path) -> None:
    files = OpenFiles(1)
    stores = []
    for n in range(3):
        store = CommunityStore(tmp_path / f"s{n}.db")
        files.adopt(store)
        board = store.add_board("general", "General")
        store.add_thread(board, "T", 1, "ada", f"body {n}", at=1)
        stores.append(store)
    first = stores[0]
    assert first.boards(me=2)[0]["posts"] == 1
    stores[1].boards(me=2)  # opening another closes the first
    assert not first.is_open
    assert first.boards(me=2)[0]["posts"] == 1  # and the first opens again by itself
    assert files.open_count() == 1


def test_threads_sharing_few_open_files_never_meet_a_closed_one(forum: Forum) -> None:
    ada = who(forum, "ada")
    slugs = [f"t{n}" for n in range(6)]
    for slug in slugs:
        forum.found_community(ada, slug, slug.upper())
        forum.start_thread(ada, slug, "general", "Hello", "world")
    forum.open_files.capacity = 2
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def reader(offset: int) -> None:
        start.wait()
        try:
            for n in range(60):
                slug = slugs[(n + offset) % len(slugs)]
                store = forum.store(slug)  # held across several queries, as actions do
                store.boards(me=ada.id)
                forum.read_thread(ada, slug, 1)
                store.thread(1)
                if n % 10 == 0:
                    forum.reply(ada, slug, 1, f"reply {offset}-{n}")
        except BaseException as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert forum.open_files.open_count() <= 2 + 6  # passed over only while in use
    total = sum(len(forum.read_thread(ada, s, 1).posts) for s in slugs)
    assert total == 6 + 6 * 6


def test_a_closed_store_stays_closed(tmp_path: Path) -> None:
    store = CommunityStore(tmp_path / "c.db")
    store.close()
    try:
        store.boards(me=1)
    except sqlite3.ProgrammingError:
        pass
    else:
        raise AssertionError("a closed store opened again")


def test_the_sysop_sets_how_many_files_stay_open(tmp_path: Path) -> None:
    (tmp_path / "bbs.toml").write_text("[bbs]\nopen_communities_max = 5\n")
    from bbs.config import load_config

    config = load_config(tmp_path)
    assert config.open_communities_max == 5
    f = Forum(tmp_path, replace(config))
    assert f.open_files.capacity == 5
    f.close()
