"""Micro-community life at the forum level: every permission rule, including the refusals."""

from __future__ import annotations

import pytest

from bbs.errors import Forbidden, NotFound, RateLimited, TextError
from bbs.forum import Forum
from bbs.live import Kind, LiveEvent
from bbs.live_events import MembershipChanged
from bbs.models import GUEST, MemberRole
from tests.conftest import who


def found(forum: Forum, visibility: str, owner: str = "ada", slug: str = "circle") -> str:
    forum.found_community(
        who(forum, owner),
        slug,
        "Circle",
        description="A small circle",
        rules="1. Be kind.",
        visibility=visibility,
        boards=["general", "meets"],
    )
    return slug


# joining ------------------------------------------------------------------------
def test_open_community_join_needs_rules_accepted(forum: Forum) -> None:
    slug = found(forum, "open")
    cy = who(forum, "cy")
    with pytest.raises(Forbidden, match="accept the rules"):
        forum.join(cy, slug)
    assert forum.join(cy, slug, accept_rules=True) == "active"
    forum.start_thread(who(forum, "cy"), slug, "general", "Hello", "I'm new")


def test_request_community_hides_content_until_approved(forum: Forum) -> None:
    slug = found(forum, "request")
    ada, cy = who(forum, "ada"), who(forum, "cy")
    thread_id, _ = forum.start_thread(ada, slug, "general", "Private", "members only")
    summary = {c.slug: c for c in forum.list_communities(cy)}[slug]
    assert summary.description == "A small circle" and not summary.can_read
    with pytest.raises(Forbidden):
        forum.read_thread(cy, slug, thread_id)
    with pytest.raises(Forbidden):
        forum.read_thread(GUEST, slug, thread_id)
    assert forum.join(cy, slug, accept_rules=True) == "requested"
    with pytest.raises(Forbidden):
        forum.read_thread(cy, slug, thread_id)
    bob = who(forum, "bob")
    with pytest.raises(Forbidden, match="only readable by its members"):
        forum.join_requests(bob, slug)
    assert [m.handle for m in forum.join_requests(ada, slug)] == ["cy"]
    forum.decide_request(ada, slug, "cy", approve=True)
    assert forum.read_thread(cy, slug, thread_id).posts[0].body == "members only"
    assert forum.inbox(cy)[0].subject == "Circle: request approved"


def test_invite_only_needs_a_code_or_an_invitation(forum: Forum) -> None:
    slug = found(forum, "invite")
    ada, bob, cy = who(forum, "ada"), who(forum, "bob"), who(forum, "cy")
    with pytest.raises(Forbidden, match="invite code"):
        forum.join(cy, slug, accept_rules=True)
    with pytest.raises(Forbidden):
        forum.invite(bob, slug)  # not a moderator there
    code = forum.invite(ada, slug)
    with pytest.raises(Forbidden):
        forum.join(cy, slug, accept_rules=True, code="wrong")
    assert forum.join(cy, slug, accept_rules=True, code=code) == "active"
    with pytest.raises(Forbidden):  # a code is spent once
        forum.join(bob, slug, accept_rules=True, code=code)
    forum.invite(ada, slug, handle="bob")
    assert forum.join(bob, slug, accept_rules=True) == "active"


def test_member_cap_keeps_it_small(forum: Forum) -> None:
    slug = found(forum, "open")
    forum.hub.update_community(slug, member_cap=2)
    forum.join(who(forum, "bob"), slug, accept_rules=True)
    with pytest.raises(Forbidden, match="full"):
        forum.join(who(forum, "cy"), slug, accept_rules=True)


def test_founding_makes_owner_and_can_require_approval(forum: Forum) -> None:
    bob = who(forum, "bob")
    assert forum.found_community(bob, "Synths", "Synths") == "active"
    assert forum.member_role(bob, "synths") == "owner"
    assert [b.slug for b in forum.boards(bob, "synths")] == ["general"]
    with pytest.raises(TextError, match="taken"):
        forum.found_community(bob, "synths", "Again")
    with pytest.raises(Forbidden):
        forum.found_community(GUEST, "guesty", "Guesty")
    forum.hub.set_setting("require_community_approval", "1")
    assert forum.found_community(bob, "pending-one", "Pending") == "pending"
    assert "pending-one" not in {c.slug for c in forum.list_communities(bob)}
    with pytest.raises(Forbidden):
        forum.approve_community(bob, "pending-one")
    forum.approve_community(who(forum, "ada"), "pending-one")
    assert "pending-one" in {c.slug for c in forum.list_communities(bob)}


# moderation ---------------------------------------------------------------------
def test_moderators_pin_lock_move_and_members_cannot(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Swap?", "seeds")
    with pytest.raises(Forbidden):
        forum.pin_thread(bob, "garden", thread_id)
    forum.pin_thread(ada, "garden", thread_id, reason="useful")
    forum.lock_thread(ada, "garden", thread_id, reason="answered")
    with pytest.raises(Forbidden, match="locked"):
        forum.reply(bob, "garden", root, "one more")
    forum.move_thread(ada, "garden", thread_id, "swaps", reason="belongs in swaps")
    moved = forum.threads(ada, "garden", "swaps")[0]
    assert (moved.id, moved.pinned, moved.locked) == (thread_id, True, True)
    assert forum.threads(ada, "garden", "general") == []
    log = forum.moderation_log(bob, "garden")
    assert [e.action for e in log] == ["move to swaps", "lock", "pin"]
    assert log[0].actor == "ada" and log[0].reason == "belongs in swaps"


def test_the_owner_appoints_moderators_and_back_and_each_change_is_logged_and_told(
    forum: Forum,
) -> None:
    bob, cy = who(forum, "bob"), who(forum, "cy")
    slug = found(forum, "open", owner="bob")
    forum.join(cy, slug, accept_rules=True)
    seen: list[LiveEvent] = []
    forum.bus.subscribe(seen.append)
    forum.set_member_role(bob, slug, "cy", "moderator")
    assert forum.member_role(cy, slug) == MemberRole.MODERATOR and forum.can_moderate(cy, slug)
    forum.hide_post(cy, slug, forum.start_thread(bob, slug, "general", "T", "x")[1], "test")
    (notice,) = [c for c in forum.inbox(cy) if c.kind == "notice"]
    assert notice.subject == "Circle: you are a moderator" and notice.other == "bob"
    changed = [e.payload for e in seen if e.kind == Kind.MEMBERSHIP]
    assert changed == [MembershipChanged("cy", "active", "moderator")]
    forum.set_member_role(bob, slug, "@cy", "member")
    assert forum.member_role(cy, slug) == MemberRole.MEMBER and not forum.can_moderate(cy, slug)
    actions = [(e.actor, e.action, e.target) for e in forum.moderation_log(bob, slug)]
    assert actions[0] == ("bob", "make member", "cy") and ("bob", "make moderator", "cy") in actions
    assert [c.subject for c in forum.inbox(cy) if c.kind == "notice"] == [
        "Circle: you are a member (no longer a moderator)",
        "Circle: you are a moderator",
    ]


def test_who_may_change_roles_and_to_what(forum: Forum) -> None:
    ada, bob, cy = who(forum, "ada"), who(forum, "bob"), who(forum, "cy")
    slug = found(forum, "open", owner="bob")
    forum.join(cy, slug, accept_rules=True)
    forum.set_member_role(bob, slug, "cy", "moderator")
    with pytest.raises(Forbidden, match="Only the owner of Circle can appoint"):
        forum.set_member_role(cy, slug, "cy", "member")  # a moderator appoints no one
    with pytest.raises(Forbidden, match="Only the owner of Circle can hand it over"):
        forum.hand_over(cy, slug, "cy")
    with pytest.raises(NotFound, match="ada is not a member of Circle"):
        forum.set_member_role(bob, slug, "ada", "moderator")
    with pytest.raises(TextError, match="hand the community over"):
        forum.set_member_role(bob, slug, "cy", "owner")
    with pytest.raises(TextError, match="A role is member or moderator"):
        forum.set_member_role(bob, slug, "cy", "admin")
    with pytest.raises(TextError, match="already"):
        forum.set_member_role(bob, slug, "cy", "moderator")
    with pytest.raises(Forbidden, match="bob owns Circle"):
        forum.set_member_role(ada, slug, "bob", "member")  # not even the sysop demotes an owner
    forum.set_member_role(ada, slug, "cy", "member")  # the sysop may appoint anywhere
    assert forum.member_role(cy, slug) == MemberRole.MEMBER


def test_the_last_owner_hands_over_before_leaving(forum: Forum) -> None:
    bob, cy = who(forum, "bob"), who(forum, "cy")
    slug = found(forum, "open", owner="bob")
    with pytest.raises(Forbidden, match="hand it over to another member before you leave"):
        forum.leave(bob, slug)
    with pytest.raises(NotFound, match="cy is not a member of Circle"):
        forum.hand_over(bob, slug, "cy")  # only to a member
    forum.join(cy, slug, accept_rules=True)
    with pytest.raises(TextError, match="own Circle already"):
        forum.hand_over(bob, slug, "bob")
    forum.hand_over(bob, slug, "cy")
    assert forum.member_role(cy, slug) == MemberRole.OWNER
    assert forum.member_role(bob, slug) == MemberRole.MODERATOR
    (notice,) = [c for c in forum.inbox(cy) if c.kind == "notice"]
    assert notice.subject == "Circle is yours now"
    assert [(e.action, e.target) for e in forum.moderation_log(cy, slug)][0] == ("hand over", "cy")
    with pytest.raises(Forbidden, match="You own Circle"):
        forum.leave(cy, slug)
    forum.leave(bob, slug)  # a moderator may go
    assert forum.member_role(bob, slug) is None


def test_a_change_of_role_tells_no_one_who_blocked_the_owner(forum: Forum) -> None:
    bob, cy = who(forum, "bob"), who(forum, "cy")
    slug = found(forum, "open", owner="bob")
    forum.join(cy, slug, accept_rules=True)
    forum.block(cy, "bob")
    forum.set_member_role(bob, slug, "cy", "moderator")
    forum.hand_over(bob, slug, "cy")
    assert forum.member_role(cy, slug) == MemberRole.OWNER  # done, and logged
    assert [e.action for e in forum.moderation_log(cy, slug)][:2] == ["hand over", "make moderator"]
    assert forum.inbox(cy) == [] and forum.unread_mail(cy) == 0  # but no notice reaches cy


def test_hidden_posts_keep_a_reason_and_can_be_restored(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Oops", "rude words")
    with pytest.raises(TextError):
        forum.hide_post(ada, "garden", root, "")
    forum.hide_post(ada, "garden", root, "rude")
    seen_by_member = forum.read_thread(bob, "garden", thread_id).posts[0]
    assert seen_by_member.hidden and seen_by_member.body == ""
    assert seen_by_member.hidden_reason == "rude"
    assert forum.read_thread(ada, "garden", thread_id).posts[0].body == "rude words"
    assert forum.search(bob, "rude") == []
    forum.restore_post(ada, "garden", root, "fine after all")
    assert forum.read_thread(bob, "garden", thread_id).posts[0].body == "rude words"


def test_flags_go_to_a_queue_that_moderators_work(forum: Forum) -> None:
    ada, bob, cy = who(forum, "ada"), who(forum, "bob"), who(forum, "cy")
    thread_id, root = forum.start_thread(ada, "garden", "general", "Spam?", "buy now")
    with pytest.raises(Forbidden):
        forum.flag_post(cy, "garden", root, "spam")  # not a member
    flag_id = forum.flag_post(bob, "garden", root, "looks like spam")
    with pytest.raises(Forbidden):
        forum.flag_queue(bob, "garden")
    queue = forum.flag_queue(ada, "garden")
    assert [(f.id, f.flagger, f.reason) for f in queue] == [(flag_id, "bob", "looks like spam")]
    forum.resolve_flag(ada, "garden", flag_id, "hide")
    assert forum.flag_queue(ada, "garden") == []
    assert forum.read_thread(bob, "garden", thread_id).posts[0].hidden


def test_bans_stop_reading_and_posting(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    _, root = forum.start_thread(ada, "garden", "general", "Rules", "be kind")
    with pytest.raises(Forbidden):
        forum.ban_member(bob, "garden", "ada", "coup")
    forum.ban_member(ada, "garden", "bob", "harassment")
    with pytest.raises(Forbidden):
        forum.reply(bob, "garden", root, "let me in")
    with pytest.raises(Forbidden):
        forum.boards(bob, "garden")
    with pytest.raises(Forbidden, match="banned"):
        forum.join(bob, "garden", accept_rules=True)
    forum.unban_member(ada, "garden", "bob", "second chance")
    assert forum.join(bob, "garden", accept_rules=True) == "active"
    assert [e.action for e in forum.moderation_log(ada, "garden")][:2] == ["unban", "ban"]


def test_moderation_log_is_for_members(forum: Forum) -> None:
    with pytest.raises(Forbidden):
        forum.moderation_log(who(forum, "cy"), "garden")
    with pytest.raises(Forbidden):
        forum.moderation_log(GUEST, "garden")


# mail, mentions, profiles, blocking -----------------------------------------------
def test_mail_conversations_and_unread_counts(forum: Forum) -> None:
    ada, bob, cy = who(forum, "ada"), who(forum, "bob"), who(forum, "cy")
    first = forum.send_mail(bob, "ada", "How are the seedlings?", subject="Seedlings")
    assert forum.unread_mail(ada) == 1 and forum.welcome(ada).unread_mail == 1
    convo = forum.inbox(ada)[0]
    assert (convo.other, convo.subject, convo.unread) == ("bob", "Seedlings", 1)
    with pytest.raises(NotFound):
        forum.read_conversation(cy, convo.conversation_id)
    with pytest.raises(NotFound):
        forum.send_mail(cy, "ada", "butting in", conversation_id=first)
    messages = forum.read_conversation(ada, convo.conversation_id)
    assert [m.body for m in messages] == ["How are the seedlings?"]
    assert forum.unread_mail(ada) == 0
    forum.send_mail(ada, "bob", "Thriving!", conversation_id=convo.conversation_id)
    assert [m.body for m in forum.read_conversation(bob, convo.conversation_id)] == [
        "How are the seedlings?",
        "Thriving!",
    ]
    with pytest.raises(Forbidden):
        forum.send_mail(GUEST, "ada", "hi")
    with pytest.raises(NotFound):
        forum.send_mail(bob, "nobody", "hi")


def test_mentions_land_in_the_inbox_of_readers_only(forum: Forum) -> None:
    bob = who(forum, "bob")
    forum.start_thread(bob, "garden", "general", "Help", "Hey @ada and @cy, and @nobody")
    ada_box, cy_box = forum.inbox(who(forum, "ada")), forum.inbox(who(forum, "cy"))
    assert ada_box[0].kind == "mention" and "mentioned you" in ada_box[0].subject
    assert cy_box[0].kind == "mention"  # garden is open: cy can read it
    forum.hub.update_community("garden", visibility="request")
    forum.start_thread(bob, "garden", "general", "Closed", "only @cy cannot see this")
    assert len(forum.inbox(who(forum, "cy"))) == 1


def test_blocking_hides_mail_and_mentions(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.block(ada, "bob")
    assert forum.blocked(ada) == ["bob"]
    forum.send_mail(bob, "ada", "are you there?")
    forum.start_thread(bob, "garden", "general", "Ping", "@ada ping")
    assert forum.inbox(ada) == [] and forum.unread_mail(ada) == 0
    forum.block(ada, "bob", blocked=False)
    forum.send_mail(bob, "ada", "now?")
    assert forum.unread_mail(ada) == 1


def test_profile_shows_only_visible_communities(forum: Forum) -> None:
    found(forum, "invite", owner="bob", slug="secret")
    forum.update_profile(who(forum, "bob"), bio="Grows beans", interests="beans, bees")
    seen = forum.profile(who(forum, "cy"), "bob")
    assert (seen.bio, seen.interests, seen.communities) == (
        "Grows beans",
        "beans, bees",
        ("garden",),
    )
    assert forum.profile(who(forum, "bob"), "bob").communities == ("garden", "secret")


# board culture -------------------------------------------------------------------
def test_oneliner_wall_newest_first_and_callers(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.add_oneliner(bob, "first")
    forum.add_oneliner(ada, "second")  # the sysop is exempt from the pace
    forum.add_oneliner(ada, "third")
    assert [o.text for o in forum.oneliners()] == ["third", "second", "first"]
    with pytest.raises(RateLimited):
        forum.add_oneliner(bob, "too soon")
    forum.sign_in(bob)
    forum.sign_in(ada)
    assert [c.handle for c in forum.last_callers()] == ["ada", "bob"]


def test_bulletin_is_the_sysops(forum: Forum) -> None:
    with pytest.raises(Forbidden):
        forum.set_bulletin(who(forum, "bob"), "mine now")
    forum.set_bulletin(who(forum, "ada"), "Welcome, all")
    assert forum.welcome(who(forum, "bob")).bulletin == "Welcome, all"


# meetups -------------------------------------------------------------------------
def test_events_rsvp_and_ics(forum: Forum) -> None:
    ada, bob, cy = who(forum, "ada"), who(forum, "bob"), who(forum, "cy")
    forum.clock = lambda: 1_790_000_000.0  # 2026-09-21
    event_id = forum.create_event(
        bob,
        "garden",
        "Seed swap",
        "2026-10-03 14:30",
        "Europe/London",
        "Hackney Marshes",
        "Bring seeds; share",
    )
    with pytest.raises(Forbidden):
        forum.create_event(cy, "garden", "Party", "2026-10-03 14:30", "UTC", "here")
    with pytest.raises(TextError, match="YYYY-MM-DD"):
        forum.create_event(bob, "garden", "Bad", "next tuesday", "UTC", "here")
    with pytest.raises(TextError, match="time zone"):
        forum.create_event(bob, "garden", "Bad", "2026-10-03 14:30", "Mars/Olympus", "here")
    forum.rsvp(ada, "garden", event_id, "going")
    forum.rsvp(bob, "garden", event_id, "maybe")
    with pytest.raises(TextError):
        forum.rsvp(bob, "garden", event_id, "perhaps")
    with pytest.raises(Forbidden):
        forum.rsvp(cy, "garden", event_id, "going")
    detail = forum.event(cy, "garden", event_id)
    assert detail.answered("going") == ["ada"] and detail.event.maybe == 1
    assert [e.title for e in forum.events(bob, "garden")] == ["Seed swap"]
    assert [e.id for e in forum.upcoming_events(ada)] == [event_id]
    ics = forum.event_ics(bob, "garden", event_id)
    assert "BEGIN:VCALENDAR\r\n" in ics and "DTSTART:20261003T133000Z" in ics
    assert "SUMMARY:Seed swap" in ics and "DESCRIPTION:Bring seeds\\; share" in ics


# bridges -------------------------------------------------------------------------
def test_cross_post_shows_origin_and_replies_stay_home(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    found(forum, "open", owner="ada", slug="circle")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Bees", "Bees love borage")
    with pytest.raises(Forbidden):
        forum.cross_post(bob, "garden", thread_id, "circle")  # bob is not in circle
    new_id = forum.cross_post(ada, "garden", thread_id, "circle")
    copy = forum.read_thread(ada, "circle", new_id)
    assert copy.thread.origin == f"garden/{thread_id}" and copy.thread.locked
    assert "Replies stay in the original" in copy.posts[0].body
    assert "> Bees love borage" in copy.posts[0].body


def test_discover_and_related_communities(forum: Forum) -> None:
    found(forum, "open", owner="cy", slug="circle")
    forum.start_thread(who(forum, "cy"), "circle", "general", "Knitting", "circles")
    forum.join(who(forum, "bob"), "circle", accept_rules=True)
    discovered = forum.discover(who(forum, "ada"))
    assert [d.title for d in discovered] == ["Knitting"]
    related = forum.related_communities(who(forum, "ada"))
    assert [(r.slug, r.shared_members) for r in related] == [("circle", 1)]
    forum.set_sisters(who(forum, "cy"), "circle", ["garden"])
    assert forum.community(GUEST, "circle").sisters == ("garden",)
    with pytest.raises(Forbidden):
        forum.set_sisters(who(forum, "bob"), "circle", [])


# limits --------------------------------------------------------------------------
def test_first_day_limits_pace_and_duplicates(forum: Forum) -> None:
    newbie = forum.register("newbie", "New Person")
    forum.join(newbie, "garden", accept_rules=True)
    now = [forum.clock()]
    forum.clock = lambda: now[0]
    forum.config.__dict__["post_interval_s"] = 10.0
    forum.start_thread(newbie, "garden", "general", "One", "first")
    with pytest.raises(RateLimited, match="again in"):
        forum.start_thread(newbie, "garden", "general", "Two", "second")
    now[0] += 11
    with pytest.raises(RateLimited, match="exactly this"):
        forum.start_thread(newbie, "garden", "general", "Again", "first")
    for n in range(2):
        now[0] += 11
        forum.start_thread(newbie, "garden", "general", f"T{n}", f"body {n}")
    now[0] += 11
    with pytest.raises(RateLimited, match="first day"):
        forum.start_thread(newbie, "garden", "general", "Four", "fourth")
    now[0] += 86_400
    forum.start_thread(newbie, "garden", "general", "Four", "fourth")


def test_sysop_bans_on_key_name_and_address(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    with pytest.raises(Forbidden):
        forum.sysop_ban(bob, "name", "ada")
    forum.sysop_ban(ada, "address", "203.0.113.9", "brute force")
    forum.sysop_ban(ada, "name", "Bob", "spam")
    assert forum.is_banned(address="203.0.113.9") and forum.is_banned(name="bob")
    assert not forum.is_banned(address="198.51.100.1", key="SHA256:x")
    forum.sysop_ban(ada, "name", "bob", banned=False)
    assert not forum.is_banned(name="bob")


def test_adding_a_pasted_public_key(forum: Forum) -> None:
    import asyncssh

    bob = who(forum, "bob")
    key = asyncssh.generate_private_key("ssh-ed25519")
    text = key.export_public_key().decode() + " bob@allotment\x1b[31m"
    fingerprint = forum.add_public_key(bob, text)
    assert fingerprint == key.get_fingerprint("sha256")
    assert forum.person_by_key(fingerprint) == forum.person("bob")
    with pytest.raises(TextError, match="already on file"):
        forum.add_public_key(bob, text)
    with pytest.raises(TextError, match="not an SSH public key"):
        forum.add_public_key(bob, "ssh-ed25519 nonsense")
    with pytest.raises(Forbidden):
        forum.add_public_key(GUEST, text)


def test_closed_community_shows_outsiders_its_rules_but_not_its_welcome(forum: Forum) -> None:
    slug = found(forum, "invite")
    forum.hub.update_community(slug, welcome="Tea is at four, the key is under the pot.")
    outsider = forum.community(who(forum, "cy"), slug)
    assert outsider.rules == "1. Be kind." and outsider.welcome == ""
    assert forum.community(who(forum, "ada"), slug).welcome.startswith("Tea is at four")


def test_unread_counts_on_the_community_page_are_for_members(forum: Forum) -> None:
    forum.start_thread(who(forum, "bob"), "garden", "general", "News", "new things")
    assert forum.boards(who(forum, "ada"), "garden")[0].unread == 1
    assert forum.boards(who(forum, "cy"), "garden")[0].unread == 0  # reads, has not joined
    assert forum.boards(GUEST, "garden")[0].unread == 0


def test_blocking_withholds_posts_threads_and_search_hits(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread_id, root = forum.start_thread(ada, "garden", "general", "Compost", "hot heaps")
    reply = forum.reply(bob, "garden", root, "cold heaps are fine too")
    forum.start_thread(bob, "garden", "general", "Bob's own thread", "worms")
    forum.block(ada, "bob")
    view = forum.read_thread(ada, "garden", thread_id)
    withheld = {p.id: p for p in view.posts}[reply]
    assert withheld.blocked and withheld.body == "" and not withheld.unread
    assert [t.title for t in forum.threads(ada, "garden", "general")] == ["Compost"]
    assert [h.post_id for h in forum.search(ada, "heaps")] == [root]
    assert len(forum.threads(who(forum, "cy"), "garden", "general")) == 2  # only ada's view
