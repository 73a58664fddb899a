"""Pilot tests for the micro-community life screens: joining, moderation, mail, events, bridges."""

from __future__ import annotations

import time
from datetime import datetime

import icalendar

from bbs.forum import Forum
from screens.app import BBSApp
from screens.widgets.row_table import RowTable
from tests.conftest import who
from tests.ui_helpers import app_for as app_of
from tests.ui_helpers import idle, on, screen_text, shows, toast, until
from tests.when import in_days


def app_for(forum: Forum, handle: str) -> BBSApp:
    """The app as `handle` would see it, on its own session."""
    return app_of(forum, who(forum, handle))


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
        await shows(pilot, "By request")
        assert "Be kind to each other" in screen_text(cy_app) or "Be kind" in _markdown(cy_app)
        assert "By request" in screen_text(cy_app)
        await pilot.press("a")
        await shows(pilot, "Request sent: a moderator will decide")
        assert "Request sent: a moderator will decide" in screen_text(cy_app)
    ada_app = app_for(forum, "ada")
    async with ada_app.run_test(size=(80, 24)) as pilot:
        ada_app.push_screen(ModerationScreen("circle"))
        await shows(pilot, "Asking to join: 1")
        assert "cy" in screen_text(ada_app) and "Asking to join: 1" in screen_text(ada_app)
        await pilot.press("a")
        await shows(pilot, "Asking to join: 0")
        assert "Asking to join: 0" in screen_text(ada_app)
    assert forum.read_thread(who(forum, "cy"), "circle", thread_id).posts[0].body == "hello"


def _markdown(app: BBSApp) -> str:
    """The Markdown sources of every body on the screen (posts, rules, descriptions)."""
    from screens.widgets.body import BodyPane, PostBody

    return "\n".join(m.source for m in app.screen.query(PostBody)) + "\n".join(
        m.source for m in app.screen.query(BodyPane)
    )


async def test_flag_a_post_and_hide_it_from_the_queue(forum: Forum) -> None:
    from screens.moderation import FlagPrompt, ModerationScreen
    from screens.thread import ThreadScreen

    thread_id, root = forum.start_thread(who(forum, "ada"), "garden", "general", "Deal", "buy now")
    post = forum.read_thread(who(forum, "bob"), "garden", thread_id).posts[0]
    bob_app = app_for(forum, "bob")
    async with bob_app.run_test(size=(80, 24)) as pilot:
        bob_app.push_screen(FlagPrompt("garden", post))
        await on(pilot, FlagPrompt)
        await pilot.press("enter")  # no reason yet: refused in words
        await shows(pilot, "The reason is empty.")
        assert "The reason is empty." in screen_text(bob_app)
        await pilot.press(*"spam link", "enter")
        await until(pilot, lambda: not isinstance(bob_app.screen, FlagPrompt))
        assert not isinstance(bob_app.screen, FlagPrompt)
    ada_app = app_for(forum, "ada")
    async with ada_app.run_test(size=(80, 24)) as pilot:
        ada_app.push_screen(ModerationScreen("garden"))
        await shows(pilot, "Flags to look at: 1")
        assert "Flags to look at: 1" in screen_text(ada_app)
        assert "spam link" in screen_text(ada_app) and "bob" in screen_text(ada_app)
        await pilot.press("h")
        await shows(pilot, "Enter: confirm")
        await pilot.press("enter")  # the flag's reason is offered as the reason
        await shows(pilot, "Flags to look at: 0")
        assert "Flags to look at: 0" in screen_text(ada_app)
    bob_again = app_for(forum, "bob")
    async with bob_again.run_test(size=(80, 24)) as pilot:
        bob_again.push_screen(ThreadScreen("garden", thread_id))
        await shows(pilot, "hidden by a moderator: spam link")
        assert "hidden by a moderator: spam link" in screen_text(bob_again)
        assert "buy now" not in _markdown(bob_again) + screen_text(bob_again)
        assert "This post is hidden." in _markdown(bob_again)


async def test_send_and_read_mail(forum: Forum) -> None:
    from screens.mail import ComposeMailScreen, InboxScreen

    bob_app = app_for(forum, "bob")
    async with bob_app.run_test(size=(80, 24)) as pilot:
        bob_app.push_screen(ComposeMailScreen("ada"))
        await on(pilot, ComposeMailScreen)
        await pilot.press(*"Seedlings", "tab", *"How are the [b]seedlings[/b]?")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(bob_app.screen, ComposeMailScreen))
        assert not isinstance(bob_app.screen, ComposeMailScreen)
    ada_app = app_for(forum, "ada")
    async with ada_app.run_test(size=(80, 24)) as pilot:
        ada_app.push_screen(InboxScreen())
        await shows(pilot, "1 unread", "Seedlings")
        text = screen_text(ada_app)
        assert "1 unread" in text and "● 1" in text and "Seedlings" in text and "bob" in text
        await pilot.press("enter")
        await shows(pilot, "How are the [b]seedlings[/b]?")
        assert "How are the [b]seedlings[/b]?" in screen_text(ada_app)
        await pilot.press(*"Thriving!", "ctrl+s")
        # sent: the reply box empties, the message is in the conversation
        await until(pilot, lambda: ada_app.screen.query_one("#reply").text == "")
        await shows(pilot, "Thriving!")
        assert "Thriving!" in screen_text(ada_app)
        await pilot.press("escape")
        await shows(pilot, "0 unread")
        assert "0 unread" in screen_text(ada_app)
    assert forum.unread_mail(who(forum, "bob")) == 1


async def test_compose_mail_keeps_the_draft_on_refusal(forum: Forum) -> None:
    from screens.mail import ComposeMailScreen

    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ComposeMailScreen("nobody"))
        await on(pilot, ComposeMailScreen)
        await pilot.press("tab", *"keep me")
        await pilot.press("ctrl+s")
        await shows(pilot, "⚠")
        assert isinstance(app.screen, ComposeMailScreen)
        assert "nobody" in screen_text(app) and "⚠" in screen_text(app)
        assert app.screen.query_one("#body").text == "keep me"


async def test_inbox_follows_new_mail_live(forum: Forum, elsewhere: Forum) -> None:
    from screens.mail import InboxScreen

    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(InboxScreen())
        await shows(pilot, "nothing yet")
        assert "nothing yet" in screen_text(app)
        elsewhere.send_mail(who(forum, "bob"), "ada", "live one", subject="Live")
        await shows(pilot, "Live", "1 unread")
        assert "Live" in screen_text(app) and "1 unread" in screen_text(app)


async def test_rsvp_going_shows_in_the_going_list(forum: Forum) -> None:
    from screens.meetups import MeetupScreen, MeetupsScreen

    when = in_days(4)
    event_id = forum.create_event(
        who(forum, "ada"), "garden", "Seed swap", when, "Europe/London", "The shed"
    )
    day = datetime.strptime(when, "%Y-%m-%d %H:%M")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetupsScreen("garden"))
        await shows(pilot, "Seed swap", "no answer yet")
        text = screen_text(app)
        assert f"{day:%a %d %b}" in text and "19:30 Europe/London" in text and "Seed swap" in text
        assert "no answer yet" in text
        await pilot.press("enter")
        await on(pilot, MeetupScreen, "Going (0): -")
        assert isinstance(app.screen, MeetupScreen)
        assert "Going (0): -" in screen_text(app)
        await pilot.press("g")
        await shows(pilot, "Going (1): bob")
        assert "Going (1): bob" in screen_text(app)
        assert "You:   you are going" in screen_text(app)
        await pilot.press("m")
        await shows(pilot, "Maybe (1): bob")
        assert "Going (0)" in screen_text(app) and "Maybe (1): bob" in screen_text(app)
    assert forum.event(who(forum, "ada"), "garden", event_id).answered("maybe") == ["bob"]


async def test_export_shows_and_saves_the_ics(forum: Forum) -> None:
    from screens.meetups import MeetupScreen

    when = in_days(4, "12:30")  # Europe/London is UTC or an hour ahead: 11:30 or 12:30 UTC
    event_id = forum.create_event(
        who(forum, "ada"), "garden", "Seed swap", when, "Europe/London", "Shed"
    )
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetupScreen("garden", event_id))
        await on(pilot, MeetupScreen, "Seed swap")
        await pilot.press("x")
        await shows(pilot, "BEGIN:VCALENDAR", "Saved to")
        text = screen_text(app)
        assert "BEGIN:VCALENDAR" in text and "Saved to" in text
    saved = forum.data_dir / "exports" / f"garden-event-{event_id}.ics"
    starts = forum.event(who(forum, "bob"), "garden", event_id).event.starts_at
    assert f"DTSTART:{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(starts))}" in saved.read_text()
    (vevent,) = icalendar.Calendar.from_ical(saved.read_text()).walk("VEVENT")  # it parses back
    assert vevent.decoded("DTSTART").timestamp() == starts and str(vevent["SUMMARY"]) == "Seed swap"


async def test_new_event_refused_in_words_then_saved(forum: Forum) -> None:
    from screens.meetups import NewMeetupScreen

    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(NewMeetupScreen("garden"))
        await on(pilot, NewMeetupScreen)
        await pilot.press(*"Bee walk", "enter", *"next tuesday", "enter")
        await pilot.press("ctrl+a", "ctrl+k", *"Europe/Paris", "enter", *"The meadow", "ctrl+s")
        await shows(pilot, "YYYY-MM-DD HH:MM")
        assert "YYYY-MM-DD HH:MM" in screen_text(app)
        assert isinstance(app.screen, NewMeetupScreen)
        app.screen.query_one("#when").value = in_days(11, "10:00")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, NewMeetupScreen))
        assert not isinstance(app.screen, NewMeetupScreen)
    (event,) = forum.events(who(forum, "bob"), "garden")
    assert (event.title, event.tz, event.place) == ("Bee walk", "Europe/Paris", "The meadow")


async def test_cross_post_shows_its_origin_in_the_other_community(forum: Forum) -> None:
    from screens.discover import CrossPostScreen
    from screens.thread import ThreadScreen

    found_circle(forum, "open")
    bob = who(forum, "bob")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Bees", "Bees love borage")
    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24)) as pilot:
        results: list[int | None] = []
        app.push_screen(CrossPostScreen("garden", thread_id), results.append)
        await shows(pilot, "Circle / general", "Circle / meets")
        text = screen_text(app)
        assert "Circle / general" in text and "Circle / meets" in text and "Garden" not in text
        await pilot.press("down", "enter")  # Circle / meets
        await until(pilot, lambda: len(results) == 1)
        (new_id,) = results
        assert new_id is not None
        app.push_screen(ThreadScreen("circle", new_id))
        await shows(pilot, f"garden/{thread_id}", "Cross-posted by @ada")
        text = screen_text(app)
        assert f"garden/{thread_id}" in text and "Cross-posted by @ada" in text
    assert forum.threads(bob, "circle", "meets")[0].origin == f"garden/{thread_id}"


async def test_moderation_log_lists_actor_and_reason(forum: Forum, elsewhere: Forum) -> None:
    from screens.modlog import ModLogScreen

    ada = who(forum, "ada")
    thread_id, root = forum.start_thread(ada, "garden", "general", "Rules", "be kind")
    forum.pin_thread(ada, "garden", thread_id, reason="read me first")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ModLogScreen("garden"))
        await shows(pilot, "1 entries", "Why: read me first")
        text = screen_text(app)
        assert "1 entries" in text and "ada" in text and "pin" in text
        assert "Why: read me first" in text
        elsewhere.hide_post(ada, "garden", root, "testing the log")  # arrives live
        await shows(pilot, "2 entries")
        text = screen_text(app)
        assert "2 entries" in text and "hide" in text
    cy_app = app_for(forum, "cy")  # not a member: refused in words
    async with cy_app.run_test(size=(80, 24)) as pilot:
        cy_app.push_screen(ModLogScreen("garden"))
        await until(pilot, lambda: not isinstance(cy_app.screen, ModLogScreen))
        assert not isinstance(cy_app.screen, ModLogScreen)


async def test_thread_moderator_menu_locks_with_a_reason(forum: Forum) -> None:
    from screens.moderation import ThreadModMenu

    ada = who(forum, "ada")
    thread_id, _ = forum.start_thread(who(forum, "bob"), "garden", "general", "Heated", "argh")
    view = forum.read_thread(ada, "garden", thread_id)
    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(ThreadModMenu("garden", view.thread, view.posts[0]))
        await shows(pilot, "lock the thread")
        assert "lock the thread" in screen_text(app)
        await pilot.press("l")
        await shows(pilot, "Enter: confirm")
        await pilot.press(*"cooling off", "enter")
        await toast(pilot, "Locked.")
        await pilot.press("m")  # the menu has closed: m is not 'move' any more
        assert not isinstance(app.screen, ThreadModMenu)
    log = forum.moderation_log(ada, "garden")
    assert (log[0].action, log[0].reason) == ("lock", "cooling off")
    assert forum.read_thread(ada, "garden", thread_id).thread.locked


async def test_discover_opens_a_thread_elsewhere(forum: Forum) -> None:
    from screens.discover import DiscoverScreen
    from screens.thread import ThreadScreen

    found_circle(forum, "open")
    forum.start_thread(who(forum, "ada"), "circle", "general", "Knitting circle", "yarn")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(DiscoverScreen())
        await shows(pilot, "Knitting circle", "Circle")
        assert "Knitting circle" in screen_text(app) and "Circle" in screen_text(app)
        await pilot.press("enter")
        await on(pilot, ThreadScreen, "yarn")
        assert isinstance(app.screen, ThreadScreen) and "yarn" in screen_text(app)


async def test_profile_edit_and_add_key(forum: Forum) -> None:
    from screens.profile import ProfileScreen

    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFk3V1Tj2sQe+jJB2dZkFpYI+sDpm3gNy3tBs8uOwY8O me@home"
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ProfileScreen("bob"))
        await shows(pilot, "Bob  @bob", "garden")
        assert "Bob  @bob" in screen_text(app) and "garden" in screen_text(app)
        await pilot.press("e")
        await shows(pilot, "Your profile (Ctrl+S saves)")
        await pilot.press("tab", *"beans, bees", "tab", *"I grow [red]beans[/red]", "ctrl+s")
        await shows(pilot, "Interests: beans, bees")
        assert "Interests: beans, bees" in screen_text(app)
        assert "I grow [red]beans[/red]" in screen_text(app)
        await pilot.press("k")
        await shows(pilot, "Paste your public key")
        await pilot.press(*"not a key", "ctrl+s")
        await shows(pilot, "not an SSH public key")
        assert "not an SSH public key" in screen_text(app)
        app.screen.query_one("#key").text = key
        await pilot.press("ctrl+s")
        await shows(pilot, "SSH keys on file: 1")
        assert "SSH keys on file: 1" in screen_text(app)
        assert "SHA256:USiNrzl1LA+Kc6oSlPsCjYCMfgPNKm+wfDQBn/PxKog" in screen_text(app)
    assert forum.person_by_key("SHA256:USiNrzl1LA+Kc6oSlPsCjYCMfgPNKm+wfDQBn/PxKog") is not None


async def test_others_profile_mail_and_block(forum: Forum) -> None:
    from screens.mail import ComposeMailScreen
    from screens.profile import ProfileScreen

    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ProfileScreen("cy"))
        await shows(pilot, "Cy  @cy")
        await pilot.press("b")
        await shows(pilot, "[blocked by you]")
        assert "[blocked by you]" in screen_text(app)
        assert forum.blocked(who(forum, "bob")) == ["cy"]
        await pilot.press("m")
        await on(pilot, ComposeMailScreen)
        assert isinstance(app.screen, ComposeMailScreen)
        assert app.screen.query_one("#to").value == "cy"


async def test_found_a_community_keeps_the_draft_on_refusal(forum: Forum) -> None:
    from screens.found import FoundCommunityScreen

    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(FoundCommunityScreen())
        await on(pilot, FoundCommunityScreen)
        await pilot.press(*"Seed Savers", "enter", *"garden", "enter", *"Saving seeds", "enter")
        await pilot.press(*"Share freely.", "ctrl+s")
        await shows(pilot, "is taken")
        assert "is taken" in screen_text(app)
        assert app.screen.query_one("#name").value == "Seed Savers"
        app.screen.query_one("#slug").value = "seeds"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FoundCommunityScreen))
        assert not isinstance(app.screen, FoundCommunityScreen)
    community = forum.community(who(forum, "bob"), "seeds")
    assert (community.rules, community.my_role) == ("Share freely.", "owner")


async def test_join_invite_only_with_a_code_then_leave(forum: Forum) -> None:
    from screens.join import JoinScreen

    found_circle(forum, "invite")
    code = forum.invite(who(forum, "ada"), "circle")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        results: list[str | None] = []
        app.push_screen(JoinScreen("circle"), results.append)
        await shows(pilot, "Invite only")
        assert "Invite only" in screen_text(app)
        await pilot.press(*"wrong-code", "enter")
        await shows(pilot, "⚠")
        assert "invite code" in screen_text(app) and isinstance(app.screen, JoinScreen)
        app.screen.query_one("#code").value = code
        await pilot.press("enter")
        await until(pilot, lambda: results == ["active"])
        assert results == ["active"]
        app.push_screen(JoinScreen("circle"), results.append)
        await shows(pilot, "You are a member here (member)")
        assert "You are a member here (member)" in screen_text(app)
        await pilot.press("l")
        await shows(pilot, "Leave Circle?")
        await pilot.press("y")
        await until(pilot, lambda: results == ["active", "left"])
        assert results == ["active", "left"]
    assert forum.member_role(who(forum, "bob"), "circle") is None


async def test_text_from_people_is_never_markup(forum: Forum) -> None:
    from screens.join import JoinScreen

    forum.found_community(
        who(forum, "bob"), "evil", "[@click=app.quit]Evil[/]", rules="[b]bold?[/b]"
    )
    app = app_for(forum, "cy")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(JoinScreen("evil"))
        await shows(pilot, "[@click=app.quit]Evil[/]")
        assert "[@click=app.quit]Evil[/]" in screen_text(app)


# reaching the screens through the keys of the core screens -------------------------
async def test_request_to_join_from_the_directory_then_approve_from_the_community(
    forum: Forum,
) -> None:
    from screens.community import CommunityScreen
    from screens.directory import DirectoryScreen
    from screens.join import JoinScreen
    from screens.moderation import ModerationScreen

    found_circle(forum)
    cy_app = app_for(forum, "cy")
    async with cy_app.run_test(size=(80, 24), notifications=True) as pilot:
        await shows(pilot, "Online now")
        await pilot.press("d")
        await on(pilot, DirectoryScreen, "Circle")
        assert isinstance(cy_app.screen, DirectoryScreen)
        while "Circle" not in _highlighted_row(cy_app):
            await pilot.press("down")
        await pilot.press("enter")  # not readable: refused, with the way in
        await toast(pilot, "only readable by its members")
        assert isinstance(cy_app.screen, DirectoryScreen)
        await pilot.press("j")
        await on(pilot, JoinScreen, "By request")
        assert isinstance(cy_app.screen, JoinScreen)
        await pilot.press("a")
        await shows(pilot, "Request sent")
        assert "Request sent" in screen_text(cy_app)
    ada_app = app_for(forum, "ada")
    async with ada_app.run_test(size=(80, 24)) as pilot:
        ada_app.push_screen(CommunityScreen("circle"))
        await on(pilot, CommunityScreen, "Circle")
        await pilot.press("x")
        await on(pilot, ModerationScreen, "Asking to join: 1")
        assert isinstance(ada_app.screen, ModerationScreen)
        await pilot.press("a")
        await shows(pilot, "Asking to join: 0")
        assert "Asking to join: 0" in screen_text(ada_app)
    assert forum.member_role(who(forum, "cy"), "circle") == "member"


def _highlighted_row(app: BBSApp) -> str:
    table = app.screen.query_one(RowTable)
    key = table.cursor_key
    return " ".join(str(c) for c in table.cells(key)) if key is not None else ""


async def test_welcome_keys_reach_profile_discover_and_founding(forum: Forum) -> None:
    from screens.discover import DiscoverScreen
    from screens.found import FoundCommunityScreen
    from screens.profile import ProfileScreen

    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "x discover  p profile  n found a community")
        assert "x discover  p profile  n found a community" in screen_text(app)
        for key, screen in (
            ("p", ProfileScreen),
            ("x", DiscoverScreen),
            ("n", FoundCommunityScreen),
        ):
            await pilot.press(key)
            await on(pilot, screen)
            assert isinstance(app.screen, screen)
            await pilot.press("escape")
            await shows(pilot, "x discover")


async def test_community_keys_reach_the_log_and_members(forum: Forum) -> None:
    from screens.community import CommunityScreen
    from screens.members import MembersScreen
    from screens.modlog import ModLogScreen

    ada = who(forum, "ada")
    thread_id, _ = forum.start_thread(ada, "garden", "general", "Welcome", "hi")
    forum.lock_thread(ada, "garden", thread_id, reason="announcement")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CommunityScreen("garden"))
        await on(pilot, CommunityScreen, "Welcome")
        await pilot.press("l")
        await on(pilot, ModLogScreen, "announcement")
        assert isinstance(app.screen, ModLogScreen)
        assert "announcement" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("p")
        await on(pilot, MembersScreen, "owner")
        assert isinstance(app.screen, MembersScreen)
        text = screen_text(app)
        assert "owner" in text and "bob" in text and "b Ban" not in text  # bob moderates nothing


async def test_thread_keys_cross_post_and_pin(forum: Forum) -> None:
    from screens.discover import CrossPostScreen
    from screens.moderation import ReasonPrompt, ThreadModMenu
    from screens.thread import ThreadScreen

    found_circle(forum, "open")
    thread_id, _ = forum.start_thread(who(forum, "bob"), "garden", "general", "Bees", "buzz")
    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("garden", thread_id))
        await on(pilot, ThreadScreen, "buzz")
        await pilot.press("x")
        await on(pilot, ThreadModMenu)
        assert isinstance(app.screen, ThreadModMenu)
        await pilot.press("p")
        await on(pilot, ReasonPrompt)
        assert isinstance(app.screen, ReasonPrompt)
        await pilot.press("enter")
        await on(pilot, ThreadScreen, "[pinned]")
        assert isinstance(app.screen, ThreadScreen) and "[pinned]" in screen_text(app)
        await pilot.press("c")
        await on(pilot, CrossPostScreen, "Circle / general")
        assert isinstance(app.screen, CrossPostScreen)
        await pilot.press("enter")
        await on(pilot, ThreadScreen)
        assert isinstance(app.screen, ThreadScreen)
    (copy,) = forum.threads(who(forum, "ada"), "circle", "general")
    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ThreadScreen("circle", copy.id))
        await shows(pilot, f"cross-posted from garden/{thread_id}")
        assert f"cross-posted from garden/{thread_id}" in screen_text(app)


async def test_decline_asks_first_and_ban_from_members_needs_a_reason(forum: Forum) -> None:
    from screens.members import MembersScreen
    from screens.moderation import ModerationScreen, ReasonPrompt

    found_circle(forum)
    forum.join(who(forum, "cy"), "circle", accept_rules=True)
    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ModerationScreen("circle"))
        await shows(pilot, "Asking to join: 1")
        await pilot.press("x", "n")  # asked, and said no
        await idle(pilot)  # asked and answered, nothing left to run: still asking
        assert "Asking to join: 1" in screen_text(app)
        await pilot.press("x", "y")
        await shows(pilot, "Asking to join: 0")
        assert "Asking to join: 0" in screen_text(app)
        app.push_screen(MembersScreen("garden", moderator=True))
        await on(pilot, MembersScreen, "bob")
        while "bob" not in " ".join(str(c) for c in _cursor_row(app)):
            await pilot.press("down")
        await pilot.press("b", "enter")
        await shows(pilot, "Reason needed")
        assert isinstance(app.screen, ReasonPrompt) and "Reason needed" in screen_text(app)
        await pilot.press(*"spam", "enter")
        await shows(pilot, "Members of garden: 1")
        assert "bob" not in screen_text(app) and "Members of garden: 1" in screen_text(app)
        await pilot.press("u", *"bob", "enter", *"second chance", "enter")
        ada = who(forum, "ada")
        await until(pilot, lambda: forum.moderation_log(ada, "garden")[0].action == "unban")
        await pilot.press("u", *"cy", "enter", "enter")
        await shows(pilot, "cy is not banned here")
        assert "cy is not banned here" in screen_text(app)
    assert forum.member_role(who(forum, "cy"), "circle") is None
    log = forum.moderation_log(who(forum, "ada"), "garden")
    assert [(e.action, e.target, e.reason) for e in log[:2]] == [
        ("unban", "bob", "second chance"),
        ("ban", "bob", "spam"),
    ]


def _cursor_row(app: BBSApp) -> list[object]:
    table = app.screen.query_one(RowTable)
    key = table.cursor_key
    return list(table.cells(key)) if key is not None else []


async def test_inbox_labels_mentions_and_notices(forum: Forum) -> None:
    from screens.mail import InboxScreen

    found_circle(forum)
    cy = who(forum, "cy")
    forum.join(cy, "circle", accept_rules=True)
    forum.decide_request(who(forum, "ada"), "circle", "cy", approve=True)
    forum.start_thread(who(forum, "bob"), "garden", "general", "Help", "@cy any tips?")
    app = app_for(forum, "cy")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(InboxScreen())
        await shows(pilot, "@mention", "notice", "2 unread")
        text = screen_text(app)
        assert "@mention" in text and "notice" in text and "2 unread" in text


async def test_set_a_password_from_the_profile(forum: Forum) -> None:
    from screens.profile import PasswordScreen, ProfileScreen

    app = app_for(forum, "cy")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ProfileScreen("cy"))
        await shows(pilot, "Cy  @cy")
        await pilot.press("p")
        await on(pilot, PasswordScreen)
        await pilot.press(*"short", "enter", *"short", "enter")
        await shows(pilot, "at least 8 characters")
        assert "at least 8 characters" in screen_text(app)
        app.screen.query_one("#first").value = "correct horse"
        app.screen.query_one("#second").value = "correct hose"
        app.screen.query_one("#second").focus()
        await pilot.press("enter")
        await shows(pilot, "differ")
        assert "differ" in screen_text(app)
        app.screen.query_one("#second").value = "correct horse"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, PasswordScreen))
        assert not isinstance(app.screen, PasswordScreen)
    assert forum.check_password("cy", "correct horse") is not None
