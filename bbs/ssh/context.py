"""What every connection of one worker shares: the forum, presence, limits and app factories."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bbs.config import Config
from bbs.forum import Forum
from bbs.presence import Presence
from bbs.session import Session
from bbs.ssh.gc_tuning import Collector
from bbs.ssh.limits import BoardLimits, IdleWatch, connection_ceiling
from bbs.ssh.login import Login
from bbs.store.backends import open_limits

if TYPE_CHECKING:
    from bbs.ssh.terminal import Terminal

log = logging.getLogger(__name__)

# make_app(session, driver_class) -> a Textual App (bbs core never imports the UI).
AppFactory = Callable[[Session, Any], Any]
# make_register_app(session, login, driver_class) -> an App whose return value is a Person.
RegisterFactory = Callable[[Session, Login, Any], Any]


class TerminalDrivers(Protocol):
    """How an app runs over a `Terminal`: the UI's (`screens.engine.ssh_driver.SSH_DRIVERS`).

    Handed to the server by `bbs.cli` beside the app factories, so nothing in bbs imports
    Textual.
    """

    def install(self) -> None:
        """Process-wide hooks the drivers need (loop time charged to sessions)."""

    def driver_for(self, terminal: Terminal) -> Any:
        """The Textual driver class for an app on `terminal` (passed to an app factory)."""

    def prepare_app(self, app: Any, terminal: Terminal) -> None:
        """Fit an app to the client's terminal (its TERM and colours) before it runs."""

    def app_errors(self, app: Any) -> str:
        """The error report an app wrote when it crashed ("" if none)."""


@dataclass
class RunningApp:
    """What runs on this worker for one session (the TUI's app, or plain mode's loop), by
    session id in `ServerContext.sessions`: shutdown ends it, the idle watch warns it, and
    the worker counts it. Not to be confused with `bbs.session.Session` (what a person's
    screens are given) or `bbs.ssh.channel.SessionChannel` (asyncssh's channel)."""

    id: str
    handle: str
    remote: str
    app: Any = None
    """Anything with exit() (and, for the TUI, notify())."""


@dataclass
class ServerContext:
    """One per worker process: one Forum, one LiveBus (forum.bus), one Presence."""

    config: Config
    forum: Forum
    presence: Presence
    app_factory: AppFactory
    register_factory: RegisterFactory | None = None
    drivers: TerminalDrivers = field(kw_only=True)
    limits: BoardLimits = field(init=False)
    idle: IdleWatch = field(init=False)
    starts: asyncio.Semaphore = field(init=False)
    collector: Collector = field(init=False)
    sessions: dict[str, RunningApp] = field(default_factory=dict)
    worker: int = 0
    connections: int = 0  # open in this process
    max_connections: int = field(init=False)
    token: str = field(init=False)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        c = self.config
        self.token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        store = open_limits(c, self.token, c.limits_lease_ttl_s)
        self.limits = BoardLimits(store, c)
        self.max_connections = connection_ceiling(c.max_connections_per_worker)
        self.idle = IdleWatch(c.idle_timeout_s, c.idle_warning_s)
        self.starts = asyncio.Semaphore(max(1, c.max_concurrent_starts))
        self.collector = Collector(self.idle.latest_input)

    def next_id(self, prefix: str) -> str:
        """A short id for logs: prefix, worker and a counter ("c1-7")."""
        return f"{prefix}{self.worker}-{next(self._ids)}"

    def holder(self, local_id: str) -> str:
        """`local_id` named so no other process or host holds the same (for shared leases)."""
        return f"{self.token}/{local_id}"

    @property
    def live_count(self) -> int:
        return len(self.sessions)
