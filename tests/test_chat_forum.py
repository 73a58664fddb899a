"""Chat rooms through the forum: who reads and speaks, cleaning, pacing, keeping, moderation,
blocking, mentions and pages (the rules every client of the forum shares)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bbs.chat import events
from bbs.chat.rooms import LOBBY
from bbs.config import Config
from bbs.errors import Forbidden, NotFound, RateLimited, TextError
from bbs.forum import Forum
from bbs.live import LiveEvent
from bbs.seed import create_community
from tests.conftest import who
from tests.test_pacing import Clock


@pytest.fixture
def clock(forum: Forum) -> Clock:
    found = Clock()
    forum.clock = found
    return found


def texts(forum: Forum, handle: str, room: str = "garden") -> list[str]:
    viewer = forum.guest() if handle == "guest" else who(forum, handle)
    return [line.text for line in forum.chat_lines(viewer, room)]


# who reads and who speaks -------------------------------------------------------------
def test_members_speak_and_everyone_who_may_read_sees_it(forum: Forum) -> None:
    line = forum.say(who(forum, "bob"), "garden", "hello garden")
    assert line.id > 0 and line.handle == "bob"
    assert texts(forum, "cy") == ["hello garden"]
    assert texts(forum, "guest") == ["hello garden"]  # an open community's room


def test_guests_and_non_members_may_not_speak_in_a_community(forum: Forum) -> None:
    with pytest.raises(Forbidden, match="Guests can read but not speak"):
        forum.say(forum.guest(), "garden", "hi")
    with pytest.raises(Forbidden, match="Join Garden to speak"):
        forum.say(who(forum, "cy"), "garden", "hi")
    assert texts(forum, "bob") == []


def test_the_lobby_is_for_everyone_signed_in_and_not_for_guests(forum: Forum) -> None:
    forum.say(who(forum, "cy"), LOBBY, "hello lobby")
    assert texts(forum, "bob", LOBBY) == ["hello lobby"]
    with pytest.raises(Forbidden, match="The lobby is for people signed in"):
        forum.chat_lines(forum.guest(), LOBBY)
    with pytest.raises(Forbidden):
        forum.say(forum.guest(), LOBBY, "hi")


def test_a_closed_communitys_room_is_for_its_members(forum: Forum) -> None:
    ada = who(forum, "ada")
    spec = {"slug": "quiet", "name": "Quiet", "visibility": "invite", "boards": [{"slug": "a"}]}
    create_community(forum, spec, ada.id, time.time())
    forum.hub.set_membership(ada.id, "quiet", "owner", "active")
    forum.say(ada, "quiet", "members only")
    with pytest.raises(Forbidden):
        forum.chat_lines(who(forum, "bob"), "quiet")
    with pytest.raises(Forbidden):
        forum.chat_lines(forum.guest(), "quiet")
    with pytest.raises(NotFound):
        forum.chat_lines(who(forum, "bob"), "nowhere")


def test_a_room_lists_the_rooms_one_may_read(forum: Forum) -> None:
    assert [r.name for r in forum.chat_rooms(who(forum, "cy"))] == [LOBBY, "garden"]
    assert [r.name for r in forum.chat_rooms(forum.guest())] == ["garden"]
    room = forum.chat_room(who(forum, "cy"), "garden")
    assert not room.can_speak and room.why_not == "Join Garden to speak in its room."
    assert forum.chat_room(who(forum, "ada"), "garden").moderator


def test_a_community_may_not_be_called_lobby(forum: Forum) -> None:
    with pytest.raises(TextError, match="reserved"):
        forum.found_community(who(forum, "bob"), "lobby", "The Lobby")


# cleaning -----------------------------------------------------------------------------
def test_a_line_is_cleaned_like_a_post(forum: Forum) -> None:
    bob = who(forum, "bob")
    said = forum.say(bob, "garden", "hi \x1b]52;c;cGF3bmVk\x07\x1b[2J there\u202e [b]x[/b]")
    assert said.text == "hi  there [b]x[/b]"
    with pytest.raises(TextError, match="2,000"):
        forum.say(bob, "garden", "x" * 2_001)
    with pytest.raises(TextError, match="empty"):
        forum.say(bob, "garden", "   \n ")
    with pytest.raises(TextError, match="nothing that shows"):
        forum.say(bob, "garden", "\u200b\u200b")
    forum.say(bob, "garden", "x" * 2_000)


def test_a_line_is_one_line(forum: Forum) -> None:
    said = forum.say(who(forum, "bob"), "garden", "one\ntwo\r\nthree")
    assert said.text == "one two three"


# pacing -------------------------------------------------------------------------------
def test_a_line_a_second_with_a_small_burst_and_a_message_saying_when(
    forum: Forum, clock: Clock
) -> None:
    bob = who(forum, "bob")
    for n in range(forum.config.chat_burst):
        forum.say(bob, "garden", f"line {n}")
    with pytest.raises(
        RateLimited, match=r"One line a second here \(5 at once\): you may speak again in 1 s"
    ):
        forum.say(bob, "garden", "one too many")
    clock.now += 1.0
    forum.say(bob, "garden", "my turn again")
    with pytest.raises(RateLimited):
        forum.say(bob, "garden", "and again")
    assert len(texts(forum, "bob")) == forum.config.chat_burst + 1


def test_pacing_is_per_room(forum: Forum, clock: Clock) -> None:
    bob = who(forum, "bob")
    for n in range(forum.config.chat_burst):
        forum.say(bob, "garden", f"line {n}")
    forum.say(bob, LOBBY, "the lobby keeps its own pace")


def test_new_accounts_are_paced_slower(forum: Forum, clock: Clock) -> None:
    newbie = forum.register("newbie", "New")
    forum.hub.set_membership(newbie.id, "garden", "member", "active")
    newbie = who(forum, "newbie")
    for n in range(forum.config.chat_new_burst):
        forum.say(newbie, "garden", f"line {n}")
    with pytest.raises(RateLimited, match=r"New accounts: one line every 3 s here \(3 at once\)"):
        forum.say(newbie, "garden", "too soon")
    clock.now += 1.0
    with pytest.raises(RateLimited, match="again in 2 s"):
        forum.say(newbie, "garden", "still too soon")
    clock.now += 2.0
    forum.say(newbie, "garden", "now")


def test_the_sysop_is_not_paced(forum: Forum) -> None:
    ada = who(forum, "ada")
    for n in range(forum.config.chat_burst * 3):
        forum.say(ada, "garden", f"line {n}")


def say_once(forum: Forum, n: int) -> str:
    try:
        forum.say(who(forum, "bob"), "garden", f"hello {n}")
    except RateLimited:
        return "paced"
    return "said"


def test_concurrent_lines_in_threads_pass_the_pacing_exactly(forum: Forum) -> None:
    forum.config = replace(forum.config, chat_interval_s=60.0, chat_burst=3)
    start = threading.Barrier(10)
    results: list[str] = []

    def one(n: int) -> None:
        start.wait()
        results.append(say_once(forum, n))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("said") == 3, results
    assert len(texts(forum, "bob")) == 3


def _process(data_dir: str, config: Config, n: int, start: Any, out: Any) -> None:
    forum = Forum(Path(data_dir), config)
    start.wait()
    out.put(say_once(forum, n))
    forum.close()


def test_concurrent_lines_from_processes_pass_the_pacing_exactly(forum: Forum) -> None:
    config = replace(forum.config, chat_interval_s=60.0, chat_burst=3)
    spawn = multiprocessing.get_context("spawn")
    start, out = spawn.Barrier(8), spawn.Queue()
    workers = [
        spawn.Process(target=_process, args=(str(forum.data_dir), config, n, start, out))
        for n in range(8)
    ]
    for w in workers:
        w.start()
    results = [out.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    assert results.count("said") == 3, results
    assert len(texts(forum, "bob")) == 3


# keeping ------------------------------------------------------------------------------
def test_a_room_keeps_its_last_lines_and_prunes_the_older(forum: Forum) -> None:
    forum.config = replace(forum.config, chat_keep_lines=10)
    ada = who(forum, "ada")
    for n in range(25):
        forum.say(ada, "garden", f"line {n}")
    assert texts(forum, "bob") == [f"line {n}" for n in range(15, 25)]
    count = forum.store("garden").value("SELECT count(*) FROM chat_lines")
    assert count == 10


def test_lines_since_an_id(forum: Forum) -> None:
    ada = who(forum, "ada")
    first = forum.say(ada, "garden", "one")
    forum.say(ada, "garden", "two")
    got = forum.chat_lines(who(forum, "bob"), "garden", since=first.id)
    assert [line.text for line in got] == ["two"]


# moderation ---------------------------------------------------------------------------
def test_a_moderator_hides_a_line_with_a_reason_in_the_log(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    rude = forum.say(bob, "garden", "something rude")
    forum.say(bob, "garden", "something kind")
    with pytest.raises(Forbidden, match="moderators"):
        forum.hide_line(bob, "garden", rude.id, "mine")
    with pytest.raises(TextError):
        forum.hide_line(ada, "garden", rude.id, "")
    forum.hide_line(ada, "garden", rude.id, "Unkind")
    assert texts(forum, "bob") == ["something kind"]
    assert texts(forum, "guest") == ["something kind"]
    shown = forum.chat_lines(ada, "garden")
    assert [(line.text, line.hidden, line.hidden_reason) for line in shown][0] == (
        "something rude",
        True,
        "Unkind",
    )
    entry = forum.moderation_log(bob, "garden")[0]
    assert (entry.action, entry.reason) == ("hide chat line", "Unkind")
    assert "by bob" in entry.target


def test_the_sysop_moderates_the_lobby_and_its_log(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    line = forum.say(bob, LOBBY, "spam spam")
    with pytest.raises(Forbidden, match="sysop"):
        forum.hide_line(bob, LOBBY, line.id, "no")
    forum.hide_line(ada, LOBBY, line.id, "Spam")
    assert texts(forum, "cy", LOBBY) == []
    assert forum.room_log(who(forum, "cy"), LOBBY)[0].reason == "Spam"


def test_a_moderator_mutes_someone_in_a_room_for_a_time(forum: Forum, clock: Clock) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.mute_in_room(ada, "garden", "bob", 10, "Cool off")
    with pytest.raises(
        Forbidden, match=r"A moderator muted you in this room until .* \(in 10 min\)"
    ):
        forum.say(bob, "garden", "let me speak")
    with pytest.raises(Forbidden, match="muted"):
        forum.page(bob, "garden", "ada", "please")
    forum.say(bob, LOBBY, "other rooms are open to me")
    assert forum.chat_room(bob, "garden").silenced_until == pytest.approx(clock.now + 600)
    clock.now += 601
    forum.say(bob, "garden", "back again")
    assert forum.moderation_log(bob, "garden")[0].action == "mute in chat"


def test_mutes_are_lifted_and_limited(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    with pytest.raises(Forbidden, match="Only its moderators"):
        forum.mute_in_room(bob, "garden", "cy", 10, "x")
    forum.hub.set_membership(bob.id, "garden", "moderator", "active")
    with pytest.raises(Forbidden, match="owner and the sysop"):
        forum.mute_in_room(who(forum, "bob"), "garden", "ada", 10, "x")
    forum.hub.set_membership(bob.id, "garden", "member", "active")
    with pytest.raises(TextError, match="a week"):
        forum.mute_in_room(ada, "garden", "bob", 100_000, "x")
    forum.mute_in_room(ada, "garden", "bob", 5, "Calm down")
    forum.unmute_in_room(ada, "garden", "bob")
    forum.say(bob, "garden", "thanks")
    with pytest.raises(NotFound):
        forum.unmute_in_room(ada, "garden", "bob")


def test_a_ban_applies_to_the_room(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.ban_member(ada, "garden", "bob", "Trouble")
    with pytest.raises(Forbidden):
        forum.say(bob, "garden", "hi")
    with pytest.raises(Forbidden):
        forum.chat_lines(bob, "garden")


# blocking -----------------------------------------------------------------------------
def test_a_blocked_persons_lines_are_withheld_from_the_one_who_blocked_them(forum: Forum) -> None:
    bob, cy = who(forum, "bob"), who(forum, "cy")
    forum.say(bob, "garden", "from bob")
    forum.say(who(forum, "ada"), "garden", "from ada")
    forum.block(cy, "bob")
    assert texts(forum, "cy") == ["from ada"]
    assert texts(forum, "ada") == ["from bob", "from ada"]


def test_a_page_from_someone_blocked_goes_nowhere(forum: Forum) -> None:
    got: list[LiveEvent] = []
    forum.bus.subscribe(got.append)
    bob, cy = who(forum, "bob"), who(forum, "cy")
    forum.page(bob, LOBBY, "cy", "psst")
    page = events.page_of(got[-1])
    assert page is not None and (page.sender, page.recipient, page.text) == ("bob", "cy", "psst")
    forum.block(cy, "bob")
    before = len(got)
    forum.page(bob, LOBBY, "cy", "psst again")  # said to have gone: nothing tells bob
    assert [e for e in got[before:] if e.kind == events.PAGE] == []
    with pytest.raises(Forbidden):
        forum.page(bob, LOBBY, "bob", "myself")
    with pytest.raises(NotFound):
        forum.page(bob, LOBBY, "nobody", "hello")


# mentions -----------------------------------------------------------------------------
def mentions_of(forum: Forum, handle: str) -> list[str]:
    person = who(forum, handle)
    found = []
    for c in forum.inbox(person):
        if c.kind == "mention":
            found += [m.body for m in forum.read_conversation(person, c.conversation_id)]
    return found


def test_a_mention_in_a_line_reaches_the_inbox_with_the_line(forum: Forum) -> None:
    forum.say(who(forum, "bob"), "garden", "@cy come and see the beans")
    [body] = mentions_of(forum, "cy")
    assert "chat room of Garden" in body and "come and see the beans" in body


def test_a_mention_is_paced_and_the_line_refused_with_its_message(
    forum: Forum, clock: Clock
) -> None:
    forum.config = replace(forum.config, mention_interval_s=10.0)
    bob = who(forum, "bob")
    forum.say(bob, "garden", "@cy one")
    with pytest.raises(RateLimited, match="chat line that mentions someone every 10 s"):
        forum.say(bob, "garden", "@cy two")
    forum.say(bob, "garden", "a line with no mention goes")
    assert texts(forum, "cy") == ["@cy one", "a line with no mention goes"]
    clock.now += 10
    forum.say(bob, "garden", "@cy three")
    assert len(mentions_of(forum, "cy")) == 2


def test_no_mention_from_a_muted_room_or_someone_blocked(forum: Forum, clock: Clock) -> None:
    bob, cy = who(forum, "bob"), who(forum, "cy")
    forum.mute_room(cy, "garden")
    forum.say(bob, "garden", "@cy are you there")
    assert mentions_of(forum, "cy") == []
    assert forum.chat_room(cy, "garden").muted
    forum.mute_room(cy, "garden", muted=False)
    forum.block(cy, "bob")
    forum.say(who(forum, "ada"), LOBBY, "@cy from ada")
    forum.say(bob, LOBBY, "@cy from bob")
    assert ["from ada" in m for m in mentions_of(forum, "cy")] == [True]


def test_a_mention_of_a_line_hidden_since_shows_the_reason(forum: Forum) -> None:
    line = forum.say(who(forum, "bob"), "garden", "@cy something nasty")
    forum.hide_line(who(forum, "ada"), "garden", line.id, "Nasty")
    [body] = mentions_of(forum, "cy")
    assert "something nasty" not in body and "Hidden by a moderator: Nasty" in body


def test_too_many_mentions_in_a_line_is_refused(forum: Forum) -> None:
    forum.config = replace(forum.config, mentions_per_post=2)
    with pytest.raises(TextError, match="A line can mention 2 people"):
        forum.say(who(forum, "bob"), "garden", "@ada @cy @dee hello")


# live ---------------------------------------------------------------------------------
def test_a_line_travels_whole_in_its_event(forum: Forum) -> None:
    got: list[LiveEvent] = []
    forum.bus.subscribe(got.append)
    said = forum.say(who(forum, "bob"), "garden", "waves", action=True)
    event = next(e for e in got if e.kind == events.LINE)
    assert event.community == "garden"
    assert events.line_of(event) == said
    forum.say(who(forum, "bob"), LOBBY, "hi lobby")
    lobby = [e for e in got if e.kind == events.LINE][-1]
    assert lobby.community == "" and events.room_of(lobby) == LOBBY


def test_a_handle_nobody_has_is_no_mention_and_not_paced_as_one(forum: Forum) -> None:
    forum.config = replace(forum.config, mention_interval_s=10.0)
    bob = who(forum, "bob")
    forum.say(bob, "garden", "@nobody-here one")
    forum.say(bob, "garden", "@nobody-here two")  # no notice goes anywhere: no mention pace
    forum.say(bob, "garden", "@cy three")
    with pytest.raises(RateLimited, match="mentions someone"):
        forum.say(bob, "garden", "@cy four")
