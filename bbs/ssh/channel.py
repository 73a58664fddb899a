"""One SSH session channel: a TUI with a pty, an exec command, or a polite refusal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from typing import Any, Protocol

import asyncssh

from bbs import commands
from bbs.models import Person
from bbs.session import Session
from bbs.ssh import chat_follow
from bbs.ssh.context import RunningApp, ServerContext
from bbs.ssh.login import Login, LoginKind
from bbs.ssh.plain import PlainLink, plain_link, run_plain
from bbs.ssh.terminal import Terminal

log = logging.getLogger(__name__)

NO_PTY = "This is a bulletin board: connect with a terminal (ssh -t) or give a command (help).\r\n"
APP_EXIT_GRACE_S = 5.0
FIRST_FRAME_WAIT_S = 20.0

_REAL_STDOUT = sys.stdout
_REAL_STDERR = sys.stderr


class ConnectionState(Protocol):
    """What a session channel needs of its connection (`bbs.ssh.connection.Connection`,
    which opens the channel: the arrow points from the connection to here)."""

    login: Login | None
    address: str
    sessions_open: int

    async def ready(self) -> bool: ...


class SessionChannel(asyncssh.SSHServerSession):  # type: ignore[type-arg]
    """asyncssh session handler; the work happens in one task started with the session."""

    def __init__(self, ctx: ServerContext, server: ConnectionState) -> None:
        self.ctx = ctx
        self.server = server
        self.login: Login = server.login  # type: ignore[assignment]
        self.id = ctx.next_id("s")
        self.chan: Any = None
        self.pty: tuple[str, tuple[int, int]] | None = None
        self.mode = ""
        self.command = ""
        self.terminal: Terminal | None = None
        self.holder = ctx.holder(self.id)
        self.stdin = bytearray()
        self.stdin_done = asyncio.Event()
        self.stdin_ended = False  # the client sent end of input (not merely went away)
        self.stdin_over = False  # more than exec_stdin_max_bytes arrived
        self.counted = False  # holds one of the person's sessions in the shared limits
        self.task: asyncio.Task[None] | None = None
        self.released = False
        self.plain: PlainLink | None = None

    # asyncssh callbacks ----------------------------------------------------------
    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any
    ) -> bool:
        self.pty = (term_type, (term_size[0], term_size[1]))
        return True

    def shell_requested(self) -> bool:
        self.mode = "shell"
        return True

    def exec_requested(self, command: str) -> bool:
        self.mode, self.command = "exec", command
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("session %s: refused subsystem %r", self.id, subsystem)
        return False

    def break_received(self, msec: int) -> bool:
        return True

    def session_started(self) -> None:
        self.plain = plain_link(self)  # now, so no line typed from here on is lost
        self.task = asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype: Any) -> None:
        if self.plain is not None:
            self.plain.feed(data)
        elif self.terminal is not None:
            self.terminal.feed(data)
        elif self.mode == "exec" and not self.stdin_done.is_set():
            self.stdin += data
            if len(self.stdin) > self.ctx.config.exec_stdin_max_bytes:
                self.stdin_over = True  # refused at once, not after the rest has arrived
                self.stdin_done.set()
                with contextlib.suppress(Exception):
                    self.chan.pause_reading()

    def eof_received(self) -> bool:
        self.stdin_ended = True
        if self.plain is not None:
            self.plain.eof()
        self.stdin_done.set()
        return True

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self.pty is not None:
            self.pty = (self.pty[0], (width, height))
        if self.terminal is not None:
            self.terminal.resize(width, height)
        if self.plain is not None:
            self.plain.resize(width)

    def pause_writing(self) -> None:
        if self.terminal is not None:
            self.terminal.pause()

    def resume_writing(self) -> None:
        if self.terminal is not None:
            self.terminal.resume()

    def connection_lost(self, exc: Exception | None) -> None:
        self._release()
        self.stdin_done.set()
        if self.terminal is not None:
            self.terminal.close()
        if self.plain is not None:
            self.plain.close()

    # the work -----------------------------------------------------------------------
    async def _run(self) -> None:
        try:
            if not await self.server.ready():
                return  # refused by a cap: the connection is being closed with the reason
            if not await self.count_session(self.login.person):
                return
            if self.plain is not None:
                self._exit(await run_plain(self, self.plain))
            elif self.mode == "exec":
                await self._run_exec()
            elif self.mode == "shell" and self.pty is not None:
                await self._run_tui()
            else:
                self._write(NO_PTY)
                self._exit(1)
        except Exception:
            log.exception("session %s failed", self.id)
            self._write(f"\r\nSorry, something went wrong on our side (session {self.id}).\r\n")
            self._exit(1)

    @property
    def address(self) -> str:
        """The client's address (after any PROXY header)."""
        return self.server.address

    def _write(self, text: str, stderr: bool = False) -> None:
        if self.terminal is not None:
            self.terminal.flush()  # what the app wrote goes first
        with contextlib.suppress(BrokenPipeError, ConnectionError, OSError):
            if stderr:
                self.chan.write_stderr(text.encode())
            else:
                self.chan.write(text.encode())

    def _exit(self, status: int) -> None:
        self._release()
        if self.terminal is not None:
            self.terminal.flush()
        with contextlib.suppress(BrokenPipeError, ConnectionError, OSError):
            self.chan.exit(status)

    def _release(self) -> None:
        """This session is over: the connection may open its next one, the person another."""
        if not self.released:
            self.released = True
            self.server.sessions_open -= 1
            if self.counted:
                self.ctx.limits.release(self.holder)

    async def count_session(self, person: Person) -> bool:
        """Take one of the person's sessions (TUI and exec alike), or say why not and end.

        Guests and keys still registering hold none: guests have their own caps.
        """
        if person.is_guest:
            return True
        refusal = await self.ctx.limits.open_session(self.holder, person.id)
        if refusal is None:
            if self.released:  # ended while we asked: give it straight back
                self.ctx.limits.release(self.holder)
                return False
            self.counted = True
            return True
        log.info("session %s: %s refused: %s", self.id, person.handle, refusal)
        if self.mode == "exec":
            self._write(f"{refusal}\n", stderr=True)
        else:
            self._write(f"{refusal}\r\n")
        self._exit(1)
        return False

    # exec ---------------------------------------------------------------------------
    async def _run_exec(self) -> None:
        log.info("session %s: %s runs %r", self.id, self.login.handle, self.command[:200])
        if self.login.kind == LoginKind.REGISTER:
            self._write("Sign up first: connect with a terminal to register this key.\n", True)
            return self._exit(1)
        try:
            spec, args = commands.parse(self.command)
        except commands.UsageError as error:
            self._write(f"{error}\n", stderr=True)
            return self._exit(2)
        if chat_follow.wanted(spec, args):  # streams until the client goes: on the loop
            return self._exit(await chat_follow.follow(self, args))
        body = ""
        if spec.reads_stdin:
            read = await self._read_stdin()
            if read is None:
                return None
            body = read
        ctx = commands.CommandContext(self.ctx.forum, self.login.person, body)
        result = await asyncio.to_thread(commands.execute, spec, args, ctx)
        self._write(result.stdout.replace("\n", "\r\n") if self.pty else result.stdout)
        if result.stderr:
            self._write(result.stderr, stderr=True)
        self._exit(result.status)

    async def _read_stdin(self) -> str | None:
        """The command's input, up to end of input; None (refused, or gone) past the limits."""
        c = self.ctx.config
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stdin_done.wait(), c.exec_stdin_timeout_s)
        if self.stdin_over:
            self._write(
                f"Input is over the limit of {c.exec_stdin_max_bytes:,} bytes;"
                " the command did not run.\n",
                stderr=True,
            )
        elif not self.stdin_done.is_set():
            self._write(
                f"No end of input after {c.exec_stdin_timeout_s:g} s; the command did not run."
                " Pipe the text in, e.g. echo TEXT | ssh ... COMMAND\n",
                stderr=True,
            )
        elif self.stdin_ended:
            return bytes(self.stdin).decode("utf-8", "replace")
        else:
            return None  # the connection went away before the end of input: do nothing
        self._exit(1)
        return None

    # TUI ----------------------------------------------------------------------------
    async def _run_tui(self) -> None:
        assert self.pty is not None
        term_type, size = self.pty
        env = dict(self.chan.get_environment())
        self.terminal = Terminal(self.chan, term=term_type, size=size, env=env, session_id=self.id)
        person = self.login.person
        if self.login.kind == LoginKind.REGISTER:
            registered = await self._register()
            if registered is None:
                return self._exit(0)
            person = registered
            if not await self.count_session(person):
                return None
        await self._run_forum(person)

    def _session(self, person: Person) -> Session:
        term = self.terminal
        assert term is not None
        return Session(
            forum=self.ctx.forum,
            person=person,
            presence=self.ctx.presence,
            id=self.id,
            term=term.term,
            color_depth=term.color_depth,
            remote=self.server.address,
        )

    async def _register(self) -> Person | None:
        factory = self.ctx.register_factory
        if factory is None:
            self._write("Registration is closed on this board.\r\n")
            return None
        assert self.terminal is not None
        driver = self.ctx.drivers.driver_for(self.terminal)
        app = factory(self._session(self.login.person), self.login, driver)
        result = await self._run_app(app)
        return result if isinstance(result, Person) else None

    async def _run_forum(self, person: Person) -> None:
        ctx, term = self.ctx, self.terminal
        assert term is not None
        person = await asyncio.to_thread(ctx.forum.sign_in, person)
        session = self._session(person)
        live = ctx.sessions[self.id] = RunningApp(self.id, person.handle, self.server.address)
        ctx.presence.arrive(session.id, person.handle)
        try:
            app = live.app = ctx.app_factory(session, ctx.drivers.driver_for(term))
            ctx.idle.watch(self.id, lambda: term.last_input, self._idle_warn, self._idle_expire)
            await self._run_app(app)
        finally:
            ctx.idle.unwatch(self.id)
            ctx.presence.leave(session.id)
            ctx.sessions.pop(self.id, None)
            live.app = None
        if term.idle_expired:
            self._write("\r\nDisconnected: no key pressed for a while. Come back soon.\r\n")
        self._exit(0)

    def _idle_warn(self, seconds_left: float) -> None:
        live = self.ctx.sessions.get(self.id)
        if live is not None and live.app is not None:
            live.app.notify(
                f"Still there? You will be disconnected in {seconds_left:.0f} s "
                "unless you press a key.",
                title="Idle",
                severity="warning",
                timeout=max(1.0, seconds_left),
            )

    def _idle_expire(self) -> None:
        live = self.ctx.sessions.get(self.id)
        log.info("session %s: idle timeout", self.id)
        if self.terminal is not None:
            self.terminal.idle_expired = True
        if live is not None and live.app is not None:
            live.app.exit()

    async def _run_app(self, app: Any) -> Any:
        """Run one app on this channel; returns its result. Crashes are logged and shown."""
        term = self.terminal
        assert term is not None
        drivers = self.ctx.drivers
        drivers.prepare_app(app, term)
        term.first_frame = asyncio.Event()
        started = time.monotonic()
        await self.ctx.starts.acquire()
        task = asyncio.get_running_loop().create_task(
            app.run_async(mouse=True, size=(term.width, term.height)),
            context=term.account.context(),  # every task the app starts is charged to it
        )
        try:
            await self._until_first_frame(task, term)
            log.info(
                "session %s: first screen in %.0f ms", self.id, (time.monotonic() - started) * 1000
            )
        finally:
            self.ctx.starts.release()
        if term.first_frame.is_set():
            self.ctx.collector.settled()
        try:
            result = await self._until_done(task, term, app)
        finally:
            sys.stdout, sys.stderr = _REAL_STDOUT, _REAL_STDERR
            self.ctx.collector.ended()
        errors = drivers.app_errors(app)
        code = app.return_code
        if errors or code:
            log.error("session %s: app crashed (return code %s)\n%s", self.id, code, errors)
            self._write(
                "\r\nSorry, something went wrong on our side and this session had "
                f"to end (session {self.id}). It has been logged.\r\n"
            )
        return result

    async def _until_first_frame(self, task: asyncio.Task[Any], term: Terminal) -> None:
        first = asyncio.ensure_future(term.first_frame.wait())
        gone = asyncio.ensure_future(term.gone.wait())
        try:
            await asyncio.wait(
                {task, first, gone}, timeout=FIRST_FRAME_WAIT_S, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            first.cancel()
            gone.cancel()

    async def _until_done(self, task: asyncio.Task[Any], term: Terminal, app: Any) -> Any:
        gone = asyncio.ensure_future(term.gone.wait())
        try:
            await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
        if not task.done():
            app.exit()
            done, _ = await asyncio.wait({task}, timeout=APP_EXIT_GRACE_S)
            if not done:
                log.warning("session %s: app did not end, cancelling", self.id)
                task.cancel()
        try:
            return await task
        except asyncio.CancelledError:
            return None
        except Exception:
            log.exception("session %s: app failed", self.id)
            return None
