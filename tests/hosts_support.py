"""Two hosts on one machine: real `bbs serve` processes, one NATS server, one data dir.

Each host listens on its own loopback address and port (127.0.0.1 and 127.0.0.2 where
the kernel allows, else both on 127.0.0.1), they share one host key and talk through a
NATS server of the test's own. On SQLite they share one data dir (one machine); given a
PostgreSQL `store`, each host has its own empty data dir and they share nothing else
but that database (as two machines would). Every
piece can be started, stopped, killed (-9), paused (SIGSTOP) and resumed; a pyte
client or an exec command can reach either host. Reusable for any cross-host test:

    async with two_hosts(tmp_path) as board:
        bob = await board.b.connect("bob")
        done = await board.a.run("ada", "reply garden/1", stdin="hi")
        board.b.kill()
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from bbs.bootstrap import open_forum
from bbs.config import Config
from bbs.models import Role
from bbs.seed import create_community
from tests.bus_support import NatsServer, free_port
from tests.ssh_support import Person, connect, run_command

BBS = Path(sys.executable).parent / "bbs"
FAST = {
    "BBS_KEEPALIVE_INTERVAL_S": "0",
    "BBS_POST_INTERVAL_S": "0",
    "BBS_ONELINER_INTERVAL_S": "0",
    "BBS_LOGIN_GRACE_S": "20",
    "BBS_BUS_HEARTBEAT_S": "0.5",
    "BBS_BUS_HOST_TIMEOUT_S": "2.5",
}
"""Test pace: the heartbeat window is 2.5 s (a host silent that long loses its people)."""


def second_loopback() -> str:
    """127.0.0.2 when this kernel lets a socket bind it (Linux does), else 127.0.0.1."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.2", 0))
        except OSError:
            return "127.0.0.1"
    return "127.0.0.2"


@dataclass
class Host:
    """One `bbs serve` process group (a supervisor and its workers, or one process)."""

    name: str
    data_dir: Path
    address: str
    bus: str
    host_key: Path
    keys: dict[str, asyncssh.SSHKey]
    workers: int = 1
    env: dict[str, str] = field(default_factory=dict)
    store: str = ""
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.data_dir.parent / f"{self.name}.log"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def start(self) -> Host:
        self.port = self.port or free_port(self.address)
        command = [str(BBS), "serve", "--data-dir", str(self.data_dir)]
        command += ["--host", self.address, "--port", str(self.port)]
        command += ["--workers", str(self.workers), "--host-key", str(self.host_key)]
        if self.bus:
            command += ["--bus", self.bus]
        if self.store:
            command += ["--store", self.store]
        env = {**os.environ, **FAST, "BBS_HOST_ID": self.name, **self.env}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                command, stdout=log, stderr=log, env=env, start_new_session=True
            )
        return self

    async def ready(self, timeout: float = 30) -> Host:
        """Until every worker listens and is on the bus."""
        deadline = time.monotonic() + timeout
        while self.log_text().count("listening on") < self.workers:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start:\n{self.log_text()[-3000:]}")
            await asyncio.sleep(0.05)
        return self

    def _signal(self, sig: signal.Signals) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)

    def stop(self) -> None:
        """SIGTERM, as a sysop's service manager would; kill -9 after 10 s."""
        if self.proc is None:
            return
        self._signal(signal.SIGCONT)
        self._signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()
        self.proc = None

    def kill(self) -> None:
        """kill -9 the whole host: nothing is said to anyone."""
        if self.proc is not None:
            self._signal(signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def pause(self) -> None:
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)

    async def connect(self, handle: str, **kw: Any) -> Person:
        """A pty session (read with pyte) as `handle` ("guest" needs no key)."""
        key = self.keys.get(handle)
        return await connect(self.port, handle, key=key, host=self.address, **kw)

    async def run(self, handle: str, command: str, stdin: str | None = None) -> Any:
        """`ssh handle@host COMMAND` on this host."""
        key = self.keys.get(handle)
        return await run_command(
            self.port, handle, command, key=key, stdin=stdin, host=self.address
        )


@dataclass
class Board:
    """The pieces of a two-host board: hosts a and b, and their NATS server."""

    a: Host
    b: Host
    nats: NatsServer
    data_dir: Path
    """Where the seed's forum is opened: the hosts' shared data dir on SQLite."""
    store: str = ""

    @property
    def hosts(self) -> tuple[Host, Host]:
        return self.a, self.b

    def config(self) -> Config:
        """The board's store, for a test that writes to it directly (as `bbs admin` would)."""
        return Config(data_dir=self.data_dir, store=self.store)


def seed(data_dir: Path, store: str = "") -> dict[str, asyncssh.SSHKey]:
    """ada (sysop), bob and cy, old hands with keys; the open community 'garden'."""
    forum = open_forum(Config(data_dir=data_dir, store=store), empty=True)
    try:
        keys = {}
        long_ago = time.time() - 90 * 86_400
        for handle in ("ada", "bob", "cy"):
            role = Role.SYSOP if handle == "ada" else Role.USER
            person = forum.register(handle, handle.title(), role=role)
            forum.hub.update_person(person.id, created=long_ago)
            key = keys[handle] = asyncssh.generate_private_key("ssh-ed25519")
            fingerprint = key.get_fingerprint("sha256")
            forum.hub.add_key(person.id, fingerprint, key.export_public_key().decode().strip())
        ada = forum.person("ada")
        assert ada is not None
        spec = {"slug": "garden", "name": "Garden", "boards": [{"slug": "general"}]}
        create_community(forum, spec, ada.id, time.time())
        for handle in ("ada", "bob", "cy"):
            person = forum.person(handle)
            assert person is not None
            role = "owner" if handle == "ada" else "member"
            forum.hub.set_membership(person.id, "garden", role, "active")
        forum.start_thread(ada, "garden", "general", "Tomatoes", "Who grows what this year?")
    finally:
        forum.close()
    return keys


def shared_host_key(where: Path) -> Path:
    """One host key for both hosts, as a sysop copies it from the first to the second."""
    path = where / "ssh_host_ed25519_key"
    path.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_private_key())
    path.chmod(0o600)
    return path


@asynccontextmanager
async def two_hosts(
    tmp_path: Path, *, workers: int = 1, env: dict[str, str] | None = None, store: str = ""
) -> AsyncIterator[Board]:
    """A NATS server and hosts a and b (`bbs serve --bus`), started, ready; stopped after.

    `env` adds settings (BBS_*) to both hosts; `store` ("" for SQLite in one shared data
    dir) a PostgreSQL database both use, each host with a data dir of its own."""
    data_dir = tmp_path / "data"
    keys = seed(data_dir, store)
    host_key = shared_host_key(tmp_path)
    nats = NatsServer().start()
    common = {"bus": nats.url, "host_key": host_key, "keys": keys, "store": store}
    common["env"] = dict(env or {})
    dirs = [data_dir, data_dir] if not store else [tmp_path / "a" / "data", tmp_path / "b" / "data"]
    a = Host("host-a", dirs[0], address="127.0.0.1", workers=workers, **common)  # type: ignore[arg-type]
    b = Host("host-b", dirs[1], address=second_loopback(), workers=workers, **common)  # type: ignore[arg-type]
    for where in dirs:
        where.mkdir(parents=True, exist_ok=True)
    try:
        a.start()
        b.start()
        await asyncio.gather(a.ready(), b.ready())
        yield Board(a, b, nats, data_dir, store)
    finally:
        for host in (a, b):
            host.stop()
        nats.resume() if nats.proc is not None else None
        nats.stop()


def online_count(text: str) -> int | None:
    """The number in a welcome screen's "Online now (N)", if it shows."""
    marker = "Online now ("
    if marker not in text:
        return None
    return int(text.split(marker, 1)[1].split(")", 1)[0])


async def open_thread(person: Person, title: str) -> None:
    """From the welcome screen: the directory, the first community, its board, the thread."""
    await person.wait_for("Online now")
    person.send("d")
    await person.wait_for("Garden")
    person.send("\r")
    await person.wait_for(title)
    await person.press_until_lit("\r", title)  # the board: its threads take the focus
    person.send("\r")
    await person.wait_for("Who grows what")
