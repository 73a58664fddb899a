"""One-shot commands over SSH (`ssh host COMMAND`): a registry of argparse commands, no Textual.

Each command is a function `(ctx, args) -> Reply` registered with `@command(...)`;
it gets the same Forum methods, and so the same permissions, as the TUI. Every
command takes `--json`. Text from the forum is cleaned before it is written.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size

from bbs.actions.reading import THREADS_PAGE
from bbs.errors import ForumError, NotFound
from bbs.forum import Forum
from bbs.models import MAX_ID, Person, post_ref, thread_ref
from bbs.refs import SPELLINGS, RefError, Resolver
from bbs.shown import note_bad, unshown_note
from bbs.text import clean

log = logging.getLogger(__name__)

MAX_STDIN = 1_000_000
INDENT_LEVELS = 8
"""`thread` indents a reply two spaces a level down to this depth, then names its parent:
the output grows with the number of posts, never with the square of the depth."""
READ_ALL_CAP = 1_000
"""`read --all` lists at most this many threads of a board (20 pages)."""
MAX_PAGE = 1_000_000


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
    note: str = ""
    """A line for stderr (what could not be shown, where a reply went), JSON or not."""


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
    lines.append(f"refs: {SPELLINGS}.")
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
    except (UsageError, RefError) as error:
        return Result(2, stderr=clean(f"{error}\n"))
    except ForumError as error:
        return Result(1, stderr=clean(f"{error}\n"))
    except Exception as error:  # ours: said in words, logged once, never a traceback each time
        note_bad(f"command {spec.name}", (type(error).__name__, str(error)[:200]), error, True)
        return Result(1, stderr=f"Sorry, {spec.name} failed on our side; the sysop's log has it.\n")
    note = clean(f"{reply.note}\n") if reply.note else ""
    if args.json:
        data = json.dumps(reply.data, ensure_ascii=False) + "\n"
        return Result(reply.status, stdout=data, stderr=note)
    text = clean(reply.text)
    end = "\n" if text and not text.endswith("\n") else ""
    return Result(reply.status, stdout=text + end, stderr=note)


# helpers ---------------------------------------------------------------------------
def _when(at: float | None) -> str:
    if not at:
        return "-"
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(at))
    except (OverflowError, OSError, ValueError, TypeError):  # never for a row that was checked
        return "?"


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, else a usage line saying so."""

    def parse(text: str) -> int:
        value = text.strip()
        if not value.lstrip("-").isdigit() or len(value) > 30:
            raise argparse.ArgumentTypeError(f"{text[:30]!r} is not a whole number")
        number = int(value)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is not from {low} to {high:,}")
        return number

    return parse


an_id = whole_number(1, MAX_ID)
"""An id from the command line: 1 .. 2**63-1, what SQLite can hold."""


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
    if isinstance(obj, bytes):  # a BLOB a bad row held where text belongs: JSON has no bytes
        return "?"
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _line(text: str) -> str:
    return clean(text, multiline=False)


def _fit(text: str, cells: int) -> str:
    """One line of `text` in exactly `cells` terminal cells (cut with '…', padded): a column
    stays a column with wide characters, combining marks or a title with no spaces."""
    line = _line(text)
    if cell_len(line) > cells:
        line = set_cell_size(line, cells - 1) + "…"
    return set_cell_size(line, cells)


def resolve_ref(ctx: CommandContext, ref: str, kind: str) -> tuple[str, int]:
    """A ref of `kind` ("thread", "post" or "event") as (community, id); see bbs.refs."""
    resolver = Resolver(ctx.forum, ctx.viewer)
    if kind == "thread":
        return resolver.thread(ref)[:2]
    return resolver.post(ref) if kind == "post" else resolver.event(ref)


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
        f"{_fit(c.slug, 20)} {_fit(c.name, 28)} {c.members:>4} members"
        f"{'  ' + str(c.new_posts) + ' new' if c.new_posts else ''}"
        f"{'' if c.can_read else '  (members only)'}"
        for c in found
    ]
    return Reply(_plain(found), "\n".join(lines), note=unshown_note(found.unshown, "community"))


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
        data.append({"board": _plain(board), "threads": _plain(threads), "more": more})
        lines.append(f"== {board.slug}: {_line(board.name)} ({board.threads} threads)")
        lines += [
            f"  {_fit(thread_ref(args.community, t.id), 24)} {_fit(t.title, 50)}"
            f" {t.posts:>4} posts  {_line(t.author)}  {_when(t.last_post_at)}"
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
    lines = [f"{thread_ref(slug, t.id)} {_line(t.title)}  [{t.board}]", ""]
    for post in view.posts:
        lines += _post_lines(slug, post)
    posts = [{**_plain(p), "ref": post_ref(slug, p.id)} for p in view.posts]
    data = {  # not whom one blocks
        "community": slug,
        "ref": thread_ref(slug, t.id),
        "thread": _plain(view.thread),
        "posts": posts,
        "unshown": view.unshown,
    }
    return Reply(data, "\n".join(lines), note=unshown_note(view.unshown, "post"))


def _post_lines(slug: str, post: Any) -> list[str]:
    """One post of `thread`: indented by its depth up to INDENT_LEVELS, then its parent named."""
    pad = "  " * min(post.depth, INDENT_LEVELS)
    under = f"  (re p{post.parent_id})" if post.depth > INDENT_LEVELS else ""
    head = f"{pad}{post_ref(slug, post.id)} {_line(post.author)}  {_when(post.created)}{under}"
    body = f"[hidden: {post.hidden_reason}]" if post.hidden and not post.body else post.body
    return [head] + [f"{pad}  {row}" for row in clean(body).splitlines()] + [""]


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
    refs = _refs(args.community, thread_id, post_id)
    return Reply(  # stdout is the thread's ref alone, as scripts have read it: thread $(post ...)
        {"community": args.community, "thread_id": thread_id, "post_id": post_id, **refs},
        refs["thread"],
        note=f"thread {refs['thread']}, its first post {refs['post']}",
    )


def _refs(slug: str, thread_id: int, post_id: int) -> dict[str, str]:
    return {"thread": thread_ref(slug, thread_id), "post": post_ref(slug, post_id)}


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
    refs = _refs(slug, thread_id, post_id)
    data = {"community": slug, "post_id": post_id, "thread_id": thread_id, **refs}
    where = f"post {refs['post']} in thread {refs['thread']}"
    return Reply(data, refs["post"], note=f"{where}. {note}" if note else where)


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
        f"{_fit(post_ref(n.community, n.post_id), 26)} {_fit(n.title, 50)} {_line(n.author)}"
        f"  {_when(n.created)}"
        for n in found
    ] or ["Nothing new since your last visit."]
    data = [{**_plain(n), **_refs(n.community, n.thread_id, n.post_id)} for n in found]
    return Reply(data, "\n".join(lines), note=unshown_note(found.unshown, "post"))


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


# Community life (found, join, mail, inbox, events, rsvp, ics, oneliner) registers here,
# and chat and polls (chat, say, poll, vote).
from bbs import commands_chat, commands_life  # noqa: E402, F401
