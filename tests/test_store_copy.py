"""`bbs store copy`: a whole forum from SQLite to PostgreSQL and back, row counts and a
content checksum that match, and a forum that reads the same on the copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from bbs.bootstrap import open_forum
from bbs.cli import main
from bbs.config import Config, load_config
from bbs.forum import Forum
from bbs.models import Role
from bench.bigdata import add_thread_tree, make_forum
from tests.conftest import use_store, who

pytestmark = pytest.mark.backends("postgresql")


def copy(source: str, dest: str) -> str:
    done = CliRunner().invoke(main, ["store", "copy", source, dest])
    assert done.exit_code == 0, done.output
    assert "the copy matches its source" in done.output
    return done.output


def checksums(output: str) -> list[str]:
    return [line.rsplit("sha256 ", 1)[1] for line in output.splitlines() if "sha256" in line]


def what_a_reader_sees(forum: Forum, handle: str) -> dict[str, Any]:
    person = who(forum, handle)
    seen: dict[str, Any] = {}
    for community in forum.list_communities(person):
        for board in forum.boards(person, community.slug):
            threads = forum.threads(person, community.slug, board.slug)
            seen[f"{community.slug}/{board.slug}"] = (
                board.threads,
                board.posts,
                [(t.id, t.title, t.posts) for t in threads],
            )
    seen["?garden"] = sorted(
        (h.community, h.thread_id, h.post_id) for h in forum.search(person, "garden")
    )
    return seen


def test_the_demo_goes_to_postgresql_and_back_the_same(tmp_path: Path, empty_store: str) -> None:
    demo = tmp_path / "demo"
    seeded = open_forum(Config(data_dir=demo))  # the demo's communities, seeded
    seeded.register("ada", "Ada", role=Role.SYSOP)  # who reads every one of them
    seeded.close()
    first = copy(str(demo), empty_store)
    back = tmp_path / "back"
    second = copy(empty_store, str(back))
    assert len(set(checksums(first) + checksums(second))) == 1  # one content, three stores

    on_pg = tmp_path / "on-pg"
    use_store(on_pg, empty_store)
    views = []
    for data_dir in (demo, on_pg, back):
        forum = Forum(data_dir, load_config(data_dir))
        try:
            views.append(what_a_reader_sees(forum, "ada"))
            person = who(forum, "ada")
            slug = forum.list_communities(person)[0].slug
            board = forum.boards(person, slug)[0].slug
            forum.start_thread(person, slug, board, "After the move", "ids go on")
        finally:
            forum.close()
    assert views[0] == views[1] == views[2] and views[0]


def test_a_copy_refuses_a_destination_that_holds_a_forum(tmp_path: Path, empty_store: str) -> None:
    demo = tmp_path / "demo"
    open_forum(Config(data_dir=demo), empty=True).close()
    copy(str(demo), empty_store)
    again = CliRunner().invoke(main, ["store", "copy", str(demo), empty_store])
    assert again.exit_code == 1 and "already holds a forum" in again.output
    missing = CliRunner().invoke(main, ["store", "copy", str(tmp_path / "none"), empty_store])
    assert missing.exit_code == 1 and "hub.db is missing" in missing.output


def test_fifty_thousand_posts_go_and_come_back(tmp_path: Path, empty_store: str) -> None:
    big = tmp_path / "big"
    forum = make_forum(big)
    try:
        add_thread_tree(forum, "posts100k", 50_000, "Fifty thousand")
    finally:
        forum.close()
    first = copy(str(big), empty_store)
    back = tmp_path / "back"
    second = copy(empty_store, str(back))
    with psycopg.connect(empty_store) as conn:
        on_pg = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE search != '') FROM c_big.posts"
        )
        assert on_pg.fetchone() == (50_000, 50_000)  # each with its search vector
    assert len(set(checksums(first) + checksums(second))) == 1
    with sqlite3.connect(back / "communities" / "big.db") as conn:
        assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 50_000
        # the search index was rebuilt on the way back
        assert conn.execute("SELECT count(*) FROM posts_fts").fetchone()[0] == 50_000
