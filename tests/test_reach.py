"""Blocking covers every way one person reaches another, and hidden text is copied nowhere."""

from __future__ import annotations

import pytest

from bbs.errors import Forbidden
from bbs.forum import Forum
from bbs.models import GUEST
from tests.conftest import who
from tests.ui_helpers import app_for, screen_text, shows


def circle(forum: Forum, visibility: str = "invite", owner: str = "bob") -> None:
    forum.found_community(who(forum, owner), "circle", "Circle", visibility=visibility)


async def test_invitations_from_someone_blocked_never_raise_an_unread_count(
    forum: Forum,
) -> None:
    from screens.mail import InboxScreen

    circle(forum)
    bob, cy = who(forum, "bob"), who(forum, "cy")
    forum.invite(bob, "circle", "cy")  # before the block: a notice arrives
    assert forum.unread_mail(cy) == 1
    forum.block(cy, "bob")
    later = forum.clock() + 2 * 86_400
    forum.clock = lambda: later  # a day on: one may invite the same person again
    forum.invite(bob, "circle", "cy")  # after the block: nothing arrives
    assert forum.inbox(cy) == [] and forum.unread_mail(cy) == 0  # the count agrees
    app = app_for(forum, cy)
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "0 unread mail")
        assert "0 unread mail" in screen_text(app)
        app.push_screen(InboxScreen())
        await shows(pilot, "Mail: nothing yet")
        assert "Mail: nothing yet" in screen_text(app)


def test_notices_of_a_decision_follow_the_block(forum: Forum) -> None:
    circle(forum, "request")
    bob, cy = who(forum, "bob"), who(forum, "cy")
    forum.join(cy, "circle", accept_rules=True)
    forum.block(cy, "bob")
    forum.decide_request(bob, "circle", "cy", approve=True)
    assert forum.member_role(cy, "circle") == "member" and forum.unread_mail(cy) == 0


def test_one_liners_of_someone_blocked_leave_the_blockers_wall(forum: Forum) -> None:
    bob, cy, ada = who(forum, "bob"), who(forum, "cy"), who(forum, "ada")
    forum.add_oneliner(bob, "buy my seeds")
    forum.add_oneliner(ada, "welcome all")
    forum.block(cy, "bob")
    assert [o.text for o in forum.welcome(cy).oneliners] == ["welcome all"]
    assert [o.text for o in forum.welcome(ada).oneliners] == ["welcome all", "buy my seeds"]


def test_every_path_asks_the_one_rule(forum: Forum, monkeypatch: pytest.MonkeyPatch) -> None:
    """With `may_reach` saying no, nothing from one person arrives for another."""
    circle(forum, "request")
    bob, cy = who(forum, "bob"), who(forum, "cy")
    forum.join(cy, "circle", accept_rules=True)
    asked: list[tuple[str, str]] = []

    def never(sender: object, recipient: object) -> bool:
        asked.append((sender.handle, recipient.handle))  # type: ignore[attr-defined]
        return False

    monkeypatch.setattr(forum, "may_reach", never)
    forum.send_mail(bob, "cy", "hello")
    forum.start_thread(bob, "garden", "general", "Hi", "hey @cy")
    forum.invite(bob, "circle", "cy")
    forum.decide_request(bob, "circle", "cy", approve=True)
    assert forum.unread_mail(cy) == 0 and forum.inbox(cy) == []
    assert asked == [("bob", "cy")] * 4


def test_a_mention_shows_the_post_as_it_is_now(forum: Forum) -> None:
    ada, bob, cy = who(forum, "ada"), who(forum, "bob"), who(forum, "cy")
    _, root = forum.start_thread(ada, "garden", "general", "Seeds", "Who has seeds?")
    post = forum.reply(bob, "garden", root, "@cy here is my phone number 555-0100")
    (mention,) = forum.inbox(cy)
    assert "555-0100" in forum.read_conversation(cy, mention.conversation_id)[0].body
    forum.hide_post(ada, "garden", post, "personal details")
    body = forum.read_conversation(cy, mention.conversation_id)[0].body
    assert "555-0100" not in body and "personal details" in body


def test_a_hidden_first_post_is_not_cross_posted(forum: Forum) -> None:
    circle(forum, "open", owner="ada")
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.join(bob, "circle", accept_rules=True)
    thread_id, first = forum.start_thread(bob, "garden", "general", "Deal", "spam spam spam")
    forum.hide_post(ada, "garden", first, "spam")
    with pytest.raises(Forbidden, match="hidden"):
        forum.cross_post(bob, "garden", thread_id, "circle")
    assert forum.threads(GUEST, "circle", "general") == []


def test_hiding_the_original_hides_its_cross_posts(forum: Forum) -> None:
    circle(forum, "open", owner="ada")
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.join(bob, "circle", accept_rules=True)
    thread_id, first = forum.start_thread(bob, "garden", "general", "Deal", "a secret address")
    copy = forum.cross_post(bob, "garden", thread_id, "circle")
    assert "a secret address" in forum.read_thread(GUEST, "circle", copy).posts[0].body
    forum.hide_post(ada, "garden", first, "doxxing")
    shown = forum.read_thread(GUEST, "circle", copy).posts[0]
    assert shown.hidden and "a secret address" not in shown.body
    assert "a secret address" not in str(forum.search(GUEST, "secret address"))
    forum.restore_post(ada, "garden", first, "it was his own")
    assert "a secret address" in forum.read_thread(GUEST, "circle", copy).posts[0].body


def test_members_only_threads_are_not_cross_posted_where_guests_read(forum: Forum) -> None:
    circle(forum, "request", owner="bob")
    bob = who(forum, "bob")
    thread_id, _ = forum.start_thread(bob, "circle", "general", "Private", "just for us")
    with pytest.raises(Forbidden, match="for its members"):
        forum.cross_post(bob, "circle", thread_id, "garden")
    assert [t.title for t in forum.threads(GUEST, "garden", "general")] == []


def test_discover_lists_no_hidden_thread_and_no_one_blocked(forum: Forum) -> None:
    circle(forum, "open", owner="cy")
    ada, cy = who(forum, "ada"), who(forum, "cy")
    forum.start_thread(cy, "circle", "general", "Knitting", "circles")
    _, spam = forum.start_thread(cy, "circle", "general", "Cheap pills", "buy")
    forum.hide_post(cy, "circle", spam, "spam")
    assert [d.title for d in forum.discover(ada)] == ["Knitting"]
    forum.block(ada, "cy")
    assert forum.discover(ada) == []


def test_the_welcome_count_of_new_posts_agrees_with_the_new_scan(forum: Forum) -> None:
    ada, bob, cy = who(forum, "ada"), who(forum, "bob"), who(forum, "cy")
    forum.join(cy, "garden", accept_rules=True)
    forum.block(cy, "bob")
    forum.start_thread(bob, "garden", "general", "Spam", "buy now")
    forum.start_thread(ada, "garden", "general", "News", "the frost is over")
    listed = forum.new_since_last_visit(cy)
    assert [n.title for n in listed] == ["News"]
    assert forum.welcome(cy).new_posts == len(listed)


def test_every_unread_count_agrees_with_its_list_when_someone_is_blocked(forum: Forum) -> None:
    """The one rule for lists holds for counts: a blocked author's replies are never
    unread in a thread (the thread view already said so), and their threads, which the
    board does not list, count nowhere: not in the thread list, the board, the directory
    or the community's total."""
    ada, bob, cy = who(forum, "ada"), who(forum, "bob"), who(forum, "cy")
    forum.hub.set_membership(cy.id, "garden", "member", "active")
    forum.block(cy, "bob")
    theirs, first = forum.start_thread(ada, "garden", "general", "Compost", "Hot or cold?")
    forum.reply(bob, "garden", first, "Hot, always")  # blocked: withheld, never unread
    forum.reply(ada, "garden", first, "Cold is fine")
    forum.reply(bob, "garden", first, "Hot!")
    _, his = forum.start_thread(bob, "garden", "general", "Bob's beans", "Runner beans")
    forum.reply(ada, "garden", his, "Mine climbed the fence")  # in a thread not listed

    view = forum.read_thread(cy, "garden", theirs)
    shown_unread = sum(p.unread for p in view.posts)
    assert shown_unread == 2  # ada's first post and her reply
    listed = forum.threads(cy, "garden", "general")
    assert [t.id for t in listed] == [theirs]
    assert listed[0].unread == shown_unread
    (general,) = [b for b in forum.boards(cy, "garden") if b.slug == "general"]
    assert general.unread == shown_unread
    (garden,) = [c for c in forum.list_communities(cy) if c.slug == "garden"]
    assert garden.new_posts == shown_unread
    assert forum.unread_count(cy, "garden") == forum.unread_count(cy) == shown_unread
    forum.block(cy, "bob", blocked=False)  # unblocked: everything counts again
    assert forum.unread_count(cy, "garden") == 6
