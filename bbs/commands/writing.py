"""Exec commands for writing: start a thread, reply to a post (the text on stdin)."""

from __future__ import annotations

import argparse

from bbs.commands.output import refs
from bbs.commands.registry import CommandContext, Reply, command
from bbs.refs import Resolver


def _post_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("community")
    p.add_argument("board")
    p.add_argument("--title", required=True)


@command(
    "post",
    "start a thread (body on stdin); prints its ref (its first post's on stderr)",
    reads_stdin=True,
    args=_post_args,
)
def post(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    thread_id, post_id = ctx.forum.start_thread(
        ctx.viewer, args.community, args.board, args.title, ctx.stdin
    )
    found = refs(args.community, thread_id, post_id)
    return Reply(  # stdout is the thread's ref alone, as scripts have read it: thread $(post ...)
        {"community": args.community, "thread_id": thread_id, "post_id": post_id, **found},
        found["thread"],
        note=f"thread {found['thread']}, its first post {found['post']}",
    )


def _reply_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "post_id", help="the post to answer (COMMUNITY/pID), or a thread (COMMUNITY/tID)"
    )


@command(
    "reply",
    "reply to a post, or to a thread's first post (body on stdin); prints the new post's ref",
    reads_stdin=True,
    args=_reply_args,
)
def reply(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, parent = Resolver(ctx.forum, ctx.viewer).post(args.post_id)
    note = ctx.forum.reply_note(ctx.viewer, slug, parent)
    post_id = ctx.forum.reply(ctx.viewer, slug, parent, ctx.stdin)
    thread_id = ctx.forum.thread_of_post(ctx.viewer, slug, post_id) or 0
    found = refs(slug, thread_id, post_id)
    data = {"community": slug, "post_id": post_id, "thread_id": thread_id, **found}
    where = f"post {found['post']} in thread {found['thread']}"
    return Reply(data, found["post"], note=f"{where}. {note}" if note else where)
