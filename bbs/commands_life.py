"""Exec commands for community life: found, join, mail, inbox, events, rsvp, ics, cancelling
and deleting events, oneliner.

Registered into `bbs.commands`' registry on import; same rules as the TUI, each
with `--json`.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from bbs.commands import (
    CommandContext,
    Reply,
    _fit,
    _line,
    _plain,
    _when,
    an_id,
    command,
)
from bbs.models import Meetup
from bbs.refs import Resolver
from bbs.shown import unshown_note


def _found_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("slug")
    p.add_argument("--name", required=True)
    p.add_argument("--visibility", choices=["open", "request", "invite"], default="open")
    p.add_argument("--description", default="")
    p.add_argument("--boards", default="general", help="comma-separated board slugs")


@command("found", "found a community (rules on stdin)", reads_stdin=True, args=_found_args)
def found(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    boards = [b.strip() for b in args.boards.split(",") if b.strip()]
    status = ctx.forum.found_community(
        ctx.viewer,
        args.slug,
        args.name,
        description=args.description,
        rules=ctx.stdin,
        visibility=args.visibility,
        boards=boards,
    )
    slug = args.slug.lower()
    text = f"{slug}: founded" if status == "active" else f"{slug}: waiting for the sysop"
    return Reply({"slug": slug, "status": status}, text)


def _join_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("slug")
    p.add_argument("--code", default=None, help="an invite code")
    p.add_argument(
        "--accept-rules",
        action="store_true",
        help="you have read the rules (without it, the rules are shown)",
    )


@command("join", "show a community's rules, or join it with --accept-rules", args=_join_args)
def join(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    community = ctx.forum.community(ctx.viewer, args.slug)
    if not args.accept_rules:
        text = (
            f"{_line(community.name)} ({community.visibility})\n\n{community.rules}\n\n"
            f"To join, run: join {args.slug} --accept-rules"
            + (" --code CODE" if community.visibility == "invite" else "")
        )
        return Reply({"slug": args.slug, "status": "rules", "rules": community.rules}, text, 3)
    status = ctx.forum.join(ctx.viewer, args.slug, accept_rules=True, code=args.code)
    words = {"active": "you are a member", "requested": "request sent to the moderators"}
    return Reply({"slug": args.slug, "status": status}, f"{args.slug}: {words[status]}")


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
                f"-- {_line(m.sender)} to {_line(m.recipient)}  {_when(m.sent)}"
                f"  {_line(m.subject)}",
                m.body,
                "",
            ]
        return Reply(_plain(messages), "\n".join(lines))
    found = ctx.forum.inbox(ctx.viewer)
    lines = [
        f"{c.conversation_id:<6} {'*' if c.unread else ' '} {_fit(c.other, 16)}"
        f" {c.kind:<8} {_fit(c.subject, 36)} {_when(c.last_sent)}"
        for c in found
    ] or ["Your inbox is empty."]
    return Reply(_plain(found), "\n".join(lines))


def _events_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("community")


def _event_line(e: Meetup) -> str:
    local = datetime.fromtimestamp(e.starts_at, ZoneInfo(e.tz))
    mine = f"  you: {e.my_rsvp}" if e.my_rsvp else ""
    cancelled = "  CANCELLED" + (f": {_line(e.cancel_reason)}" if e.cancel_reason else "")
    return (
        f"{_fit(e.ref, 24)} {local:%a %d %b %Y %H:%M} {_fit(e.tz, 16)} {_fit(e.title, 40)}"
        f"  @ {_fit(e.place, 40)}  ({e.going} going, {e.maybe} maybe){mine}"
        f"{cancelled if e.cancelled else ''}"
    )


def _event_data(e: Meetup) -> dict[str, object]:
    return {**_plain(e), "ref": e.ref}


@command("events", "a community's upcoming meetups", args=_events_args)
def events(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    found = ctx.forum.events(ctx.viewer, args.community)
    return Reply(
        [_event_data(e) for e in found],
        "\n".join(_event_line(e) for e in found) or "No meetups planned.",
        note=unshown_note(found.unshown, "event"),
    )


EVENT_REF = "a meetup: COMMUNITY/eID (or COMMUNITY/ID, or ID)"


def _rsvp_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("event_id", help=EVENT_REF)
    p.add_argument("answer", choices=["going", "maybe", "no"])


@command("rsvp", "answer a meetup: going, maybe or no", args=_rsvp_args)
def rsvp(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, event_id = Resolver(ctx.forum, ctx.viewer).event(args.event_id)
    ctx.forum.rsvp(ctx.viewer, slug, event_id, args.answer)
    detail = ctx.forum.event(ctx.viewer, slug, event_id)
    return Reply(
        {**_plain(detail), "ref": detail.event.ref},
        f"{detail.event.ref}: {args.answer} "
        f"({detail.event.going} going, {detail.event.maybe} maybe)",
    )


def _ics_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("event_id", help=EVENT_REF)


@command("ics", "a meetup as an iCalendar (.ics) file", args=_ics_args)
def ics(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, event_id = Resolver(ctx.forum, ctx.viewer).event(args.event_id)
    text = ctx.forum.event_ics(ctx.viewer, slug, event_id)
    return Reply({"community": slug, "event_id": event_id, "ics": text}, text)


def _manage_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("event_id", help=EVENT_REF)
    p.add_argument("--reason", default="", help="for the moderation log (a moderator must)")


@command(
    "cancel-event",
    "cancel a meetup you planned or moderate: it stays, marked, for those who answered",
    args=_manage_args,
)
def cancel_event(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, event_id = Resolver(ctx.forum, ctx.viewer).event(args.event_id)
    ctx.forum.cancel_event(ctx.viewer, slug, event_id, args.reason)
    ref = ctx.forum.event(ctx.viewer, slug, event_id).event.ref
    return Reply({"ref": ref, "status": "cancelled"}, f"{ref}: cancelled")


@command(
    "delete-event", "delete a meetup you planned or moderate, and its answers", args=_manage_args
)
def delete_event(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, event_id = Resolver(ctx.forum, ctx.viewer).event(args.event_id)
    ctx.forum.delete_event(ctx.viewer, slug, event_id, args.reason)
    ref = f"{slug}/e{event_id}"
    return Reply({"ref": ref, "status": "deleted"}, f"{ref}: deleted")


def _oneliner_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="+")


@command("oneliner", "write on the one-liner wall", args=_oneliner_args)
def oneliner(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    text = " ".join(args.text)
    line_id = ctx.forum.add_oneliner(ctx.viewer, text)
    return Reply({"id": line_id, "text": _line(text)}, "on the wall")
