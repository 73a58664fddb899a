"""The terminal at the end of an SSH channel: what is written in one go is one packet."""

from __future__ import annotations

import asyncio

from bbs.ssh.terminal import Terminal


class Channel:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def get_write_buffer_size(self) -> int:
        return 0


def terminal() -> tuple[Terminal, Channel]:
    chan = Channel()
    return Terminal(chan, term="xterm", size=(80, 24), env={}, session_id="s1"), chan


async def test_a_frame_in_parts_goes_as_one_write() -> None:
    term, chan = terminal()
    for part in ("\x1b[?2026h", "a frame", "\x1b[?2026l"):  # as Textual writes a frame
        term.write(part)
    assert chan.sent == []
    term.flush()  # Textual flushes after each frame
    assert chan.sent == [b"\x1b[?2026ha frame\x1b[?2026l"]
    term.write("more")  # written and not flushed: it goes at the end of this turn of the loop
    await asyncio.sleep(0)
    assert chan.sent[-1] == b"more" and len(chan.sent) == 2


async def test_a_client_that_stops_reading_loses_frames_not_memory() -> None:
    term, chan = terminal()
    term.pause()
    term.write("dropped")
    term.flush()
    assert chan.sent == [] and term.frames_dropped == 1 and term.dropping
