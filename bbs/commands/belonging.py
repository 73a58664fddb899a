"""Exec commands for belonging: founding, joining and leaving a community; its members,
their roles (the owner appoints moderators) and handing it over."""

from __future__ import annotations

import argparse

from bbs.commands.output import as_data, fit, line, when
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


def _slug_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("slug")


@command("leave", "leave a community (its last owner hands it over first)", args=_slug_args)
def leave(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    ctx.forum.leave(ctx.viewer, args.slug)
    return Reply({"slug": args.slug, "status": "left"}, f"{args.slug}: you have left")


@command("members", "a community's members and their roles", args=_slug_args)
def members(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    found = ctx.forum.members(ctx.viewer, args.slug)
    lines = [
        f"{fit(m.handle, 20)} {fit(m.display_name, 28)} {m.role:<9} since {when(m.joined)}"
        for m in found
    ]
    return Reply(as_data(found), "\n".join(lines) or "No members.")


def _role_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("slug")
    p.add_argument("handle")
    p.add_argument("role", choices=["moderator", "member"])


@command(
    "role",
    "the owner makes a member a moderator, or a moderator a member again",
    args=_role_args,
)
def role(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    ctx.forum.set_member_role(ctx.viewer, args.slug, args.handle, args.role)
    handle = args.handle.lstrip("@")
    data = {"slug": args.slug, "handle": handle, "role": args.role}
    return Reply(data, f"{args.slug}: {line(handle)} is a {args.role} now")


def _hand_over_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("slug")
    p.add_argument("handle")
    p.add_argument("--yes", action="store_true", help="you mean it (without it, what it does)")


@command(
    "hand-over",
    "the owner gives the community to another member (and stays as a moderator)",
    args=_hand_over_args,
)
def hand_over(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    handle = args.handle.lstrip("@")
    if not args.yes:
        text = (
            f"This makes {line(handle)} the owner of {args.slug}, and you a moderator:"
            f" only they can give it back.\nTo do it, run: hand-over {args.slug} {handle} --yes"
        )
        return Reply({"slug": args.slug, "handle": handle, "status": "asked"}, text, 3)
    ctx.forum.hand_over(ctx.viewer, args.slug, handle)
    data = {"slug": args.slug, "owner": handle, "status": "handed over"}
    return Reply(data, f"{args.slug}: {line(handle)} is its owner now; you are a moderator")
