"""One-shot commands over SSH (`ssh host COMMAND`): a registry of argparse commands, no Textual.

Each command is a function `(ctx, args) -> Reply` registered with `@command(...)`;
it gets the same Forum methods, and so the same permissions, as the TUI. Every
command takes `--json`. Text from the forum is cleaned before it is written.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bbs.errors import ForumError, NotFound
from bbs.forum import Forum
from bbs.models import Person
from bbs.text import clean

MAX_STDIN = 1_000_000


class UsageError(Exception):
    """Bad arguments: the message is a usage line for stderr."""


@dataclass
class CommandContext:
    """What a command may use: the forum, who is asking, and their stdin (read for them)."""

    forum: Forum
    viewer: Person
    stdin: str = ""


@dataclass
class Reply:
    """A command's answer: `data` for --json, `text` for people."""

    data: Any
    text: str
    status: int = 0


@dataclass
class Result:
    """What goes back over the channel."""

    status: int
    stdout: str = ""
    stderr: str = ""


Handler = Callable[[CommandContext, argparse.Namespace], Reply]


@dataclass
class Command:
    name: str
    help: str
    handler: Handler
    configure: Callable[[argparse.ArgumentParser], None]
    reads_stdin: bool = False


COMMANDS: dict[str, Command] = {}


def command(
    name: str,
    help: str,
    *,
    reads_stdin: bool = False,
    args: Callable[[argparse.ArgumentParser], None] = lambda p: None,
) -> Callable[[Handler], Handler]:
    """Register `handler` as `name`; `args(parser)` adds its arguments (--json is added here)."""

    def register(handler: Handler) -> Handler:
        COMMANDS[name] = Command(name, help, handler, args, reads_stdin)
        return handler

    return register


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse quotes what it was given: clean it, the caller's terminal reads this too
        raise UsageError(clean(f"{self.format_usage().strip()}\n{self.prog}: {message}"))

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        raise UsageError(message or self.format_usage().strip())


def build_parser(name: str) -> argparse.ArgumentParser:
    """The argparse parser of one registered command."""
    spec = COMMANDS[name]
    parser = _Parser(prog=name, description=spec.help, add_help=False)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    spec.configure(parser)
    return parser


def usage() -> str:
    """The list of commands, for `help` and unknown commands."""
    lines = ["usage: ssh HOST COMMAND [ARGS] [--json]", "commands:"]
    lines += [f"  {c.name:<12} {c.help}" for c in sorted(COMMANDS.values(), key=lambda c: c.name)]
    return "\n".join(lines)


def parse(line: str) -> tuple[Command, argparse.Namespace]:
    """Split and parse a command line; raises UsageError with a usage line."""
    try:
        argv = shlex.split(line)
    except ValueError as error:
        raise UsageError(f"{usage()}\nbad quoting: {error}") from None
    if not argv or argv[0] not in COMMANDS:
        raise UsageError(usage())
    spec = COMMANDS[argv[0]]
    return spec, build_parser(spec.name).parse_args(argv[1:])


def execute(spec: Command, args: argparse.Namespace, ctx: CommandContext) -> Result:
    """Run a parsed command (blocking: call it off the event loop)."""
    try:
        reply = spec.handler(ctx, args)
    except UsageError as error:
        return Result(2, stderr=f"{error}\n")
    except ForumError as error:
        return Result(1, stderr=clean(f"{error}\n"))
    if args.json:
        return Result(reply.status, stdout=json.dumps(reply.data, ensure_ascii=False) + "\n")
    text = clean(reply.text)
    return Result(reply.status, stdout=text + ("\n" if text and not text.endswith("\n") else ""))


# helpers ---------------------------------------------------------------------------
def _when(at: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at)) if at else "-"


def _plain(obj: Any) -> Any:
    """A model as JSON-ready data, its text cleaned."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(obj).items()}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, str):
        return clean(obj)
    return obj


def _line(text: str) -> str:
    return clean(text, multiline=False)


def resolve_ref(ctx: CommandContext, ref: str, kind: str) -> tuple[str, int]:
    """COMMUNITY/ID, or a bare ID found in exactly one readable community: (slug, id)."""
    slug, _, raw = ref.rpartition("/")
    if not raw.isdigit():
        raise UsageError(f"{kind} ids look like COMMUNITY/ID or ID, not {ref!r}")
    number = int(raw)
    if slug:
        return slug, number
    found = []
    for c in ctx.forum.list_communities(ctx.viewer):
        if not c.can_read:
            continue
        store = ctx.forum.store(c.slug)
        lookup = {"thread": store.thread, "post": store.post, "event": store.event}[kind]
        if lookup(number) is not None:
            found.append(c.slug)
    if not found:
        raise NotFound(f"There is no {kind} {number} you can read.")
    if len(found) > 1:
        raise UsageError(f"{kind} {number} exists in {', '.join(found)}: say COMMUNITY/{number}")
    return found[0], number


# commands --------------------------------------------------------------------------
@command("whoami", "who you are signed in as")
def whoami(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    p = ctx.viewer
    data = {"handle": p.handle, "display_name": p.display_name, "role": str(p.role)}
    return Reply(_plain(data), f"{_line(p.handle)} ({_line(p.display_name)}), {p.role}")


@command("communities", "the communities of this board")
def communities(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    found = ctx.forum.list_communities(ctx.viewer)
    lines = [
        f"{c.slug:<20} {_line(c.name):<28} {c.members:>4} members"
        f"{'  ' + str(c.new_posts) + ' new' if c.new_posts else ''}"
        f"{'' if c.can_read else '  (members only)'}"
        for c in found
    ]
    return Reply(_plain(found), "\n".join(lines))


def _read_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("community")
    p.add_argument("board", nargs="?")


@command("read", "a community's boards, or a board's threads with their ids", args=_read_args)
def read(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    forum, viewer = ctx.forum, ctx.viewer
    boards = forum.boards(viewer, args.community)
    chosen = [b for b in boards if args.board in (None, b.slug)]
    if args.board and not chosen:
        raise NotFound(f"There is no board {args.board!r} in {args.community}.")
    data: list[dict[str, Any]] = []
    lines: list[str] = []
    for board in chosen:
        threads = forum.threads(viewer, args.community, board.slug)
        data.append({"board": _plain(board), "threads": _plain(threads)})
        lines.append(f"== {board.slug}: {_line(board.name)} ({board.threads} threads)")
        lines += [
            f"  {args.community}/{t.id:<6} {_line(t.title)[:50]:<50} {t.posts:>4} posts"
            f"  {_line(t.author)}  {_when(t.last_post_at)}"
            for t in threads
        ]
    return Reply(data, "\n".join(lines))


def _thread_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="COMMUNITY/ID or ID")


@command("thread", "a whole thread", args=_thread_args)
def thread(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, number = resolve_ref(ctx, args.id, "thread")
    view = ctx.forum.read_thread(ctx.viewer, slug, number)
    t = view.thread
    lines = [f"{slug}/{t.id} {_line(t.title)}  [{t.board}]", ""]
    for post in view.posts:
        pad = "  " * post.depth
        lines.append(f"{pad}#{post.id} {_line(post.author)}  {_when(post.created)}")
        body = f"[hidden: {post.hidden_reason}]" if post.hidden and not post.body else post.body
        lines += [f"{pad}  {row}" for row in clean(body).splitlines()] + [""]
    data = {"community": slug, "thread": view.thread, "posts": view.posts}  # not whom one blocks
    return Reply(_plain(data), "\n".join(lines))


def _post_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("community")
    p.add_argument("board")
    p.add_argument("--title", required=True)


@command("post", "start a thread (body on stdin); prints its id", reads_stdin=True, args=_post_args)
def post(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    thread_id, post_id = ctx.forum.start_thread(
        ctx.viewer, args.community, args.board, args.title, ctx.stdin
    )
    data = {"community": args.community, "thread_id": thread_id, "post_id": post_id}
    return Reply(data, f"{args.community}/{thread_id}")


def _reply_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("post_id", help="COMMUNITY/ID or ID of the post to answer")


@command(
    "reply",
    "reply to a post (body on stdin); prints the new post's id",
    reads_stdin=True,
    args=_reply_args,
)
def reply(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    slug, parent = resolve_ref(ctx, args.post_id, "post")
    post_id = ctx.forum.reply(ctx.viewer, slug, parent, ctx.stdin)
    return Reply({"community": slug, "post_id": post_id}, f"{slug}/{post_id}")


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
        f"{n.community}/{n.post_id:<6} {_line(n.title)[:50]:<50} {_line(n.author)}"
        f"  {_when(n.created)}"
        for n in found
    ] or ["Nothing new since your last visit."]
    return Reply(_plain(found), "\n".join(lines))


@command("help", "this list")
def help_(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    return Reply({"commands": {c.name: c.help for c in COMMANDS.values()}}, usage())


__all__ = [
    "COMMANDS",
    "Command",
    "CommandContext",
    "Reply",
    "Result",
    "UsageError",
    "command",
    "execute",
    "parse",
    "resolve_ref",
    "usage",
]


# Community life (found, join, mail, inbox, events, rsvp, ics, oneliner) registers here.
from bbs import commands_life  # noqa: E402, F401
