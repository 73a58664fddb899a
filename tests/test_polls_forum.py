"""Polls through the forum: adding one, voting (once, changeable), results, closing."""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bbs.config import Config
from bbs.errors import Forbidden, NotFound, RateLimited, TextError
from bbs.forum import Forum
from bbs.polls.bars import result_lines, summary
from bbs.polls.models import AFTER_VOTING, PollDraft
from tests.conftest import who

DAYS = PollDraft("Which day?", ("Saturday", "Sunday", "Either"))


def thread_of(forum: Forum, handle: str = "bob") -> int:
    body = f"When shall we meet? ({time.monotonic_ns()})"  # never the same post twice
    thread_id, _ = forum.start_thread(who(forum, handle), "garden", "general", "Swap day", body)
    return thread_id


def in_an_hour(tz: str = "Europe/London") -> str:
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo(tz)) + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")


def test_the_author_adds_a_poll_and_members_vote(forum: Forum) -> None:
    thread_id = thread_of(forum)
    poll = forum.add_poll(who(forum, "bob"), "garden", thread_id, DAYS)
    assert [c.label for c in poll.choices] == ["Saturday", "Sunday", "Either"]
    assert poll.can_close and not poll.closed and poll.voters == 0
    voted = forum.vote(who(forum, "ada"), "garden", thread_id, [2])
    assert [c.votes for c in voted.choices] == [0, 1, 0] and voted.mine == {2}
    again = forum.vote(who(forum, "ada"), "garden", thread_id, [1])  # changed, not added
    assert [c.votes for c in again.choices] == [1, 0, 0] and again.voters == 1
    assert forum.poll(forum.guest(), "garden", thread_id) is not None
    assert forum.poll(who(forum, "bob"), "garden", thread_of(forum)) is None


def test_only_the_threads_author_adds_one_poll(forum: Forum) -> None:
    thread_id = thread_of(forum)
    with pytest.raises(Forbidden, match="author"):
        forum.add_poll(who(forum, "ada"), "garden", thread_id, DAYS)
    forum.add_poll(who(forum, "bob"), "garden", thread_id, DAYS)
    with pytest.raises(Forbidden, match="has a poll already"):
        forum.add_poll(who(forum, "bob"), "garden", thread_id, DAYS)
    with pytest.raises(NotFound):
        forum.add_poll(who(forum, "bob"), "garden", 999, DAYS)


@pytest.mark.parametrize(
    ("draft", "words"),
    [
        (PollDraft("Q?", ("only one",)), "2 to 10 choices"),
        (PollDraft("Q?", tuple(f"c{n}" for n in range(11))), "2 to 10 choices"),
        (PollDraft("Q?", ("Same", "same")), "the same"),
        (PollDraft("", ("a", "b")), "question is empty"),
        (PollDraft("Q?", ("a", "b" * 81)), "choice is 81 characters"),
        (PollDraft("Q?", ("a", "b"), results="never"), "Results are shown"),
        (PollDraft("Q?", ("a", "b"), closes="2020-01-01 10:00"), "has passed"),
        (PollDraft("Q?", ("a", "b"), closes="2099-01-01 10:00"), "five years"),
        (PollDraft("Q?", ("a", "b"), closes="tomorrow"), "YYYY-MM-DD HH:MM"),
        (PollDraft("Q?", ("a", "b"), closes="2030-01-01 10:00", tz="Mars/Base"), "time zone"),
    ],
)
def test_a_poll_is_checked_before_anything_is_written(
    forum: Forum, draft: PollDraft, words: str
) -> None:
    bob = who(forum, "bob")
    with pytest.raises(TextError, match=words):
        forum.start_thread_with_poll(bob, "garden", "general", "Poll", "Vote", draft)
    assert forum.threads(bob, "garden", "general") == []  # no thread either


def test_a_closing_time_the_clocks_skip_is_refused(forum: Forum) -> None:
    year = datetime.now().year + 1
    march_end = datetime(year, 3, 31)
    sunday = march_end - timedelta(days=(march_end.weekday() + 1) % 7)  # the clocks go forward
    draft = PollDraft("Q?", ("a", "b"), closes=f"{sunday:%Y-%m-%d} 01:30", tz="Europe/London")
    with pytest.raises(TextError, match="does not exist"):
        forum.add_poll(who(forum, "bob"), "garden", thread_of(forum), draft)


def test_one_choice_or_several_as_the_author_chose(forum: Forum) -> None:
    one = thread_of(forum)
    forum.add_poll(who(forum, "bob"), "garden", one, DAYS)
    with pytest.raises(TextError, match="one choice"):
        forum.vote(who(forum, "ada"), "garden", one, [1, 2])
    with pytest.raises(TextError, match="Choose from 1 to 3"):
        forum.vote(who(forum, "ada"), "garden", one, [4])
    with pytest.raises(TextError):
        forum.vote(who(forum, "ada"), "garden", one, [])
    several = thread_of(forum)
    forum.add_poll(who(forum, "bob"), "garden", several, replace(DAYS, several=True))
    poll = forum.vote(who(forum, "ada"), "garden", several, [1, 3, 3])
    assert [c.votes for c in poll.choices] == [1, 0, 1] and poll.voters == 1


def test_guests_and_non_members_may_not_vote(forum: Forum) -> None:
    thread_id = thread_of(forum)
    forum.add_poll(who(forum, "bob"), "garden", thread_id, DAYS)
    with pytest.raises(Forbidden):
        forum.vote(forum.guest(), "garden", thread_id, [1])
    with pytest.raises(Forbidden):
        forum.vote(who(forum, "cy"), "garden", thread_id, [1])
    assert (
        forum.poll(who(forum, "cy"), "garden", thread_id).why_not == "Join the community to vote."
    )  # type: ignore[union-attr]


def test_results_after_voting_are_hidden_until_one_has_voted(forum: Forum) -> None:
    thread_id = thread_of(forum)
    forum.add_poll(who(forum, "bob"), "garden", thread_id, replace(DAYS, results=AFTER_VOTING))
    forum.vote(who(forum, "ada"), "garden", thread_id, [1])
    forum.hub.set_membership(who(forum, "cy").id, "garden", "member", "active")
    before = forum.poll(who(forum, "cy"), "garden", thread_id)
    assert before is not None and not before.shows_results
    assert [c.votes for c in before.choices] == [0, 0, 0]  # not told before voting
    assert "results are shown once you have voted" in summary(before)
    assert all("%" not in line for line in result_lines(before))
    after = forum.vote(who(forum, "cy"), "garden", thread_id, [2])
    assert after.shows_results and [c.votes for c in after.choices] == [1, 1, 0]
    author = forum.poll(who(forum, "bob"), "garden", thread_id)
    assert author is not None and author.shows_results


def test_the_author_and_moderators_close_a_poll_early(forum: Forum) -> None:
    thread_id = thread_of(forum)
    forum.add_poll(who(forum, "bob"), "garden", thread_id, DAYS)
    with pytest.raises(Forbidden, match="author and the moderators"):
        forum.close_poll(who(forum, "cy"), "garden", thread_id)
    with pytest.raises(TextError, match="reason is empty"):
        forum.close_poll(who(forum, "ada"), "garden", thread_id)  # a moderator says why
    closed = forum.close_poll(who(forum, "bob"), "garden", thread_id)
    assert closed.closed and not closed.can_vote and closed.closed_by == "bob"
    with pytest.raises(Forbidden, match="closed"):
        forum.vote(who(forum, "ada"), "garden", thread_id, [1])
    with pytest.raises(Forbidden, match="closed already"):
        forum.close_poll(who(forum, "bob"), "garden", thread_id)
    assert forum.moderation_log(who(forum, "ada"), "garden")[0].action == "close poll"


def test_a_poll_closes_at_its_time_without_a_timer(forum: Forum) -> None:
    thread_id = thread_of(forum)
    draft = replace(DAYS, closes=in_an_hour(), tz="europe/london")
    poll = forum.add_poll(who(forum, "bob"), "garden", thread_id, draft)
    assert poll.tz == "Europe/London" and poll.closes_at is not None
    forum.vote(who(forum, "ada"), "garden", thread_id, [1])
    later = time.time() + 3601
    forum.clock = lambda: later
    shown = forum.poll(who(forum, "ada"), "garden", thread_id)
    assert shown is not None and shown.closed and shown.why_not == "This poll is closed."
    with pytest.raises(Forbidden, match="closed"):
        forum.vote(who(forum, "ada"), "garden", thread_id, [2])


def test_votes_are_paced(forum: Forum) -> None:
    forum.config = replace(forum.config, vote_per_hour=2)
    thread_id = thread_of(forum)
    forum.add_poll(who(forum, "bob"), "garden", thread_id, DAYS)
    cy = forum.register("cyd", "Cyd")
    forum.hub.set_membership(cy.id, "garden", "member", "active")
    forum.hub.update_person(cy.id, created=time.time() - 90 * 86_400)
    cyd = who(forum, "cyd")
    forum.vote(cyd, "garden", thread_id, [1])
    forum.vote(cyd, "garden", thread_id, [2])
    with pytest.raises(RateLimited, match="2 votes in an hour"):
        forum.vote(cyd, "garden", thread_id, [3])


def test_result_bars_read_in_monochrome(forum: Forum) -> None:
    thread_id = thread_of(forum)
    forum.add_poll(who(forum, "bob"), "garden", thread_id, DAYS)
    forum.vote(who(forum, "ada"), "garden", thread_id, [1])
    forum.vote(who(forum, "bob"), "garden", thread_id, [1])
    poll = forum.poll(who(forum, "bob"), "garden", thread_id)
    assert poll is not None
    lines = result_lines(poll, width=60)
    assert lines[0].startswith("* 1. Saturday") and lines[0].endswith("   2  100%")
    assert "#" in lines[0] and "." not in lines[0].split("Saturday")[1].split("2")[0]
    assert lines[1].startswith("  2. Sunday") and lines[1].endswith("   0    0%")
    assert all(len(line) <= 60 for line in lines)


# counted once ---------------------------------------------------------------------------
def cast(forum: Forum, thread_id: int, choice: int) -> None:
    forum.vote(who(forum, "bob"), "garden", thread_id, [choice])


def test_a_vote_is_counted_once_however_often_it_is_cast_in_threads(forum: Forum) -> None:
    thread_id = thread_of(forum)
    forum.add_poll(who(forum, "bob"), "garden", thread_id, DAYS)
    start = threading.Barrier(12)

    def one(n: int) -> None:
        start.wait()
        cast(forum, thread_id, 1 + n % 3)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    poll = forum.poll(who(forum, "bob"), "garden", thread_id)
    assert poll is not None and poll.voters == 1
    assert sum(c.votes for c in poll.choices) == 1


def _process(data_dir: str, config: Config, thread_id: int, n: int, start: Any) -> None:
    forum = Forum(Path(data_dir), config)
    start.wait()
    for _ in range(5):
        cast(forum, thread_id, 1 + n % 3)
    forum.close()


def test_a_vote_is_counted_once_when_cast_from_processes_at_once(forum: Forum) -> None:
    thread_id = thread_of(forum)
    forum.add_poll(who(forum, "bob"), "garden", thread_id, DAYS)
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(6)
    workers = [
        spawn.Process(
            target=_process, args=(str(forum.data_dir), forum.config, thread_id, n, start)
        )
        for n in range(6)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    poll = forum.poll(who(forum, "bob"), "garden", thread_id)
    assert poll is not None and poll.voters == 1
    assert sum(c.votes for c in poll.choices) == 1
