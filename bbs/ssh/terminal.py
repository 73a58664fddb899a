"""One SSH channel seen as a terminal: size, type, colours, input and backpressure-aware output.

The driver (`screens.engine.ssh_driver`, the UI's) listens to it; nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any, Protocol

from bbs.ssh.fairness import LoopAccount

log = logging.getLogger(__name__)

# A client that stops reading: past this many bytes waiting in the channel we
# drop frames and repaint once it drains (memory per session stays bounded).
WRITE_BUFFER_LIMIT = 256 * 1024

# What a screen can usefully be. Past 500 x 200 no one reads a line or a page (a 4K
# display at a small font is about 400 x 120), and the first frame of a 20000 x 5000
# terminal was 400 MB; below 20 x 6 the app cannot draw a title, a line and its keys.
MAX_SIZE = (500, 200)
MIN_SIZE = (20, 6)
DEFAULT_SIZE = (80, 24)  # a pty request that gives no size (0 x 0)


def clamp_size(width: int, height: int) -> tuple[int, int]:
    """The size the app draws for a client that asks for width x height."""
    return (
        min(max(width, MIN_SIZE[0]), MAX_SIZE[0]),
        min(max(height, MIN_SIZE[1]), MAX_SIZE[1]),
    )


MONOCHROME_TERMS = ("dumb", "vt52", "vt100", "vt102", "vt220", "vt320", "ansi-mono")


def color_depth(term: str, env: Mapping[str, str]) -> str:
    """The colour depth for a client: "truecolor", "256", "standard" or "none" (monochrome)."""
    term = term.lower()
    if "NO_COLOR" in env:
        return "none"
    if term in MONOCHROME_TERMS or term.endswith(("-m", "-mono")):
        return "none"
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit") or "direct" in term:
        return "truecolor"
    if "256" in term:
        return "256"
    return "standard"


class TerminalListener(Protocol):
    """What the driver implements to hear from the terminal."""

    def on_input(self, data: bytes) -> None: ...

    def on_resize(self, width: int, height: int) -> None: ...

    def on_resume(self) -> None: ...

    def on_close(self) -> None: ...


class Terminal:
    """The person's terminal at the end of an SSH channel (`chan` is an asyncssh channel)."""

    def __init__(
        self,
        chan: Any,
        *,
        term: str,
        size: tuple[int, int],
        env: Mapping[str, str],
        session_id: str,
    ) -> None:
        self.chan = chan
        self.term = term or "xterm"
        self.width, self.height = clamp_size(size[0] or DEFAULT_SIZE[0], size[1] or DEFAULT_SIZE[1])
        self.env = dict(env)
        self.color_depth = color_depth(self.term, self.env)
        self.session_id = session_id
        self.listener: TerminalListener | None = None
        self.closed = False
        self.paused = False
        self.dropping = False
        self.frames_dropped = 0
        self.input_held = False
        self.last_input = time.monotonic()
        self.idle_expired = False
        self.first_frame = asyncio.Event()
        self.gone = asyncio.Event()
        self._out: list[str] = []
        self._flush_handle: asyncio.Handle | None = None
        self.account = LoopAccount()
        """The loop time this session's app has used (its input waits while it is in debt)."""

    # output -------------------------------------------------------------------
    def write(self, data: str) -> None:
        """Send text to the person (with what else is written this turn of the loop).

        Textual writes a frame in three parts when the terminal can synchronise output
        (begin, frame, end), and each channel write is an SSH packet of its own: encrypted,
        authenticated and sent. The parts are joined and go as one, at `flush()` or at the
        end of this turn of the loop, whichever comes first.
        """
        if self.closed or not data:
            return
        self._out.append(data)
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Send what was written; dropped (and repainted later) while they are not reading."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if not self._out:
            return
        data, self._out = "".join(self._out), []
        if self.closed:
            return
        if self.paused or self._buffered() > WRITE_BUFFER_LIMIT:
            if not self.dropping:
                log.info("session %s: client not reading, dropping frames", self.session_id)
            self.dropping = True
            self.frames_dropped += 1
            return
        try:
            self.chan.write(data.encode("utf-8", "replace"))
        except (BrokenPipeError, ConnectionError, OSError):
            self.closed = True

    def _buffered(self) -> int:
        try:
            return int(self.chan.get_write_buffer_size())
        except Exception:
            return 0

    def pause(self) -> None:
        """asyncssh says its send buffer is over the high-water mark."""
        self.paused = True

    def resume(self) -> None:
        """The send buffer drained: repaint if frames were dropped meanwhile."""
        self.paused = False
        if self.dropping and not self.closed:
            self.dropping = False
            if self.listener is not None:
                self.listener.on_resume()

    # input --------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Bytes the person typed (or pasted, or their mouse sent)."""
        self.last_input = time.monotonic()
        if self.listener is not None and data:
            self.listener.on_input(data)

    def hold_input(self) -> None:
        """Stop reading from the person for now (SSH flow control holds their input back)."""
        if not self.input_held and not self.closed:
            self.input_held = True
            self._reading(False)

    def release_input(self) -> None:
        """Read from the person again."""
        if self.input_held:
            self.input_held = False
            self._reading(True)

    def _reading(self, on: bool) -> None:
        try:
            self.chan.resume_reading() if on else self.chan.pause_reading()
        except Exception:
            log.debug("session %s: cannot pause or resume reading", self.session_id)

    def resize(self, width: int, height: int) -> None:
        """The client's window changed size (clamped to what a screen can usefully be)."""
        self.width, self.height = clamp_size(width, height)
        if self.listener is not None:
            self.listener.on_resize(self.width, self.height)

    def close(self) -> None:
        """The channel is gone: tell the app to end."""
        self.gone.set()
        if self.closed and self.listener is None:
            return
        self.closed = True
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.on_close()
