"""Round trips to PostgreSQL: statements name their schema (no `SET search_path`)."""

from __future__ import annotations

import pytest

from bbs.store.pg import qualified

TABLES = frozenset({"posts", "threads", "boards", "people"})


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "SELECT * FROM posts p JOIN threads t ON t.id = p.thread_id",
            'SELECT * FROM "c_x".posts p JOIN "c_x".threads t ON t.id = p.thread_id',
        ),
        (  # columns named like tables stay columns
            "UPDATE boards SET posts = posts + 1, threads = b.threads WHERE id = ?",
            'UPDATE "c_x".boards SET posts = posts + 1, threads = b.threads WHERE id = ?',
        ),
        (  # a WITH's own names, and an INSERT's column list
            "WITH post AS (INSERT INTO posts(id) VALUES (1) RETURNING id) SELECT id FROM post",
            'WITH post AS (INSERT INTO "c_x".posts(id) VALUES (1) RETURNING id)'
            " SELECT id FROM post",
        ),
        (  # quoted text, names already qualified, functions, the catalog
            "SELECT 'FROM posts', extract(epoch FROM clock_timestamp())"
            ' FROM pg_tables, "posts" JOIN limits.posts ON true',
            "SELECT 'FROM posts', extract(epoch FROM clock_timestamp())"
            ' FROM pg_tables, "posts" JOIN limits.posts ON true',
        ),
        (
            "delete from Posts where id in (select id from people)",
            'delete from "c_x".Posts where id in (select id from "c_x".people)',
        ),
    ],
)
def test_a_statement_names_its_schemas_tables(text: str, want: str) -> None:
    assert qualified(text, "c_x", TABLES) == want


def test_a_schema_name_is_quoted_as_postgresql_reads_it() -> None:
    assert qualified("SELECT 1 FROM posts", 'c_a"b', TABLES) == 'SELECT 1 FROM "c_a""b".posts'
