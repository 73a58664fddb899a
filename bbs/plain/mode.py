"""When a session is plain mode: asked for by name, by its terminal, or by the person."""

from __future__ import annotations

from collections.abc import Callable

COMMAND = "plain"
DUMB_TERMS = frozenset({"", "dumb", "unknown"})


def wants_plain(
    mode: str, command: str, term: str | None, prefers_plain: Callable[[], bool]
) -> bool:
    """Plain for `ssh host plain` (pty or not), a shell on TERM=dumb, unset, or no pty at all,
    and a shell whose person chose plain mode in their profile. `term` is None without a pty.
    """
    if mode == "exec":
        return command.strip() == COMMAND
    if mode != "shell":
        return False
    if term is None or term.strip().lower() in DUMB_TERMS:
        return True
    return prefers_plain()
