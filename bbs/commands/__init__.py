"""One-shot commands over SSH (`ssh host COMMAND`): argparse commands, no Textual.

The registry (`bbs.commands.registry`) parses and runs them; each group of commands
lives in its own module and registers itself on import: reading, writing, people,
belonging (communities and their members), meetups, chat (rooms and polls). Every command
gets the same Forum methods, and so the same permissions, as the TUI, and takes `--json`.
"""

from __future__ import annotations

from bbs.commands import belonging, chat, meetups, people, reading, writing
from bbs.commands.registry import (
    COMMANDS,
    Command,
    CommandContext,
    Reply,
    Result,
    UsageError,
    command,
    execute,
    parse,
    usage,
)

GROUPS = (reading, writing, people, belonging, meetups, chat)
"""Every group of commands, registered in this order (`help` lists them by name)."""

__all__ = [
    "COMMANDS",
    "GROUPS",
    "Command",
    "CommandContext",
    "Reply",
    "Result",
    "UsageError",
    "command",
    "execute",
    "parse",
    "usage",
]
