"""Writing: start a thread, reply to any post, edit one's own post."""

from __future__ import annotations

from bbs.actions.base import ForumBase
from bbs.actions.posted import Posted
from bbs.errors import Forbidden, NotFound
from bbs.live_events import Kind, NewReply, NewThread, PostChanged
from bbs.models import Person
from bbs.text import clean_field


class PostingActions(ForumBase):
    def start_thread(
        self, viewer: Person, slug: str, board: str, title: str, body: str
    ) -> tuple[int, int]:
        """Start a thread; returns (thread id, first post id) once committed."""
        self._require_post(viewer, slug)
        title = clean_field("title", title)
        body = clean_field("body", body, multiline=True)
        store = self.store(slug)
        board_row = store.board(board)
        if board_row is None:
            raise NotFound(f"There is no board {board!r} here.")
        now = self.clock()
        with self._paced(viewer, "thread", text=body, community=slug):
            thread_id, post_id = store.add_thread(
                board_row["id"], title, viewer.id, viewer.handle, body, now
            )
        self._posted(Posted(viewer, slug, board_row["id"], thread_id, post_id, body, now))
        return thread_id, post_id

    def reply(self, viewer: Person, slug: str, parent_id: int, body: str) -> int:
        """Reply to any post of a thread; returns the new post's id once committed."""
        standing = self._require_post(viewer, slug)
        body = clean_field("body", body, multiline=True)
        store = self.store(slug)
        parent = store.post(parent_id)
        if parent is None:
            raise NotFound(f"There is no post {parent_id} in {slug}.")
        thread = store.thread(parent["thread_id"])
        if thread and thread["locked"] and not standing.moderates:
            raise Forbidden("This thread is locked: it takes no new replies.")
        now = self.clock()
        parent = store.nest_under(parent)  # past MAX_DEPTH, beside the post it answers
        with self._paced(viewer, "reply", text=body, community=slug):
            post_id = store.add_reply(parent["id"], viewer.id, viewer.handle, body, now)
        self._posted(
            Posted(
                viewer,
                slug,
                parent["board_id"],
                parent["thread_id"],
                post_id,
                body,
                now,
                parent_id=parent["id"],
                depth=parent["depth"] + 1,
            )
        )
        return post_id

    def edit_post(self, viewer: Person, slug: str, post_id: int, body: str) -> None:
        """Change one's own post; it is marked edited."""
        self._require_post(viewer, slug)
        body = clean_field("body", body, multiline=True)
        store = self.store(slug)
        post = store.post(post_id)
        if post is None:
            raise NotFound(f"There is no post {post_id} in {slug}.")
        if post["author_id"] != viewer.id:
            raise Forbidden("You can only edit your own posts.")
        with self._paced(viewer, "edit", community=slug):
            store.edit_post(post_id, body, self.clock())
        changed = PostChanged(post["board_id"], post["thread_id"], post_id)
        self._publish(Kind.POST_CHANGED, slug, viewer.handle, changed)

    def tell_readers(self, posted: Posted) -> None:
        """Everyone looking at the place shows the post: a new reply travels whole in its
        event (`NewReply`), so no reader's screen asks the database for it."""
        author = posted.author.handle
        if posted.parent_id is None:
            thread = NewThread(posted.board_id, posted.thread_id, posted.post_id)
            self._publish(Kind.NEW_THREAD, posted.community, author, thread)
            return
        reply = NewReply(
            board_id=posted.board_id,
            thread_id=posted.thread_id,
            post_id=posted.post_id,
            parent_id=posted.parent_id,
            depth=posted.depth,
            created=posted.created,
            body=posted.body,
        )
        self._publish(Kind.NEW_REPLY, posted.community, author, reply)
