"""Exec commands between people: who you are, mail and the inbox, the one-liner wall."""

from __future__ import annotations

import argparse

from bbs.commands.output import an_id, as_data, fit, line, when
from bbs.commands.registry import CommandContext, Reply, command


@command("whoami", "who you are signed in as")
def whoami(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    p = ctx.viewer
    data = {"handle": p.handle, "display_name": p.display_name, "role": str(p.role)}
    return Reply(as_data(data), f"{line(p.handle)} ({line(p.display_name)}), {p.role}")


def _mail_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("handle")
    p.add_argument("--subject", default="")
    p.add_argument("--conversation", type=an_id, default=None, help="reply in a conversation")


@command("mail", "send private mail (body on stdin)", reads_stdin=True, args=_mail_args)
def mail(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    ctx.forum.send_mail(
        ctx.viewer, args.handle, ctx.stdin, subject=args.subject, conversation_id=args.conversation
    )
    return Reply({"to": args.handle.lstrip("@"), "sent": True}, f"sent to {args.handle}")


def _inbox_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("conversation", nargs="?", type=an_id, help="read one conversation")


@command("inbox", "your conversations, or one of them", args=_inbox_args)
def inbox(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    if args.conversation is not None:
        messages = ctx.forum.read_conversation(ctx.viewer, args.conversation)
        lines = []
        for m in messages:
            lines += [
                f"-- {line(m.sender)} to {line(m.recipient)}  {when(m.sent)}  {line(m.subject)}",
                m.body,
                "",
            ]
        return Reply(as_data(messages), "\n".join(lines))
    found = ctx.forum.inbox(ctx.viewer)
    lines = [
        f"{c.conversation_id:<6} {'*' if c.unread else ' '} {fit(c.other, 16)}"
        f" {c.kind:<8} {fit(c.subject, 36)} {when(c.last_sent)}"
        for c in found
    ] or ["Your inbox is empty."]
    return Reply(as_data(found), "\n".join(lines))


def _oneliner_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="+")


@command("oneliner", "write on the one-liner wall", args=_oneliner_args)
def oneliner(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    text = " ".join(args.text)
    line_id = ctx.forum.add_oneliner(ctx.viewer, text)
    return Reply({"id": line_id, "text": line(text)}, "on the wall")
