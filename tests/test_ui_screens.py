"""Pilot tests: welcome, who's online, help, themes, NO_COLOR, and every screen at 80x24."""

from __future__ import annotations

import time

import pytest
from textual.filter import Monochrome

from bbs.forum import Forum
from bbs.models import GUEST
from screens.app import BBSApp
from screens.community import CommunityScreen
from screens.composer import ComposerScreen
from screens.directory import DirectoryScreen
from screens.engine.no_colour import NoColour
from screens.help import HelpScreen
from screens.online import OnlineScreen
from screens.search import SearchScreen
from screens.thread import ThreadScreen
from screens.welcome import WelcomeScreen
from screens.widgets.bars import KeyBar
from screens.widgets.oneliner import OneLinerScreen
from tests.conftest import who
from tests.ui_helpers import app_for, idle, on, screen_text, shows, table_column, toast, until


async def test_welcome_shows_board_news_and_oneliners_live(forum: Forum, elsewhere: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    forum.set_bulletin(ada, "Seed swap on **Saturday**")
    forum.add_oneliner(ada, "first line")
    forum.start_thread(ada, "garden", "general", "Hello", "hi")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "Seed swap on Saturday", "ada: first line", "bob (welcome)")
        text = screen_text(app)
        assert forum.board_name() in text and "Seed swap on Saturday" in text
        assert "1 new posts since your last visit" in text and "0 unread mail" in text
        assert "ada: first line" in text and "bob (welcome)" in text
        elsewhere.add_oneliner(ada, "[red]second[/red] line")  # another session writes
        await shows(pilot, "[red]second[/red] line")
        text = screen_text(app)
        assert "[red]second[/red] line" in text
        assert text.index("second") < text.index("first line")  # newest first
        await pilot.press("o")
        await on(pilot, OneLinerScreen)
        assert isinstance(app.screen, OneLinerScreen)
        await pilot.press(*"bob was here", "enter")
        await on(pilot, WelcomeScreen, "bob: bob was here")
        assert isinstance(app.screen, WelcomeScreen)
        assert "bob: bob was here" in screen_text(app)
        await pilot.press("o", *"too soon", "enter")
        await shows(pilot, "try again in")
        assert isinstance(app.screen, OneLinerScreen)
        assert "try again in" in screen_text(app)


async def test_welcome_gathers_arrivals_into_one_redraw_of_who_is_online(forum: Forum) -> None:
    """Every sign-in anywhere is a presence event: the page redraws once a second at most."""
    from screens.welcome import PRESENCE_DELAY
    from screens.widgets.text_page import TextPage

    app = app_for(forum, who(forum, "ada"))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Online now (1)" in screen_text(app))
        page = app.screen.query_one(TextPage)
        shows: list[object] = []
        original = page.show
        page.show = lambda content: (shows.append(time.monotonic()), original(content))[1]  # type: ignore[method-assign]
        arrived = time.monotonic()
        for n in range(12):
            app.session.presence.arrive(f"s{n}", f"guest{n}", "welcome")
        await until(pilot, lambda: "Online now (13)" in screen_text(app))
        # one redraw for the twelve arrivals, and none in the first half of the delay
        assert len(shows) == 1 and shows[0] - arrived >= PRESENCE_DELAY / 2


async def test_who_is_online_follows_people_around(forum: Forum) -> None:
    ada = who(forum, "ada")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "Online now (1)")
        app.session.presence.arrive("other", "cy", "welcome")
        await pilot.press("w")
        await on(pilot, OnlineScreen, "cy", "who's online")
        assert isinstance(app.screen, OnlineScreen)
        assert table_column(app, "#online", 0) == ["ada", "cy"]
        assert table_column(app, "#online", 1) == ["who's online", "welcome"]
        app.session.presence.move("other", "garden/swaps")
        await shows(pilot, "garden/swaps")
        assert table_column(app, "#online", 1) == ["who's online", "garden/swaps"]
        app.session.presence.leave("other")
        await until(pilot, lambda: table_column(app, "#online", 0) == ["ada"])
        assert table_column(app, "#online", 0) == ["ada"]


async def test_a_theme_chosen_on_one_screen_colours_the_screens_under_it(forum: Forum) -> None:
    """Screens shown again are not restyled as they come back: a theme restyles them all."""
    from screens.widgets.row_table import RowTable

    forum.start_thread(who(forum, "ada"), "garden", "general", "Frost", "fleece")
    app = app_for(forum, who(forum, "ada"))
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "Online now")
        steps = [("d", DirectoryScreen, "Garden"), ("enter", CommunityScreen, "Frost")]
        steps += [("enter", CommunityScreen, "Frost"), ("enter", ThreadScreen, "fleece")]
        for key, shown, words in steps:  # directory, community, thread list, thread
            await pilot.press(key)
            await on(pilot, shown, words)
        before = app.screen_stack[-2].query_one("#threads", RowTable).rich_style.bgcolor
        while app.theme != "bbs-high-contrast":
            await pilot.press("ctrl+t")
        await pilot.press("escape")
        await on(pilot, CommunityScreen, "Frost")
        after = app.screen.query_one("#threads", RowTable).rich_style.bgcolor
        assert after is not None and after != before
        assert max(after.get_truecolor()) < 16  # the black surface (a 5% tint while focused)
        assert "Frost" in screen_text(app)


async def test_help_and_theme_cycle_to_high_contrast(forum: Forum) -> None:
    app = app_for(forum, who(forum, "ada"))
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "^t Theme", "f1 Help")
        assert "bbs-high-contrast" in app.available_themes
        assert "^t Theme" in screen_text(app) and "f1 Help" in screen_text(app)
        seen = []
        for _ in range(len(app.available_themes)):
            await pilot.press("ctrl+t")
            seen.append(app.theme)
            if app.theme == "bbs-high-contrast":
                break
        assert app.theme == "bbs-high-contrast", seen
        assert app.current_theme.background == "#000000"
        assert app.current_theme.foreground == "#ffffff"
        await pilot.press("f1")
        await on(pilot, HelpScreen, "next unread post")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "next unread post" in text and "Ctrl+T" in text and "Ctrl+S" in text
        await pilot.press("escape")
        assert isinstance(app.screen, WelcomeScreen)


async def test_no_color_gives_a_monochrome_app(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    ada = who(forum, "ada")
    thread_id, root = forum.start_thread(ada, "garden", "general", "Frost", "fleece **now**")
    forum.reply(who(forum, "bob"), "garden", root, "done")
    app = app_for(forum, ada)
    assert app.no_color
    filters = [type(f) for f in app.get_line_filters()]
    assert NoColour in filters and Monochrome not in filters  # no colour codes, not greys
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "new posts since your last visit")
        assert "new posts since your last visit" in screen_text(app)
        for key, seen in (("d", "Garden"), ("enter", "General"), ("enter", "Frost")):
            await pilot.press(key)
            await shows(pilot, seen)
            assert seen in screen_text(app)
        await pilot.press("enter")  # the thread, its tree and a post's body
        await shows(pilot, "fleece", "done")
        assert "fleece" in screen_text(app) and "done" in screen_text(app)
        assert app.is_running and app.return_code is None


async def test_every_screen_renders_at_80x24_with_its_keys(forum: Forum) -> None:
    bob = who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Tour", "a tour " * 200)
    post = forum.read_thread(bob, "garden", thread_id).posts[0]
    app = app_for(forum, bob)
    expected: list[tuple[object, tuple[str, ...]]] = [
        (DirectoryScreen(), ("Garden", "Back")),
        (CommunityScreen("garden"), ("General", "Tour", "New thread", "Rules")),
        (ThreadScreen("garden", thread_id), ("Tour", "a tour", "Reply", "Next unread")),
        (ComposerScreen.reply("garden", post), ("Reply to", "Send", "Preview", "Cancel")),
        (ComposerScreen.new_thread("garden", "general"), ("New thread in", "Title", "Send")),
        (SearchScreen(), ("Search posts", "Back")),
        (OnlineScreen(), ("Who's online", "bob")),
        (HelpScreen(), ("Composer", "Ctrl+S")),
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "Directory", "One-liner")
        assert "Directory" in screen_text(app) and "One-liner" in screen_text(app)
        for screen, words in expected:
            await app.push_screen(screen)  # type: ignore[arg-type]
            await on(pilot, type(screen), *words)
            text = screen_text(app)
            assert len(text.splitlines()) == 24
            for word in words:
                assert word in text, (type(screen).__name__, word, text)
            if not isinstance(screen, HelpScreen):
                assert "Help" in app.screen.query_one(KeyBar).keys
            await app.pop_screen()
            await on(pilot, WelcomeScreen, "One-liner")


async def test_guest_browses_but_is_not_offered_posting(forum: Forum) -> None:
    forum.start_thread(who(forum, "bob"), "garden", "general", "Open", "hello")
    app = app_for(forum, GUEST)
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "One-liners (newest first)")
        assert "o One-liner" not in screen_text(app) and "o to add" not in screen_text(app)
        await pilot.press("d", "enter")
        await on(pilot, CommunityScreen, "General")
        assert isinstance(app.screen, CommunityScreen)
        assert "New thread" not in screen_text(app)
        await pilot.press("t")
        assert isinstance(app.screen, CommunityScreen)


async def test_members_only_community_is_refused_in_words(forum: Forum) -> None:
    from bbs.seed import create_community

    ada = who(forum, "ada")
    create_community(
        forum,
        {
            "slug": "club",
            "name": "Club",
            "description": "Secret",
            "visibility": "invite",
            "boards": [{"slug": "g", "name": "G"}],
        },
        ada.id,
        0.0,
    )
    app = app_for(forum, who(forum, "cy"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await shows(pilot, "Online now")
        await pilot.press("d")
        await shows(pilot, "invite only")
        assert "invite only" in screen_text(app)
        names = table_column(app, "#communities")
        await pilot.press(*["down"] * names.index("Club"), "enter")
        await toast(pilot, "only readable by its members")
        assert isinstance(app.screen, DirectoryScreen)


def test_make_app_passes_the_driver_class(forum: Forum) -> None:
    from textual.drivers.headless_driver import HeadlessDriver

    from bbs.presence import Presence
    from bbs.session import Session
    from screens.app import make_app

    session = Session(forum=forum, person=who(forum, "ada"), presence=Presence(forum.bus))
    app = make_app(session, driver_class=HeadlessDriver)
    assert isinstance(app, BBSApp) and app.driver_class is HeadlessDriver
    assert app.session is session


def running_repeat_timers(app: BBSApp) -> list[str]:
    """Repeating timers that are not paused, anywhere in the app (an idle app has none)."""
    nodes = [app, *app.screen_stack, *(w for s in app.screen_stack for w in s.walk_children())]
    return [
        f"{type(node).__name__}:{timer.name}"
        for node in nodes
        for timer in list(node._timers)
        if timer._repeat is None and timer._active.is_set()
    ]


async def test_an_idle_app_runs_no_timers(forum: Forum) -> None:
    bob = who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Idle", "quiet")
    post = forum.read_thread(bob, "garden", thread_id).posts[0]
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "Online now")
        for screen in (
            SearchScreen(),
            ThreadScreen("garden", thread_id),
            ComposerScreen.reply("garden", post),
        ):
            await app.push_screen(screen)
            await on(pilot, type(screen))
            await idle(pilot)  # loaded: whatever runs now runs in an idle app
            assert app.focused is not None
            assert running_repeat_timers(app) == [], type(screen).__name__


async def test_moderation_keys_only_for_moderators_and_mail_from_welcome(forum: Forum) -> None:
    from screens.mail import InboxScreen

    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Mods", "hello")
    for person, moderates in ((ada, True), (bob, False)):
        app = app_for(forum, person)
        async with app.run_test(size=(80, 24)) as pilot:
            await shows(pilot, "Online now")
            await pilot.press("m")
            await on(pilot, InboxScreen)
            assert isinstance(app.screen, InboxScreen)
            await app.pop_screen()
            await app.push_screen(ThreadScreen("garden", thread_id))
            await shows(pilot, "hello", "x Moderate" if moderates else "f Flag")
            text = screen_text(app)
            assert "f Flag" in text
            assert ("x Moderate" in text) is moderates, text.splitlines()[-1]


async def test_the_key_line_follows_the_screen_and_a_click_presses_the_key(forum: Forum) -> None:
    bob = who(forum, "bob")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "d Directory", "q Quit")
        bar = app.screen.query_one(KeyBar)
        assert bar.keys.startswith("d Directory") and "q Quit" in bar.keys
        await pilot.click(KeyBar, offset=(2, 0))  # on "d Directory"
        await on(pilot, DirectoryScreen, "esc Back")
        assert isinstance(app.screen, DirectoryScreen)
        assert "esc Back" in app.screen.query_one(KeyBar).keys
        assert "Directory" not in app.screen.query_one(KeyBar).keys
