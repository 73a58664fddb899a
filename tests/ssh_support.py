"""Helpers for the SSH tests: a server on a free loopback port and pyte-backed clients."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncssh
import pyte

from bbs.config import Config
from bbs.models import Role
from bbs.seed import create_community
from bbs.ssh.context import ServerContext
from bbs.ssh.hostkey import load_or_create_host_key
from bbs.ssh.server import Factories, listening_port, make_context, shutdown, start_listener


def fast_config(data_dir: Path, **overrides: Any) -> Config:
    """Fast limits for tests."""
    base = Config(
        data_dir=data_dir,
        host="127.0.0.1",
        port=0,
        login_grace_s=10,
        keepalive_interval_s=0,
        idle_timeout_s=600,
        idle_warning_s=30,
        max_concurrent_starts=8,
        post_interval_s=0,
        oneliner_interval_s=0,
        penalty_exempt="127.0.0.0/8,::1/128",  # the default is none; abuse tests set ""
    )
    return replace(base, **overrides)


def seed_small(ctx: ServerContext) -> None:
    """People ada (sysop) and bob with keys made by the test, one open community 'garden'."""
    forum = ctx.forum
    ada = forum.person("ada") or forum.register("ada", "Ada", role=Role.SYSOP)
    bob = forum.person("bob") or forum.register("bob", "Bob")
    create_community(
        forum,
        {
            "slug": "garden",
            "name": "Garden",
            "description": "Growing things",
            "boards": [{"slug": "general", "name": "General"}],
        },
        ada.id,
        time.time(),
    )
    forum.hub.set_membership(ada.id, "garden", "owner", "active")
    forum.hub.set_membership(bob.id, "garden", "member", "active")


def make_key(forum: Any | None = None, handle: str | None = None) -> asyncssh.SSHKey:
    """A fresh ed25519 key, put on file for `handle` if given."""
    key = asyncssh.generate_private_key("ssh-ed25519")
    if forum is not None and handle is not None:
        person = forum.person(handle)
        forum.hub.add_key(
            person.id, key.get_fingerprint("sha256"), key.export_public_key().decode().strip()
        )
    return key


@asynccontextmanager
async def running_server(
    data_dir: Path, factories: Factories, **overrides: Any
) -> AsyncIterator[tuple[ServerContext, int]]:
    """The real server on this loop, on a free port: yields (context, port)."""
    config = fast_config(data_dir, **overrides)
    ctx = make_context(config, factories, empty=True)
    acceptor = await start_listener(
        ctx, load_or_create_host_key(data_dir), host="127.0.0.1", port=0
    )
    try:
        yield ctx, listening_port(acceptor)
    finally:
        await shutdown(ctx, acceptor)
        ctx.forum.close()


class ScreenClient(asyncssh.SSHClientSession):  # type: ignore[type-arg]
    """Feeds everything the server sends into a pyte screen."""

    def __init__(self, width: int, height: int) -> None:
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.received = 0
        self.reads = 0
        """How many times data arrived: the opening sequences once, then each frame."""
        self.closed = asyncio.Event()
        self.changed = asyncio.Event()

    def data_received(self, data: bytes, datatype: Any) -> None:
        self.received += len(data)
        self.reads += 1
        self.stream.feed(data)
        self.changed.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()

    def text(self) -> str:
        return "\n".join(self.screen.display)


class Person:
    """One connected client with a pty."""

    def __init__(self, conn: asyncssh.SSHClientConnection, chan: Any, client: ScreenClient):
        self.conn, self.chan, self.client = conn, chan, client

    @property
    def text(self) -> str:
        return self.client.text()

    def send(self, data: str | bytes) -> None:
        self.chan.write(data.encode() if isinstance(data, str) else data)

    async def wait_for(
        self, what: str | Callable[[str], bool], timeout: float = 10.0, told: str = ""
    ) -> str:
        """Poll the emulated screen until `what` shows (or the predicate holds); `told` names
        a predicate in the failure message, which shows the screen as it was."""
        check = what if callable(what) else (lambda text: what in text)
        deadline = time.monotonic() + timeout
        while True:
            text = self.text
            if check(text):
                return text
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {told or what!r}; screen:\n{text}")
            self.client.changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.client.changed.wait(), min(left, 0.2))

    @property
    def cursor(self) -> tuple[int, int]:
        """Where the terminal's cursor is (column, row): Textual puts it in the focused field."""
        return self.client.screen.cursor.x, self.client.screen.cursor.y

    def cell(self, text: str, offset: int = 0) -> Any | None:
        """The cell `offset` columns from where `text` first shows (its character and colours)."""
        for y, row in enumerate(self.client.screen.display):
            x = row.find(text)
            if x >= 0 and 0 <= x + offset < self.client.screen.columns:
                return self.client.screen.buffer[y][x + offset]
        return None

    async def wait_until(self, check: Callable[[], bool], what: str, timeout: float = 10.0) -> str:
        """Like wait_for, for a check of more than the text (colours, the cursor)."""
        return await self.wait_for(lambda _: check(), timeout, what)

    async def typing_in(self, label: str, timeout: float = 10.0) -> None:
        """Wait until the cursor is in the field under `label`: that field has the focus."""

        def there() -> bool:
            rows = self.client.screen.display
            at = next((y for y, row in enumerate(rows) if label in row), None)
            return at is not None and at < self.cursor[1] <= at + 3

        await self.wait_until(there, f"the cursor in the field under {label!r}", timeout)

    def look(self, text: str) -> tuple[object, ...] | None:
        """How the first cell of `text` is drawn: colours, reverse video, bold."""
        cell = self.cell(text)
        return None if cell is None else (cell.fg, cell.bg, cell.reverse, cell.bold)

    async def press_until_lit(self, keys: str, text: str, timeout: float = 10.0) -> None:
        """Send `keys` and wait until the row showing `text` lights up (it is drawn another
        way: the cursor of the list that has the focus is on it)."""
        unlit = self.look(text)
        self.send(keys)
        await self.wait_until(
            lambda: self.look(text) not in (unlit, None), f"{text!r} lit", timeout
        )

    async def tab_to_next_field(self, timeout: float = 10.0) -> None:
        """Tab from the field the cursor is in and wait until it is in the next one below."""
        row = self.cursor[1]
        self.send("\t")
        await self.wait_until(lambda: self.cursor[1] > row + 1, "the cursor a field down", timeout)

    async def tick(self, label: str, timeout: float = 10.0) -> None:
        """Tick the focused checkbox `label` (Space) and wait until its X lights up."""
        await self.wait_for(label, timeout)
        box = self.cell(label, -3)  # "▐X▌ label"
        assert box is not None and box.data == "X", self.text
        unticked = box.fg
        self.send(" ")
        await self.wait_until(
            lambda: getattr(self.cell(label, -3), "fg", unticked) != unticked,
            f"the box of {label!r} ticked",
            timeout,
        )

    def resize(self, width: int, height: int) -> None:
        self.client.screen.resize(height, width)
        self.chan.change_terminal_size(width, height)

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()


async def connect(
    port: int,
    username: str,
    *,
    key: asyncssh.SSHKey | None = None,
    password: str | None = None,
    size: tuple[int, int] = (80, 24),
    term: str = "xterm-256color",
    env: dict[str, str] | None = None,
    source: str = "127.0.0.1",
    host: str = "127.0.0.1",
) -> Person:
    """Open a pty session like `ssh -t user@host` would (from `source`, a loopback address)."""
    conn = await asyncssh.connect(
        host,
        port,
        local_addr=(source, 0),
        username=username,
        known_hosts=None,
        agent_path=None,
        client_keys=[key] if key else [],
        password=password,
        preferred_auth="publickey,password" if password else "publickey,keyboard-interactive",
    )
    chan, client = await conn.create_session(
        lambda: ScreenClient(*size), term_type=term, term_size=size, encoding=None, env=env or {}
    )
    return Person(conn, chan, client)


async def run_command(
    port: int,
    username: str,
    command: str,
    *,
    key: asyncssh.SSHKey | None = None,
    stdin: str | None = None,
    source: str = "127.0.0.1",
    host: str = "127.0.0.1",
) -> asyncssh.SSHCompletedProcess:
    """`ssh user@host COMMAND`: returns the completed process (exit_status, stdout, stderr)."""
    async with asyncssh.connect(
        host,
        port,
        local_addr=(source, 0),
        username=username,
        known_hosts=None,
        agent_path=None,
        client_keys=[key] if key else [],
    ) as conn:
        return await conn.run(command, input=stdin, check=False)


async def wait_until(check: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Poll `check` until it holds; the failure names it (its source line, or `what`)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not met in {timeout:g} s: {what or _source(check)}")
        await asyncio.sleep(0.02)


def _source(check: Callable[[], object]) -> str:
    try:
        return inspect.getsource(check).strip()
    except (OSError, TypeError):
        return repr(check)
