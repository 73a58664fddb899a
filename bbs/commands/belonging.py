"""Exec commands for belonging: founding a community and joining it."""

from __future__ import annotations

import argparse

from bbs.commands.output import line
from bbs.commands.registry import CommandContext, Reply, command


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
            f"{line(community.name)} ({community.visibility})\n\n{community.rules}\n\n"
            f"To join, run: join {args.slug} --accept-rules"
            + (" --code CODE" if community.visibility == "invite" else "")
        )
        return Reply({"slug": args.slug, "status": "rules", "rules": community.rules}, text, 3)
    status = ctx.forum.join(ctx.viewer, args.slug, accept_rules=True, code=args.code)
    words = {"active": "you are a member", "requested": "request sent to the moderators"}
    return Reply({"slug": args.slug, "status": status}, f"{args.slug}: {words[status]}")
