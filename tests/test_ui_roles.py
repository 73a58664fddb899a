"""Owners appoint moderators and hand the community over from the members screen, as a
person does it: the keys, the question asked first, what the screen says after."""

from __future__ import annotations

from bbs.forum import Forum
from bbs.models import MemberRole
from screens.app import BBSApp
from screens.widgets.row_table import RowTable
from tests.conftest import who
from tests.ui_helpers import app_for, screen_text, settle, toast


def circle(forum: Forum) -> str:
    """bob's open community 'circle', with cy as a member."""
    forum.found_community(who(forum, "bob"), "circle", "Circle", visibility="open")
    forum.join(who(forum, "cy"), "circle", accept_rules=True)
    return "circle"


async def select(pilot: object, app: BBSApp, handle: str) -> None:
    """Move the members table's cursor to `handle`'s row, as the arrow keys do."""
    table = app.screen.query_one(RowTable)
    for _ in range(10):
        if table.cursor_key == handle:
            return
        await pilot.press("down")  # type: ignore[attr-defined]
    raise AssertionError(f"no row for {handle}: {screen_text(app)}")


def row_of(app: BBSApp, handle: str) -> str:
    return next(line for line in screen_text(app).splitlines() if f" {handle} " in f" {line} ")


async def test_the_owner_appoints_a_moderator_and_hands_the_community_over(
    forum: Forum,
) -> None:
    from screens.community import CommunityScreen
    from screens.members import MembersScreen
    from screens.widgets.confirm import ConfirmScreen

    slug = circle(forum)
    bob, cy = who(forum, "bob"), who(forum, "cy")
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(CommunityScreen(slug))
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        text = screen_text(app)
        assert "m Moderator" in text and "o Hand over" in text  # the owner's keys
        await select(pilot, app, "cy")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Make cy a moderator of circle?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        await toast(pilot, "cy is a moderator now.")
        assert "moderator" in row_of(app, "cy")
        assert forum.member_role(cy, slug) == MemberRole.MODERATOR
        await select(pilot, app, "cy")
        await pilot.press("o")
        await settle(pilot)
        assert "Hand circle over to cy?" in screen_text(app)
        await pilot.press("n")  # asked, and said no: nothing changes
        await settle(pilot)
        assert forum.member_role(bob, slug) == MemberRole.OWNER
        await pilot.press("o", "y")
        await settle(pilot)
        assert "owner" in row_of(app, "cy") and "moderator" in row_of(app, "bob")
        await toast(pilot, "circle is cy's now; you are a moderator.")
        text = screen_text(app)
        assert "o Hand over" not in text and "m Moderator" not in text  # bob owns it no more
        await pilot.press("m")  # and the key does nothing now
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
    assert forum.member_role(cy, slug) == MemberRole.OWNER
    log = [(e.actor, e.action, e.target) for e in forum.moderation_log(cy, slug)]
    assert log[:2] == [("bob", "hand over", "cy"), ("bob", "make moderator", "cy")]
    subjects = [c.subject for c in forum.inbox(cy) if c.kind == "notice"]
    assert subjects == ["Circle is yours now", "Circle: you are a moderator"]


async def test_a_moderator_sees_no_owner_keys_and_the_last_owner_cannot_leave(
    forum: Forum,
) -> None:
    from screens.join import JoinScreen
    from screens.members import MembersScreen

    slug = circle(forum)
    forum.set_member_role(who(forum, "bob"), slug, "cy", "moderator")
    app = app_for(forum, who(forum, "cy"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MembersScreen(slug, moderator=True))
        await settle(pilot)
        text = screen_text(app)
        assert "b Ban" in text and "m Moderator" not in text and "o Hand over" not in text
        await select(pilot, app, "bob")
        await pilot.press("m", "o")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
    assert forum.member_role(who(forum, "bob"), slug) == MemberRole.OWNER
    app = app_for(forum, who(forum, "bob"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(JoinScreen(slug))
        await settle(pilot)
        await pilot.press("l", "y")
        await settle(pilot)
        text = screen_text(app)
        assert isinstance(app.screen, JoinScreen) and "You own Circle: hand it over" in text
    assert forum.member_role(who(forum, "bob"), slug) == MemberRole.OWNER
