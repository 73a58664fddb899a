"""The new scan: posts since the last visit, read in order with one key."""

from __future__ import annotations

from bbs.forum import Forum
from screens.newscan import NewScanScreen
from screens.thread import ThreadScreen
from tests.conftest import who
from tests.ui_helpers import app_for, idle, on, screen_text, shows, until


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
        await shows(pilot, "2 new posts since your last visit")
        await until(pilot, lambda: screen_text(app).count("● new") == 2)  # the rows too
        await pilot.press("space")
        await on(pilot, ThreadScreen, "Fleece the beans")
        assert isinstance(app.screen, ThreadScreen)
        assert "Fleece the beans" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: screen_text(app).count("read ") == 1)
        await pilot.press("space")
        await on(pilot, ThreadScreen, "And the dahlias")
        assert "And the dahlias" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: screen_text(app).count("read ") == 2)
        assert screen_text(app).count("read ") == 2
        await pilot.press("space")
        await idle(pilot)  # the key handled, nothing left to run: nothing more to read
        assert isinstance(app.screen, NewScanScreen)


async def test_nothing_new_says_so(forum: Forum) -> None:
    app = app_for(forum, forum.sign_in(who(forum, "ada")))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(NewScanScreen())
        await shows(pilot, "Nothing new since your last visit")
        assert "Nothing new since your last visit" in screen_text(app)
