"""The registry of exec commands: how one is declared, parsed from a command line and run.

Each command is a function `(ctx, args) -> Reply` registered with `@command(...)`
in the module of its group; `parse` splits a line and finds it, `execute` runs it
and turns its reply (or the forum's refusal) into what goes back over the channel.
Text from the forum is cleaned before it is written.
"""

from __future__ import annotations

import argparse
import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bbs.errors import ForumError
from bbs.forum import Forum
from bbs.models import Person
from bbs.refs import SPELLINGS, RefError
from bbs.shown import note_bad
from bbs.text import clean


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


@command("help", "this list")
def help_(ctx: CommandContext, args: argparse.Namespace) -> Reply:
    return Reply({"commands": {c.name: c.help for c in COMMANDS.values()}}, usage())
