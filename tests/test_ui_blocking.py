"""Blocking someone: their posts keep their place in the tree but their words are withheld."""

from __future__ import annotations

from bbs.forum import Forum
from screens.thread import ThreadScreen
from tests.conftest import who
from tests.ui_helpers import app_for, cursor_on, on, screen_text, tree_labels


async def test_posts_of_someone_blocked_are_withheld_in_the_tree(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread_id, root = forum.start_thread(ada, "garden", "general", "Slugs", "Beer traps?")
    reply = forum.reply(bob, "garden", root, "Copper tape works for me")
    forum.reply(ada, "garden", reply, "Thanks, trying it")
    forum.block(ada, "bob")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "[someone you blocked]")
        labels = tree_labels(app)
        assert len(labels) == 3 and "[someone you blocked]" in labels[1]
        assert "Copper tape" not in screen_text(app)
        await cursor_on(pilot, reply)
        text = screen_text(app)
        assert "You blocked this person" in text and "Copper tape" not in text
        assert "Thanks, trying it" in labels[2]
