"""`make run`: the web reader and the SSH server, each its own process, stopped together.

The web reader starts first and opens the data dir (seeding the demo on a first
start, as `bbs serve` would); the SSH server starts once the web reader says where
it listens, so the two never seed one fresh data dir at the same moment. Ctrl+C,
SIGTERM, or either one ending stops both.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from bbs.web.server import READY


def _bbs() -> str:
    beside = Path(sys.executable).with_name("bbs")
    return str(beside) if beside.exists() else shutil.which("bbs") or "bbs"


def _copy(source: IO[str]) -> None:
    for line in source:
        print(line, end="", flush=True)


def _stop(*processes: subprocess.Popen[str]) -> None:
    """SIGTERM whatever still runs, then wait (SIGKILL after 10 s)."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    """Start both; return when either ends (the other is stopped)."""
    signal.signal(signal.SIGTERM, _terminated)
    web = subprocess.Popen([_bbs(), "web"], stdout=subprocess.PIPE, text=True)
    processes = [web]
    try:
        assert web.stdout is not None
        line = web.stdout.readline()
        print(line, end="", flush=True)
        if not line.startswith(READY):
            return web.wait() or 1
        threading.Thread(target=_copy, args=(web.stdout,), daemon=True).start()
        processes.append(subprocess.Popen([_bbs(), "serve"], text=True))
        _, status = os.wait()  # the first of the two to end
        return os.waitstatus_to_exitcode(status)
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(*processes)


if __name__ == "__main__":
    sys.exit(main())
