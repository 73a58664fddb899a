"""Read marks are batched: a key press never waits on the database, nothing is lost."""

from __future__ import annotations

import time

from bbs.forum import Forum
from tests.conftest import who


def unread_ids(forum: Forum, handle: str, thread_id: int) -> list[int]:
    return [
        p.id for p in forum.read_thread(who(forum, handle), "garden", thread_id).posts if p.unread
    ]


def test_marks_are_written_together_on_flush_and_keep_out_of_order_reading(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Batch", "root")
    first = forum.reply(bob, "garden", root, "first")
    second = forum.reply(bob, "garden", root, "second")
    forum.read_marks.delay = 60  # only an explicit flush writes, here
    forum.mark_read_soon(ada, "garden", thread_id, root)
    forum.mark_read_soon(ada, "garden", thread_id, second)  # out of order: first stays unread
    assert unread_ids(forum, "ada", thread_id) == [root, first, second]  # not written yet
    forum.read_marks.flush()
    assert unread_ids(forum, "ada", thread_id) == [first]
    forum.mark_read_soon(ada, "garden", thread_id, first)
    forum.close()  # closing writes what is pending
    again = Forum(forum.data_dir, forum.config)
    try:
        assert unread_ids(again, "ada", thread_id) == []
    finally:
        again.close()


def test_marks_are_written_by_themselves_a_moment_later(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Later", "root")
    forum.read_marks.delay = 0.05
    forum.mark_read_soon(ada, "garden", thread_id, root)
    deadline = time.monotonic() + 5
    while unread_ids(forum, "ada", thread_id) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert unread_ids(forum, "ada", thread_id) == []


def test_a_refused_mark_is_dropped_without_losing_the_others(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Open", "root")
    forum.read_marks.delay = 60
    forum.mark_read_soon(ada, "nowhere", 1, 1)  # no such community: refused when written
    forum.mark_read_soon(ada, "garden", thread_id, root)
    forum.read_marks.flush()
    assert unread_ids(forum, "ada", thread_id) == []
