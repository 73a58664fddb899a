"""The stores: pragmas, numbered migrations that upgrade old databases (SQLite files and
PostgreSQL schemas, numbered alike), the post tree's paths, kept totals; on both backends."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from bbs.store.community import CommunityStore
from bbs.store.hub import HubStore
from bbs.store.interface import CommunityBackend
from bbs.store.schema import community_migrations, hub_migrations


@pytest.fixture
def store(backend: str, tmp_path: Path, empty_store: str) -> Iterator[CommunityBackend]:
    """One community's store, empty, on the test's backend."""
    if backend == "sqlite":
        found: CommunityBackend = CommunityStore(tmp_path / "c.db")
        yield found
        found.close()
        return
    from bbs.store.pg import PgDatabase
    from bbs.store.pg_community import PgCommunityStore

    database = PgDatabase(empty_store)
    yield PgCommunityStore(database, "c")
    database.close()


@pytest.mark.backends("sqlite")
def test_pragmas_wal_foreign_keys_busy_timeout(tmp_path: Path) -> None:
    store = HubStore(tmp_path / "hub.db")
    assert store.value("PRAGMA journal_mode") == "wal"
    assert store.value("PRAGMA foreign_keys") == 1
    assert store.value("PRAGMA busy_timeout") >= 5000
    assert store.value("PRAGMA synchronous") == 2  # FULL: a committed post survives power loss
    store.close()


def test_both_backends_number_their_migrations_alike() -> None:
    from bbs.store.pg_schema import COMMUNITY_MIGRATIONS, HUB_MIGRATIONS

    assert [name for name, _ in HUB_MIGRATIONS] == [m.name for m in hub_migrations._migrations]
    assert [name for name, _ in COMMUNITY_MIGRATIONS] == [
        m.name for m in community_migrations._migrations
    ]


@pytest.mark.backends("sqlite")
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


@pytest.mark.backends("postgresql")
def test_an_old_community_schema_is_upgraded_on_open(empty_store: str) -> None:
    from bbs.store.pg import PgDatabase, PgStore
    from bbs.store.pg_community import PgCommunityStore
    from bbs.store.pg_schema import COMMUNITY_MIGRATIONS, applied, migrate

    database = PgDatabase(empty_store)
    try:
        migrate(database, "c_old", COMMUNITY_MIGRATIONS, stop_before="0002_board_totals")
        assert applied(database, "c_old") == ["0001_initial"]
        raw = PgStore(database, "c_old")
        with raw.write():
            raw.execute("INSERT INTO boards(id, slug, name) VALUES (1, 'general', 'General')")
            raw.execute(
                "INSERT INTO threads(id, board_id, title, author_id, author, created,"
                " last_post_at, post_count) VALUES (1, 1, 'Old', 1, 'ada', 10, 20, 2)"
            )
        store = PgCommunityStore(database, "old")
        names = [name for name, _ in COMMUNITY_MIGRATIONS]
        assert applied(database, "c_old") == names
        board = store.boards(me=99)[0]
        assert (board["threads"], board["posts"], board["last_post_at"]) == (1, 2, 20)
        PgCommunityStore(database, "old")  # opening again applies nothing twice
        assert applied(database, "c_old") == names
    finally:
        database.close()


@pytest.mark.backends("postgresql")
def test_an_old_hub_schema_is_upgraded_on_open(empty_store: str) -> None:
    from bbs.store.pg import HUB_SCHEMA, PgDatabase
    from bbs.store.pg_hub import PgHubStore
    from bbs.store.pg_schema import HUB_MIGRATIONS, applied, migrate

    database = PgDatabase(empty_store)
    try:
        migrate(database, HUB_SCHEMA, HUB_MIGRATIONS, stop_before="0002_belonging_and_safety")
        hub = PgHubStore(database)
        assert applied(database, HUB_SCHEMA) == [name for name, _ in HUB_MIGRATIONS]
        person = hub.add_person("ada", "Ada")
        hub.update_person(person, plain_mode=1)  # 0005's column
        assert hub.prefers_plain(person) and hub.block_count(person) == 0  # 0002's table
    finally:
        database.close()


def test_paths_order_a_tree_depth_first(store: CommunityBackend) -> None:
    board = store.add_board("general", "General")
    thread, root = store.add_thread(board, "T", 1, "ada", "root", at=1)
    a = store.add_reply(root, 1, "ada", "a", at=2)
    b = store.add_reply(root, 1, "ada", "b", at=3)
    a1 = store.add_reply(a, 1, "ada", "a1", at=4)
    assert [p["id"] for p in store.posts(thread, me=2)] == [root, a, a1, b]
    assert store.boards(me=2)[0]["posts"] == 4 and store.boards(me=2)[0]["unread"] == 4


def test_moving_a_thread_moves_its_totals(store: CommunityBackend) -> None:
    general, other = store.add_board("general", "General"), store.add_board("other", "Other")
    thread, root = store.add_thread(general, "T", 1, "ada", "root", at=1)
    store.add_reply(root, 1, "ada", "r", at=2)
    store.set_thread(thread, board_id=other)
    totals = {b["slug"]: (b["threads"], b["posts"]) for b in store.boards(me=2)}
    assert totals == {"general": (0, 0), "other": (1, 2)}


def test_a_commit_changes_the_version_and_a_read_does_not(store: CommunityBackend) -> None:
    board = store.add_board("general", "General")
    before = store.version()
    assert store.version() == before
    _, root = store.add_thread(board, "T", 1, "ada", "root", at=1)
    after_post = store.version()
    assert after_post != before
    store.posts(1, me=2)
    assert store.version() == after_post
    store.mark_read(2, 1, root)
    assert store.version() != after_post  # read marks are commits too
