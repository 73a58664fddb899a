"""Exec commands for reading: communities, a community's boards and threads, a thread, new."""

from __future__ import annotations

import argparse
import math
from typing import Any

from bbs.actions.reading import THREADS_PAGE
from bbs.commands.output import as_data, fit, line, refs, when, whole_number
from bbs.commands.registry import CommandContext, Reply, command
from bbs.errors import NotFound
from bbs.models import post_ref, thread_ref
from bbs.refs import Resolver
from bbs.shown import unshown_note
from bbs.text import clean

INDENT_LEVELS = 8
"""`thread` indents a reply two spaces a level down to this depth, then names its parent:
the output grows with the number of posts, never with the square of the depth."""
READ_ALL_CAP = 1_000
"""`read --all` lists at most this many threads of a board (20 pages)."""
MAX_PAGE = 1_000_000


@command("communities", "the communities of this board")
def communities(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    found = ctx.forum.list_communities(ctx.viewer)
    lines = [
        f"{fit(c.slug, 20)} {fit(c.name, 28)} {c.members:>4} members"
        f"{'  ' + str(c.new_posts) + ' new' if c.new_posts else ''}"
        f"{'' if c.can_read else '  (members only)'}"
        for c in found
    ]
    return Reply(as_data(found), "\n".join(lines), note=unshown_note(found.unshown, "community"))


def _read_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("community")
    p.add_argument("board", nargs="?")
    pages = p.add_mutually_exclusive_group()
    pages.add_argument("--page", type=whole_number(1, MAX_PAGE), default=1, help="page N")
    pages.add_argument(
        "--all", action="store_true", help=f"every page (at most {READ_ALL_CAP:,} threads)"
    )


@command(
    "read",
    "a community's boards, or a board's threads with their refs (--page N, --all)",
    args=_read_args,
)
def read(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    forum, viewer = ctx.forum, ctx.viewer
    boards = forum.boards(viewer, args.community)
    chosen = [b for b in boards if args.board in (None, b.slug)]
    if args.board and not chosen:
        raise NotFound(f"There is no board {args.board!r} in {args.community}.")
    data: list[dict[str, Any]] = []
    lines: list[str] = []
    unshown = boards.unshown
    for board in chosen:
        threads, more, skipped = _board_pages(ctx, args, board.slug, board.threads)
        unshown += skipped
        data.append({"board": as_data(board), "threads": as_data(threads), "more": more})
        lines.append(f"== {board.slug}: {line(board.name)} ({board.threads} threads)")
        lines += [
            f"  {fit(thread_ref(args.community, t.id), 24)} {fit(t.title, 50)}"
            f" {t.posts:>4} posts  {line(t.author)}  {when(t.last_post_at)}"
            for t in threads
        ]
        if more:
            lines.append(f"  ({more})")
    return Reply(data, "\n".join(lines), note=unshown_note(unshown, "thread or board"))


def _board_pages(
    ctx: CommandContext, args: argparse.Namespace, board: str, total: int
) -> tuple[list[Any], str, int]:
    """The threads `read` shows of one board, what else there is (in words), rows left out."""
    per = THREADS_PAGE
    pages = max(1, math.ceil(total / per))
    wanted = range(min(pages, READ_ALL_CAP // per)) if args.all else [args.page - 1]
    found: list[Any] = []
    skipped = 0
    for page in wanted:
        some = ctx.forum.threads(ctx.viewer, args.community, board, page=page)
        found += some
        skipped += some.unshown
    if args.all:
        more = (
            ""
            if pages * per <= READ_ALL_CAP
            else (
                f"the first {READ_ALL_CAP:,} of {total:,} threads: --page"
                f" {READ_ALL_CAP // per + 1} and on for the rest"
            )
        )
    elif args.page > pages:
        more = f"page {args.page} of {pages}: nothing here"
    elif args.page < pages:
        more = f"page {args.page} of {pages}: --page {args.page + 1} for more, --all for all"
    else:
        more = f"page {args.page} of {pages}" if pages > 1 else ""
    return found, more, skipped


def _thread_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="a thread (COMMUNITY/ID), or a post in it (COMMUNITY/pID)")


@command("thread", "a whole thread", args=_thread_args)
def thread(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, number, _ = Resolver(ctx.forum, ctx.viewer).thread(args.id)
    view = ctx.forum.read_thread(ctx.viewer, slug, number)
    t = view.thread
    lines = [f"{thread_ref(slug, t.id)} {line(t.title)}  [{t.board}]", ""]
    for post in view.posts:
        lines += _post_lines(slug, post)
    posts = [{**as_data(p), "ref": post_ref(slug, p.id)} for p in view.posts]
    data = {  # not whom one blocks
        "community": slug,
        "ref": thread_ref(slug, t.id),
        "thread": as_data(view.thread),
        "posts": posts,
        "unshown": view.unshown,
    }
    return Reply(data, "\n".join(lines), note=unshown_note(view.unshown, "post"))


def _post_lines(slug: str, post: Any) -> list[str]:
    """One post of `thread`: indented by its depth up to INDENT_LEVELS, then its parent named."""
    pad = "  " * min(post.depth, INDENT_LEVELS)
    under = f"  (re p{post.parent_id})" if post.depth > INDENT_LEVELS else ""
    head = f"{pad}{post_ref(slug, post.id)} {line(post.author)}  {when(post.created)}{under}"
    body = f"[hidden: {post.hidden_reason}]" if post.hidden and not post.body else post.body
    return [head] + [f"{pad}  {row}" for row in clean(body).splitlines()] + [""]


@command("new", "everything new since your last visit (then marked read)")
def new(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    forum, viewer = ctx.forum, ctx.viewer
    if viewer.is_guest:
        return Reply([], "Guests have no last visit: sign up with a key.")
    viewer = forum.sign_in(viewer)
    found = forum.new_since_last_visit(viewer)
    latest: dict[tuple[str, int], int] = {}
    for item in found:
        key = (item.community, item.thread_id)
        latest[key] = max(latest.get(key, 0), item.post_id)
    for (slug, thread_id), post_id in latest.items():
        forum.mark_read_through(viewer, slug, thread_id, post_id)
    lines = [
        f"{fit(post_ref(n.community, n.post_id), 26)} {fit(n.title, 50)} {line(n.author)}"
        f"  {when(n.created)}"
        for n in found
    ] or ["Nothing new since your last visit."]
    data = [{**as_data(n), **refs(n.community, n.thread_id, n.post_id)} for n in found]
    return Reply(data, "\n".join(lines), note=unshown_note(found.unshown, "post"))
