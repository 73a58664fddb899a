"""Pilot tests for polls: the line on a thread, the poll's screen (bars, choosing, voting,
closing), writing a poll for a new thread or one's own, and the refusals in words."""

from __future__ import annotations

from dataclasses import replace

from textual.pilot import Pilot
from textual.widgets import Checkbox

from bbs.forum import Forum
from bbs.polls.models import AFTER_VOTING, PollDraft
from screens.app import BBSApp
from screens.poll import PollDraftScreen, PollScreen
from screens.thread import ThreadScreen
from screens.widgets.quiet import QuietInput, QuietTextArea
from tests.conftest import who
from tests.ui_helpers import notices, screen_text, settle, until
from tests.ui_waits import app_for

DAYS = PollDraft("Which day suits?", ("Saturday", "Sunday", "Either"))


def polled_thread(forum: Forum, draft: PollDraft = DAYS) -> int:
    thread_id, _ = forum.start_thread(who(forum, "bob"), "garden", "general", "Swap day", "When?")
    forum.add_poll(who(forum, "bob"), "garden", thread_id, draft)
    return thread_id


def row_of(app: BBSApp, label: str) -> str:
    return next(line for line in screen_text(app).splitlines() if label in line)


async def open_poll(pilot: Pilot[None], thread_id: int) -> None:
    ThreadScreen.open(pilot.app, "garden", thread_id)
    await until(pilot, lambda: "Poll: Which day suits?" in screen_text(pilot.app))
    await pilot.press("v")
    await until(pilot, lambda: isinstance(pilot.app.screen, PollScreen))
    await until(pilot, lambda: "Saturday" in screen_text(pilot.app))


async def test_a_thread_shows_its_poll_and_a_member_votes(forum: Forum) -> None:
    thread_id = polled_thread(forum)
    forum.vote(who(forum, "bob"), "garden", thread_id, [2])
    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        ThreadScreen.open(app, "garden", thread_id)
        await until(pilot, lambda: "Poll: Which day suits?" in screen_text(app))
        assert "1 voted" in screen_text(app) and "not voted yet" in screen_text(app)
        await pilot.press("v")
        await until(pilot, lambda: "Saturday" in screen_text(app))
        assert row_of(app, "Sunday").rstrip().endswith("1 100%")
        await pilot.press("space")  # the cursor starts on Saturday
        await pilot.press("v")
        await until(pilot, lambda: "Your vote is counted." in notices(app))
        await until(pilot, lambda: row_of(app, "Saturday").rstrip().endswith("1  50%"))
        assert row_of(app, "Saturday").lstrip().startswith("*(x)")  # yours, in characters
        assert "█" in row_of(app, "Saturday") and "░" in row_of(app, "Either")
    poll = forum.poll(who(forum, "ada"), "garden", thread_id)
    assert poll is not None and poll.mine == {1} and poll.voters == 2


async def test_another_persons_vote_arrives_on_the_open_poll(forum: Forum) -> None:
    thread_id = polled_thread(forum)
    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_poll(pilot, thread_id)
        assert "0 people have voted" in screen_text(app)
        forum.vote(who(forum, "bob"), "garden", thread_id, [3])
        await until(pilot, lambda: "1 person has voted" in screen_text(app))
        assert row_of(app, "Either").rstrip().endswith("1 100%")


async def test_results_after_voting_stay_hidden_until_one_votes(forum: Forum) -> None:
    thread_id = polled_thread(forum, replace(DAYS, results=AFTER_VOTING, several=True))
    forum.vote(who(forum, "ada"), "garden", thread_id, [1])
    app = app_for(forum, "cy")
    forum.hub.set_membership(who(forum, "cy").id, "garden", "member", "active")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_poll(pilot, thread_id)
        assert "results are shown once you" in screen_text(app)
        assert "%" not in row_of(app, "Saturday")
        await pilot.press("down", "space", "down", "space", "v")
        await until(pilot, lambda: "%" in row_of(app, "Saturday"))
        assert row_of(app, "Sunday").lstrip().startswith("*[x]")
        assert row_of(app, "Either").lstrip().startswith("*[x]")
        assert row_of(app, "Saturday").rstrip().endswith("1  50%")


async def test_refusals_are_said_in_words(forum: Forum) -> None:
    thread_id = polled_thread(forum)
    guest = app_for(forum, "guest")
    async with guest.run_test(size=(80, 24)) as pilot:
        await open_poll(pilot, thread_id)
        assert "Guests can read but not vote" in screen_text(guest)
        assert "Vote" not in guest.screen.query_one("KeyBar").keys  # type: ignore[attr-defined]
    ada = app_for(forum, "ada")
    async with ada.run_test(size=(80, 24)) as pilot:
        await open_poll(pilot, thread_id)
        await pilot.press("v")  # nothing chosen yet
        await until(pilot, lambda: "Choose first" in screen_text(ada))
        forum.close_poll(who(forum, "bob"), "garden", thread_id)
        await until(pilot, lambda: "This poll is closed." in screen_text(ada))


async def test_the_author_closes_the_poll_early(forum: Forum) -> None:
    thread_id = polled_thread(forum)
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_poll(pilot, thread_id)
        await pilot.press("c")
        await until(pilot, lambda: "Close the poll now?" in screen_text(app))
        await pilot.press("enter")  # its author need give no reason
        await until(
            pilot, lambda: "closed" in screen_text(app) and "Close poll" not in screen_text(app)
        )
    assert forum.poll(who(forum, "bob"), "garden", thread_id).closed  # type: ignore[union-attr]


async def fill_poll(pilot: Pilot[None], question: str, choices: list[str], several: bool) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, PollDraftScreen)
    screen.query_one("#question", QuietInput).value = question
    screen.query_one("#poll-choices-text", QuietTextArea).text = "\n".join(choices)
    screen.query_one("#several", Checkbox).value = several
    await pilot.press("ctrl+s")


async def test_the_author_adds_a_poll_to_their_thread(forum: Forum) -> None:
    thread_id, _ = forum.start_thread(who(forum, "bob"), "garden", "general", "Seeds", "Which?")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        ThreadScreen.open(app, "garden", thread_id)
        await until(pilot, lambda: "Seeds" in screen_text(app))
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, PollDraftScreen))
        await fill_poll(pilot, "Which seeds?", ["Beans"], several=False)
        await until(
            pilot, lambda: "A poll offers 2 to 10 choices; this one has 1." in screen_text(app)
        )
        await fill_poll(pilot, "Which seeds?", ["Beans", "Peas"], several=True)
        await until(pilot, lambda: "Poll: Which seeds?" in screen_text(app))
    poll = forum.poll(who(forum, "bob"), "garden", thread_id)
    assert (
        poll is not None and poll.several and [c.label for c in poll.choices] == ["Beans", "Peas"]
    )


async def test_only_the_author_may_add_a_poll(forum: Forum) -> None:
    thread_id, _ = forum.start_thread(who(forum, "bob"), "garden", "general", "Seeds", "Which?")
    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24)) as pilot:
        ThreadScreen.open(app, "garden", thread_id)
        await until(pilot, lambda: "Seeds" in screen_text(app))
        await settle(pilot)
        assert "Poll" not in screen_text(app).splitlines()[-1]


async def test_a_new_thread_starts_with_a_poll(forum: Forum) -> None:
    from screens.composer import ComposerScreen

    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ComposerScreen.new_thread("garden", "general"))
        await settle(pilot)
        app.screen.query_one("#title", QuietInput).value = "Plot sizes"
        app.screen.query_one("#body", QuietTextArea).text = "How big should plots be?"
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, PollDraftScreen))
        await fill_poll(pilot, "How big?", ["Small", "Large"], several=False)
        await until(pilot, lambda: "With a poll: How big? (2 choices)" in screen_text(app))
        await pilot.press("ctrl+s")
        await settle(pilot)
    [thread] = forum.threads(who(forum, "bob"), "garden", "general")
    poll = forum.poll(who(forum, "bob"), "garden", thread.id)
    assert thread.title == "Plot sizes" and poll is not None and poll.question == "How big?"
