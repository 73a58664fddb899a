"""Limits: the board's shared caps (connections, guests, sessions), descriptors, idle people."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from bbs.config import Config
from bbs.ssh.penalties import MaxStartups, PerSourcePenalties, parse_networks, source_of
from bbs.store.interface import LimitsBackend
from bbs.store.limits import Cap

log = logging.getLogger(__name__)

OPEN_FILES_IF_UNLIMITED = 1 << 20
T = TypeVar("T")


@dataclass(frozen=True)
class Refusal:
    """Why a connection may not come in; `drop` says at once, before the SSH handshake.

    Floods (the caps on connections not signed in yet) are dropped at once, as
    OpenSSH's MaxStartups does: no handshake is spent on them, and the client may
    see no more than a closed connection. A penalty is told after the handshake, when
    the client is listening, so a person who mistyped learns when to try again.
    """

    message: str
    drop: bool = False


UNAUTHENTICATED = "unauthenticated"
GUESTS = "guest"
SIGNED_IN = "signed-in"
SESSIONS = "session"


class BoardLimits:
    """The caps that protect the whole board, decided in the shared limits store.

    At connect: the caps on connections not signed in yet (per address, in total, and
    MaxStartups' early drop) and the address's penalty. As auth begins, guests and
    signed-in connections take a place in pools of their own (per address and in
    total), so guests can
    never crowd out members; and each person has at most `max_sessions_per_person`
    sessions, TUI and exec alike. Each cap is checked and taken in one transaction of
    the store, which every worker shares. Store calls run in one thread of their own:
    a write may wait for another worker's, and that wait must not stall the loop.
    If the store fails, the connection is let through and the failure logged: the
    board stays open rather than locking everyone out.
    """

    def __init__(self, store: LimitsBackend, config: Config) -> None:
        c = config
        self.store = store
        self.config = config
        self.penalties = PerSourcePenalties(
            store, c.penalty_authfail_s, c.penalty_max_s, parse_networks(c.penalty_exempt)
        )
        self.caps = {
            UNAUTHENTICATED: Cap(
                c.max_unauthenticated_per_address,
                c.max_unauthenticated,
                MaxStartups.parse(c.max_startups).refuse,
            ),
            GUESTS: Cap(c.max_guests_per_address, c.max_guests),
            SIGNED_IN: Cap(c.max_signed_in_per_address, c.max_signed_in),
            SESSIONS: Cap(c.max_sessions_per_person),
        }
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="limits")
        self._keeper: asyncio.Task[None] | None = None

    # the server's questions (each in the limits thread) -------------------------------
    async def admit(self, holder: str, address: str) -> Refusal | None:
        """A new connection from `address`: None if it may try to sign in, else why not."""
        return await self._call(self._admit, holder, address)

    def _admit(self, holder: str, address: str) -> Refusal | None:
        # A penalised connection is counted too until it closes (it is told at auth):
        # connections under penalty must not escape the caps on those signing in.
        refused = self.store.take_lease(
            UNAUTHENTICATED, source_of(address), holder, self.caps[UNAUTHENTICATED]
        )
        if refused == "key":
            message = "Too many connections from your address are signing in; try again shortly"
            return Refusal(message, drop=True)
        if refused is not None:
            return Refusal("Too many people are signing in right now; try again soon", drop=True)
        penalty = self.penalties.penalised_for(address)
        if penalty > 0:
            wait = int(penalty) + 1
            return Refusal(f"Too many failed sign-ins from your address; try again in {wait} s")
        return None

    async def sign_in(self, holder: str, address: str, guest: bool) -> str | None:
        """The connection starts to sign in, as a guest or not: None if it may, else why not.

        Asked before any auth succeeds, so a refusal is the reason the client is given
        for the disconnect; a connection that then fails to sign in gives its place back
        when it closes (and held one before sign-in as well, capped tighter).
        """
        return await self._call(self._sign_in, holder, address, guest)

    def _sign_in(self, holder: str, address: str, guest: bool) -> str | None:
        kind = GUESTS if guest else SIGNED_IN
        refused = self.store.take_lease(kind, source_of(address), holder, self.caps[kind])
        if refused is None:
            return None
        if guest:
            many = "from your address" if refused == "key" else "on the board right now"
            return f"Too many guests {many}; sign in with your own name, or try later"
        if refused == "key":
            return "Too many connections from your address; close one first"
        return "The board is full right now; try again later"

    async def open_session(self, holder: str, person_id: int) -> str | None:
        """A session of this person starts (TUI or exec): None if it may, else why not."""
        return await self._call(self._open_session, holder, person_id)

    def _open_session(self, holder: str, person_id: int) -> str | None:
        cap = self.caps[SESSIONS]
        if self.store.take_lease(SESSIONS, str(person_id), holder, cap) is None:
            return None
        many = "session" if cap.per_key == 1 else "sessions"
        return f"You already have {cap.per_key} {many} open here; close one first."

    def release(self, holder: str) -> None:
        """The connection or session is over: give back its leases (without waiting)."""
        self._submit(self.store.release, holder)

    def signed_in(self, holder: str) -> None:
        """The connection signed in: it stops counting as one signing in (without waiting)."""
        self._submit(self.store.release, holder, UNAUTHENTICATED)

    def auth_failed(self, address: str) -> None:
        """A connection from `address` failed to sign in: its penalty grows (without waiting)."""
        self._submit(self.penalties.auth_failed, address)

    async def _call(self, fn: Callable[..., T | None], *args: Any) -> T | None:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._thread, fn, *args)
        except Exception:
            log.exception("limits store failed; letting the connection through")
            return None

    def _submit(self, fn: Callable[..., Any], *args: Any) -> None:
        def run() -> None:
            try:
                fn(*args)
            except Exception:
                log.exception("limits store failed")

        with contextlib.suppress(RuntimeError):  # shut down already: the leases expire
            self._thread.submit(run)

    # for tests and the sysop ----------------------------------------------------------
    @property
    def pending(self) -> int:
        """Connections on the board not signed in yet."""
        return self.store.count(UNAUTHENTICATED)

    # lifetime ---------------------------------------------------------------------------
    def start(self) -> None:
        """Keep this worker's leases alive: one refresh for all of them every ttl/3."""
        if self._keeper is None:
            self._keeper = asyncio.get_running_loop().create_task(self._keep())

    async def _keep(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.store.ttl_s / 3)
            try:
                await loop.run_in_executor(self._thread, self.store.refresh)
            except Exception:
                log.exception("limits store: refreshing this worker's leases failed")

    async def stop(self) -> None:
        """This worker stops: its leases go back at once (not at their expiry)."""
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
            self._keeper = None
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._thread, self.store.release_worker)
        except Exception:  # the leases still lapse, within limits_lease_ttl_s
            log.exception("limits: this worker's places could not be given back at once")
        self._thread.shutdown(wait=True)


def raise_open_file_limit() -> int:
    """Raise this process's soft RLIMIT_NOFILE to its hard limit; returns the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, OPEN_FILES_IF_UNLIMITED)
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            log.warning("could not raise the open-file limit from %d to %d", soft, wanted)
    return soft


def connection_ceiling(setting: int) -> int:
    """Connections one worker holds at most: the setting, and never more than half the
    open-file limit, so the descriptors a worker needs besides (databases, logs, the
    relay, the loop itself) are always there and accept() never meets a full table."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return setting
    return max(1, min(setting, soft // 2))


class IdleWatch:
    """One loop-wide sweeper (every few seconds) for the idle timeout on people's input.

    Each watched item gives `last_input()` (monotonic seconds) and gets `warn(seconds_left)`
    once, then `expire()`. No timer per session: idle sessions stay free.
    """

    def __init__(self, timeout_s: float, warning_s: float) -> None:
        self.timeout_s = timeout_s
        self.warning_s = min(warning_s, timeout_s)
        self.interval = max(0.25, min(5.0, self.warning_s / 4 or 5.0))
        self._items: dict[
            object, tuple[Callable[[], float], Callable[[float], None], Callable[[], None]]
        ] = {}
        self._warned: set[object] = set()
        self._task: asyncio.Task[None] | None = None

    def watch(
        self,
        key: object,
        last_input: Callable[[], float],
        warn: Callable[[float], None],
        expire: Callable[[], None],
    ) -> None:
        """Start watching `key`; its callbacks run on the loop."""
        self._items[key] = (last_input, warn, expire)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def unwatch(self, key: object) -> None:
        self._items.pop(key, None)
        self._warned.discard(key)

    def latest_input(self) -> float:
        """The most recent input of anyone watched (monotonic seconds; 0.0 with no one)."""
        return max((last_input() for last_input, _, _ in self._items.values()), default=0.0)

    async def _run(self) -> None:
        while self._items:
            await asyncio.sleep(self.interval)
            self.sweep(time.monotonic())

    def sweep(self, now: float) -> None:
        """Warn or expire every item whose person has been quiet too long."""
        for key, (last_input, warn, expire) in list(self._items.items()):
            quiet = now - last_input()
            try:
                if quiet >= self.timeout_s:
                    self.unwatch(key)
                    expire()
                elif quiet >= self.timeout_s - self.warning_s:
                    if key not in self._warned:
                        self._warned.add(key)
                        warn(self.timeout_s - quiet)
                else:
                    self._warned.discard(key)
            except Exception:
                log.exception("idle watch callback failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
