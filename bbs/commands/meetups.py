"""Exec commands for meetups: a community's list, RSVPs, .ics, cancelling and deleting."""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from bbs.commands.output import as_data, fit, line
from bbs.commands.registry import CommandContext, Reply, command
from bbs.models import Meetup
from bbs.refs import Resolver
from bbs.shown import unshown_note


def _events_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("community")


def _meetup_line(e: Meetup) -> str:
    local = datetime.fromtimestamp(e.starts_at, ZoneInfo(e.tz))
    mine = f"  you: {e.my_rsvp}" if e.my_rsvp else ""
    cancelled = "  CANCELLED" + (f": {line(e.cancel_reason)}" if e.cancel_reason else "")
    return (
        f"{fit(e.ref, 24)} {local:%a %d %b %Y %H:%M} {fit(e.tz, 16)} {fit(e.title, 40)}"
        f"  @ {fit(e.place, 40)}  ({e.going} going, {e.maybe} maybe){mine}"
        f"{cancelled if e.cancelled else ''}"
    )


def _event_data(e: Meetup) -> dict[str, object]:
    return {**as_data(e), "ref": e.ref}


@command("events", "a community's upcoming meetups", args=_events_args)
def events(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    found = ctx.forum.events(ctx.viewer, args.community)
    return Reply(
        [_event_data(e) for e in found],
        "\n".join(_meetup_line(e) for e in found) or "No meetups planned.",
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
        {**as_data(detail), "ref": detail.event.ref},
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
