"""What every connection of one worker shares: the forum, presence, limits and app factories."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bbs.config import Config
from bbs.forum import Forum
from bbs.presence import Presence
from bbs.session import Session
from bbs.ssh.gc_tuning import Collector
from bbs.ssh.limits import ConnectionLimiter, IdleWatch
from bbs.ssh.login import Login
from bbs.ssh.penalties import MaxStartups, PerSourcePenalties

log = logging.getLogger(__name__)

# make_app(session, driver_class) -> a Textual App (bbs core never imports the UI).
AppFactory = Callable[[Session, Any], Any]
# make_register_app(session, login, driver_class) -> an App whose return value is a Person.
RegisterFactory = Callable[[Session, Login, Any], Any]


@dataclass
class LiveSession:
    """One running TUI session, for counting and who's online."""

    id: str
    handle: str
    remote: str
    app: Any = None


@dataclass
class ServerContext:
    """One per worker process: one Forum, one LiveBus (forum.bus), one Presence."""

    config: Config
    forum: Forum
    presence: Presence
    app_factory: AppFactory
    register_factory: RegisterFactory | None = None
    limiter: ConnectionLimiter = field(init=False)
    penalties: PerSourcePenalties = field(init=False)
    idle: IdleWatch = field(init=False)
    starts: asyncio.Semaphore = field(init=False)
    collector: Collector = field(init=False)
    sessions: dict[str, LiveSession] = field(default_factory=dict)
    worker: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        c = self.config
        self.limiter = ConnectionLimiter(
            c.max_unauthenticated,
            c.max_unauthenticated_per_address,
            MaxStartups.parse(c.max_startups),
        )
        exempt = [n.strip() for n in c.penalty_exempt.split(",") if n.strip()]
        self.penalties = PerSourcePenalties(c.penalty_authfail_s, c.penalty_max_s, exempt)
        self.idle = IdleWatch(c.idle_timeout_s, c.idle_warning_s)
        self.starts = asyncio.Semaphore(max(1, c.max_concurrent_starts))
        self.collector = Collector(self.idle.latest_input)

    def next_id(self, prefix: str) -> str:
        """A short id for logs: prefix, worker and a counter ("c1-7")."""
        return f"{prefix}{self.worker}-{next(self._ids)}"

    @property
    def live_count(self) -> int:
        return len(self.sessions)

    def sessions_of(self, handle: str) -> int:
        """TUI sessions of this person on every worker (presence crosses the relay)."""
        return self.presence.sessions_of(handle)
