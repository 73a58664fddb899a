"""A community: its boards, threads, posts (a tree), read marks, events, log.

`CommunityQueries` is a community's SQL, written once for both backends;
`CommunityStore` runs it on SQLite's `communities/<slug>.db`,
`bbs.store.pg_community.PgCommunityStore` on PostgreSQL's `c_<slug>` schema.

Posts carry a materialised `path` (the ids from the root down, fixed width) so a
whole thread loads in display order with one indexed query. A post is unread
for a person when its id is past both their read horizon for the community
and their read mark for its thread, and someone else wrote it.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from bbs.shown import LATEST
from bbs.store.chat import ChatStore
from bbs.store.db import Store
from bbs.store.interface import ChatRoomBackend, PollsBackend
from bbs.store.polls import PollStore
from bbs.store.schema import community_migrations, migrate
from bbs.store.search import fts_query
from bbs.store.sql import SqlBase

Row = dict[str, Any]

_NOT_READ_ONE_BY_ONE = (
    "NOT EXISTS (SELECT 1 FROM read_posts rp WHERE rp.person_id = :me"
    " AND rp.thread_id = p.thread_id AND rp.post_id = p.id)"
)
_UNREAD = (
    "p.id > GREATEST(coalesce(h.horizon_id, 0), coalesce(r.last_read_id, 0))"
    f" AND p.author_id != :me AND p.hidden = 0 AND {_NOT_READ_ONE_BY_ONE}"
)


_POST_COLUMNS = (
    "p.id, p.thread_id, p.parent_id, p.depth, p.author, p.body, p.created, p.edited_at,"
    " p.hidden, p.hidden_reason"
)
"""What a screen shows of a post: not its path (ten characters a level, ~1 KB a post in a
thread 200 deep, made into a string for every post of every load) nor ids it does not need."""
_POST_SHOWS = (
    "p.created BETWEEN 0 AND :latest AND coalesce(p.edited_at, 0) BETWEEN 0 AND :latest"
    " AND typeof(p.depth) = 'integer' AND p.depth >= 0"
    " AND typeof(p.body) = 'text' AND typeof(p.author) = 'text'"
)
"""What a post row must hold to be shown, checked by the query (in C: 5,000 rows a load).
Text and BLOBs sort after every number in SQLite, so BETWEEN also refuses a time that is
not a number."""

UNREAD_CAP = 1000
"""Unread counts stop here: a screen shows '999+' rather than count a huge backlog."""

MAX_DEPTH = 16
"""Replies nest this deep at most (the first post is depth 0). A reply to a post at the
limit goes beside it, under the same parent: paths, and so storage, stay linear in the
depth of a conversation (a chain of 3,000 replies, each 10 more characters of path
than the last, made a 124 MB file), and a tree in 80 columns keeps room for words."""


def _ids(people: Collection[int]) -> str:
    """Person ids inlined as integers (never text), sorted: one statement per list, which
    SQLite's statement cache keeps."""
    return ",".join(str(int(person)) for person in sorted(people))


def _not_by(authors: Collection[int]) -> str:
    """SQL that leaves out posts by `authors` (people the reader blocked)."""
    return f" AND p.author_id NOT IN ({_ids(authors)})" if authors else ""


def _not_in_threads_by(authors: Collection[int]) -> str:
    """SQL that leaves out posts in threads `authors` started (a board does not list them):
    one primary-key lookup per post counted, and none at all when no one is blocked."""
    if not authors:
        return ""
    return (
        " AND NOT EXISTS (SELECT 1 FROM threads bt WHERE bt.id = p.thread_id"
        f" AND bt.author_id IN ({_ids(authors)}))"
    )


def path_segment(post_id: int) -> str:
    """Fixed-width so that text order of paths is tree order."""
    return f"{post_id:010d}"


RECOUNT_BOARDS = (
    "UPDATE boards SET"
    " thread_count = (SELECT count(*) FROM threads t WHERE t.board_id = boards.id),"
    " post_count = (SELECT coalesce(sum(post_count), 0) FROM threads t"
    "   WHERE t.board_id = boards.id),"
    " last_post_at = (SELECT max(last_post_at) FROM threads t WHERE t.board_id = boards.id)"
)
"""Every board's kept totals, again from its threads (after a move or a bulk load)."""


class CommunityQueries(SqlBase):
    """A community's queries, on either backend."""

    post_shows = _POST_SHOWS
    """SQL true when a post row holds what a screen can show (the backend's own checks)."""

    # boards ---------------------------------------------------------------
    def chat_room(self, keep: int) -> ChatRoomBackend:
        return ChatStore(self, keep)

    def polls(self) -> PollsBackend:
        return PollStore(self)

    def add_board(self, slug: str, name: str, description: str = "", position: int = 0) -> int:
        with self.write():
            return self.insert(
                "INSERT INTO boards(slug, name, description, position) VALUES (?, ?, ?, ?)",
                (slug, name, description, position),
            )

    def board(self, slug: str) -> Row | None:
        return self.row("SELECT * FROM boards WHERE slug = ?", (slug,))

    def boards(self, me: int, without: Collection[int] = ()) -> list[Row]:
        """Boards in order with their kept totals and the unread count for `me` (capped):
        what the board's thread list shows as unread, so nothing by `without` (the people
        `me` blocked), neither their replies nor the threads they started."""
        boards = self.rows("SELECT * FROM boards ORDER BY position, id")
        horizon = self._horizon(me)
        for board in boards:
            board["threads"] = board["thread_count"]
            board["posts"] = board["post_count"]
            board["unread"] = self._count_unread(
                me, horizon, "p.board_id = :scope", board["id"], without
            )
        return boards

    def _horizon(self, me: int) -> int:
        found = self.value("SELECT horizon_id FROM read_horizons WHERE person_id = ?", (me,))
        return int(found or 0)

    def _count_unread(
        self,
        me: int,
        horizon: int,
        scope: str,
        scope_id: int | None,
        without: Collection[int] = (),
    ) -> int:
        """Unread posts in a scope, counted no further than UNREAD_CAP (shown as 'N+'),
        none by `without` nor in threads they started."""
        skip = _not_by(without) + _not_in_threads_by(without)
        return int(
            self.value(
                "SELECT count(*) FROM (SELECT 1 FROM posts p"
                " LEFT JOIN read_marks r ON r.person_id = :me AND r.thread_id = p.thread_id"
                f" WHERE {scope} AND p.id > :horizon AND p.author_id != :me AND p.hidden = 0"
                f"   AND p.id > coalesce(r.last_read_id, 0) AND {_NOT_READ_ONE_BY_ONE}{skip}"
                " LIMIT :cap)",
                {"me": me, "horizon": horizon, "scope": scope_id, "cap": UNREAD_CAP},
            )
            or 0
        )

    # threads --------------------------------------------------------------
    def threads(
        self,
        board_id: int,
        me: int,
        limit: int = 50,
        offset: int = 0,
        without: Collection[int] = (),
    ) -> list[Row]:
        """One page of a board's threads: pinned first, then newest activity first; each
        one's unread count leaves out replies by `without` (as the thread view does)."""
        return self.rows(
            "SELECT t.*,"
            " (SELECT count(*) FROM posts p WHERE p.thread_id = t.id AND"
            f"  {_UNREAD}{_not_by(without)}) AS unread"
            " FROM threads t"
            " LEFT JOIN read_horizons h ON h.person_id = :me"
            " LEFT JOIN read_marks r ON r.person_id = :me AND r.thread_id = t.id"
            " WHERE t.board_id = :board ORDER BY t.pinned DESC, t.last_post_at DESC"
            " LIMIT :limit OFFSET :offset",
            {"me": me, "board": board_id, "limit": limit, "offset": offset},
        )

    def thread(self, thread_id: int) -> Row | None:
        return self.row(
            "SELECT t.*, b.slug AS board_slug FROM threads t JOIN boards b ON b.id = t.board_id"
            " WHERE t.id = ?",
            (thread_id,),
        )

    def posts(self, thread_id: int, me: int, after_id: int = 0) -> list[Row]:
        """The posts of a thread (those after post `after_id`) in tree order, unread flagged,
        and `shows` false for a row holding what no screen can show (see bbs.shown): the
        columns of `_POST_COLUMNS`."""
        return self.rows(
            f"SELECT {_POST_COLUMNS}, ({_UNREAD}) AS unread, ({self.post_shows}) AS shows"
            " FROM posts p"
            " LEFT JOIN read_horizons h ON h.person_id = :me"
            " LEFT JOIN read_marks r ON r.person_id = :me AND r.thread_id = p.thread_id"
            " WHERE p.thread_id = :thread AND p.id > :after ORDER BY p.path",
            {"me": me, "thread": thread_id, "after": after_id, "latest": LATEST},
        )

    def post(self, post_id: int) -> Row | None:
        return self.row("SELECT * FROM posts WHERE id = ?", (post_id,))

    def first_post(self, thread_id: int) -> Row | None:
        """A thread's first post (the one a cross-post quotes); None: no such thread."""
        return self.row(
            "SELECT * FROM posts WHERE thread_id = ? AND parent_id IS NULL ORDER BY id LIMIT 1",
            (thread_id,),
        )

    def first_post_id(self, thread_id: int) -> int | None:
        """The id of a thread's first post (None: no such thread)."""
        found = self.value(
            "SELECT id FROM posts WHERE thread_id = ? AND parent_id IS NULL ORDER BY id LIMIT 1",
            (thread_id,),
        )
        return int(found) if found is not None else None

    def add_thread(
        self,
        board_id: int,
        title: str,
        author_id: int,
        author: str,
        body: str,
        at: float | None = None,
        origin: str = "",
    ) -> tuple[int, int]:
        """Create a thread with its first post; return (thread id, post id)."""
        at = at or time.time()
        with self.write():
            thread_id = self._insert_thread(board_id, title, author_id, author, at, origin)
            post_id = self._insert_post(thread_id, board_id, None, author_id, author, body, at)
        return thread_id, post_id

    def _insert_thread(
        self, board_id: int, title: str, author_id: int, author: str, at: float, origin: str
    ) -> int:
        return self.insert(
            "INSERT INTO threads(board_id, title, author_id, author, created, last_post_at,"
            " post_count, origin) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
            (board_id, title, author_id, author, at, at, origin),
        )

    def nest_under(self, parent: Row) -> Row:
        """The post a reply to `parent` goes under: `parent`, or its ancestor one level
        above the depth limit (so the reply sits beside the post it answers)."""
        if parent["depth"] < MAX_DEPTH:
            return parent
        segments = str(parent["path"]).split(".")
        if len(segments) > MAX_DEPTH - 1 and segments[MAX_DEPTH - 1].isdigit():
            found = self.post(int(segments[MAX_DEPTH - 1]))
            if found is not None and found["depth"] == MAX_DEPTH - 1:
                return found
        found, seen = parent, set()  # a path left malformed: walk up the parents instead
        while found["depth"] >= MAX_DEPTH and found["id"] not in seen:
            seen.add(found["id"])
            up = self.post(found["parent_id"] or 0)
            if up is None:
                break
            found = up
        return found if found["depth"] < MAX_DEPTH else parent

    def add_reply(
        self, parent_id: int, author_id: int, author: str, body: str, at: float | None = None
    ) -> int:
        """Reply under `parent_id` (or beside it, past MAX_DEPTH); return the new post's id."""
        at = at or time.time()
        with self.write():
            parent = self.post(parent_id)
            if parent is None:
                raise LookupError(parent_id)
            parent = self.nest_under(parent)
            return self._insert_post(
                parent["thread_id"], parent["board_id"], parent, author_id, author, body, at
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
        post_id = self.insert(
            "INSERT INTO posts(thread_id, board_id, parent_id, depth, author_id, author, body,"
            " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                thread_id,
                board_id,
                parent["id"] if parent else None,
                parent["depth"] + 1 if parent else 0,
                author_id,
                author,
                body,
                at,
            ),
        )
        path = (parent["path"] + "." if parent else "") + path_segment(post_id)
        self.execute("UPDATE posts SET path = ? WHERE id = ?", (path, post_id))
        self._count_post(thread_id, board_id, parent is None, at)
        return post_id

    def _count_post(self, thread_id: int, board_id: int, first: bool, at: float) -> None:
        """A post's thread and board keep their totals, in the post's transaction."""
        self.execute(
            "UPDATE threads SET post_count = post_count + 1,"
            " last_post_at = GREATEST(last_post_at, ?) WHERE id = ?",
            (at, thread_id),
        )
        self.execute(
            "UPDATE boards SET post_count = post_count + 1, thread_count = thread_count + ?,"
            " last_post_at = GREATEST(coalesce(last_post_at, 0), ?) WHERE id = ?",
            (int(first), at, board_id),
        )

    def edit_post(self, post_id: int, body: str, at: float) -> None:
        with self.write():
            self.execute(
                "UPDATE posts SET body = ?, edited_at = ? WHERE id = ?", (body, at, post_id)
            )

    # reading --------------------------------------------------------------
    def mark_read(self, me: int, thread_id: int, post_id: int) -> None:
        """One post is read. Like a newsreader's ranges: the thread's mark covers every
        post up to the first unread one, and only posts read out of order past it are
        kept one by one (so reading a tree out of order never marks a branch read)."""
        self.mark_read_many(me, {thread_id: {post_id}})

    def mark_read_many(self, me: int, threads: dict[int, set[int]]) -> None:
        """Several posts read, in several threads: one transaction (see `mark_read`)."""
        with self.write():
            self.executemany(
                "INSERT INTO read_posts(person_id, thread_id, post_id) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [(me, thread, post) for thread, posts in threads.items() for post in posts],
            )
            for thread_id in threads:
                self._compact_mark(me, thread_id)

    def mark_read_through(self, me: int, thread_id: int, up_to: int) -> None:
        """Every post of the thread up to `up_to` is read (never moves the mark back)."""
        with self.write():
            self.execute(
                "INSERT INTO read_marks(person_id, thread_id, last_read_id) VALUES (?, ?, ?)"
                " ON CONFLICT(person_id, thread_id) DO UPDATE SET"
                " last_read_id = GREATEST(read_marks.last_read_id, excluded.last_read_id)",
                (me, thread_id, up_to),
            )
            self._compact_mark(me, thread_id)

    def _compact_mark(self, me: int, thread_id: int) -> None:
        params = {"me": me, "thread": thread_id}
        mark = self.value(
            "SELECT coalesce(max(last_read_id), 0) FROM read_marks"
            " WHERE person_id = :me AND thread_id = :thread",
            params,
        )
        first_unread = self.value(
            "SELECT min(p.id) FROM posts p WHERE p.thread_id = :thread AND p.id > :mark"
            f" AND p.author_id != :me AND p.hidden = 0 AND {_NOT_READ_ONE_BY_ONE}",
            {**params, "mark": mark},
        )
        if first_unread is None:
            first_unread = 1 + self.value(
                "SELECT coalesce(max(id), 0) FROM posts WHERE thread_id = ?", (thread_id,)
            )
        if first_unread - 1 > mark:
            self.execute(
                "INSERT INTO read_marks(person_id, thread_id, last_read_id) VALUES (?, ?, ?)"
                " ON CONFLICT(person_id, thread_id) DO UPDATE SET"
                " last_read_id = excluded.last_read_id",
                (me, thread_id, first_unread - 1),
            )
        self.execute(
            "DELETE FROM read_posts WHERE person_id = ? AND thread_id = ? AND post_id < ?",
            (me, thread_id, first_unread),
        )

    def mark_all_read(self, me: int) -> None:
        """Everything up to now counts as read for `me`."""
        with self.write():
            top = self.value("SELECT coalesce(max(id), 0) FROM posts")
            self.execute(
                "INSERT INTO read_horizons(person_id, horizon_id) VALUES (?, ?)"
                " ON CONFLICT(person_id) DO UPDATE SET horizon_id = excluded.horizon_id",
                (me, top),
            )

    def unread_count(self, me: int, without: Collection[int] = ()) -> int:
        """Unread posts in the whole community for `me` (capped at UNREAD_CAP): what its
        boards count, so none by `without` nor in the threads they started."""
        return self._count_unread(me, self._horizon(me), "TRUE", None, without)

    def posts_since(self, since: float, me: int, limit: int = 500) -> list[Row]:
        """Posts by others after `since`, thread by thread, in tree order (the new scan)."""
        return self.rows(
            "SELECT p.id, p.thread_id, p.author, p.created, t.title FROM posts p"
            " JOIN threads t ON t.id = p.thread_id"
            " WHERE p.created > :since AND p.author_id != :me AND p.hidden = 0"
            " ORDER BY t.last_post_at DESC, p.thread_id, p.path LIMIT :limit",
            {"since": since, "me": me, "limit": limit},
        )

    def count_since(self, since: float, me: int, without: Collection[int] = ()) -> int:
        """Posts by others after `since` (what `posts_since` lists), none by `without`."""
        skip = _not_by(without)
        return int(
            self.value(
                "SELECT count(*) FROM posts p WHERE p.created > ? AND p.author_id != ?"
                f" AND p.hidden = 0{skip}",
                (since, me),
            )
            or 0
        )

    # meetups ----------------------------------------------------------------
    def add_event(self, row: Row) -> int:
        with self.write():
            return self.insert(
                "INSERT INTO events(title, starts_at, tz, place, description, author_id, author,"
                " created) VALUES (:title, :starts_at, :tz, :place, :description, :author_id,"
                " :author, :created)",
                row,
            )

    def set_rsvp(self, event_id: int, person_id: int, handle: str, answer: str, at: float) -> None:
        with self.write():
            self.execute(
                "INSERT INTO rsvps(event_id, person_id, handle, answer, at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(event_id, person_id) DO UPDATE SET answer = excluded.answer,"
                " at = excluded.at",
                (event_id, person_id, handle, answer, at),
            )

    def events(self, since: float, me: int, limit: int = 20) -> list[Row]:
        """Events starting after `since`, soonest first, with RSVP counts and what `me`
        answered (`mine`, None: nothing); cancelled ones only for `me` if they said they
        would (or might) go."""
        return self.rows(
            "SELECT e.*,"
            " (SELECT count(*) FROM rsvps r WHERE r.event_id = e.id AND r.answer = 'going')"
            "   AS going,"
            " (SELECT count(*) FROM rsvps r WHERE r.event_id = e.id AND r.answer = 'maybe')"
            "   AS maybe,"
            " (SELECT r.answer FROM rsvps r WHERE r.event_id = e.id AND r.person_id = :me)"
            "   AS mine"
            " FROM events e WHERE e.starts_at >= :since AND (e.cancelled_at IS NULL OR EXISTS"
            "  (SELECT 1 FROM rsvps r WHERE r.event_id = e.id AND r.person_id = :me"
            "   AND r.answer != 'no'))"
            " ORDER BY e.starts_at LIMIT :limit",
            {"since": since, "me": me, "limit": limit},
        )

    def cancel_event(self, event_id: int, reason: str, at: float, log: Row) -> None:
        """Mark an event cancelled (its RSVPs stay) and log it, in one transaction."""
        with self.write():
            self.execute(
                "UPDATE events SET cancelled_at = ?, cancel_reason = ? WHERE id = ?",
                (at, reason, event_id),
            )
            self._log_in(log)

    def delete_event(self, event_id: int, log: Row) -> None:
        """Remove an event and its RSVPs, and log it, in one transaction."""
        with self.write():
            self.execute("DELETE FROM rsvps WHERE event_id = ?", (event_id,))
            self.execute("DELETE FROM events WHERE id = ?", (event_id,))
            self._log_in(log)

    def event(self, event_id: int) -> Row | None:
        return self.row("SELECT * FROM events WHERE id = ?", (event_id,))

    def rsvp_of(self, event_id: int, person_id: int) -> str | None:
        """What the person answered a meetup ('going', 'maybe', 'no'), or None."""
        found = self.value(
            "SELECT answer FROM rsvps WHERE event_id = ? AND person_id = ?", (event_id, person_id)
        )
        return str(found) if found is not None else None

    def upcoming_starts(self, author_id: int, since: float) -> list[float]:
        """When the person's meetups that are not cancelled start, from `since` on, soonest
        first (for the ceiling on one person's upcoming meetups)."""
        return [
            float(r["starts_at"])
            for r in self.rows(
                "SELECT starts_at FROM events WHERE author_id = ? AND starts_at >= ?"
                " AND cancelled_at IS NULL ORDER BY starts_at",
                (author_id, since),
            )
        ]

    def rsvps(self, event_id: int) -> list[Row]:
        return self.rows(
            "SELECT * FROM rsvps WHERE event_id = ? ORDER BY answer, handle", (event_id,)
        )

    # moderation -------------------------------------------------------------
    def set_thread(self, thread_id: int, **fields: Any) -> None:
        """Change a thread's pinned, locked or board_id (moving its posts along)."""
        sets = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.execute(f"UPDATE threads SET {sets} WHERE id = ?", (*fields.values(), thread_id))
            if "board_id" in fields:
                self.execute(
                    "UPDATE posts SET board_id = ? WHERE thread_id = ?",
                    (fields["board_id"], thread_id),
                )
                self.execute(RECOUNT_BOARDS)

    def set_hidden(self, post_id: int, hidden: bool, reason: str) -> None:
        with self.write():
            self.execute(
                "UPDATE posts SET hidden = ?, hidden_reason = ? WHERE id = ?",
                (int(hidden), reason if hidden else "", post_id),
            )

    def log(self, actor: str, action: str, target: str, reason: str, at: float) -> None:
        with self.write():
            self._log_in(
                {"at": at, "actor": actor, "action": action, "target": target, "reason": reason}
            )

    def _log_in(self, entry: Row) -> None:
        self.execute(
            "INSERT INTO mod_log(at, actor, action, target, reason)"
            " VALUES (:at, :actor, :action, :target, :reason)",
            entry,
        )

    def mod_log(self, limit: int = 100) -> list[Row]:
        return self.rows("SELECT * FROM mod_log ORDER BY id DESC LIMIT ?", (limit,))

    def add_flag(self, post_id: int, flagger_id: int, flagger: str, reason: str, at: float) -> int:
        with self.write():
            return self.insert(
                "INSERT INTO flags(post_id, flagger_id, flagger, reason, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (post_id, flagger_id, flagger, reason, at),
            )

    def open_flags(self) -> list[Row]:
        return self.rows(
            "SELECT f.*, p.thread_id, p.author, p.body, p.hidden FROM flags f"
            " JOIN posts p ON p.id = f.post_id WHERE f.resolved_at IS NULL ORDER BY f.id"
        )

    def flag(self, flag_id: int) -> Row | None:
        return self.row("SELECT * FROM flags WHERE id = ?", (flag_id,))

    def resolve_flag(self, flag_id: int, resolution: str, at: float) -> None:
        with self.write():
            self.execute(
                "UPDATE flags SET resolved_at = ?, resolution = ? WHERE id = ?",
                (at, resolution, flag_id),
            )

    def active_threads(self, since: float, limit: int = 20) -> list[Row]:
        return self.rows(
            "SELECT t.*, b.slug AS board_slug FROM threads t JOIN boards b ON b.id = t.board_id"
            " WHERE t.last_post_at > ? ORDER BY t.last_post_at DESC LIMIT ?",
            (since, limit),
        )

    def recount_boards(self) -> None:
        """Every board's totals again from its threads (after a bulk load)."""
        with self.write():
            self.execute(RECOUNT_BOARDS)


class CommunityStore(CommunityQueries, Store):
    """A community on SQLite: its file `communities/<slug>.db`, with FTS5 for search."""

    def __init__(self, path: Path) -> None:
        Store.__init__(self, path)
        with self.lock:
            migrate(self.db, community_migrations)

    def version(self) -> str:
        """A token that differs after anything is committed to this community (a post, an
        edit, a hide, a read mark), by this process or another: what a per-community change
        counter gives. Compare tokens from the same store object only (SQLite's
        `data_version` and the connection's change count, a few microseconds to read)."""
        with self.lock:
            db = self.db
            data_version = db.conn.execute("PRAGMA data_version").fetchone()[0]
            return f"{data_version}.{db.conn.total_changes}"

    def search(self, text: str, limit: int = 50) -> list[Row]:
        """Posts whose body, or whose thread's title, matches `text`; best first."""
        query = fts_query(text)
        if not query:
            return []
        return self.rows(
            "SELECT p.id, p.thread_id, t.title, p.author, p.created,"
            " snippet(posts_fts, 0, '', '', '…', 10) AS snippet, posts_fts.rank AS rank"
            " FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid"
            " JOIN threads t ON t.id = p.thread_id"
            " WHERE posts_fts MATCH :q AND p.hidden = 0"
            " UNION ALL "
            "SELECT p.id, t.id, t.title, p.author, p.created, substr(p.body, 1, 80),"
            " threads_fts.rank - 100"
            " FROM threads_fts JOIN threads t ON t.id = threads_fts.rowid"
            " JOIN posts p ON p.thread_id = t.id AND p.parent_id IS NULL"
            " WHERE threads_fts MATCH :q AND p.hidden = 0"
            " ORDER BY rank LIMIT :limit",
            {"q": query, "limit": limit},
        )
