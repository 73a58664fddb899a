"""Reading: the directory, a community's boards, a board's threads, a thread, search, unread."""

from __future__ import annotations

from functools import partial

from bbs.actions.base import ForumBase, Row, Standing
from bbs.errors import NotFound
from bbs.models import (
    MAX_ID,
    BoardSummary,
    Community,
    CommunitySummary,
    NewPost,
    Person,
    Post,
    SearchHit,
    ThreadSummary,
    ThreadView,
    Visibility,
    post_ref,
    thread_ref,
)
from bbs.shown import (
    BadRow,
    Listing,
    instant,
    maybe_instant,
    number,
    rows_to_models,
    text,
)
from bbs.store.community import MAX_DEPTH
from bbs.text import clean_field

THREADS_PAGE = 50


def _thread_summary(slug: str, row: Row) -> ThreadSummary:
    """A thread as lists show it; BadRow when what is stored cannot be shown."""
    return ThreadSummary(
        id=number(row["id"]),
        community=slug,
        board=text(row.get("board_slug", "")),
        title=text(row["title"]),
        author=text(row["author"]),
        created=instant(row["created"]),
        last_post_at=instant(row["last_post_at"]),
        posts=number(row["post_count"]),
        unread=int(row.get("unread") or 0),
        pinned=bool(row["pinned"]),
        locked=bool(row["locked"]),
        origin=text(row["origin"]),
    )


def _new_post(slug: str, p: Row) -> NewPost:
    return NewPost(
        community=slug,
        thread_id=number(p["thread_id"]),
        post_id=number(p["id"]),
        title=text(p["title"]),
        author=text(p["author"]),
        created=instant(p["created"]),
    )


def _hit(community: Row, r: Row) -> SearchHit:
    return SearchHit(
        community=text(community["slug"]),
        community_name=text(community["name"]),
        thread_id=number(r["thread_id"]),
        post_id=number(r["id"]),
        title=text(r["title"]),
        author=text(r["author"]),
        snippet=text(r["snippet"]),
        created=instant(r["created"]),
    )


def _row_id(row: Row) -> object:
    return row.get("id")


def _check_post(row: Row) -> None:
    """BadRow unless the query found the row showable (`CommunityStore.posts`)."""
    if not row["shows"]:
        raise BadRow(f"post fields {row['created']!r:.30} {row['depth']!r:.20}")


class ReadingActions(ForumBase):
    def list_communities(self, viewer: Person) -> Listing[CommunitySummary]:
        """Every active community; new-post counts only where the viewer may read (what its
        boards count, so nothing of the people the viewer blocked)."""
        blocked = self._blocked_ids(viewer)

        def summary(standing: Standing) -> CommunitySummary:
            row, role = standing.community, standing.role
            store = self.store(row["slug"])
            return CommunitySummary(
                slug=text(row["slug"]),
                name=text(row["name"]),
                description=text(row["description"]),
                visibility=Visibility(row["visibility"]),
                members=number(row["members"]),
                new_posts=store.unread_count(viewer.id, without=blocked) if role else 0,
                my_role=role,
                can_read=standing.may_read,
            )

        standings = self._standings(viewer, self.hub.communities())
        return rows_to_models(standings, summary, "community", lambda s: s.community["slug"])

    def community(self, viewer: Person, slug: str) -> Community:
        """A community's page header. The rules are shown before joining (they are what one
        accepts); the welcome text only to those who may read the community."""
        standing = self._standing(viewer, self._community_row(slug, members=True))
        row, readable = standing.community, standing.may_read
        return Community(
            slug=row["slug"],
            name=row["name"],
            description=row["description"],
            visibility=Visibility(row["visibility"]),
            rules=row["rules"],
            welcome=row["welcome"] if readable else "",
            members=row["members"],
            member_cap=row["member_cap"],
            my_role=standing.role,
            sisters=tuple(s for s in row["sisters"].split(",") if s),
        )

    def boards(self, viewer: Person, slug: str) -> Listing[BoardSummary]:
        """A community's boards with totals and the viewer's unread counts (what each
        board's thread list shows as unread)."""
        member = self._require_read(viewer, slug).role is not None  # as the directory counts
        blocked = self._blocked_ids(viewer) if member else set()

        def board(row: Row) -> BoardSummary:
            return BoardSummary(
                id=number(row["id"]),
                slug=text(row["slug"]),
                name=text(row["name"]),
                description=text(row["description"]),
                threads=number(row["threads"]),
                posts=number(row["posts"]),
                unread=row["unread"] if member else 0,
                last_post_at=maybe_instant(row["last_post_at"]),
            )

        return rows_to_models(
            self.store(slug).boards(viewer.id, without=blocked), board, f"board in {slug}", _row_id
        )

    def threads(
        self, viewer: Person, slug: str, board: str, page: int = 0, per_page: int = THREADS_PAGE
    ) -> Listing[ThreadSummary]:
        """One page of a board's threads, pinned first then newest activity first."""
        self._require_read(viewer, slug)
        store = self.store(slug)
        board_row = store.board(board)
        if board_row is None:
            raise NotFound(f"There is no board {board!r} here.")
        without, blocked = self._blocked(viewer)
        rows = store.threads(
            board_row["id"], viewer.id, limit=per_page, offset=page * per_page, without=without
        )
        return rows_to_models(
            (row for row in rows if row["author"] not in blocked),
            lambda row: _thread_summary(slug, {**row, "board_slug": board}),
            f"thread in {slug}",
            _row_id,
        )

    def read_thread(
        self, viewer: Person, slug: str, thread_id: int, after_post: int = 0
    ) -> ThreadView:
        """A thread in tree order; hidden posts show their reason, not their text.

        With `after_post`, only the posts written after that one (a screen that shows
        the thread already asks only for what is new: one row, not the whole thread).
        """
        standing = self._require_read(viewer, slug)
        store = self.store(slug)
        row = store.thread(thread_id) if 0 < thread_id <= MAX_ID else None
        if row is None:
            raise NotFound(f"There is no thread {thread_ref(slug, thread_id)}.")
        summary = rows_to_models(
            [row], lambda r: _thread_summary(slug, r), f"thread in {slug}", _row_id
        )
        if not summary:
            raise NotFound(
                f"{thread_ref(slug, thread_id)} is stored in a form that cannot be shown;"
                " the sysop's log says why."
            )
        moderator = standing.moderates
        blocked = self.blocked_handles(viewer)
        posts = rows_to_models(
            store.posts(thread_id, viewer.id, after_post),
            lambda p: self._post_model(p, moderator, viewer, blocked),
            f"post in {slug}",
            _row_id,
        )
        return ThreadView(summary[0], tuple(posts), blocked, posts.unshown)

    def _post_model(
        self, row: Row, moderator: bool, viewer: Person, blocked: frozenset[str]
    ) -> Post:
        _check_post(row)
        hidden = bool(row["hidden"])
        by_blocked = row["author"] in blocked
        body = row["body"]
        if (hidden and not moderator) or by_blocked:
            body = ""
        return Post(
            id=row["id"],
            thread_id=row["thread_id"],
            parent_id=row["parent_id"],
            depth=row["depth"],
            author=row["author"],
            body=body,
            created=row["created"],
            edited_at=row["edited_at"],
            hidden=hidden,
            hidden_reason=row["hidden_reason"],
            unread=bool(row["unread"]) and not viewer.is_guest and not by_blocked,
            blocked=by_blocked,
        )

    def mark_read(self, viewer: Person, slug: str, thread_id: int, post_id: int) -> None:
        """This one post has been read (others in the thread stay as they were)."""
        if viewer.is_guest:
            return
        self._require_read(viewer, slug)
        self.store(slug).mark_read(viewer.id, thread_id, post_id)

    def mark_read_soon(self, viewer: Person, slug: str, thread_id: int, post_id: int) -> None:
        """`mark_read`, batched with every session's marks and written a moment later
        (a screen calls this on each cursor move; it never waits on the database)."""
        if not viewer.is_guest:
            self.read_marks.add(viewer, slug, thread_id, post_id)

    def _write_read_marks(self, viewer: Person, slug: str, threads: dict[int, set[int]]) -> None:
        self._require_read(viewer, slug)
        self.store(slug).mark_read_many(viewer.id, threads)

    def mark_read_through(
        self, viewer: Person, slug: str, thread_id: int, up_to_post_id: int
    ) -> None:
        """Everything in the thread up to this post id counts as read."""
        if viewer.is_guest:
            return
        self._require_read(viewer, slug)
        self.store(slug).mark_read_through(viewer.id, thread_id, up_to_post_id)

    def mark_all_read(self, viewer: Person, slug: str) -> None:
        if viewer.is_guest:
            return
        self._require_read(viewer, slug)
        self.store(slug).mark_all_read(viewer.id)

    def unread_count(self, viewer: Person, slug: str | None = None) -> int:
        """Unread posts in one community, or in all the viewer's communities."""
        if viewer.is_guest:
            return 0
        blocked = self._blocked_ids(viewer)
        if slug is not None:
            self._require_read(viewer, slug)
            return self.store(slug).unread_count(viewer.id, without=blocked)
        return sum(
            self.store(m["community"]).unread_count(viewer.id, without=blocked)
            for m in self.hub.memberships_of(viewer.id)
            if m["status"] == "active"
        )

    def new_since_last_visit(self, viewer: Person, limit: int = 500) -> Listing[NewPost]:
        """The new scan: posts by others in the viewer's communities since their last visit."""
        found: Listing[NewPost] = Listing()
        if viewer.is_guest:
            return found
        row = self.hub.person_by_id(viewer.id)
        since = row["previous_seen"] if row else 0.0
        blocked = self.blocked_handles(viewer)
        for m in self.hub.memberships_of(viewer.id):
            if m["status"] != "active":
                continue
            slug = m["community"]
            rows = self.store(slug).posts_since(since, viewer.id, limit)
            some = rows_to_models(
                (p for p in rows if p["author"] not in blocked),
                partial(_new_post, slug),
                f"post in {slug}",
                _row_id,
            )
            found.extend(some)
            found.unshown += some.unshown
        del found[limit:]
        return found

    def search(self, viewer: Person, query: str, limit: int = 50) -> Listing[SearchHit]:
        """Full-text search over every community the viewer may read, best matches first."""
        query = clean_field("query", query)
        hits: list[tuple[float, SearchHit]] = []
        unshown = 0
        blocked = self.blocked_handles(viewer)
        for standing in self._standings(viewer, self.hub.communities()):
            if not standing.may_read:
                continue
            row = standing.community
            seen: set[int] = set()
            for r in self.store(row["slug"]).search(query, limit):
                if r["id"] in seen or r["author"] in blocked:
                    continue
                seen.add(r["id"])
                found = rows_to_models([r], partial(_hit, row), "search hit", _row_id)
                hits += [(r["rank"], hit) for hit in found]
                unshown += found.unshown
        hits.sort(key=lambda pair: pair[0])
        best: Listing[SearchHit] = Listing(hit for _, hit in hits[:limit])
        best.unshown = unshown
        return best

    def thread_first_post(self, viewer: Person, slug: str, thread_id: int) -> int | None:
        """The id of a thread's first post, or None when there is no such thread."""
        self._require_read(viewer, slug)
        return self.store(slug).first_post_id(thread_id) if 0 < thread_id <= MAX_ID else None

    def thread_of_post(self, viewer: Person, slug: str, post_id: int) -> int | None:
        """The thread a post is in, or None when there is no such post."""
        self._require_read(viewer, slug)
        row = self.store(slug).post(post_id) if 0 < post_id <= MAX_ID else None
        return int(row["thread_id"]) if row else None

    def reply_note(self, viewer: Person, slug: str, post_id: int) -> str:
        """What to tell someone about to answer this post when their reply cannot nest
        under it (the thread is MAX_DEPTH deep there); '' when it can."""
        self._require_read(viewer, slug)
        store = self.store(slug)
        row = store.post(post_id) if 0 < post_id <= MAX_ID else None
        if row is None or (under := store.nest_under(row))["id"] == row["id"]:
            return ""
        return (
            f"Replies nest {MAX_DEPTH} deep at most: yours goes beside the post you answer,"
            f" under {post_ref(slug, under['id'])} by {under['author']}."
        )

    def can_moderate(self, viewer: Person, slug: str) -> bool:
        """Whether the viewer may moderate this community (its moderators, owner, the sysop)."""
        return self._is_moderator(viewer, slug)

    def community_version(self, viewer: Person, slug: str) -> str:
        """A token that changes whenever anything is committed to the community's database
        (a post, an edit, a hide, a read mark), by this process or another, for a reader
        that caches pages, such as the web reader. Comparable only within one process's
        forum (`CommunityStore.version`). Costs a few microseconds."""
        self._require_read(viewer, slug)
        return self.store(slug).version()
