"""The embedded transport for the workers of one host: a broker on a unix socket.

Nothing to install, nothing to configure: `bbs serve --workers N` runs the `Broker` in
its supervisor and each worker connects to it with a `RelayTransport`. Frames are
length-prefixed (4 bytes big-endian: the length of the rest; 2 bytes: the subject's
length; the subject; the payload), so no content can break them, and a frame may be
`MAX_FRAME` long, far above the largest event (`wire.MAX_EVENT_BYTES`). The broker hands
each frame to every other worker (on one host every worker shows every community).
A worker whose broker goes away reconnects with backoff; the broker disconnects a
worker that stops reading rather than buffer for it without end (it reconnects, and
its screens load again), and tells the others when a worker's connection ends, so
that worker's people leave who's online at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
from pathlib import Path

from bbs.bus.transport import Link, Transport
from bbs.bus.wire import BYE, MAX_EVENT_BYTES, dumps

log = logging.getLogger(__name__)

MAX_FRAME = 16 * 1024 * 1024
MAX_BUFFERED = 8 * 1024 * 1024
"""Bytes waiting to be written to one connection before it counts as stalled."""
HELLO = "relay.hello"
"""A worker's first frame: its host id, for the goodbye the broker says on its behalf."""
RECONNECT_BACKOFF_S = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)
_HEAD = struct.Struct("!IH")

assert MAX_FRAME > MAX_EVENT_BYTES * 2  # room for the largest event and then some


class FrameError(ValueError):
    """A frame that cannot be one (too long, too short): the connection is garbage."""


class RelayInUse(RuntimeError):
    """Another broker answers on the socket: another `bbs serve` uses this data dir."""


def frame(subject: str, payload: bytes) -> bytes:
    name = subject.encode()
    return _HEAD.pack(2 + len(name) + len(payload), len(name)) + name + payload


async def read_frame(reader: asyncio.StreamReader) -> tuple[str, bytes, bytes]:
    """(subject, payload, the whole frame as read) of the next frame."""
    head = await reader.readexactly(4)
    (size,) = struct.unpack("!I", head)
    if not 2 <= size <= MAX_FRAME:
        raise FrameError(f"a frame of {size} bytes")
    body = await reader.readexactly(size)
    (length,) = struct.unpack_from("!H", body)
    if 2 + length > size:
        raise FrameError("a subject longer than its frame")
    return body[2 : 2 + length].decode(), body[2 + length :], head + body


class Broker:
    """Fans each frame from one worker out to all the others (runs in the supervisor)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writers: dict[asyncio.StreamWriter, str] = {}
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        if self.path.exists():
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_unix_connection(str(self.path))
                writer.close()
                raise RelayInUse(
                    f"Another bbs serve already runs a relay on {self.path}. Two servers on "
                    "one data dir need a real bus: --bus nats://HOST:PORT."
                )
            self.path.unlink()
        self._server = await asyncio.start_unix_server(self._serve, str(self.path))
        self.path.chmod(0o600)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers[writer] = ""
        try:
            while True:
                subject, payload, raw = await read_frame(reader)
                if subject == HELLO:
                    self._writers[writer] = payload.decode(errors="replace")
                else:
                    self._fan_out(raw, skip=writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except (FrameError, UnicodeDecodeError) as error:
            log.warning("relay: a worker sent garbage (%s); disconnecting it", error)
        finally:
            host = self._writers.pop(writer, "")
            writer.close()
            if host:  # its people are gone, now (it may come back: it reconnects)
                self._fan_out(frame(BYE, dumps({"host": host, "lost": True})), skip=None)

    def _fan_out(self, raw: bytes, skip: asyncio.StreamWriter | None) -> None:
        for writer in list(self._writers):
            if writer is skip or writer.is_closing():
                continue
            if writer.transport.get_write_buffer_size() > MAX_BUFFERED:
                log.warning("relay: %s stopped reading; disconnecting it", self._writers[writer])
                writer.transport.abort()
                continue
            writer.write(raw)


class RelayTransport(Transport):
    """A worker's end of the relay: sends to the broker, reconnects when it goes away."""

    selective = False

    def __init__(self, path: Path, host_id: str) -> None:
        self.path = path
        self.host_id = host_id
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._first = asyncio.Event()
        self._link: Link | None = None

    async def start(self, link: Link) -> None:
        """Connect in the background; wait (a moment) for the first connection."""
        self._link = link
        self._task = asyncio.get_running_loop().create_task(self._run())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first.wait(), 2)

    async def stop(self) -> None:
        self._stopping = True
        writer = self._writer
        if writer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.drain(), 1)
            writer.close()
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task], timeout=2)

    def publish(self, subject: str, payload: bytes) -> None:
        writer = self._writer
        if writer is not None and not writer.is_closing() and not self._stalled(writer):
            writer.write(frame(subject, payload))
        else:
            self._dropped()

    @staticmethod
    def _stalled(writer: asyncio.StreamWriter) -> bool:
        return writer.transport.get_write_buffer_size() > MAX_BUFFERED

    def subscribe(self, subject: str) -> None:
        """The broker sends everything: nothing to do."""

    def unsubscribe(self, subject: str) -> None:
        """The broker sends everything: nothing to do."""

    def _dropped(self) -> None:
        if self._link is not None:
            self._link.dropped()

    async def _run(self) -> None:
        link = self._link
        assert link is not None
        attempt, down = 0, False
        while not self._stopping:
            try:
                reader, writer = await asyncio.open_unix_connection(str(self.path))
            except OSError as error:
                if not down:
                    log.warning("relay: cannot reach the broker (%s); retrying", error)
                    down = True
                    link.lost()
                self._first.set()
                await asyncio.sleep(RECONNECT_BACKOFF_S[min(attempt, len(RECONNECT_BACKOFF_S) - 1)])
                attempt += 1
                continue
            attempt = 0
            writer.write(frame(HELLO, self.host_id.encode()))
            self._writer = writer
            self._first.set()
            if down:
                down = False
                link.restored()
            await self._read(reader, link)
            self._writer = None
            writer.close()
            if not self._stopping:
                log.warning("relay: the broker went away; reconnecting")
                down = True
                link.lost()

    @staticmethod
    async def _read(reader: asyncio.StreamReader, link: Link) -> None:
        try:
            while True:
                subject, payload, _ = await read_frame(reader)
                try:
                    link.received(subject, payload)
                except Exception:
                    log.exception("relay: delivering a message on %s failed", subject)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except (FrameError, UnicodeDecodeError) as error:
            log.warning("relay: garbage from the broker (%s)", error)
