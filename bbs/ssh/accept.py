"""asyncio's accept loop, made to back off once when the descriptor table is full.

When `accept()` fails with EMFILE (or ENFILE, ENOBUFS, ENOMEM), CPython up to 3.14
(`BaseSelectorEventLoop._accept_connection`, python/cpython#151615, fixed upstream
by returning) logs the error, removes the listening socket's reader and schedules a
retry in a second, and then goes on calling `accept()` up to `backlog` times (asyncssh
listens with 100): a hundred tracebacks and a hundred retries per round. Each retry
re-arms the reader and starts another round, so the retries, and the log, multiply
every second until the loop does nothing else: over a gigabyte of log in minutes.

`install(loop)` gives the loop an accept round that stops at the first resource error,
as upstream's does: one log record and one retry per second. It lends the original
round a view of the socket whose `accept()` says "nothing more waiting" after that
first error, so the original code (and its logging and retry) runs unchanged.
Headroom comes first (`bbs.ssh.limits.raise_open_file_limit` and the per-worker
connection cap); this is for when that is not enough.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import types
from typing import Any

RESOURCE_ERRORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


class _RoundSocket:
    """The listening socket for one accept round: after a resource error, nothing is waiting."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.exhausted = False

    def accept(self) -> tuple[socket.socket, Any]:
        if self.exhausted:
            raise BlockingIOError(errno.EAGAIN, "accept round ended by a resource error")
        try:
            return self.sock.accept()
        except OSError as error:
            if error.errno in RESOURCE_ERRORS:
                self.exhausted = True
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sock, name)


def _listening_socket(sock: Any) -> Any:
    return sock.sock if isinstance(sock, _RoundSocket) else sock


def install(loop: asyncio.AbstractEventLoop) -> bool:
    """Patch this loop's accept round (a selector loop's only); True if it was patched."""
    original = getattr(type(loop), "_accept_connection", None)
    if original is None or getattr(loop, "_bbs_accept", False):
        return False

    def accept_round(self: Any, protocol_factory: Any, sock: Any, *args: Any, **kw: Any) -> Any:
        # The retry hands back the socket it was given: always start from the real one.
        return original(self, protocol_factory, _RoundSocket(_listening_socket(sock)), *args, **kw)

    loop._accept_connection = types.MethodType(accept_round, loop)  # type: ignore[attr-defined]
    loop._bbs_accept = True  # type: ignore[attr-defined]
    return True
