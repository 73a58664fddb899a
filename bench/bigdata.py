"""Building large communities fast for benchmarks (bulk SQL in one transaction per table)."""

from __future__ import annotations

import random
import time
from pathlib import Path

from bbs.config import Config
from bbs.forum import Forum
from bbs.models import Role
from bbs.seed import create_community
from bbs.store.community import MAX_DEPTH, RECOUNT_BOARDS, path_segment


def make_forum(data_dir: Path) -> Forum:
    """A forum with a reader and a writer, and an empty open community 'big'."""
    forum = Forum(data_dir, Config(data_dir=data_dir, post_interval_s=0))
    reader = forum.register("reader", "Reader", role=Role.SYSOP)
    writer = forum.register("writer", "Writer")
    create_community(
        forum,
        {
            "slug": "big",
            "name": "Big",
            "boards": [{"slug": "posts100k"}, {"slug": "threads100k"}, {"slug": "threads"}],
        },
        reader.id,
        time.time(),
    )
    for person in (reader, writer):
        forum.hub.set_membership(person.id, "big", "member", "active")
    return forum


def add_thread_tree(forum: Forum, board: str, posts: int, title: str, seed: int = 1) -> int:
    """One thread of `posts` posts, each replying to a random earlier one (nested no deeper
    than the forum nests: MAX_DEPTH); returns its id."""
    rng = random.Random(seed)
    store = forum.store("big")
    board_id = store.board(board)["id"]  # type: ignore[index]
    writer = forum.person("writer")
    assert writer is not None
    now = time.time() - posts
    with store.write() as db:
        conn = db.conn
        cur = conn.execute(
            "INSERT INTO threads(board_id, title, author_id, author, created, last_post_at,"
            " post_count) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (board_id, title, writer.id, writer.handle, now, now + posts, posts),
        )
        thread_id = int(cur.lastrowid or 0)
        first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM posts").fetchone()[0])
        paths: list[str] = []
        parents: list[int | None] = []
        depths: list[int] = []
        rows = []
        for n in range(posts):
            post_id = first + n
            parent = None if n == 0 else rng.randrange(max(0, n - 50), n)
            while parent is not None and depths[parent] >= MAX_DEPTH:
                parent = parents[parent]  # as the forum nests a reply: beside, past MAX_DEPTH
            parents.append(parent)
            path = (paths[parent] + "." if parent is not None else "") + path_segment(post_id)
            depth = 0 if parent is None else path.count(".")
            paths.append(path)
            depths.append(depth)
            rows.append(
                (
                    post_id,
                    thread_id,
                    board_id,
                    None if parent is None else first + parent,
                    path,
                    depth,
                    writer.id,
                    writer.handle,
                    f"Post {n} about compost, seedlings and night-blooming jasmine.",
                    now + n,
                )
            )
        conn.executemany(
            "INSERT INTO posts(id, thread_id, board_id, parent_id, path, depth, author_id,"
            " author, body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute(RECOUNT_BOARDS)
    return thread_id


def add_many_threads(forum: Forum, board: str, threads: int, posts_each: int) -> None:
    """`threads` flat threads of `posts_each` posts each, in bulk."""
    store = forum.store("big")
    board_id = store.board(board)["id"]  # type: ignore[index]
    writer = forum.person("writer")
    assert writer is not None
    base = time.time() - threads * posts_each
    with store.write() as db:
        conn = db.conn
        next_post = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM posts").fetchone()[0])
        for t in range(threads):
            at = base + t * posts_each
            cur = conn.execute(
                "INSERT INTO threads(board_id, title, author_id, author, created, last_post_at,"
                " post_count) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    board_id,
                    f"Thread {t}",
                    writer.id,
                    writer.handle,
                    at,
                    at + posts_each,
                    posts_each,
                ),
            )
            thread_id = int(cur.lastrowid or 0)
            root = next_post
            rows = []
            for n in range(posts_each):
                post_id = next_post + n
                path = path_segment(root) + ("" if n == 0 else "." + path_segment(post_id))
                rows.append(
                    (
                        post_id,
                        thread_id,
                        board_id,
                        None if n == 0 else root,
                        path,
                        0 if n == 0 else 1,
                        writer.id,
                        writer.handle,
                        f"Body {t}.{n}",
                        at + n,
                    )
                )
            conn.executemany(
                "INSERT INTO posts(id, thread_id, board_id, parent_id, path, depth, author_id,"
                " author, body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            next_post += posts_each
        conn.execute(RECOUNT_BOARDS)
