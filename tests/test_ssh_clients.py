"""Every common SSH client gets in: OpenSSH, PuTTY's plink, Dropbear's dbclient and paramiko.

Each reads a thread by exec, and draws the welcome screen in a pty (the client runs in
a pseudo-terminal made here, its output read through pyte, as a person would see it).
Host and user keys are handled without questions, with each client's own flags.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import shutil
import struct
import subprocess
import termios
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncssh
import paramiko
import pyte
import pytest

from bbs.ssh.hostkey import host_key_path, load_or_create_host_key
from tests.ssh_support import make_key, running_server, seed_small, wait_until
from tests.test_ssh_e2e import FACTORIES

needs = {
    "ssh": "Debian's openssh-client",
    "plink": "Debian's putty-tools",
    "puttygen": "Debian's putty-tools",
    "dbclient": "Debian's dropbear-bin",
    "dropbearconvert": "Debian's dropbear-bin",
}


def require(*tools: str) -> None:
    """Fail (not skip) when a client is missing: .ci/run installs them all."""
    missing = [f"{t} ({needs[t]})" for t in tools if shutil.which(t) is None]
    assert not missing, f"install {', '.join(missing)}: .ci/run does"


class Keys:
    """bob's key in each client's format, and the server's host key fingerprint."""

    def __init__(self, tmp: Path, key: asyncssh.SSHKey, host_fingerprint: str) -> None:
        self.openssh = tmp / "id_ed25519"
        key.write_private_key(str(self.openssh), "openssh")
        self.openssh.chmod(0o600)
        self.host_fingerprint = host_fingerprint
        self.tmp = tmp

    @property
    def ppk(self) -> Path:
        out = self.tmp / "id.ppk"
        if not out.exists():
            subprocess.run(
                ["puttygen", str(self.openssh), "-O", "private", "-o", str(out)],
                check=True,
                capture_output=True,
            )
        return out

    @property
    def dropbear(self) -> Path:
        out = self.tmp / "id_dropbear"
        if not out.exists():
            subprocess.run(
                ["dropbearconvert", "openssh", "dropbear", str(self.openssh), str(out)],
                check=True,
                capture_output=True,
            )
        return out


@pytest.fixture
async def board(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        bob = ctx.forum.person("bob")
        ctx.forum.start_thread(bob, "garden", "general", "Bean poles", "Hazel or bamboo?")
        host = load_or_create_host_key(tmp_path)
        keys = Keys(tmp_path, make_key(ctx.forum, "bob"), host.get_fingerprint("sha256"))
        yield ctx, port, keys


def openssh(port: int, keys: Keys, pty: bool, command: str = "") -> list[str]:
    return [
        "ssh", "-p", str(port), "-i", str(keys.openssh), *(["-tt"] if pty else ["-T"]),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
        "bob@127.0.0.1", *([command] if command else []),
    ]  # fmt: skip


def plink(port: int, keys: Keys, pty: bool, command: str = "") -> list[str]:
    # -batch: never ask; -hostkey: the one host key to trust (no cache, no prompt)
    return [
        "plink", "-ssh", "-batch", "-P", str(port), "-i", str(keys.ppk),
        "-hostkey", keys.host_fingerprint, "-noagent", *(["-t"] if pty else ["-T"]),
        "bob@127.0.0.1", *([command] if command else []),
    ]  # fmt: skip


def dbclient(port: int, keys: Keys, pty: bool, command: str = "") -> list[str]:
    # -y -y: no host key check, and nothing written to ~/.ssh/known_hosts
    return [
        "dbclient", "-y", "-y", "-p", str(port), "-i", str(keys.dropbear),
        *(["-t"] if pty else ["-T"]), "bob@127.0.0.1", *([command] if command else []),
    ]  # fmt: skip


CLIENTS: dict[str, tuple[Callable[..., list[str]], tuple[str, ...]]] = {
    "openssh": (openssh, ("ssh",)),
    "plink": (plink, ("plink", "puttygen")),
    "dbclient": (dbclient, ("dbclient", "dropbearconvert")),
}


def client_env(home: Path) -> dict[str, str]:
    """A home of the test's own: no agent, no known_hosts or PuTTY cache of the person's."""
    env = {k: v for k, v in os.environ.items() if k != "SSH_AUTH_SOCK"}
    return {**env, "HOME": str(home), "TERM": "xterm-256color"}


async def exec_command(argv: list[str], env: dict[str, str]) -> tuple[int | None, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


async def screen_in_pty(
    argv: list[str], env: dict[str, str], wanted: str, size: tuple[int, int] = (80, 24)
) -> str:
    """Run a client in a pty of the given size; the emulated screen once `wanted` shows."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    screen = pyte.Screen(*size)
    stream = pyte.ByteStream(screen)
    changed = asyncio.Event()
    loop = asyncio.get_running_loop()

    def readable() -> None:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(master)
        stream.feed(data)
        changed.set()

    proc = await asyncio.create_subprocess_exec(
        *argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    loop.add_reader(master, readable)
    try:
        deadline = time.monotonic() + 30
        while wanted not in "\n".join(screen.display):
            assert time.monotonic() < deadline, "\n".join(screen.display)
            changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), 0.5)
        return "\n".join(screen.display)
    finally:
        loop.remove_reader(master)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        os.close(master)


@pytest.mark.parametrize("name", list(CLIENTS))
async def test_client_reads_a_thread_by_exec_and_draws_the_welcome_screen(
    board: tuple, name: str, tmp_path: Path
) -> None:
    ctx, port, keys = board
    make_argv, tools = CLIENTS[name]
    require(*tools)
    env = client_env(tmp_path)
    status, out, err = await exec_command(make_argv(port, keys, False, "thread garden/1"), env)
    assert status == 0, err
    assert "Bean poles" in out and "Hazel or bamboo?" in out, out
    text = await screen_in_pty(make_argv(port, keys, True), env, "welcome, Bob")
    assert "One-liners" in text or "Bulletin" in text, text
    await wait_until(lambda: ctx.live_count == 0)


async def test_paramiko_reads_a_thread_and_draws_the_welcome_screen(board: tuple) -> None:
    """paramiko blocks: it runs in a thread while the server runs on the test's loop."""
    ctx, port, keys = board
    host = paramiko.Ed25519Key(filename=str(host_key_path(keys.tmp)))

    def run() -> tuple[str, str]:
        client = paramiko.SSHClient()
        client.get_host_keys().add(f"[127.0.0.1]:{port}", host.get_name(), host)
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        client.connect(
            "127.0.0.1",
            port,
            username="bob",
            key_filename=str(keys.openssh),
            look_for_keys=False,
            allow_agent=False,
            timeout=20,
        )
        try:
            _, stdout, _ = client.exec_command("thread garden/1", timeout=20)
            out = stdout.read().decode()
            chan = client.get_transport().open_session()
            chan.get_pty("xterm-256color", 80, 24)
            chan.invoke_shell()
            screen = pyte.Screen(80, 24)
            stream = pyte.ByteStream(screen)
            deadline = time.monotonic() + 30
            chan.settimeout(0.5)
            while "welcome, Bob" not in "\n".join(screen.display):
                assert time.monotonic() < deadline, "\n".join(screen.display)
                with contextlib.suppress(TimeoutError, OSError):
                    stream.feed(chan.recv(65536))
            chan.close()
            return out, "\n".join(screen.display)
        finally:
            client.close()

    out, text = await asyncio.to_thread(run)
    assert "Bean poles" in out and "Hazel or bamboo?" in out
    assert "welcome, Bob" in text
    await wait_until(lambda: ctx.live_count == 0)
