"""Pilot tests: the whole path a person takes, from the directory to a reply found by search."""

from __future__ import annotations

from textual.widgets import OptionList

from bbs.forum import Forum
from screens.community import CommunityScreen
from screens.composer import ComposerScreen
from screens.directory import DirectoryScreen
from screens.search import SearchScreen
from screens.thread import ThreadScreen
from screens.welcome import WelcomeScreen
from screens.widgets.post_tree import PostTree
from tests.conftest import who
from tests.ui_helpers import app_for, on, screen_text, shows, table_column, tree_labels


async def test_directory_to_reply_to_search(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Tomatoes", "Mine are red")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        await on(pilot, WelcomeScreen, "Online now")
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("d")
        await on(pilot, DirectoryScreen, "Garden")
        assert isinstance(app.screen, DirectoryScreen)
        assert table_column(app, "#communities") == ["Garden"]
        await pilot.press("enter")
        await on(pilot, CommunityScreen, "Tomatoes")
        assert isinstance(app.screen, CommunityScreen)
        assert table_column(app, "#boards") == ["General", "Swaps"]
        assert table_column(app, "#threads") == ["Tomatoes"]
        assert app.session.where == "garden/general"
        await pilot.press("enter", "enter")
        await on(pilot, ThreadScreen, "Mine are red")
        assert isinstance(app.screen, ThreadScreen)
        assert "Mine are red" in screen_text(app)
        await pilot.press("r")
        await on(pilot, ComposerScreen)
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press(*"Plant zucchini deep")
        await pilot.press("ctrl+s")
        await on(pilot, ThreadScreen, "Plant zucchini deep")
        assert isinstance(app.screen, ThreadScreen)
        labels = tree_labels(app)
        assert len(labels) == 2 and "ada" in labels[1] and "Plant zucchini deep" in labels[1]
        reply_id = forum.read_thread(ada, "garden", thread_id).posts[1].id
        assert app.screen.query_one(PostTree).cursor_node.data.id == reply_id
        await pilot.press("escape", "escape", "escape")
        await on(pilot, WelcomeScreen)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("s")
        await on(pilot, SearchScreen)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"zucchini", "enter")
        await shows(pilot, "Tomatoes")
        results = app.screen.query_one(OptionList)
        assert results.option_count == 1
        assert "Tomatoes" in str(results.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await on(pilot, ThreadScreen, "Plant zucchini deep")
        assert isinstance(app.screen, ThreadScreen)
        assert app.screen.query_one(PostTree).cursor_node.data.id == reply_id
        assert "Plant zucchini deep" in screen_text(app)


async def test_new_thread_from_the_board(forum: Forum) -> None:
    app = app_for(forum, who(forum, "bob"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CommunityScreen("garden"))
        await on(pilot, CommunityScreen, "General")
        await pilot.press("t")
        await on(pilot, ComposerScreen)
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press(*"Seed swap", "tab", *"Bring seeds", "ctrl+s")
        await on(pilot, CommunityScreen, "Seed swap")
        assert isinstance(app.screen, CommunityScreen)
        assert table_column(app, "#threads") == ["Seed swap"]
        assert forum.threads(who(forum, "bob"), "garden", "general")[0].title == "Seed swap"


async def test_community_shows_welcome_and_unread(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    forum.hub.update_community("garden", welcome="Hello gardeners, say hi in General")
    forum.start_thread(bob, "garden", "general", "Beans", "Runner beans")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CommunityScreen("garden"))
        await shows(pilot, "Hello gardeners", "Beans")  # the community, then its board's threads
        text = screen_text(app)
        assert "Hello gardeners" in text
        assert table_column(app, "#threads", 3) == ["● 1"]


async def test_new_thread_from_another_session_appears_in_the_open_board(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    forum.start_thread(bob, "garden", "general", "Older", "first")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CommunityScreen("garden"))
        await shows(pilot, "Older")
        assert table_column(app, "#threads") == ["Older"]
        forum.start_thread(bob, "garden", "general", "Newer", "second")
        await shows(pilot, "Newer")
        assert table_column(app, "#threads") == ["Newer", "Older"]
        assert table_column(app, "#boards", 1) == ["2", "0"]
