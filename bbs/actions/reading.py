"""Reading: the directory, a community's boards, a board's threads, a thread, search, unread."""

from __future__ import annotations

from bbs.actions.base import ForumBase, Row
from bbs.errors import NotFound
from bbs.models import (
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
)
from bbs.text import clean_field

THREADS_PAGE = 50


def _thread_summary(slug: str, row: Row) -> ThreadSummary:
    return ThreadSummary(
        id=row["id"],
        community=slug,
        board=row.get("board_slug", ""),
        title=row["title"],
        author=row["author"],
        created=row["created"],
        last_post_at=row["last_post_at"],
        posts=row["post_count"],
        unread=int(row.get("unread") or 0),
        pinned=bool(row["pinned"]),
        locked=bool(row["locked"]),
        origin=row["origin"],
    )


class ReadingActions(ForumBase):
    def list_communities(self, viewer: Person) -> list[CommunitySummary]:
        """Every active community; new-post counts only where the viewer may read."""
        found = []
        for row in self.hub.communities():
            readable = self._may_read(viewer, row)
            role = self.member_role(viewer, row["slug"])
            new = self.store(row["slug"]).unread_count(viewer.id) if role else 0
            found.append(
                CommunitySummary(
                    slug=row["slug"],
                    name=row["name"],
                    description=row["description"],
                    visibility=Visibility(row["visibility"]),
                    members=row["members"],
                    new_posts=new,
                    my_role=role,
                    can_read=readable,
                )
            )
        return found

    def community(self, viewer: Person, slug: str) -> Community:
        """A community's page header. The rules are shown before joining (they are what one
        accepts); the welcome text only to those who may read the community."""
        row = self._community_row(slug)
        readable = self._may_read(viewer, row)
        return Community(
            slug=row["slug"],
            name=row["name"],
            description=row["description"],
            visibility=Visibility(row["visibility"]),
            rules=row["rules"],
            welcome=row["welcome"] if readable else "",
            members=row["members"],
            member_cap=row["member_cap"],
            my_role=self.member_role(viewer, slug),
            sisters=tuple(s for s in row["sisters"].split(",") if s),
        )

    def boards(self, viewer: Person, slug: str) -> list[BoardSummary]:
        """A community's boards with totals and the viewer's unread counts."""
        self._require_read(viewer, slug)
        member = self.member_role(viewer, slug) is not None  # as the directory counts new posts
        return [
            BoardSummary(
                id=row["id"],
                slug=row["slug"],
                name=row["name"],
                description=row["description"],
                threads=row["threads"],
                posts=row["posts"],
                unread=row["unread"] if member else 0,
                last_post_at=row["last_post_at"],
            )
            for row in self.store(slug).boards(viewer.id)
        ]

    def threads(
        self, viewer: Person, slug: str, board: str, page: int = 0, per_page: int = THREADS_PAGE
    ) -> list[ThreadSummary]:
        """One page of a board's threads, pinned first then newest activity first."""
        self._require_read(viewer, slug)
        store = self.store(slug)
        board_row = store.board(board)
        if board_row is None:
            raise NotFound(f"There is no board {board!r} here.")
        rows = store.threads(board_row["id"], viewer.id, limit=per_page, offset=page * per_page)
        blocked = self.blocked_handles(viewer)
        return [
            _thread_summary(slug, {**row, "board_slug": board})
            for row in rows
            if row["author"] not in blocked
        ]

    def read_thread(
        self, viewer: Person, slug: str, thread_id: int, after_post: int = 0
    ) -> ThreadView:
        """A thread in tree order; hidden posts show their reason, not their text.

        With `after_post`, only the posts written after that one (a screen that shows
        the thread already asks only for what is new: one row, not the whole thread).
        """
        self._require_read(viewer, slug)
        store = self.store(slug)
        row = store.thread(thread_id)
        if row is None:
            raise NotFound(f"There is no thread {thread_id} in {slug}.")
        moderator = self._is_moderator(viewer, slug)
        blocked = self.blocked_handles(viewer)
        posts = tuple(
            self._post_model(p, moderator, viewer, blocked)
            for p in store.posts(thread_id, viewer.id, after_post)
        )
        return ThreadView(thread=_thread_summary(slug, row), posts=posts, blocked=blocked)

    def _post_model(
        self, row: Row, moderator: bool, viewer: Person, blocked: frozenset[str]
    ) -> Post:
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
        if slug is not None:
            self._require_read(viewer, slug)
            return self.store(slug).unread_count(viewer.id)
        return sum(
            self.store(m["community"]).unread_count(viewer.id)
            for m in self.hub.memberships_of(viewer.id)
            if m["status"] == "active"
        )

    def new_since_last_visit(self, viewer: Person, limit: int = 500) -> list[NewPost]:
        """The new scan: posts by others in the viewer's communities since their last visit."""
        if viewer.is_guest:
            return []
        row = self.hub.person_by_id(viewer.id)
        since = row["previous_seen"] if row else 0.0
        blocked = self.blocked_handles(viewer)
        found: list[NewPost] = []
        for m in self.hub.memberships_of(viewer.id):
            if m["status"] != "active":
                continue
            for p in self.store(m["community"]).posts_since(since, viewer.id, limit):
                if p["author"] in blocked:
                    continue
                found.append(
                    NewPost(
                        community=m["community"],
                        thread_id=p["thread_id"],
                        post_id=p["id"],
                        title=p["title"],
                        author=p["author"],
                        created=p["created"],
                    )
                )
        return found[:limit]

    def search(self, viewer: Person, query: str, limit: int = 50) -> list[SearchHit]:
        """Full-text search over every community the viewer may read, best matches first."""
        text = clean_field("query", query)
        hits: list[tuple[float, SearchHit]] = []
        blocked = self.blocked_handles(viewer)
        for row in self.hub.communities():
            if not self._may_read(viewer, row):
                continue
            seen: set[int] = set()
            for r in self.store(row["slug"]).search(text, limit):
                if r["id"] in seen or r["author"] in blocked:
                    continue
                seen.add(r["id"])
                hit = SearchHit(
                    community=row["slug"],
                    community_name=row["name"],
                    thread_id=r["thread_id"],
                    post_id=r["id"],
                    title=r["title"],
                    author=r["author"],
                    snippet=r["snippet"],
                    created=r["created"],
                )
                hits.append((r["rank"], hit))
        hits.sort(key=lambda pair: pair[0])
        return [hit for _, hit in hits[:limit]]

    def can_moderate(self, viewer: Person, slug: str) -> bool:
        """Whether the viewer may moderate this community (its moderators, owner, the sysop)."""
        return self._is_moderator(viewer, slug)

    def community_version(self, viewer: Person, slug: str) -> str:
        """A token that changes whenever anything is committed to the community's database
        (a post, an edit, a hide, a read mark), by this process or another, for a reader
        that caches pages, such as the web reader. Comparable only within one process's
        forum (SQLite's `data_version` and `total_changes` count per connection). Costs a
        few microseconds."""
        self._require_read(viewer, slug)
        store = self.store(slug)
        return f"{store.value('PRAGMA data_version')}.{store.db.conn.total_changes}"
