"""A long thread shows its first screen at once, opens at the first unread post, fills in."""

from __future__ import annotations

from bbs.forum import Forum
from screens.thread import FIRST_CHUNK, ThreadScreen
from screens.widgets.post_tree import PostTree
from tests.conftest import who
from tests.ui_helpers import app_for, until


async def test_long_thread_opens_at_first_unread_and_fills_in(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread_id, root = forum.start_thread(ada, "garden", "general", "Long", "the start")
    ids = [forum.reply(ada, "garden", root, f"reply number {n}") for n in range(FIRST_CHUNK * 2)]
    deep = ids[FIRST_CHUNK + 50]
    forum.mark_read_through(bob, "garden", thread_id, deep - 1)
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await until(
            pilot, lambda: len(app.screen.query_one(PostTree).nodes_by_post) == len(ids) + 1
        )
        tree = app.screen.query_one(PostTree)
        assert len(tree.nodes_by_post) == len(ids) + 1  # every post is in, in the end
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.id == deep  # opened at the first unread post
        labels = [str(node.label) for node in tree.nodes_by_post.values()]
        assert "reply number 0" in labels[1] and f"reply number {len(ids) - 1}" in labels[-1]
