"""Attacks on exec arguments: refs that name the wrong thing, numbers nothing can hold,
pages of a board, and text that breaks a table's columns."""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len

from bbs.commands.reading import READ_ALL_CAP
from bbs.errors import TextError
from bbs.forum import Forum
from bbs.models import GUEST
from tests.conftest import who
from tests.test_commands_life import run
from tests.when import in_days


def strangers_thread(forum: Forum, replies: int = 12) -> tuple[int, list[int]]:
    """Ada's thread with replies, so that post ids run ahead of thread ids."""
    ada = who(forum, "ada")
    thread_id, first = forum.start_thread(ada, "garden", "general", "Ada's", "Hello")
    return thread_id, [first] + [forum.reply(ada, "garden", first, f"r{n}") for n in range(replies)]


def test_replying_to_the_thread_one_just_started_never_writes_elsewhere(forum: Forum) -> None:
    _, ada_posts = strangers_thread(forum)
    bob = who(forum, "bob")
    started = run(forum, bob, "post garden general --title Mine", stdin="My first post")
    assert started.status == 0
    ref = started.stdout.strip()  # garden/2: thread 2, and post 2 is in Ada's thread
    mine = json.loads(run(forum, bob, "post garden general --title Again --json", "x").stdout)
    assert mine["thread"] == f"garden/{mine['thread_id']}" and mine["post"].startswith("garden/p")
    assert "its first post garden/p" in started.stderr
    slip = run(forum, bob, f"reply {ref}", stdin="Into whose thread?")
    assert slip.status == 2 and f"{ref.replace('/', '/t')}" in slip.stderr
    assert "garden/p2" in slip.stderr  # both spellings, to choose from
    assert all(p.body != "Into whose thread?" for p in _posts(forum, ada_posts))
    answered = run(forum, bob, f"reply {ref.replace('/', '/t')}", stdin="To my thread")
    assert answered.status == 0 and answered.stdout.startswith("garden/p")
    assert f"in thread {ref}" in answered.stderr
    new = forum.store("garden").post(int(answered.stdout.strip().split("/p")[1]))
    assert new["thread_id"] == int(ref.split("/")[1])


def _posts(forum: Forum, ids: list[int]) -> list:
    return forum.read_thread(GUEST, "garden", forum.store("garden").post(ids[0])["thread_id"]).posts


def test_old_scripts_keep_working_where_a_ref_can_mean_one_thing(forum: Forum) -> None:
    thread_id, ids = strangers_thread(forum)
    bob = who(forum, "bob")
    late = ids[-1]  # a post id no thread has: an old script's `reply garden/ID`
    assert forum.store("garden").thread(late) is None
    done = run(forum, bob, f"reply garden/{late}", stdin="as before")
    assert done.status == 0
    assert forum.store("garden").post(int(done.stdout.split("/p")[1]))["parent_id"] == late
    first = run(forum, bob, f"reply garden/{thread_id}", stdin="thread 1 is post 1")
    assert first.status == 0  # thread 1's first post is post 1: the same either way
    assert run(forum, bob, f"reply {late}", stdin="bare id").status == 0
    assert run(forum, GUEST, f"thread garden/{thread_id}").status == 0


def test_thread_takes_a_post_ref_and_prints_every_ref(forum: Forum) -> None:
    thread_id, ids = strangers_thread(forum, 3)
    shown = run(forum, GUEST, f"thread garden/p{ids[-1]}")
    assert shown.status == 0 and shown.stdout.startswith(f"garden/{thread_id} ")
    assert f"garden/p{ids[1]} ada" in shown.stdout
    data = json.loads(run(forum, GUEST, f"thread garden/{thread_id} --json").stdout)
    assert data["ref"] == f"garden/{thread_id}"
    assert [p["ref"] for p in data["posts"]] == [f"garden/p{i}" for i in ids]
    new = json.loads(run(forum, who(forum, "bob"), "new --json").stdout)
    assert {n["post"] for n in new} == {f"garden/p{i}" for i in ids}


@pytest.mark.parametrize(
    ("line", "status", "words"),
    [
        ("rsvp garden/p3 going", 2, "names a post"),
        ("ics garden/p3", 2, "names a post"),
        ("thread garden/e1", 2, "names a meetup"),
        ("reply garden/e1", 2, "names a meetup"),
        ("thread garden/abc", 2, "not a ref"),
        ("thread garden/-5", 2, "not a ref"),
        ("thread garden/0", 1, "no thread"),
        ("thread garden/99999999999999999999", 1, "no thread"),
        ("thread 99999999999999999999", 1, "no thread"),
        ("thread garden/p99999999999999999999", 1, "no post"),
        ("reply garden/p99999999999999999999", 1, "no post"),
        ("reply garden/99999999999999999999", 1, "no thread"),
        ("rsvp garden/e99999999999999999999 going", 1, "no event"),
        ("ics garden/99999999999999999999", 1, "no event"),
        ("cancel-event garden/e0", 1, "no event"),
        ("inbox 99999999999999999999", 2, "not from 1"),
        ("inbox -1", 2, "usage: inbox"),
        ("inbox 0", 2, "not from 1"),
        ("mail cy --conversation 99999999999999999999", 2, "not from 1"),
        ("read garden general --page 0", 2, "not from 1"),
        ("read garden general --page 99999999999999999999", 2, "not from 1"),
        ("read garden general --page 2 --all", 2, "not allowed with"),
    ],
)
def test_every_number_an_argument_takes_gets_a_clear_answer(
    forum: Forum, line: str, status: int, words: str
) -> None:
    strangers_thread(forum, 3)
    forum.create_event(who(forum, "bob"), "garden", "Walk", in_days(2), "UTC", "x")
    done = run(forum, who(forum, "bob"), line, stdin="x")
    assert done.status == status, done
    assert words in done.stderr and "Traceback" not in done.stderr and "Sorry" not in done.stderr


def test_read_pages_through_a_board(forum: Forum, monkeypatch: pytest.MonkeyPatch) -> None:
    store = forum.store("garden")
    board = store.board("general")
    assert board is not None
    for n in range(120):
        store.add_thread(board["id"], f"Thread {n:03d}", 1, "ada", "x", at=1_000_000 + n)
    first = run(forum, GUEST, "read garden general")
    assert "Thread 119" in first.stdout and "Thread 069" not in first.stdout
    assert "page 1 of 3: --page 2 for more, --all for all" in first.stdout
    third = run(forum, GUEST, "read garden general --page 3")
    assert "Thread 019" in third.stdout and "Thread 020" not in third.stdout
    assert "page 3 of 3" in third.stdout
    assert "nothing here" in run(forum, GUEST, "read garden general --page 4").stdout
    every = run(forum, GUEST, "read garden general --all")
    assert all(f"Thread {n:03d}" in every.stdout for n in range(120))
    monkeypatch.setattr("bbs.commands.reading.READ_ALL_CAP", 100)
    capped = run(forum, GUEST, "read garden general --all --json")
    (board_data,) = json.loads(capped.stdout)
    assert (
        len(board_data["threads"]) == 100 and "the first 100 of 120 threads" in board_data["more"]
    )
    assert READ_ALL_CAP >= 1_000


# text that a table or a heading shows -------------------------------------------------
NASTY_TITLES = [
    "x" * 120,  # no spaces to break at
    "種" * 60,  # wide: two cells each
    "é" + "\u0301" * 100,  # one letter and a hundred combining marks
    "zero\u200bwidth\u200d" * 8,
    "\u202etxt.exe",  # a right-to-left override (cleaned away)
]


def test_a_title_with_nothing_visible_is_refused(forum: Forum) -> None:
    for title in ("\u200b\u200b\u200b", "\u0301\u0301", "\u3164", "\x1b[31m", " \u2800 "):
        with pytest.raises(TextError, match="empty|nothing that shows"):
            forum.start_thread(who(forum, "bob"), "garden", "general", title, "body")
        with pytest.raises(TextError):
            forum.create_event(who(forum, "bob"), "garden", title, in_days(2), "UTC", "x")


def test_exec_columns_stay_columns_whatever_the_title(forum: Forum) -> None:
    bob = who(forum, "bob")
    for n, title in enumerate(NASTY_TITLES):
        forum.start_thread(bob, "garden", "general", title, f"body {n}")
        forum.create_event(bob, "garden", title, in_days(2), "UTC", title[:100])
    listing = run(forum, GUEST, "read garden general").stdout.splitlines()[1:]
    assert len(listing) == len(NASTY_TITLES)
    posts_column = {cell_len(line[: line.index(" posts")]) for line in listing}
    assert len(posts_column) == 1  # every row's count ends in the same column
    events = run(forum, GUEST, "events garden").stdout.splitlines()
    at_column = {cell_len(line[: line.index("  @ ")]) for line in events}
    assert len(events) == len(NASTY_TITLES) and len(at_column) == 1


def test_a_letter_keeps_at_most_four_combining_marks(forum: Forum) -> None:
    bob = who(forum, "bob")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "e" + "\u0301" * 100, "ok")
    title = forum.read_thread(GUEST, "garden", thread_id).thread.title
    assert title == "e" + "\u0301" * 4
    assert forum.read_thread(GUEST, "garden", thread_id).posts[0].body == "ok"
