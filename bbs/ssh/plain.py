"""Plain mode over SSH: which sessions get it, and one session run from sign-up to goodbye.

The channel (`bbs.ssh.channel.SessionChannel`, a `PlainChannel` here) asks `plain_link`
when the session starts; if it gives a LineChannel, input goes there and `run_plain` runs the
session instead of the TUI. Sessions are counted and shown in who's online like the
TUI's, time out on the person's input, and end when the server shuts down.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

from bbs.models import Person
from bbs.plain.line_io import LineChannel
from bbs.plain.mode import wants_plain
from bbs.plain.places.main import MainMenu, opener, welcome
from bbs.plain.session import PlainSession
from bbs.plain.signup import sign_up
from bbs.ssh.context import RunningApp, ServerContext
from bbs.ssh.login import Login, LoginKind

log = logging.getLogger(__name__)


class PlainChannel(Protocol):
    """What plain mode needs of its SSH session channel (`bbs.ssh.channel.SessionChannel`,
    which calls in here: the arrow points from the channel to plain mode)."""

    ctx: ServerContext
    login: Login
    id: str
    chan: Any
    pty: tuple[str, tuple[int, int]] | None
    mode: str
    command: str

    @property
    def address(self) -> str: ...

    async def count_session(self, person: Person) -> bool: ...


class PlainLink(LineChannel):
    """A LineChannel that remembers the person's last input (for the idle timeout)."""

    def __init__(self, chan: object, *, term: str | None, width: int) -> None:
        super().__init__(chan, term=term, width=width)
        self.last_input = time.monotonic()
        self.idle_expired = False

    def feed(self, data: bytes) -> None:
        self.last_input = time.monotonic()
        super().feed(data)

    def exit(self) -> None:
        """The server is shutting down (or the person was idle too long): end the session."""
        self.close()


def plain_link(fs: PlainChannel) -> PlainLink | None:
    """A PlainLink if this session is plain mode, else None (the TUI or a command)."""
    term = fs.pty[0] if fs.pty else None
    login = fs.login

    def prefers() -> bool:
        return login.kind == LoginKind.PERSON and fs.ctx.forum.prefers_plain(login.person)

    if not wants_plain(fs.mode, fs.command, term, prefers):
        return None
    width = fs.pty[1][0] if fs.pty else 80
    return PlainLink(fs.chan, term=term, width=width or 80)


async def run_plain(fs: PlainChannel, link: PlainLink) -> int:
    """One plain session on `link`; returns the exit status."""
    ctx, login = fs.ctx, fs.login
    size = fs.pty[1] if fs.pty else (80, 24)
    log.info("session %s: plain mode for %s (pty: %s)", fs.id, login.handle, link.pty)

    def session(person: Person) -> PlainSession:
        width, height = size[0] or 80, size[1] or 24
        return PlainSession(ctx.forum, person, link, width=width, height=height, opener=opener)

    person = login.person
    if login.kind == LoginKind.REGISTER:
        found = await sign_up(session(person), login.username, login.fingerprint, login.public_key)
        if found is None:
            return 0
        person = found
        if not await fs.count_session(person):  # the channel counted the others at the start
            return 1
    person = await asyncio.to_thread(ctx.forum.sign_in, person)
    plain = session(person)
    plain.moved = lambda where: ctx.presence.move(fs.id, where)
    plain.presence = ctx.presence
    ctx.sessions[fs.id] = RunningApp(fs.id, person.handle, fs.address, app=link)
    ctx.presence.arrive(fs.id, person.handle)
    ctx.idle.watch(
        fs.id, lambda: link.last_input, lambda left: _warn(plain, left), lambda: _expire(plain)
    )
    try:
        await welcome(plain)
        await plain.run(MainMenu(plain))
    finally:
        ctx.idle.unwatch(fs.id)
        ctx.presence.leave(fs.id)
        ctx.sessions.pop(fs.id, None)
    return 0


def _warn(plain: PlainSession, seconds_left: float) -> None:
    plain.say(
        "",
        f"Still there? You will be disconnected in {seconds_left:.0f} seconds unless you type.",
    )


def _expire(plain: PlainSession) -> None:
    plain.say("", "Disconnected: nothing typed for a while. Come back soon.")
    link = plain.io
    assert isinstance(link, PlainLink)
    link.exit()
