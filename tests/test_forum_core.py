"""The forum core: threads, replies as a tree, edits, read marks, search, permissions."""

from __future__ import annotations

import pytest

from bbs.actions.posted import Posted
from bbs.errors import Forbidden, NotFound, TextError
from bbs.forum import Forum
from bbs.models import GUEST
from tests.conftest import who


def test_thread_replies_form_a_tree_in_display_order(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Tomatoes", "Mine are red")
    a = forum.reply(ada, "garden", root, "first reply")
    b = forum.reply(bob, "garden", root, "second reply")
    a1 = forum.reply(bob, "garden", a, "reply to first")
    a11 = forum.reply(ada, "garden", a1, "deeper still")
    view = forum.read_thread(ada, "garden", thread_id)
    assert [p.id for p in view.posts] == [root, a, a1, a11, b]
    assert [p.depth for p in view.posts] == [0, 1, 2, 3, 1]
    assert view.thread.posts == 5
    assert [p.id for p in view.children(root)] == [a, b]


def test_unread_counts_follow_read_marks(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Beans", "Runner beans")
    reply = forum.reply(bob, "garden", root, "update")
    assert forum.unread_count(ada, "garden") == 2
    assert forum.unread_count(bob, "garden") == 0  # your own posts are never unread
    boards = {b.slug: b for b in forum.boards(ada, "garden")}
    assert boards["general"].unread == 2 and boards["swaps"].unread == 0
    forum.mark_read(ada, "garden", thread_id, root)
    assert forum.unread_count(ada, "garden") == 1
    assert [p.unread for p in forum.read_thread(ada, "garden", thread_id).posts] == [False, True]
    forum.mark_read(ada, "garden", thread_id, reply)
    assert forum.threads(ada, "garden", "general")[0].unread == 0


def test_reading_a_tree_out_of_order_leaves_other_branches_unread(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Tree", "root")
    a = forum.reply(bob, "garden", root, "branch a")
    b = forum.reply(bob, "garden", root, "branch b")
    a1 = forum.reply(bob, "garden", a, "under a")
    forum.mark_read(ada, "garden", thread_id, a1)  # the newest first
    unread = {p.id for p in forum.read_thread(ada, "garden", thread_id).posts if p.unread}
    assert unread == {root, a, b}
    for post_id in (root, a):
        forum.mark_read(ada, "garden", thread_id, post_id)
    assert forum.unread_count(ada, "garden") == 1
    mark = forum.store("garden").value("SELECT last_read_id FROM read_marks")
    assert mark == a  # the mark covers root and a; a1 is still kept one by one
    forum.mark_read(ada, "garden", thread_id, b)
    assert forum.unread_count(ada, "garden") == 0
    assert forum.store("garden").value("SELECT count(*) FROM read_posts") == 0  # compacted
    forum.mark_read_through(bob, "garden", thread_id, b)  # bob wrote them all: no-op
    c = forum.reply(bob, "garden", b, "later")
    forum.mark_read_through(ada, "garden", thread_id, c)
    assert forum.unread_count(ada, "garden") == 0


def test_edit_own_post_only_and_marked_edited(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Kale", "kale is fine")
    forum.edit_post(bob, "garden", root, "kale is great")
    post = forum.read_thread(bob, "garden", thread_id).posts[0]
    assert post.body == "kale is great" and post.edited_at is not None
    with pytest.raises(Forbidden):
        forum.edit_post(ada, "garden", root, "hijack")


def test_threads_list_newest_activity_first(forum: Forum) -> None:
    bob = who(forum, "bob")
    clock = iter(range(1000, 2000, 10))
    forum.clock = lambda: float(next(clock))
    old, old_root = forum.start_thread(bob, "garden", "general", "Old", "old")
    new, _ = forum.start_thread(bob, "garden", "general", "New", "new")
    assert [t.id for t in forum.threads(bob, "garden", "general")] == [new, old]
    forum.reply(bob, "garden", old_root, "bump")
    assert [t.id for t in forum.threads(bob, "garden", "general")] == [old, new]


def test_text_is_cleaned_and_limits_give_a_message(forum: Forum) -> None:
    bob = who(forum, "bob")
    thread_id, _ = forum.start_thread(
        bob, "garden", "general", "Hi\x1b]0;pwned\x07 there", "body\x1b[31m red\x9b\u202e ok"
    )
    view = forum.read_thread(bob, "garden", thread_id)
    assert view.thread.title == "Hi there"
    assert view.posts[0].body == "body red ok"
    with pytest.raises(TextError, match="limit is 20,000"):
        forum.start_thread(bob, "garden", "general", "Long", "x" * 20_001)
    with pytest.raises(TextError, match="empty"):
        forum.start_thread(bob, "garden", "general", "  ", "body")


def test_guests_read_open_communities_but_cannot_post(forum: Forum) -> None:
    bob = who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Open", "anyone can read")
    assert forum.read_thread(GUEST, "garden", thread_id).posts[0].body == "anyone can read"
    with pytest.raises(Forbidden, match="Guests"):
        forum.reply(GUEST, "garden", root, "hello")


def test_non_members_cannot_post_and_closed_communities_hide(forum: Forum) -> None:
    cy, bob = who(forum, "cy"), who(forum, "bob")
    _, root = forum.start_thread(bob, "garden", "general", "Members", "only")
    with pytest.raises(Forbidden, match="Join Garden"):
        forum.reply(cy, "garden", root, "can I?")
    forum.hub.update_community("garden", visibility="request")
    with pytest.raises(Forbidden, match="only readable by its members"):
        forum.boards(cy, "garden")
    assert forum.search(cy, "Members") == []
    assert forum.search(bob, "Members")[0].post_id == root


def test_search_finds_body_and_title_and_ignores_fts_syntax(forum: Forum) -> None:
    bob = who(forum, "bob")
    _, root = forum.start_thread(bob, "garden", "general", "Courgette glut", "what to do")
    reply = forum.reply(bob, "garden", root, "make chutney with the marrows")
    assert [h.post_id for h in forum.search(bob, "chutney")] == [reply]
    assert [h.post_id for h in forum.search(bob, "courgette")] == [root]
    assert [h.post_id for h in forum.search(bob, 'chutney)" OR')] == []  # OR is a term here
    assert [h.post_id for h in forum.search(bob, "(chutney*")] == [reply]
    assert forum.search(bob, '"*') == []


def test_missing_things_are_not_found(forum: Forum) -> None:
    bob = who(forum, "bob")
    with pytest.raises(NotFound):
        forum.read_thread(bob, "garden", 999)
    with pytest.raises(NotFound):
        forum.boards(bob, "nowhere")
    with pytest.raises(NotFound):
        forum.reply(bob, "garden", 12345, "x")


def test_new_since_last_visit_counts_others_posts(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.clock = lambda: 100.0
    ada = forum.sign_in(ada)
    forum.clock = lambda: 200.0
    forum.start_thread(bob, "garden", "general", "While you were out", "news")
    forum.clock = lambda: 300.0
    ada = forum.sign_in(ada)
    assert forum.welcome(ada).new_posts == 1
    assert [n.title for n in forum.new_since_last_visit(ada)] == ["While you were out"]


def test_oneliners_are_rate_limited(forum: Forum) -> None:
    bob = who(forum, "bob")
    forum.add_oneliner(bob, "hello wall")
    with pytest.raises(Exception, match="try again in"):
        forum.add_oneliner(bob, "again")
    assert [o.text for o in forum.oneliners()] == ["hello wall"]


def test_can_moderate_is_for_moderators_owners_and_the_sysop(forum: Forum) -> None:
    bob, ada, cy = who(forum, "bob"), who(forum, "ada"), who(forum, "cy")
    assert forum.can_moderate(ada, "garden")  # owner and sysop
    assert not forum.can_moderate(bob, "garden")  # a member
    assert not forum.can_moderate(cy, "garden") and not forum.can_moderate(GUEST, "garden")
    forum.hub.set_membership(bob.id, "garden", "moderator", "active")
    assert forum.can_moderate(bob, "garden")


def test_after_a_post_each_handler_runs_in_order_and_one_that_fails_stops_none(
    forum: Forum, caplog: pytest.LogCaptureFixture
) -> None:
    """The handlers are one list, in the order Forum.after_post names them; each gets the
    same Posted record. One of ours that fails is logged and the next still runs: the
    reply stands and its mention is delivered."""
    bob, ada = who(forum, "bob"), who(forum, "ada")
    assert [h.__name__ for h in forum.after_post] == ["tell_readers", "deliver_mentions"]
    _, root = forum.start_thread(bob, "garden", "general", "Leeks", "Trench or dibber?")
    told: list[Posted] = []
    delivered: list[Posted] = []
    deliver = forum.deliver_mentions

    def tell_readers(posted: Posted) -> None:
        told.append(posted)
        raise RuntimeError("a bug of ours")

    def deliver_mentions(posted: Posted) -> None:
        delivered.append(posted)
        deliver(posted)

    forum.tell_readers = tell_readers  # type: ignore[method-assign]
    forum.deliver_mentions = deliver_mentions  # type: ignore[method-assign]
    post_id = forum.reply(bob, "garden", root, "Dibber, @ada says")
    assert told == delivered and len(told) == 1
    posted = told[0]
    assert (posted.post_id, posted.parent_id, posted.depth, posted.author) == (
        post_id,
        root,
        1,
        bob,
    )
    assert not posted.starts_thread and posted.body == "Dibber, @ada says"
    assert [p.body for p in forum.read_thread(bob, "garden", posted.thread_id).posts][-1] == (
        "Dibber, @ada says"
    )
    assert [c.kind for c in forum.inbox(ada)] == ["mention"]
    assert "tell_readers failed" in caplog.text
