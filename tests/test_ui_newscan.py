"""The new scan: posts since the last visit, read in order with one key."""

from __future__ import annotations

from bbs.forum import Forum
from screens.newscan import NewScanScreen
from screens.thread import ThreadScreen
from tests.conftest import who
from tests.ui_helpers import app_for, screen_text, settle


async def test_space_reads_new_posts_in_order(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.clock = lambda: 100.0
    forum.sign_in(ada)
    forum.clock = lambda: 200.0
    _, root = forum.start_thread(bob, "garden", "general", "Frost tonight", "Fleece the beans")
    forum.reply(bob, "garden", root, "And the dahlias")
    forum.clock = lambda: 300.0
    ada = forum.sign_in(ada)
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(NewScanScreen())
        await settle(pilot)
        text = screen_text(app)
        assert "2 new posts since your last visit" in text
        assert text.count("● new") == 2
        await pilot.press("space")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        assert "Fleece the beans" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert "And the dahlias" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert screen_text(app).count("read ") == 2
        await pilot.press("space")
        await settle(pilot)
        assert isinstance(app.screen, NewScanScreen)


async def test_nothing_new_says_so(forum: Forum) -> None:
    app = app_for(forum, forum.sign_in(who(forum, "ada")))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(NewScanScreen())
        await settle(pilot)
        assert "Nothing new since your last visit" in screen_text(app)
