"""Attacks on threads: chains of replies of any depth, and post rows that cannot be shown."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bbs.forum import Forum
from bbs.live_events import NewReply
from bbs.models import GUEST, Post
from bbs.store.community import MAX_DEPTH, path_segment
from screens.composer import ComposerScreen
from screens.thread import ThreadScreen
from screens.widgets.post_tree import GUIDE_LEVELS, PostTree
from tests.conftest import who
from tests.test_commands_life import run
from tests.ui_helpers import app_for, notices, on, screen_text, shows, toast, until


def old_chain(forum: Forum, depth: int) -> tuple[int, list[int]]:
    """A chain of `depth` replies, each to the one before, written as an older version did
    (no depth limit, a path ten characters longer at each level); (thread id, post ids)."""
    store = forum.store("garden")
    board = store.board("general")
    assert board is not None
    ada = who(forum, "ada")
    thread_id, first = store.add_thread(board["id"], "Deep", ada.id, "ada", "Root")
    ids, path = [first], path_segment(first)
    with store.write():
        for level in range(1, depth + 1):
            post_id = store.insert(
                "INSERT INTO posts(thread_id, board_id, parent_id, depth, author_id, author,"
                " body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    thread_id,
                    board["id"],
                    ids[-1],
                    level,
                    ada.id,
                    "ada",
                    f"Level {level}",
                    time.time(),
                ),
            )
            path = f"{path}.{path_segment(post_id)}"
            store.execute("UPDATE posts SET path = ? WHERE id = ?", (path, post_id))
            ids.append(post_id)
        store.execute("UPDATE threads SET post_count = ? WHERE id = ?", (depth + 1, thread_id))
    return thread_id, ids


@pytest.mark.backends("sqlite")  # chains past 245 levels: what older versions left in SQLite files
async def test_a_chain_deeper_than_pythons_stack_opens_and_reads(
    forum: Forum, caplog: pytest.LogCaptureFixture
) -> None:
    thread_id, ids = old_chain(forum, 1_200)
    caplog.set_level(logging.WARNING)
    app = app_for(forum, who(forum, "bob"))
    async with app.run_test(size=(80, 24)) as pilot:
        ThreadScreen.open(app, "garden", thread_id)
        await until(pilot, lambda: len(list(app.screen.query_one(PostTree).walk())) == len(ids))
        assert app.is_running and isinstance(app.screen, ThreadScreen)
        tree = app.screen.query_one(PostTree)
        assert len(list(tree.walk())) == len(ids)
        await pilot.press("end")
        await shows(pilot, "Level 1200")
        assert "Level 1200" in screen_text(app)
        await pilot.press("home", "enter")  # fold the whole chain, and open it again
        await until(pilot, lambda: len(tree._visible()) == 1)
        assert len(tree._visible()) == 1
        tree.reveal(tree.nodes_by_post[ids[-1]])
        await shows(pilot, "Level 1200")
        assert "Level 1200" in screen_text(app) and len(tree._visible()) == len(ids)
        widest = max(len(guides) for guides in tree._guides.values())
        assert widest <= 2 * GUIDE_LEVELS + 3  # guides stop growing: no line costs more
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.backends("sqlite")  # chains past 245 levels: what older versions left in SQLite files
def test_exec_thread_output_grows_with_posts_not_with_depth_squared(forum: Forum) -> None:
    thread_id, ids = old_chain(forum, 1_000)
    done = run(forum, GUEST, f"thread garden/{thread_id}")
    assert done.status == 0 and "Level 1000" in done.stdout
    lines = done.stdout.splitlines()
    indent = max(len(line) - len(line.lstrip(" ")) for line in lines)
    assert indent <= 20
    assert len(done.stdout) < 100 * len(ids)  # was 2 spaces a level: ~1 MB for this chain
    assert f"(re p{ids[-2]})" in done.stdout  # past the indent, the parent is named


def test_a_reply_past_the_depth_limit_goes_beside_and_storage_stays_linear(
    forum: Forum,
) -> None:
    ada = who(forum, "ada")  # the sysop: no pacing to wait for
    thread_id, parent = forum.start_thread(ada, "garden", "general", "Chain", "Root")
    for n in range(3 * MAX_DEPTH):
        parent = forum.reply(ada, "garden", parent, f"Reply {n}")
    view = forum.read_thread(ada, "garden", thread_id)
    assert max(p.depth for p in view.posts) == MAX_DEPTH
    longest = forum.store("garden").value("SELECT max(length(path)) FROM posts")
    assert longest <= (MAX_DEPTH + 1) * 11
    deepest = view.posts[-1]
    assert [p.body for p in view.posts][-1] == f"Reply {3 * MAX_DEPTH - 1}"
    note = forum.reply_note(ada, "garden", deepest.id)
    assert f"Replies nest {MAX_DEPTH} deep" in note and f"garden/p{deepest.parent_id}" in note
    done = run(forum, ada, f"reply garden/p{deepest.id}", stdin="One more")
    assert done.status == 0 and "Replies nest" in done.stderr
    assert forum.store("garden").post(int(done.stdout.split("/p")[1]))["parent_id"] == (
        deepest.parent_id
    )


def test_a_live_reply_past_the_limit_carries_where_it_went(forum: Forum) -> None:
    ada = who(forum, "ada")
    _, parent = forum.start_thread(ada, "garden", "general", "Chain", "Root")
    for n in range(MAX_DEPTH):
        parent = forum.reply(ada, "garden", parent, f"Reply {n}")
    seen = []
    forum.bus.subscribe(seen.append)
    post_id = forum.reply(ada, "garden", parent, "Beside")
    stored = forum.store("garden").post(post_id)
    (reply,) = [e.payload for e in seen if isinstance(e.payload, NewReply)]
    assert (reply.parent_id, reply.depth) == (stored["parent_id"], stored["depth"])
    assert stored["depth"] == MAX_DEPTH


async def test_the_composer_says_where_a_reply_past_the_limit_goes(forum: Forum) -> None:
    ada = who(forum, "ada")
    thread_id, parent = forum.start_thread(ada, "garden", "general", "Chain", "Root")
    for n in range(MAX_DEPTH):
        parent = forum.reply(ada, "garden", parent, f"Reply {n}")
    deepest = forum.read_thread(ada, "garden", thread_id).posts[-1]
    app = app_for(forum, who(forum, "bob"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ComposerScreen.reply("garden", deepest))
        await shows(pilot, f"Replies nest {MAX_DEPTH} deep at most")
        assert f"Replies nest {MAX_DEPTH} deep at most" in screen_text(app)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=150))
@example([0] * 60)  # one long chain, each reply to the one before
def test_any_reply_chain_opens(forum: Forum, picks: list[int]) -> None:
    """Each reply answers one of the last few posts (0: the newest, so runs of 0 are chains);
    the thread reads in tree order, no deeper than the limit, and its tree draws every post."""
    store = forum.store("garden")
    board = store.board("general")
    assert board is not None
    thread_id, first = store.add_thread(board["id"], "Any", 1, "ada", "Root")
    ids = [first]
    for back in picks:
        ids.append(store.add_reply(ids[max(0, len(ids) - 1 - back)], 1, "ada", "x"))
    view = forum.read_thread(GUEST, "garden", thread_id)
    assert sorted(p.id for p in view.posts) == ids
    seen: set[int] = set()
    for post in view.posts:  # every post after its parent, depth one more than its parent's
        assert post.parent_id is None or post.parent_id in seen
        seen.add(post.id)
    depth = {p.id: p.depth for p in view.posts}
    assert all(p.depth == depth[p.parent_id] + 1 for p in view.posts if p.parent_id)
    assert max(depth.values()) <= MAX_DEPTH
    tree = PostTree()
    tree.add_posts(view.posts)
    assert [n.data.id for n in tree._visible() if n.data] == [p.id for p in view.posts]


def test_the_tree_draws_a_chain_of_any_depth_without_recursion() -> None:
    posts = tuple(
        Post(
            id=n, thread_id=1, parent_id=n - 1 or None, depth=n - 1, author="a", body="b", created=0
        )
        for n in range(1, 5_001)
    )
    tree = PostTree()
    tree.add_posts(posts)
    assert len(tree.text.splitlines()) == len(posts)
    assert max(len(g) for g in tree._guides.values()) <= 2 * GUIDE_LEVELS + 3


# post rows that cannot be shown ---------------------------------------------------------
def bad_post(forum: Forum, thread_id: int, parent_id: int, **values: object) -> int:
    """Write a post row straight into the file, as an older version or a hand edit could."""
    post_id = forum.reply(who(forum, "ada"), "garden", parent_id, "to be spoiled")
    conn = sqlite3.connect(forum.data_dir / "communities" / "garden.db")
    with conn:
        for name, value in values.items():
            conn.execute(f"UPDATE posts SET {name} = ? WHERE id = ?", (value, post_id))
    conn.close()
    return post_id


BAD_POSTS = [{"created": "yesterday"}, {"created": 1e300}, {"body": b"\xff\x00"}, {"depth": -3}]


@pytest.mark.backends("sqlite")  # rows of the wrong type: only SQLite's loose typing keeps them
async def test_a_thread_shows_the_rest_when_a_post_cannot_be_shown(
    forum: Forum, caplog: pytest.LogCaptureFixture
) -> None:
    ada = who(forum, "ada")
    thread_id, first = forum.start_thread(ada, "garden", "general", "Spoilt", "Root post")
    for values in BAD_POSTS:
        bad_post(forum, thread_id, first, **values)
    forum.reply(ada, "garden", first, "Good reply")
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        app = app_for(forum, who(forum, "bob"))
        async with app.run_test(size=(80, 24)) as pilot:
            ThreadScreen.open(app, "garden", thread_id)
            await on(pilot, ThreadScreen, "Good reply", "posts could not be shown")
            assert isinstance(app.screen, ThreadScreen)
            text = screen_text(app)
            assert "Good reply" in text and f"{len(BAD_POSTS)} posts could not be shown" in text
    logged = [r.getMessage() for r in caplog.records if "cannot show post" in r.getMessage()]
    assert len(logged) == len(set(logged)) == len(BAD_POSTS)
    done = run(forum, GUEST, f"thread garden/{thread_id}")
    assert done.status == 0 and "Good reply" in done.stdout
    assert f"{len(BAD_POSTS)} posts could not be shown" in done.stderr


@pytest.mark.backends("sqlite")  # rows of the wrong type: only SQLite's loose typing keeps them
async def test_a_board_shows_the_rest_when_a_thread_cannot_be_shown(forum: Forum) -> None:
    from screens.community import CommunityScreen

    ada = who(forum, "ada")
    forum.start_thread(ada, "garden", "general", "Fine thread", "ok")
    spoilt, _ = forum.start_thread(ada, "garden", "general", "Spoilt", "ok")
    conn = sqlite3.connect(forum.data_dir / "communities" / "garden.db")
    with conn:
        conn.execute("UPDATE threads SET last_post_at = 'later' WHERE id = ?", (spoilt,))
    conn.close()
    listed = run(forum, GUEST, "read garden general")
    assert listed.status == 0 and "Fine thread" in listed.stdout
    assert "1 thread or board could not be shown" in listed.stderr
    app = app_for(forum, GUEST)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(CommunityScreen("garden"))
        await on(pilot, CommunityScreen, "Fine thread")
        await pilot.press("enter")
        await toast(pilot, "1 thread could not be shown")
        assert app.is_running and "Fine thread" in screen_text(app)
        assert "1 thread could not be shown" in notices(app)
    refused = run(forum, GUEST, f"thread garden/{spoilt}")
    assert refused.status == 1 and "cannot be shown" in refused.stderr


@pytest.mark.backends("sqlite")  # rows of the wrong type: only SQLite's loose typing keeps them
async def test_search_and_the_new_scan_say_what_they_left_out(forum: Forum) -> None:
    from screens.newscan import NewScanScreen
    from screens.search import SearchScreen

    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread_id, first = forum.start_thread(ada, "garden", "general", "Jasmine", "jasmine tea")
    forum.reply(ada, "garden", first, "more jasmine")
    bad = bad_post(forum, thread_id, first, created="tomorrow")
    conn = sqlite3.connect(forum.data_dir / "communities" / "garden.db")
    with conn:
        conn.execute("UPDATE posts SET body = 'jasmine spoilt' WHERE id = ?", (bad,))
    conn.close()
    hits = forum.search(bob, "jasmine")
    assert hits.unshown == 1 and len(hits) >= 2
    app = app_for(forum, bob)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SearchScreen())
        await on(pilot, SearchScreen)
        await pilot.press(*"jasmine", "enter")
        await shows(pilot, "1 result could not be shown")
        assert "1 result could not be shown" in screen_text(app)
        app.push_screen(NewScanScreen())
        await on(pilot, NewScanScreen, "could not be shown", "new posts")
        assert "could not be shown" in screen_text(app) and "new posts" in screen_text(app)
