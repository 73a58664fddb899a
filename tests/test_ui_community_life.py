"""Pilot tests for the micro-community life screens: joining, moderation, mail, events, bridges."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from bbs.forum import Forum
from bbs.presence import Presence
from bbs.session import Session
from screens.app import BBSApp
from tests.conftest import who


def app_for(forum: Forum, handle: str) -> BBSApp:
    """The app as `handle` would see it, on its own session."""
    return BBSApp(Session(forum=forum, person=who(forum, handle), presence=Presence(forum.bus)))


async def settle(pilot: Pilot) -> None:
    """Let key presses land, workers finish and their results reach the screen."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: BBSApp) -> str:
    """Everything visible on the current screen, as plain text."""
    parts = []
    for widget in app.screen.query("*"):
        if isinstance(widget, DataTable):
            for row in range(widget.row_count):
                parts.append(" | ".join(str(c) for c in widget.get_row_at(row)))
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
    return "\n".join(parts)


def found_circle(forum: Forum, visibility: str = "request") -> None:
    forum.found_community(
        who(forum, "ada"),
        "circle",
        "Circle",
        description="A small circle",
        rules="1. Be kind to each other.",
        visibility=visibility,
        boards=["general", "meets"],
    )


async def test_join_a_request_community_and_be_approved(forum: Forum) -> None:
    from screens.join import JoinScreen
    from screens.moderation import ModerationScreen

    found_circle(forum)
    thread_id, _ = forum.start_thread(who(forum, "ada"), "circle", "general", "Inside", "hello")
    cy_app = app_for(forum, "cy")
    async with cy_app.run_test(size=(80, 24)) as pilot:
        cy_app.push_screen(JoinScreen("circle"))
        await settle(pilot)
        assert "Be kind to each other" in screen_text(cy_app) or "Be kind" in _markdown(cy_app)
        assert "By request" in screen_text(cy_app)
        await pilot.press("a")
        await settle(pilot)
        assert "Request sent: a moderator will decide" in screen_text(cy_app)
    ada_app = app_for(forum, "ada")
    async with ada_app.run_test(size=(80, 24)) as pilot:
        ada_app.push_screen(ModerationScreen("circle"))
        await settle(pilot)
        assert "cy" in screen_text(ada_app) and "Asking to join: 1" in screen_text(ada_app)
        await pilot.press("a")
        await settle(pilot)
        assert "Asking to join: 0" in screen_text(ada_app)
    assert forum.read_thread(who(forum, "cy"), "circle", thread_id).posts[0].body == "hello"


def _markdown(app: BBSApp) -> str:
    from textual.widgets import Markdown

    return "\n".join(m.source for m in app.screen.query(Markdown))


async def test_flag_a_post_and_hide_it_from_the_queue(forum: Forum) -> None:
    from screens.moderation import FlagPrompt, ModerationScreen
    from screens.thread import ThreadScreen

    thread_id, root = forum.start_thread(who(forum, "ada"), "garden", "general", "Deal", "buy now")
    post = forum.read_thread(who(forum, "bob"), "garden", thread_id).posts[0]
    bob_app = app_for(forum, "bob")
    async with bob_app.run_test(size=(80, 24)) as pilot:
        bob_app.push_screen(FlagPrompt("garden", post))
        await settle(pilot)
        await pilot.press("enter")  # no reason yet: refused in words
        await settle(pilot)
        assert "reason" in screen_text(bob_app).lower()
        await pilot.press(*"spam link", "enter")
        await settle(pilot)
        assert not isinstance(bob_app.screen, FlagPrompt)
    ada_app = app_for(forum, "ada")
    async with ada_app.run_test(size=(80, 24)) as pilot:
        ada_app.push_screen(ModerationScreen("garden"))
        await settle(pilot)
        assert "Flags to look at: 1" in screen_text(ada_app)
        assert "spam link" in screen_text(ada_app) and "bob" in screen_text(ada_app)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("enter")  # the flag's reason is offered as the reason
        await settle(pilot)
        assert "Flags to look at: 0" in screen_text(ada_app)
    bob_again = app_for(forum, "bob")
    async with bob_again.run_test(size=(80, 24)) as pilot:
        bob_again.push_screen(ThreadScreen("garden", thread_id))
        await settle(pilot)
        assert "hidden by a moderator: spam link" in screen_text(bob_again)
        assert "buy now" not in _markdown(bob_again)


async def test_send_and_read_mail(forum: Forum) -> None:
    from screens.mail import ComposeMailScreen, InboxScreen

    bob_app = app_for(forum, "bob")
    async with bob_app.run_test(size=(80, 24)) as pilot:
        bob_app.push_screen(ComposeMailScreen("ada"))
        await settle(pilot)
        await pilot.press(*"Seedlings", "tab", *"How are the [b]seedlings[/b]?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(bob_app.screen, ComposeMailScreen)
    ada_app = app_for(forum, "ada")
    async with ada_app.run_test(size=(80, 24)) as pilot:
        ada_app.push_screen(InboxScreen())
        await settle(pilot)
        text = screen_text(ada_app)
        assert "1 unread" in text and "● 1" in text and "Seedlings" in text and "bob" in text
        await pilot.press("enter")
        await settle(pilot)
        assert "How are the [b]seedlings[/b]?" in screen_text(ada_app)
        await pilot.press(*"Thriving!", "ctrl+s")
        await settle(pilot)
        assert "Thriving!" in screen_text(ada_app)
        await pilot.press("escape")
        await settle(pilot)
        assert "0 unread" in screen_text(ada_app)
    assert forum.unread_mail(who(forum, "bob")) == 1


async def test_compose_mail_keeps_the_draft_on_refusal(forum: Forum) -> None:
    from screens.mail import ComposeMailScreen

    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ComposeMailScreen("nobody"))
        await settle(pilot)
        await pilot.press("tab", *"keep me")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposeMailScreen)
        assert "nobody" in screen_text(app) and "⚠" in screen_text(app)
        assert app.screen.query_one("#body").text == "keep me"


async def test_inbox_follows_new_mail_live(forum: Forum) -> None:
    from screens.mail import InboxScreen

    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(InboxScreen())
        await settle(pilot)
        assert "nothing yet" in screen_text(app)
        forum.send_mail(who(forum, "bob"), "ada", "live one", subject="Live")
        await settle(pilot)
        assert "Live" in screen_text(app) and "1 unread" in screen_text(app)
