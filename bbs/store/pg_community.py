"""A community on PostgreSQL: its `c_<slug>` schema, the shared queries, and what differs:
full-text search (a `tsvector` beside each text, GIN-indexed, tokens made as FTS5 makes
them: `bbs.store.search`), a post written in one statement, the change counter."""

from __future__ import annotations

from bbs.store.community import CommunityQueries, Row
from bbs.store.pg import PgDatabase, PgStore, community_schema, quoted
from bbs.store.pg_schema import COMMUNITY_MIGRATIONS, migrate
from bbs.store.search import tsquery, tsvector

_SEARCH = (
    "SELECT hit.id, hit.thread_id, hit.title, hit.author, hit.created, CASE WHEN hit.by_title"
    " THEN substr(p.body, 1, 80) ELSE ts_headline('simple', p.body, CAST(:q AS tsquery),"
    ' \'StartSel="", StopSel="", MinWords=5, MaxWords=10, ShortWord=1\') END AS snippet,'
    " hit.rank"
    " FROM (SELECT p.id, p.thread_id, t.title, p.author, p.created, false AS by_title,"
    "   -ts_rank(p.search, q.q) AS rank"
    "   FROM (SELECT CAST(:q AS tsquery) AS q) q"
    "   JOIN posts p ON p.search @@ q.q JOIN threads t ON t.id = p.thread_id"
    "   WHERE p.hidden = 0"
    "   UNION ALL "
    "   SELECT p.id, t.id, t.title, p.author, p.created, true, -ts_rank(t.search, q.q) - 100"
    "   FROM (SELECT CAST(:q AS tsquery) AS q) q"
    "   JOIN threads t ON t.search @@ q.q"
    "   JOIN posts p ON p.thread_id = t.id AND p.parent_id IS NULL"
    "   WHERE p.hidden = 0"
    "   ORDER BY rank LIMIT :limit) hit"
    " JOIN posts p ON p.id = hit.id"
    " ORDER BY hit.rank"
)
"""The hits are chosen first and only the chosen few get a snippet (ts_headline reads
the whole body: made for every match, it costs more than the search)."""

_INSERT_POST = (
    "WITH new AS (SELECT nextval(pg_get_serial_sequence(CAST(:posts AS text), 'id')) AS id),"
    " post AS (INSERT INTO posts(id, thread_id, board_id, parent_id, path, depth, author_id,"
    "   author, body, created, search)"
    "   SELECT id, :thread, :board, CAST(:parent AS bigint),"
    "     CAST(:prefix AS text) || lpad(CAST(id AS text), 10, '0'), :depth, :author_id,"
    "     CAST(:author AS text), CAST(:body AS text), :at, CAST(:search AS tsvector)"
    "   FROM new RETURNING id),"
    " thread AS (UPDATE threads SET post_count = post_count + 1,"
    "   last_post_at = GREATEST(last_post_at, :at) WHERE id = :thread),"
    " board AS (UPDATE boards SET post_count = post_count + 1,"
    "   thread_count = thread_count + :first,"
    "   last_post_at = GREATEST(coalesce(last_post_at, 0), :at) WHERE id = :board)"
    " SELECT id FROM post"
)


class PgCommunityStore(CommunityQueries, PgStore):
    """One community's tables in its own schema (`c_<slug>`): ids count per community."""

    post_shows = (
        "p.created BETWEEN 0 AND :latest AND coalesce(p.edited_at, 0) BETWEEN 0 AND :latest"
        " AND p.depth >= 0"
    )
    """Typed columns hold only numbers and text: the range checks are what is left."""

    def __init__(self, database: PgDatabase, slug: str) -> None:
        PgStore.__init__(self, database, community_schema(slug))
        self.slug = slug
        self._posts = quoted(self.schema) + ".posts"  # the table whose ids a post takes
        migrate(database, self.schema, COMMUNITY_MIGRATIONS)

    def _insert_thread(
        self, board_id: int, title: str, author_id: int, author: str, at: float, origin: str
    ) -> int:
        return self.insert(
            "INSERT INTO threads(board_id, title, author_id, author, created, last_post_at,"
            " post_count, origin, search) VALUES (?, ?, ?, ?, ?, ?, 0, ?, CAST(? AS tsvector))",
            (board_id, title, author_id, author, at, at, origin, tsvector(title)),
        )

    def _insert_post(
        self,
        thread_id: int,
        board_id: int,
        parent: Row | None,
        author_id: int,
        author: str,
        body: str,
        at: float,
    ) -> int:
        """The post, its path, its thread's and board's totals: one statement."""
        found = self.row(
            _INSERT_POST,
            {
                "posts": self._posts,
                "thread": thread_id,
                "board": board_id,
                "parent": parent["id"] if parent else None,
                "prefix": parent["path"] + "." if parent else "",
                "depth": parent["depth"] + 1 if parent else 0,
                "author_id": author_id,
                "author": author,
                "body": body,
                "at": at,
                "search": tsvector(body),
                "first": int(parent is None),
            },
        )
        assert found is not None
        return int(found["id"])

    def edit_post(self, post_id: int, body: str, at: float) -> None:
        with self.write():
            self.execute(
                "UPDATE posts SET body = ?, edited_at = ?, search = CAST(? AS tsvector)"
                " WHERE id = ?",
                (body, at, tsvector(body), post_id),
            )

    def version(self) -> str:
        """The community's change counter: every commit that changed it moved it once."""
        return str(self.value("SELECT n FROM changes"))

    def search(self, text: str, limit: int = 50) -> list[Row]:
        """Posts whose body, or whose thread's title, holds every word of `text`; best first
        (the same words find the same posts as SQLite's FTS5: `bbs.store.search`)."""
        query = tsquery(text)
        if not query:
            return []
        return self.rows(_SEARCH, {"q": query, "limit": limit})
