"""The plain-mode preference: kept in the hub, switched from the TUI's profile screen."""

from __future__ import annotations

from pathlib import Path

from bbs.forum import Forum
from bbs.plain.mode import wants_plain
from tests.conftest import who
from tests.ui_helpers import app_for, idle, screen_text, shows


def test_the_preference_is_a_profile_field(forum: Forum, tmp_path: Path) -> None:
    bob = who(forum, "bob")
    assert not forum.prefers_plain(bob)
    forum.update_profile(bob, plain_mode=True)
    assert forum.prefers_plain(bob)
    assert forum.update_profile(bob, bio="beans").bio == "beans"  # other fields leave it be
    assert forum.prefers_plain(bob)
    assert not forum.prefers_plain(forum.guest())
    again = forum.backend.hub()  # migration 0005 ran once; reopening keeps it
    assert again.prefers_plain(bob.id)
    again.close()


def test_which_sessions_are_plain() -> None:
    never, always = (lambda: False), (lambda: True)
    assert wants_plain("exec", "plain", None, never)
    assert wants_plain("exec", " plain ", "xterm", never)
    assert not wants_plain("exec", "thread garden/1", None, always)
    assert wants_plain("shell", "", None, never)  # no pty: TERM unset
    assert wants_plain("shell", "", "dumb", never) and wants_plain("shell", "", "", never)
    assert not wants_plain("shell", "", "xterm-256color", never)
    assert wants_plain("shell", "", "xterm-256color", always)  # the person's own choice
    assert not wants_plain("subsystem", "", None, always)


async def test_the_profile_screen_switches_plain_mode(forum: Forum) -> None:
    from screens.profile import ProfileScreen

    bob = who(forum, "bob")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "Online now")
        app.push_screen(ProfileScreen("bob"))
        await shows(pilot, "Plain mode at every SSH sign-in: off")
        assert "Plain mode at every SSH sign-in: off" in screen_text(app)
        assert "Plain mode" in screen_text(app).splitlines()[-1]  # its key in the key bar
        await pilot.press("l")
        await shows(pilot, "Plain mode at every SSH sign-in: on")
        assert forum.prefers_plain(bob)
        assert "Plain mode at every SSH sign-in: on" in screen_text(app)
        await pilot.press("l")
        await shows(pilot, "Plain mode at every SSH sign-in: off")
        assert not forum.prefers_plain(bob)
        app.push_screen(ProfileScreen("cy"))  # someone else's profile: no such key
        await shows(pilot, "Cy  @cy")
        await pilot.press("l")
        await idle(pilot)  # the key handled, nothing left to run: no such key here
        assert not forum.prefers_plain(who(forum, "cy"))
