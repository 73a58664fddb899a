"""A Textual Driver that speaks over an SSH channel's `Terminal`, one per session.

Replaces `textual.drivers.linux_driver.LinuxDriver` for SSH sessions: a subclass of
`textual.driver.Driver` modelled on Textual's web and headless drivers, with no signal
handlers, no termios, no threads, no suspend. Input arrives as bytes from asyncssh
callbacks on the event loop (`bbs.ssh.terminal.Terminal`) and goes, a key at a time and
within the session's loop share, through Textual's `textual._xterm_parser.XTermParser`,
whose pending escape sequence (`_timeout_time`) it ticks itself (textual 8.2.8).
`prepare_app` rebuilds each app's console from the client's TERM (Textual takes it from
the server's environment) with Textual's own `_NullFile` as its file, and points the
app's stdout capture at a log stream (`App._capture_stdout`, `_capture_stderr`).
Why: an SSH server runs many apps in one process, and LinuxDriver takes over the
process's own terminal and signals.
Saves: nothing measured against another driver (there is none that would do); what a
key costs through it is `bench/step_cost.py`'s Down/Up.
Guarded by: tests/test_ssh_e2e.py, tests/test_ssh_hostile.py (pastes, floods, a lone
Escape), tests/test_terminal.py.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import io
import logging
from collections import deque
from typing import IO, Any, cast

from rich.console import Console
from textual import constants, events
from textual._xterm_parser import XTermParser
from textual.app import App, _NullFile
from textual.driver import Driver
from textual.geometry import Size
from textual.message import Message

from bbs.ssh.fairness import KEYS
from bbs.ssh.input import KeyBudget, Pasted, PasteSplitter, first_key
from bbs.ssh.terminal import Terminal
from screens.engine import loop_charge
from screens.engine.no_colour import use_no_colour

log = logging.getLogger(__name__)

LEANS_ON = (
    "textual.driver:Driver",
    "textual._xterm_parser:XTermParser",
    "textual._parser:Parser",
    "textual.app:_NullFile",
    "textual.app:App._print_error_renderables",  # reads error_console
    "textual.app:App.run_async",  # redirects stdout to _capture_stdout
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

_COLOR_SYSTEMS = {
    "truecolor": "truecolor",
    "256": "256",
    "standard": "standard",
    "none": "standard",
}

# Sent when application mode starts and stops (alt screen, mouse, paste, focus).
_START = (
    "\x1b[?1049h"  # alternate screen
    "\x1b[?25l"  # hide cursor
    "\x1b[?1004h"  # focus in/out
    "\x1b[?2004h"  # bracketed paste
    "\x1b[?7l"  # no line wrap
    "\x1b[?2026$p"  # ask: synchronized output?
)
_MOUSE_ON = "\x1b[?1000h\x1b[?1003h\x1b[?1015h\x1b[?1006h"
_MOUSE_OFF = "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"
_STOP = "\x1b[?2004l\x1b[?7h\x1b[?1004l\x1b[?1049l\x1b[?25h"


class SSHDriver(Driver):
    """Drives one app over one `Terminal`; subclassed per session by `driver_for`."""

    terminal: Terminal

    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        term = self.terminal
        super().__init__(app, debug=False, mouse=mouse, size=size or (term.width, term.height))
        self._parser = XTermParser(debug=False)
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        self._tick_handle: asyncio.TimerHandle | None = None
        self._started = False
        self._pastes = PasteSplitter()
        self._budget = KeyBudget()
        self._pending: deque[str | Pasted] = deque()
        self._drain_handle: asyncio.Handle | None = None

    # output -------------------------------------------------------------------
    def write(self, data: str) -> None:
        """Write to the person's terminal (never raises on a closed channel)."""
        KEYS.done(self)
        self.terminal.write(data)
        if self._started and not self.terminal.first_frame.is_set():
            self.terminal.first_frame.set()

    def flush(self) -> None:
        """Textual flushes after each frame: the frame goes as one SSH packet."""
        self.terminal.flush()

    def start_application_mode(self) -> None:
        """Take over the terminal and send the first size."""
        term = self.terminal
        self.write(_START + (_MOUSE_ON if self._mouse else ""))
        self.flush()
        self._started = True
        term.listener = self
        size = Size(term.width, term.height)
        self._app.post_message(events.Resize(size, size))

    def disable_input(self) -> None:
        """Stop listening to the terminal."""
        if self.terminal.listener is self:
            self.terminal.listener = None
        self._cancel_tick()
        self._stop_draining()

    def stop_application_mode(self) -> None:
        """Give the terminal back (writes to a closed channel are swallowed)."""
        self.disable_input()
        with contextlib.suppress(BrokenPipeError, ConnectionError, OSError):
            self.write((_MOUSE_OFF if self._mouse else "") + _STOP)
            self.flush()

    def send_message(self, message: Message) -> None:
        """We are on the app's loop already: post directly."""
        self._app.post_message(message)

    # TerminalListener ------------------------------------------------------------
    def on_input(self, data: bytes) -> None:
        """Decode incrementally; pastes go whole, typed input to the parser on a budget."""
        text = self._decode(data)
        self._pending.extend(self._pastes.feed(text))
        if self._drain_handle is None:
            self._drain()

    def _flush_lone_escape(self) -> None:
        """A read that is one ESC and nothing more is the Escape key: send it now.

        Terminals write an escape sequence (an arrow, Alt+key) in one go, so over
        SSH it arrives in one read; waiting ESCAPE_DELAY to tell them apart only
        made every Escape (Back, Cancel) ~110 ms late.
        """
        if self._parser._timeout_time is not None:
            self._parser._timeout_time = 0.0
            self._cancel_tick()
            self._tick()

    def _drain(self) -> None:
        """Feed the next key (or paste), within the byte budget and the session's loop share.

        One key per turn of the loop: the app handles it, everyone else's callbacks
        run, and only then comes the next, so the cost of each key is known (charged
        to the session) before another is fed. While the session's loop account is in
        debt nothing is fed. Whatever waits holds the channel: SSH flow control keeps
        the rest on the client's side.
        """
        self._drain_handle = None
        if not self._pending:
            self.terminal.release_input()
            return
        debt = self.terminal.account.wait()
        if debt > 0:
            return self._drain_later(debt)
        item = self._pending.popleft()
        KEYS.started(self, watched=True)  # the bus waits for its frame (not while in debt)
        if isinstance(item, Pasted):
            self._paste(item)
        else:
            wanted = first_key(item)
            granted = self._budget.take(wanted)
            if granted:
                self._parse(item[:granted])
                if item == "\x1b":
                    self._flush_lone_escape()
            if granted < len(item):
                self._pending.appendleft(item[granted:])
            if granted < wanted:  # out of bytes: wait for the budget
                return self._drain_later(self._budget.delay(wanted - granted))
        if self._pending:
            self.terminal.hold_input()
            self._drain_handle = self._loop.call_soon(self._drain)
        else:
            self.terminal.release_input()

    def _drain_later(self, delay: float) -> None:
        self.terminal.hold_input()
        self._drain_handle = self._loop.call_later(delay, self._drain)

    def _stop_draining(self) -> None:
        if self._drain_handle is not None:
            self._drain_handle.cancel()
            self._drain_handle = None
        self._pending.clear()

    def _paste(self, pasted: Pasted) -> None:
        if pasted.text:
            self.process_message(events.Paste(pasted.text))
        if pasted.cut:
            self._app.notify(
                f"Only the first {self._pastes.limit:,} characters of that paste were kept.",
                severity="warning",
                markup=False,
            )

    def _parse(self, text: str) -> None:
        """Parse, dispatch; schedule a tick if a sequence is pending."""
        try:
            for event in self._parser.feed(text):
                self.process_message(event)
        except Exception:
            log.exception("session %s: input parse failed", self.terminal.session_id)
            self._parser = XTermParser(debug=False)
        self._schedule_tick()

    def _schedule_tick(self) -> None:
        self._cancel_tick()
        if self._parser._timeout_time is not None:
            self._tick_handle = self._loop.call_later(constants.ESCAPE_DELAY + 0.01, self._tick)

    def _cancel_tick(self) -> None:
        if self._tick_handle is not None:
            self._tick_handle.cancel()
            self._tick_handle = None

    def _tick(self) -> None:
        self._tick_handle = None
        try:
            for event in self._parser.tick():
                self.process_message(event)
        except Exception:
            log.exception("session %s: parser tick failed", self.terminal.session_id)
        self._schedule_tick()

    def on_resize(self, width: int, height: int) -> None:
        """The client's window changed size."""
        size = Size(width, height)
        self._app.post_message(events.Resize(size, size))

    def on_resume(self) -> None:
        """The client reads again after frames were dropped: repaint everything."""
        self._app.refresh(layout=True)

    def on_close(self) -> None:
        """The channel closed: end the app."""
        KEYS.done(self)
        self._cancel_tick()
        self._stop_draining()
        self._app.exit()


class _LogStream(io.TextIOBase):
    """Stands in for sys.stdout/stderr while apps run: lines go to logging, no app is kept.

    Textual redirects sys.stdout to the app; with many apps in one process the
    redirections end out of order, and threads started meanwhile keep a copy of
    sys.stderr. One shared stream that refers to no app makes both harmless.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def write(self, text: str) -> int:
        if text.strip():
            log.debug("app %s: %s", self.name, text.rstrip())
        return len(text)

    def isatty(self) -> bool:
        return False


APP_STDOUT = _LogStream("stdout")
APP_STDERR = _LogStream("stderr")


def driver_for(terminal: Terminal) -> type[SSHDriver]:
    """A driver class bound to one session's terminal (Textual instantiates it itself)."""
    return type("SessionSSHDriver", (SSHDriver,), {"terminal": terminal})


def prepare_app(app: App[Any], terminal: Terminal) -> None:
    """Rebuild the app's console from the client's TERM and colour env (not the server's).

    Errors from the app go to a buffer (read with `app_errors`) instead of the server's stderr.
    """
    env = {"TERM": terminal.term, **{k: v for k, v in terminal.env.items() if k == "COLORTERM"}}
    depth = terminal.color_depth
    app.console = Console(
        color_system=_COLOR_SYSTEMS.get(depth, "standard"),  # type: ignore[arg-type]
        file=cast(IO[str], _NullFile()),  # Textual's own sink: frames go through the driver
        markup=True,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        _environ=env,
        force_terminal=True,
        safe_box=False,
        soft_wrap=False,
    )
    if depth == "none":
        use_no_colour(app)
    app._capture_stdout = APP_STDOUT  # type: ignore[assignment]  # a stand-in of the same use
    app._capture_stderr = APP_STDERR  # type: ignore[assignment]
    app.error_console = Console(
        file=io.StringIO(), width=100, markup=False, highlight=False, color_system=None
    )


def app_errors(app: App[Any]) -> str:
    """The error report the app wrote when it crashed ("" if none)."""
    file = app.error_console.file
    return file.getvalue() if isinstance(file, io.StringIO) else ""


class SSHDrivers:
    """How apps run over a `Terminal`: what the SSH server is handed (`bbs.ssh.context`).

    The server never imports Textual: `bbs.cli` hands it this, beside the app factories.
    """

    def install(self) -> None:
        """Process-wide hooks the drivers need: loop time charged to sessions (idempotent)."""
        loop_charge.install()

    def driver_for(self, terminal: Terminal) -> type[SSHDriver]:
        return driver_for(terminal)

    def prepare_app(self, app: Any, terminal: Terminal) -> None:
        prepare_app(app, terminal)

    def app_errors(self, app: Any) -> str:
        return app_errors(app)


SSH_DRIVERS = SSHDrivers()
"""The one instance the CLI hands the server (picklable, for `--workers`)."""
