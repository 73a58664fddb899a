"""`ssh host chat ROOM --follow`: a room's lines streamed to a bot or a bridge until it goes.

A long-running exec session that holds no thread: the scrollback is read once off the
loop, then the session waits on the event loop for lines from the live bus (one
subscription, woken only by what is said) and for its channel to close. It counts as
one of the person's sessions (the channel took it before the command ran), is in the
room for who's online, ends when the client goes or the server stops, and drops lines
(saying how many) rather than buffer without end for a client that stops reading.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, Protocol

from bbs.chat import events
from bbs.chat.models import ChatLine
from bbs.chat.rooms import place
from bbs.commands.chat import line_data, line_words
from bbs.errors import ForumError
from bbs.live import Kind, LiveEvent
from bbs.ssh.context import RunningApp, ServerContext
from bbs.ssh.login import Login
from bbs.text import clean


class FollowChannel(Protocol):
    """What a follow needs of its exec session's channel (`bbs.ssh.channel.SessionChannel`,
    which calls in here: the arrow points from the channel to this module)."""

    ctx: ServerContext
    login: Login
    id: str
    chan: Any
    pty: tuple[str, tuple[int, int]] | None

    @property
    def address(self) -> str: ...


def _refuse(fs: FollowChannel, refused: ForumError) -> None:
    """Say on stderr why the room is refused (the client may have gone meanwhile)."""
    with contextlib.suppress(BrokenPipeError, ConnectionError, OSError):
        fs.chan.write_stderr(clean(f"{refused}\n").encode())


log = logging.getLogger(__name__)

BUFFER_MOST = 256 * 1024
"""Bytes waiting for a client before its lines are dropped (and counted) instead."""


def wanted(spec: Any, args: Any) -> bool:
    """Whether a parsed exec command is `chat ... --follow`."""
    return getattr(spec, "name", "") == "chat" and bool(getattr(args, "follow", False))


class Follower:
    """One follow session: what it has written, and how to end it."""

    def __init__(self, fs: FollowChannel, room: str, as_json: bool) -> None:
        self.fs, self.room, self.as_json = fs, room, as_json
        self.me = fs.login.person
        self.newest = 0
        self.dropped = 0
        self.blocked: frozenset[str] = frozenset()
        self.events: asyncio.Queue[LiveEvent] = asyncio.Queue()
        self.stop = asyncio.Event()

    def exit(self) -> None:
        """The server is shutting down: end the stream (as `ServerContext.sessions` asks)."""
        self.stop.set()

    # what arrives ---------------------------------------------------------------------
    def heard(self, event: LiveEvent) -> None:
        """A bus callback, on the loop: keep what concerns this room (or pages to me)."""
        kind = event.kind
        ours = kind in events.ROOM_KINDS and events.room_of(event) == self.room
        me = self.me.handle
        page = events.page_of(event)
        mine = (page is not None and page.recipient == me) or events.concerns_me(
            event, self.room, me
        )
        if ours or mine or kind == Kind.RESYNC:
            self.events.put_nowait(event)

    async def catch_up(self) -> None:
        """Write the lines said after the newest one written (the scrollback, or after a
        lost link)."""
        forum = self.fs.ctx.forum
        found = await asyncio.to_thread(forum.chat_lines, self.me, self.room, self.newest)
        self.blocked = await asyncio.to_thread(forum.blocked_handles, self.me)
        for line in found:
            self.line(line)

    def line(self, line: ChatLine) -> None:
        if line.id <= self.newest or line.handle in self.blocked:
            return
        self.newest = line.id
        self.write(line_data(line), line_words(line))

    def handle(self, event: LiveEvent) -> None:
        line = events.line_of(event)
        if line is not None:
            self.line(line)
        elif event.kind == events.HIDDEN:
            line_id = events.hidden_id(event)
            data = {"type": "hidden", "id": line_id, "room": self.room}
            self.write(data, f"-- line {line_id} was hidden by a moderator")
        elif (page := events.page_of(event)) is not None and page.sender not in self.blocked:
            data = {"type": "page", "from": page.sender, "text": clean(page.text), "at": page.at}
            self.write(data, f"-- page from {page.sender}: {page.text}")

    # writing --------------------------------------------------------------------------
    def write(self, data: dict[str, Any], words: str) -> None:
        chan = self.fs.chan
        with contextlib.suppress(Exception):
            if chan.get_write_buffer_size() > BUFFER_MOST:
                self.dropped += 1
                return
        if self.dropped:
            dropped, self.dropped = self.dropped, 0
            self._out({"type": "dropped", "lines": dropped}, f"-- {dropped} lines dropped")
        self._out(data, words)

    def _out(self, data: dict[str, Any], words: str) -> None:
        text = (
            json.dumps(data, ensure_ascii=False) if self.as_json else clean(words, multiline=False)
        )
        end = "\r\n" if self.fs.pty else "\n"
        with contextlib.suppress(BrokenPipeError, ConnectionError, OSError):
            self.fs.chan.write((text + end).encode())


async def follow(fs: FollowChannel, args: Any) -> int:
    """Stream the room `args.room` until the client closes; the exit status."""
    ctx = fs.ctx
    follower = Follower(fs, args.room, bool(args.json))
    follower.newest = args.since
    loop = asyncio.get_running_loop()
    token = ctx.forum.bus.subscribe(follower.heard, loop=loop, presence=False)
    try:
        try:
            await follower.catch_up()
        except ForumError as refused:
            _refuse(fs, refused)
            return 1
        return await _stream(fs, follower)
    finally:
        ctx.forum.bus.unsubscribe(token)


async def _stream(fs: FollowChannel, follower: Follower) -> int:

    ctx, person = fs.ctx, follower.me
    ctx.sessions[fs.id] = RunningApp(fs.id, person.handle, fs.address, app=follower)
    ctx.presence.arrive(fs.id, person.handle, place(follower.room))
    closed = asyncio.ensure_future(fs.chan.wait_closed())
    stopped = asyncio.ensure_future(follower.stop.wait())
    log.info("session %s: %s follows %s", fs.id, person.handle, follower.room)
    try:
        while not (closed.done() or stopped.done()):
            got = asyncio.ensure_future(follower.events.get())
            await asyncio.wait({got, closed, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if not got.done():
                got.cancel()
                break
            event = got.result()
            if event.kind in (Kind.RESYNC, events.MEMBERSHIP):
                try:  # lines lost, or a ban: catch up, if one may still read the room
                    await follower.catch_up()
                except ForumError as refused:
                    _refuse(fs, refused)
                    return 1
            else:
                follower.handle(event)
    finally:
        closed.cancel()
        stopped.cancel()
        ctx.presence.leave(fs.id)
        ctx.sessions.pop(fs.id, None)
    return 0
