"""Exec commands for chat and polls: chat, say, poll, vote.

Registered into `bbs.commands.registry` on import; the same rules as the TUI, each with
`--json`. `chat ROOM --follow` streams (it is run by `bbs.ssh.chat_follow` on the event loop,
not as a one-shot command): here it only prints what is there already.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bbs.chat.models import ME, ChatLine
from bbs.commands import output
from bbs.commands.output import an_id, whole_number
from bbs.commands.registry import CommandContext, Reply, command
from bbs.polls.bars import result_lines, summary
from bbs.polls.models import AFTER_VOTING, ALWAYS, Poll, PollDraft
from bbs.refs import Resolver
from bbs.shown import unshown_note

ROOM_HELP = "a room: lobby, or a community's slug"


def line_data(line: ChatLine) -> dict[str, Any]:
    """A line as JSON: what `chat --json` lists and `chat --follow --json` streams."""
    return {
        "type": "line",
        "id": line.id,
        "room": line.room,
        "handle": output.line(line.handle),
        "kind": line.kind,
        "text": output.line(line.text),
        "at": line.at,
        **(
            {"hidden": True, "hidden_reason": output.line(line.hidden_reason)}
            if line.hidden
            else {}
        ),
    }


def line_words(line: ChatLine) -> str:
    """A line as text: its id (for --since), when, who, what."""
    at = time.strftime("%Y-%m-%d %H:%M", time.localtime(line.at))
    who = f"* {line.handle}" if line.kind == ME else f"{line.handle}:"
    hidden = f"[hidden: {line.hidden_reason}] " if line.hidden else ""
    return output.line(f"{line.id} {at} {who} {hidden}{line.text}")


def _chat_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("room", help=ROOM_HELP)
    p.add_argument("--since", type=whole_number(0, 2**63 - 1), default=0, help="lines after ID")
    p.add_argument("--follow", action="store_true", help="then stream new lines until you close")


@command(
    "chat",
    "a chat room's latest lines (--since ID); --follow streams new ones (JSON lines with --json)",
    args=_chat_args,
)
def chat(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    found = ctx.forum.chat_lines(ctx.viewer, args.room, since=args.since)
    text = "\n".join(line_words(line) for line in found) or "Nothing said here yet."
    note = unshown_note(found.unshown, "line")
    return Reply([line_data(line) for line in found], text, note=note)


def _say_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("room", help=ROOM_HELP)
    p.add_argument("--me", action="store_true", help="an action: * you TEXT")


@command("say", "say a line in a chat room (the line on stdin)", reads_stdin=True, args=_say_args)
def say(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    line = ctx.forum.say(ctx.viewer, args.room, ctx.stdin, action=args.me)
    return Reply(line_data(line), f"said in {args.room}: line {line.id}")


# polls ----------------------------------------------------------------------------------
def poll_data(poll: Poll) -> dict[str, Any]:
    return {**output.as_data(poll), "mine": sorted(poll.mine), "ref": poll.ref}


def poll_words(poll: Poll) -> str:
    head = [f"{poll.ref} poll: {output.line(poll.question)}", summary(poll) + "."]
    if poll.closes_at and not poll.closed:
        at = time.strftime("%Y-%m-%d %H:%M", time.gmtime(poll.closes_at))
        head.append(f"closes {at} UTC ({poll.tz})")
    lines = result_lines(poll)
    how = "vote REF N" + (" [N ...]" if poll.several else "") if poll.can_vote else poll.why_not
    return "\n".join(head + lines + [how])


def _poll_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("thread", help="a thread: COMMUNITY/ID")
    act = p.add_mutually_exclusive_group()
    act.add_argument("--add", metavar="QUESTION", help="put a poll on your thread")
    act.add_argument("--close", action="store_true", help="close it now (author, moderators)")
    p.add_argument("--choice", action="append", default=[], help="a choice (2 to 10, with --add)")
    p.add_argument("--several", action="store_true", help="people may choose several")
    p.add_argument("--after-voting", action="store_true", help="results once one has voted")
    p.add_argument("--closes", default="", help="YYYY-MM-DD HH:MM in --tz (default none)")
    p.add_argument("--tz", default="UTC", help="the closing time's zone, e.g. Europe/London")
    p.add_argument("--reason", default="", help="why it is closed (a moderator must say)")


@command(
    "poll", "a thread's poll and its results; --add one to your thread, --close it", args=_poll_args
)
def poll(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, thread_id, _ = Resolver(ctx.forum, ctx.viewer).thread(args.thread)
    forum, viewer = ctx.forum, ctx.viewer
    if args.add is not None:
        draft = PollDraft(
            args.add,
            tuple(args.choice),
            several=args.several,
            results=AFTER_VOTING if args.after_voting else ALWAYS,
            closes=args.closes,
            tz=args.tz,
        )
        found: Poll | None = forum.add_poll(viewer, slug, thread_id, draft)
    elif args.close:
        found = forum.close_poll(viewer, slug, thread_id, args.reason)
    else:
        found = forum.poll(viewer, slug, thread_id)
    if found is None:
        return Reply({"ref": f"{slug}/{thread_id}", "poll": None}, "This thread has no poll.", 1)
    return Reply(poll_data(found), poll_words(found))


def _vote_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("thread", help="a thread: COMMUNITY/ID")
    p.add_argument("choices", nargs="+", type=an_id, help="the choices' numbers")


@command("vote", "vote in a thread's poll (again to change your vote)", args=_vote_args)
def vote(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, thread_id, _ = Resolver(ctx.forum, ctx.viewer).thread(args.thread)
    found = ctx.forum.vote(ctx.viewer, slug, thread_id, list(args.choices))
    return Reply(poll_data(found), poll_words(found))
