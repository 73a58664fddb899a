"""`bbs serve` as a real process (or a supervisor and its workers) for the tests that need one."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncssh

from bbs.bootstrap import open_forum
from bbs.config import Config
from tests.ssh_support import make_key

BBS = Path(sys.executable).parent / "bbs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed_people(data_dir: Path, *handles: str) -> dict[str, asyncssh.SSHKey]:
    """An empty board with these people on it, each with a key of their own."""
    forum = open_forum(Config(data_dir=data_dir), empty=True)
    try:
        keys = {}
        for handle in handles:
            forum.register(handle, handle.title())
            keys[handle] = make_key(forum, handle)
        return keys
    finally:
        forum.close()


class Served:
    """A running `bbs serve`: its port, its log (stderr) and its process."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.proc, self.port, self.log_path = proc, port, log

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, count: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.log.count(text) < count:
            if self.proc.poll() is not None:
                raise AssertionError(f"bbs serve ended ({self.proc.returncode}):\n{self.log}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} x{count} in the log:\n{self.log[-3000:]}")
            time.sleep(0.1)


@contextlib.contextmanager
def serve(
    data_dir: Path,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    open_files: int | None = None,
) -> Iterator[Served]:
    """Start `bbs serve` on a free loopback port; stop it (and its workers) afterwards.

    `open_files` sets the process's RLIMIT_NOFILE (soft and hard) before it starts.
    """
    port = free_port()
    log = data_dir.parent / f"serve-{port}.log"

    def limit_files() -> None:
        if open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    proc = subprocess.Popen(
        [str(BBS), "serve", "--data-dir", str(data_dir), "--port", str(port)]
        + ["--workers", str(workers), "--empty"],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        env={**os.environ, "BBS_KEEPALIVE_INTERVAL_S": "0", **(env or {})},
        preexec_fn=limit_files,
        start_new_session=True,
    )
    served = Served(proc, port, log)
    try:
        for index in range(workers):
            served.wait_for_log(f"worker {index} listening")
        yield served
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
