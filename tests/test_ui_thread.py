"""Pilot tests of the thread screen and composer: live replies, next unread, refusals, safety."""

from __future__ import annotations

import asyncio
import threading

import pytest
from textual import events
from textual.message import Message
from textual.widgets import Static

from bbs.forum import Forum
from bbs.models import GUEST
from screens.composer import ComposerScreen
from screens.thread import ThreadScreen
from screens.widgets.body import BodyPane, PostBody
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.live import LiveScreen
from screens.widgets.post_tree import PostTree
from screens.widgets.quiet import QuietTextArea
from tests.conftest import who
from tests.ui_helpers import (
    WAIT_S,
    app_for,
    cursor_on,
    frames_sent,
    gone,
    idle,
    notices,
    on,
    screen_text,
    shows,
    terminal_of,
    toast,
    tree_labels,
    until,
)


def cursor_post_id(app: object) -> int:
    node = app.screen.query_one(PostTree).cursor_node  # type: ignore[attr-defined]
    assert node is not None and node.data is not None
    return node.data.id


async def test_reply_from_another_session_appears_without_a_key(
    forum: Forum, elsewhere: Forum
) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Peas", "Sweet peas")
    first = forum.reply(ada, "garden", root, "Mine climb")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "Mine climb")
        tree = app.screen.query_one(PostTree)
        tree.move_cursor(tree.nodes_by_post[first])
        await until(pilot, lambda: cursor_post_id(app) == first)
        assert cursor_post_id(app) == first
        await asyncio.to_thread(elsewhere.reply, bob, "garden", root, "Try netting, from bob")
        await shows(pilot, "Try netting")
        labels = tree_labels(app)
        assert len(labels) == 3
        assert "Try netting, from bob" in labels[2] and labels[2].lstrip().startswith("●")
        assert cursor_post_id(app) == first  # the person's selection is kept
        assert "Try netting" in screen_text(app)


async def test_next_unread_key_moves_to_the_unread_post(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Kale", "Kale")
    own = forum.reply(ada, "garden", root, "my own reply")
    later = forum.reply(bob, "garden", own, "an unread answer")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "an unread answer")
        assert cursor_post_id(app) == root  # opens at the first unread post
        labels = tree_labels(app)
        assert not labels[0].lstrip().startswith("●") and not labels[1].lstrip().startswith("●")
        assert labels[2].lstrip().startswith("●")
        await pilot.press("n")
        await until(pilot, lambda: cursor_post_id(app) == later)
        assert cursor_post_id(app) == later
        assert forum.unread_count(ada, "garden") == 0
        assert not tree_labels(app)[2].lstrip().startswith("●")
        await pilot.press("n")
        await toast(pilot, "No unread posts")
        assert "No unread posts" in notices(app)


async def test_unread_marker_and_collapse(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Figs", "Figs")
    child = forum.reply(bob, "garden", root, "child")
    forum.reply(bob, "garden", child, "grandchild")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "● bob")
        assert "● bob" in screen_text(app)  # unread is told by a sign, not only a colour
        tree = app.screen.query_one(PostTree)
        tree.move_cursor(tree.nodes_by_post[child])
        await until(pilot, lambda: tree.cursor_node is tree.nodes_by_post[child])
        await pilot.press("space")
        await gone(pilot, "grandchild")
        assert not tree.nodes_by_post[child].is_expanded
        assert "grandchild" not in screen_text(app)
        await pilot.press("enter")
        await shows(pilot, "grandchild")
        assert "grandchild" in screen_text(app)


async def test_composer_refuses_an_overlong_post_and_keeps_the_draft(forum: Forum) -> None:
    bob = who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Long", "short")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "short")
        await pilot.press("r")
        await on(pilot, ComposerScreen, "Reply to")
        area = app.screen.query_one(QuietTextArea)
        area.load_text("x" * 20_001)
        await pilot.press("ctrl+s")
        await shows(pilot, "20,001")
        assert isinstance(app.screen, ComposerScreen)
        error = str(app.screen.query_one("#error", Static).render())
        assert "20,000" in error and "20,001" in error
        assert area.text == "x" * 20_001
        assert len(forum.read_thread(bob, "garden", thread_id).posts) == 1
        await pilot.press("escape")
        await on(pilot, ConfirmScreen)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await on(pilot, ComposerScreen)
        assert isinstance(app.screen, ComposerScreen) and area.text == "x" * 20_001
        await pilot.press("escape", "y")
        await on(pilot, ThreadScreen, "short")
        assert isinstance(app.screen, ThreadScreen)


async def test_empty_composer_cancels_at_once_and_preview_renders(forum: Forum) -> None:
    bob = who(forum, "bob")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Prev", "body")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "Prev")
        await pilot.press("r", *"**loud** words", "ctrl+r")
        await shows(pilot, "loud words")
        preview = app.screen.query_one("#preview-body", PostBody)
        assert preview.source == "**loud** words" and "loud words" in screen_text(app)
        await pilot.press("ctrl+r")
        app.screen.query_one(QuietTextArea).load_text("")
        await pilot.press("escape")
        await on(pilot, ThreadScreen)
        assert isinstance(app.screen, ThreadScreen)


async def test_edit_own_post_only(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Edit", "typo hree")
    forum.reply(ada, "garden", root, "ada's words")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id, focus_post=root))
        await on(pilot, ThreadScreen, "typo hree")
        await pilot.press("e")
        await on(pilot, ComposerScreen)
        area = app.screen.query_one(QuietTextArea)
        assert area.text == "typo hree"
        area.load_text("typo here")
        await pilot.press("ctrl+s")
        await on(pilot, ThreadScreen, "(edited)")
        assert forum.read_thread(bob, "garden", thread_id).posts[0].body == "typo here"
        assert "(edited)" in tree_labels(app)[0]
        await pilot.press("down", "e")
        await toast(pilot, "only edit your own")
        assert isinstance(app.screen, ThreadScreen)
        assert "only edit your own" in notices(app)


HOSTILE = "[@click=app.quit]Quit now[/] [bold]x[/bold] [link](action:quit) \x1b]0;pwned\x07 end"


async def test_markup_and_escapes_in_posts_stay_inert(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "[b]T[/b]", "plain")
    store = forum.store("garden")  # bypass the forum's cleaning: the UI must not trust the store
    raw = store.add_reply(root, bob.id, "bob", HOSTILE, forum.clock())
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id, focus_post=raw))
        await shows(pilot, "[@click=app.quit]Quit now[/]", "link (action:quit)")
        text = screen_text(app)
        assert "[@click=app.quit]Quit now[/]" in text
        assert "[bold]x[/bold]" in text
        assert "[b]T[/b]" in text
        assert "\x1b" not in text and "pwned" not in text
        body = app.screen.query_one(BodyPane)
        assert "\x1b" not in body.source and "[@click=app.quit]" in body.source
        # A link is shown with its address and is no hyperlink or action: clicking it does nothing.
        assert "link (action:quit)" in text
        line = next(n for n, row in enumerate(body.text.splitlines()) if "action:quit" in row)
        await pilot.click(BodyPane, offset=(body.text.splitlines()[line].index("link") + 1, line))
        await pilot.click(PostTree, offset=(12, 1))
        await idle(pilot)  # the clicks handled, nothing of theirs left to run: nothing happened
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, ThreadScreen)


async def test_guest_is_not_offered_posting(forum: Forum) -> None:
    bob = who(forum, "bob")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Open", "anyone can read")
    app = app_for(forum, GUEST)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "anyone can read")
        text = screen_text(app)
        assert "anyone can read" in text and "Reply" not in text and "Next unread" in text
        await pilot.press("r", "e")
        await idle(pilot)  # the keys handled, nothing of theirs left to run: no composer
        assert isinstance(app.screen, ThreadScreen)


async def test_a_burst_of_keys_ending_in_ctrl_s_sends_all_the_text(forum: Forum) -> None:
    """Over SSH a paste and Ctrl+S can arrive in one read: the send must see the whole text."""
    bob = who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Burst", "first")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "first")
        await pilot.press("r")
        await on(pilot, ComposerScreen)
        for char in "pasted":
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("ctrl+s", None))
        await on(pilot, ThreadScreen, "pasted")
        assert isinstance(app.screen, ThreadScreen)
        assert forum.read_thread(bob, "garden", thread_id).posts[-1].body == "pasted"


async def test_a_result_for_a_screen_being_closed_is_dropped(forum: Forum) -> None:
    """A worker's result that lands while its screen is being taken down is not applied.

    Under load a thread's reload finished after Escape, while Textual was removing
    the screen's widgets; applying it raised NoMatches and crashed the session.
    """
    import threading

    from screens.widgets.forum_call import deliver

    bob = who(forum, "bob")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Closing", "words")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ThreadScreen("garden", thread_id)
        await app.push_screen(screen)
        await on(pilot, ThreadScreen, "words")
        applied: list[str] = []

        def from_worker(label: str) -> threading.Thread:
            worker = threading.Thread(target=deliver, args=(screen, applied.append, label))
            worker.start()
            return worker

        worker = from_worker("shown")
        await until(pilot, lambda: not worker.is_alive())
        assert applied == ["shown"]
        app.pop_screen()  # not awaited: the screen's widgets are still being removed
        worker = from_worker("closing")
        await until(pilot, lambda: not worker.is_alive())
        await idle(pilot)  # the worker is done and the app idle: its result had its chance
        assert applied == ["shown"]
        assert app.is_running and not isinstance(app.screen, ThreadScreen)


async def test_a_cursor_move_due_after_escape_is_dropped(forum: Forum) -> None:
    """The tree moves its cursor after the next refresh; Escape before that closes the screen.

    Found by a bench pressing Escape the moment a thread opened: the deferred move
    landed while the screen's widgets were being removed (each prunes in its own
    task, the body pane first), the body pane was gone and the session crashed.
    """
    bob = who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Quick", "words")
    forum.reply(who(forum, "ada"), "garden", root, "a reply")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ThreadScreen("garden", thread_id)
        await app.push_screen(screen)
        await on(pilot, ThreadScreen, "a reply")
        tree = screen.query_one(PostTree)
        line = tree.cursor_line
        app.pop_screen()  # not awaited: Escape, the screen's widgets are being removed...
        tree.pending = tree.nodes_by_post[root]  # the cursor is on the unread reply
        tree._move_to_pending()  # ...when the move comes due
        assert tree.cursor_line == line and tree.pending is None
        await until(pilot, lambda: not isinstance(app.screen, ThreadScreen))
        assert app.is_running and app.return_code is None
        assert not isinstance(app.screen, ThreadScreen)


async def test_edits_hides_and_replies_from_others_reach_an_open_thread(
    forum: Forum, elsewhere: Forum
) -> None:
    """A reply arrives in its live event (no query); edits and hides make it load whole."""
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Live", "first words")
    spam = forum.reply(bob, "garden", root, "buy cheap seeds")
    app = app_for(forum, ada)
    asked: list[int] = []
    read_thread = forum.read_thread

    def counting(viewer: object, slug: str, thread: int, after: int = 0) -> object:
        asked.append(after)
        return read_thread(viewer, slug, thread, after)  # type: ignore[arg-type]

    forum.read_thread = counting  # type: ignore[assignment,method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id, focus_post=root))
        await on(pilot, ThreadScreen, "buy cheap seeds")
        loads = len(asked)
        await asyncio.to_thread(elsewhere.reply, bob, "garden", root, "a third post")
        await shows(pilot, "a third post")
        assert "● bob" in tree_labels(app)[2] and "a third post" in tree_labels(app)[2]
        assert len(asked) == loads  # shown from the event: nobody asked the database
        await asyncio.to_thread(elsewhere.edit_post, bob, "garden", root, "first words, fixed")
        await shows(pilot, "(edited)", "first words, fixed")
        assert asked[-1] == 0  # an edit: the whole thread again
        assert "(edited)" in tree_labels(app)[0]
        assert "first words, fixed" in app.screen.query_one(BodyPane).text
        await asyncio.to_thread(elsewhere.hide_post, who(forum, "ada"), "garden", spam, "spam")
        await shows(pilot, "[hidden by a moderator]")
        assert "[hidden by a moderator]" in tree_labels(app)[1]
        assert len(tree_labels(app)) == 3


async def test_a_screen_under_the_thread_waits_until_it_is_seen_again(
    forum: Forum, elsewhere: Forum
) -> None:
    """The community screen under a thread is not reloaded for each new post; once, on return."""
    from screens.community import CommunityScreen

    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Under", "words")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        community = CommunityScreen("garden")
        await app.push_screen(community)
        await on(pilot, CommunityScreen, "Under")
        reloads: list[int] = []
        real_reload = community.reload
        community.reload = lambda: (reloads.append(1), real_reload())  # type: ignore[method-assign]
        await app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "words")
        for n in range(3):
            await asyncio.to_thread(elsewhere.reply, bob, "garden", root, f"reply {n}")
            await shows(pilot, f"reply {n}")
        assert len(tree_labels(app)) == 4  # the thread, on top, did follow
        assert reloads == []
        await pilot.press("escape")
        await on(pilot, CommunityScreen, "Under")
        await idle(pilot)  # its reload on return done: a second one would be due by now
        assert app.screen is community and reloads == [1]


async def test_the_thread_screen_is_made_once_and_shows_each_thread_asked_for(
    forum: Forum,
) -> None:
    """Opening threads reuses the session's one thread screen: never a post of the last one."""
    bob, ada = who(forum, "bob"), who(forum, "ada")
    figs, figs_root = forum.start_thread(bob, "garden", "general", "Figs", "figs ripen late")
    plums, plums_root = forum.start_thread(bob, "garden", "general", "Plums", "plums drop early")
    later = forum.reply(bob, "garden", plums_root, "wasps love them")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ThreadScreen.open(app, "garden", figs)
        await on(pilot, ThreadScreen, "figs ripen late")
        assert "Figs" in screen_text(app) and "figs ripen late" in tree_labels(app)[0]
        stale = forum.read_thread(ada, "garden", figs)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ThreadScreen))
        assert ThreadScreen.open(app, "garden", plums) is screen  # the same screen, reset
        await shows(pilot, "plums drop early")
        text = screen_text(app)
        assert "Plums" in text and "Figs" not in text and "figs ripen" not in text
        assert len(tree_labels(app)) == 2 and "plums drop early" in tree_labels(app)[0]
        screen._loaded("garden", stale, False, 0, 0)  # a load for the thread left: dropped
        assert "Figs" not in screen_text(app) and len(tree_labels(app)) == 2
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ThreadScreen))
        ThreadScreen.open(app, "garden", plums, focus_post=plums_root)  # again, at a post
        await until(pilot, lambda: app.screen is screen and cursor_post_id(app) == plums_root)
        tree = screen.query_one(PostTree)
        assert app.screen is screen and tree.cursor_node.data.id == plums_root
        inner = ThreadScreen.open(app, "garden", figs)  # while it is on the stack: a new one
        await on(pilot, ThreadScreen, "figs ripen late")
        assert inner is not screen and app.screen is inner and "Figs" in screen_text(app)
        assert later in tree.nodes_by_post


async def test_the_community_screen_is_made_once_and_shows_each_community(
    forum: Forum,
) -> None:
    from screens.community import CommunityScreen

    ada = who(forum, "ada")
    forum.found_community(ada, "circle", "Circle", description="A small circle", rules="Kind.")
    forum.start_thread(ada, "circle", "general", "Inside the circle", "hello")
    forum.start_thread(ada, "garden", "general", "In the garden", "hi")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = CommunityScreen.open(app, "garden")
        await on(pilot, CommunityScreen, "In the garden")
        assert "In the garden" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CommunityScreen))
        assert CommunityScreen.open(app, "circle") is screen
        await shows(pilot, "Inside the circle")
        text = screen_text(app)
        assert "Inside the circle" in text and "In the garden" not in text and "Circle" in text


async def test_a_thread_is_first_drawn_loaded_or_after_a_moment_loading(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No frame shows an empty thread that is about to load; a slow load shows "Loading…"."""

    bob = who(forum, "bob")
    quick, _ = forum.start_thread(bob, "garden", "general", "Quick", "ready at once")
    slow, _ = forum.start_thread(bob, "garden", "general", "Slow", "takes a while")
    app = app_for(forum, bob)
    drawn: list[str] = []
    display = app._display

    def recording(screen: object, update: object) -> None:
        if isinstance(screen, ThreadScreen):
            drawn.append(screen_text(app))
        display(screen, update)

    app._display = recording  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "Online now")
        ThreadScreen.open(app, "garden", quick)
        await shows(pilot, "ready at once")
        assert drawn and "ready at once" in drawn[0]
        assert not any("Loading" in frame for frame in drawn)
        read_thread = forum.read_thread
        disk = threading.Event()  # the load ends when the test says: well past the hold

        def slowly(*args: object, **kwargs: object) -> object:
            disk.wait(WAIT_S)
            return read_thread(*args, **kwargs)

        monkeypatch.setattr(forum, "read_thread", slowly)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ThreadScreen))
        drawn.clear()
        ThreadScreen.open(app, "garden", slow)
        await until(pilot, lambda: any("Loading" in frame for frame in drawn))
        assert drawn and "Loading" in drawn[-1]  # after the wait: the screen, still loading
        disk.set()
        await shows(pilot, "takes a while")
        assert "takes a while" in screen_text(app)


async def test_a_live_reply_from_someone_blocked_keeps_its_place_without_its_words(
    forum: Forum, elsewhere: Forum
) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(ada, "garden", "general", "Quiet", "hello")
    forum.block(ada, "bob")
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "hello")
        await asyncio.to_thread(elsewhere.reply, bob, "garden", root, "you will not read this")
        await shows(pilot, "[someone you blocked]")
        labels = tree_labels(app)
        assert len(labels) == 2 and "[someone you blocked]" in labels[1]
        assert "you will not read this" not in screen_text(app)
        assert "●" not in labels[1]  # nor is it counted as unread


async def test_news_for_the_screen_under_a_thread_redraws_nothing_on_the_thread(
    forum: Forum,
) -> None:
    """Textual counted the screen under the top one as seen: whatever reached it (a live
    event it only notes for later) repainted the top screen whole, for every reader."""
    from screens.community import CommunityScreen

    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Reading", "words")
    app = app_for(forum, ada)
    frames: list[object] = []
    display = app._display

    def recording(screen: object, update: object) -> None:
        frames.append(screen)
        display(screen, update)

    app._display = recording  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        CommunityScreen.open(app, "garden")
        await on(pilot, CommunityScreen, "Reading")
        community = app.screen
        arrived: list[object] = []
        post_message = community.post_message

        def noting(message: Message) -> bool:
            if isinstance(message, LiveScreen.Arrived):
                arrived.append(message)
            return post_message(message)

        community.post_message = noting  # type: ignore[method-assign]
        ThreadScreen.open(app, "garden", thread_id)
        await on(pilot, ThreadScreen, "words")
        frames.clear()
        for n in range(3):  # threads started elsewhere: news for the community screen below
            await asyncio.to_thread(
                forum.start_thread, bob, "garden", "general", f"New {n}", f"x{n}"
            )
            await idle(pilot)  # handed out (the bus's queue for this loop is empty): no frame drawn
        assert frames == []
        assert arrived == []  # noted as stale where the event was handed out: no message
        await pilot.press("escape")
        await on(pilot, CommunityScreen, "New 2")
        assert "New 2" in screen_text(app)  # seen once the community is shown again


async def test_a_cursor_key_redraws_the_tree_and_body_without_messages_to_them(
    forum: Forum,
) -> None:
    """A line widget's repaint goes straight to the screen's dirty set and frame timer."""
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Beans", "Runner beans")
    forum.reply(
        ada, "garden", root, "Borlotti, speckled pink, and purple-podded climbers by the shed"
    )
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "Runner beans")
        posted: list[str] = []
        screen = app.screen
        for widget in (screen.query_one(PostTree), screen.query_one(BodyPane), screen):
            post_message = widget.post_message

            def noting(message: Message, post_message=post_message) -> bool:  # noqa: ANN001
                posted.append(type(message).__name__)
                return post_message(message)

            widget.post_message = noting  # type: ignore[method-assign]
        assert "by the shed" not in screen_text(app)  # the tree shows the start of it only
        await pilot.press("down")
        await shows(pilot, "by the shed")
        assert "by the shed" in screen_text(app)  # the frame shows the new post's body
        assert "Prompt" not in posted


async def test_a_cursor_key_runs_its_binding_without_bubbling(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down on the tree: one Key message (to the app), not four; Escape goes Textual's way."""
    from textual.message_pump import MessagePump

    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Leeks", "Blanching")
    reply = forum.reply(ada, "garden", root, "Trench them")
    keys: list[str] = []
    dispatch = MessagePump._dispatch_message

    async def noting(self: MessagePump, message: Message) -> object:
        if isinstance(message, events.Key):
            keys.append(type(self).__name__)
        return await dispatch(self, message)

    monkeypatch.setattr(MessagePump, "_dispatch_message", noting)
    app = app_for(forum, ada)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "Trench them")
        await cursor_on(pilot, root)
        keys.clear()
        await pilot.press("down")
        await until(pilot, lambda: cursor_post_id(app) == reply)
        assert cursor_post_id(app) == reply
        assert keys == ["BBSApp"]
        keys.clear()
        await pilot.press("escape")  # the screen has a handler of its own for Escape
        await until(pilot, lambda: not isinstance(app.screen, ThreadScreen))
        assert not isinstance(app.screen, ThreadScreen)
        assert "PostTree" in keys and "ThreadScreen" in keys


async def test_live_replies_and_keys_leave_the_terminal_as_a_full_redraw_would(
    forum: Forum, elsewhere: Forum
) -> None:
    """Frames draw only what changed (one per reply, scroll bar included, body not asked
    for its lines); what they add up to on a terminal is exactly the whole screen."""
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Squash", "Which ones?")
    for n in range(12):  # more posts than the tree shows: it has a scroll bar
        forum.reply(bob, "garden", root, f"Squash number {n}")
    app = app_for(forum, ada)
    updates = frames_sent(app)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "Which ones?")
        await idle(pilot)  # and every frame of the load drawn
        screen = app.screen
        asked: list[str] = []
        for widget in (screen.query_one(BodyPane), screen.query_one(PostTree)):
            render_lines = widget.render_lines

            def noting(crop: object, widget=widget, render_lines=render_lines) -> object:  # noqa: ANN001
                asked.append(type(widget).__name__)
                return render_lines(crop)

            widget.render_lines = noting  # type: ignore[method-assign]
        before = len(updates)
        await asyncio.to_thread(elsewhere.reply, ada, "garden", root, "Crown Prince, from ada")
        # not read off the screen: a screenshot asks every widget for its lines
        await until(pilot, lambda: len(tree_labels(app)) == 14)
        await idle(pilot)  # and nothing more to draw for it
        assert len(updates) - before == 1  # the tree, its title and its scroll bar: one frame
        assert asked == ["PostTree"]  # the body, not changed, was not drawn for it
        assert "14 posts" in screen_text(app)
        for key in ("down", "down", "up", "end", "home"):
            await pilot.press(key)
            await idle(pilot)  # the key's frame drawn, nothing more to draw
        await asyncio.to_thread(elsewhere.reply, bob, "garden", root, "Butternut, from bob")
        await shows(pilot, "15 posts")
        await idle(pilot)  # every frame for it sent
        full = screen._compositor.render_update(full=True)
        assert terminal_of(updates) == terminal_of([full])
        assert "15 posts" in screen_text(app)


async def test_a_cursor_key_draws_its_frame_before_the_loop_turns(forum: Forum) -> None:
    """The frame for a key that ran its binding at once is drawn in the same step."""
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Kale", "Curly or flat?")
    reply = forum.reply(ada, "garden", root, "Cavolo nero, always")
    app = app_for(forum, ada)
    updates = frames_sent(app)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "Cavolo nero")
        await cursor_on(pilot, root)
        before = len(updates)
        with app._context():
            await app.on_event(events.Key("down", None))  # no turn of the loop in between
        assert len(updates) == before + 1
        assert cursor_post_id(app) == reply
        await idle(pilot)  # the frame timer has fired (the app is idle): it drew nothing more
        assert len(updates) == before + 1  # the frame timer, woken too, had nothing to draw
        assert "Cavolo nero" in screen_text(app)
