"""A plain session's end of the SSH channel: whole lines in, text out.

With a pty the person's terminal is raw, so the server echoes and edits the line:
that is asyncssh's own line editor (`SSHLineEditorChannel` and `SSHLineEditorSession`,
what asyncssh wraps around a session made with `line_editor=True`), built here for
this one channel. The server itself runs with `line_editor=False` and `encoding=None`
for the TUI, and asyncssh wraps a session when its channel opens, before the pty and
the command are known; so the editor is given a small text face of the byte channel
(`_TextChannel`) and fed decoded input. Without a pty the client's own terminal edits
and echoes: lines are split here, nothing is echoed.

Input is bounded: a line longer than `max_line` is cut, and while many lines wait
unread the channel stops reading (SSH flow control holds the rest at the client).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import logging
from typing import Any

from asyncssh.editor import SSHLineEditorChannel, SSHLineEditorSession

log = logging.getLogger(__name__)

CTRL_C = "\x03"
"""What `readline` returns for Ctrl+C (the editor's break): cancel what is being typed."""
CTRL_D = "\x04"
"""What `readline` returns for Ctrl+D on an empty line: the end of a text, or goodbye."""

MAX_LINE = 4_000
HISTORY = 50
HELD_LINES = 50
"""Lines waiting to be read before the channel stops reading (a pasted script, a flood)."""


class _TextChannel:
    """The byte channel as the line editor wants it: text written, a terminal type and width."""

    def __init__(self, chan: Any, term: str, width: int) -> None:
        self._chan = chan
        self._term = term
        self.width = width
        self.logger = chan.logger

    def get_encoding(self) -> tuple[str, str]:
        return "utf-8", "replace"

    def get_terminal_type(self) -> str:
        return self._term

    def get_terminal_size(self) -> tuple[int, int, int, int]:
        return self.width, 0, 0, 0

    def write(self, data: str, datatype: Any = None) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionError, OSError):
            self._chan.write(data.encode("utf-8", "replace"))


class _Lines:
    """Where the line editor delivers: each finished line, Ctrl+C and Ctrl+D."""

    def __init__(self, owner: LineChannel) -> None:
        self.owner = owner

    def session_started(self) -> None:
        """The editor is made; nothing else starts here."""

    def data_received(self, data: str, datatype: Any) -> None:
        self.owner._text(data)

    def soft_eof_received(self) -> None:
        self.owner._put(CTRL_D)

    def break_received(self, msec: int) -> bool:
        self.owner._put(CTRL_C)
        return True

    def signal_received(self, signal: str) -> None:
        self.owner._put(CTRL_C)

    def eof_received(self) -> bool:
        return True


class LineChannel:
    """Lines from the person and text to them, over one SSH channel (bytes, as the server's)."""

    def __init__(
        self, chan: Any, *, term: str | None, width: int = 80, max_line: int = MAX_LINE
    ) -> None:
        self.chan = chan
        self.pty = term is not None
        self.max_line = max_line
        self.closed = False
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._partial = ""
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        self._held = False
        self._editor: SSHLineEditorSession | None = None
        text_face: Any = _TextChannel(chan, term or "dumb", width)  # as the editor wants it
        self._out: Any = text_face
        if term is not None:
            lines: Any = _Lines(self)  # what the editor calls on a session, nothing more
            editor_chan = SSHLineEditorChannel(text_face, lines, True, HISTORY, max_line)
            self._editor = SSHLineEditorSession(editor_chan, lines)
            self._editor.session_started()  # asyncssh makes the editor here
            self._out = editor_chan

    # from the channel ---------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Bytes from the client (the session's data_received)."""
        text = self._decode(data)
        if self._editor is not None:
            self._editor.data_received(text, None)
        else:
            self._text(text)

    def eof(self) -> None:
        """The client sent EOF: what was typed so far is the last line."""
        rest = self._partial + self._decode(b"", True)
        self._partial = ""
        if rest:
            self._put(rest)
        self._put(None)

    def resize(self, width: int) -> None:
        if self._editor is not None:
            self._editor.terminal_size_changed(width, 0, 0, 0)

    def close(self) -> None:
        """The channel is gone."""
        self.closed = True
        self._put(None)

    # for the session -----------------------------------------------------------------
    def write(self, text: str) -> None:
        """Text for the person, lines ending in "\\n" (the editor sends "\\r\\n" on a pty)."""
        if self.closed or not text:
            return
        try:
            self._out.write(text if self.pty else text.replace("\r\n", "\n"))
        except (BrokenPipeError, ConnectionError, OSError):
            self.closed = True

    async def readline(self) -> str | None:
        """The next line (without its ending), CTRL_C, CTRL_D, or None once input has ended."""
        line = await self._lines.get()
        if self._held and self._lines.qsize() < HELD_LINES // 2:
            self._held = False
            with contextlib.suppress(Exception):
                self.chan.resume_reading()
        if line is None:
            self._put(None)  # and every later read ends too
        return line

    # inside -----------------------------------------------------------------------------
    def _text(self, text: str) -> None:
        """Split decoded text into lines (the editor gives whole lines ending in "\\n")."""
        text = self._partial + text
        *lines, self._partial = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if len(self._partial) > self.max_line:
            lines.append(self._partial)
            self._partial = ""
        for line in lines:
            self._put(line[: self.max_line])

    def _put(self, line: str | None) -> None:
        self._lines.put_nowait(line)
        if line is not None and not self._held and self._lines.qsize() >= HELD_LINES:
            self._held = True
            with contextlib.suppress(Exception):
                self.chan.pause_reading()
