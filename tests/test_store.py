"""The stores: pragmas, numbered migrations that upgrade old files, the post tree's paths."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from bbs.store.community import CommunityStore
from bbs.store.hub import HubStore
from bbs.store.schema import community_migrations


def test_pragmas_wal_foreign_keys_busy_timeout(tmp_path: Path) -> None:
    store = HubStore(tmp_path / "hub.db")
    assert store.value("PRAGMA journal_mode") == "wal"
    assert store.value("PRAGMA foreign_keys") == 1
    assert store.value("PRAGMA busy_timeout") >= 5000
    assert store.value("PRAGMA synchronous") == 2  # FULL: a committed post survives power loss
    store.close()


def test_an_old_community_file_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    community_migrations.apply(old, stop_before="0002_board_totals")
    old.execute("INSERT INTO boards(id, slug, name) VALUES (1, 'general', 'General')")
    old.execute(
        "INSERT INTO threads(id, board_id, title, author_id, author, created, last_post_at,"
        " post_count) VALUES (1, 1, 'Old', 1, 'ada', 10, 20, 2)"
    )
    old.conn.close()
    store = CommunityStore(path)
    applied = [m.name for m in community_migrations.applied(store.db)]
    assert applied[:3] == ["0001_initial", "0002_board_totals", "0003_read_posts"]
    assert "0004_event_cancel" in applied
    board = store.boards(me=99)[0]
    assert (board["threads"], board["posts"], board["last_post_at"]) == (1, 2, 20)
    store.close()
    again = CommunityStore(path)  # opening again applies nothing twice
    assert len(community_migrations.applied(again.db)) == len(applied)
    again.close()


def test_paths_order_a_tree_depth_first(tmp_path: Path) -> None:
    store = CommunityStore(tmp_path / "c.db")
    board = store.add_board("general", "General")
    thread, root = store.add_thread(board, "T", 1, "ada", "root", at=1)
    a = store.add_reply(root, 1, "ada", "a", at=2)
    b = store.add_reply(root, 1, "ada", "b", at=3)
    a1 = store.add_reply(a, 1, "ada", "a1", at=4)
    assert [p["id"] for p in store.posts(thread, me=2)] == [root, a, a1, b]
    assert store.boards(me=2)[0]["posts"] == 4 and store.boards(me=2)[0]["unread"] == 4
    store.close()


def test_moving_a_thread_moves_its_totals(tmp_path: Path) -> None:
    store = CommunityStore(tmp_path / "c.db")
    general, other = store.add_board("general", "General"), store.add_board("other", "Other")
    thread, root = store.add_thread(general, "T", 1, "ada", "root", at=1)
    store.add_reply(root, 1, "ada", "r", at=2)
    store.set_thread(thread, board_id=other)
    totals = {b["slug"]: (b["threads"], b["posts"]) for b in store.boards(me=2)}
    assert totals == {"general": (0, 0), "other": (1, 2)}
    store.close()
