"""`bbs serve`: one worker in this process, or a supervisor that runs N workers on one port
(and the relay broker).

With the embedded bus the supervisor runs the relay's broker for its workers; with
`--bus nats://...` each worker talks to NATS itself and there is no broker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import shutil
import signal
import tempfile
import time
from multiprocessing.process import BaseProcess
from pathlib import Path

from bbs.bootstrap import open_forum
from bbs.bus.relay import Broker
from bbs.bus.setup import check_bus
from bbs.config import Config
from bbs.ssh.gc_tuning import tune_gc
from bbs.ssh.hostkey import load_host_key
from bbs.ssh.proxy_protocol import parse_networks
from bbs.ssh.server import Factories, run_worker
from bbs.store.backends import open_limits

log = logging.getLogger(__name__)

RESTART_BACKOFF_S = (0.5, 1, 2, 5, 10)


def relay_path(data_dir: Path) -> Path:
    """The broker's unix socket: in the data dir, unless that path is too long for a socket."""
    path = Path(data_dir).resolve() / "relay.sock"
    if len(str(path)) < 100:
        return path
    return Path(tempfile.mkdtemp(prefix="bbs-relay-")) / "relay.sock"


def _worker_main(config: Config, factories: Factories, index: int, relay: Path | None) -> None:
    """Entry point of one worker process (spawned: a fresh interpreter)."""
    logging.basicConfig(
        level=logging.INFO, format=f"%(asctime)s %(levelname)s w{index} %(name)s: %(message)s"
    )
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    tune_gc()
    asyncio.run(run_worker(config, factories, worker=index, relay_path=relay, reuse_port=True))


class Supervisor:
    """Starts the workers, restarts one that dies, stops them all on SIGINT/SIGTERM."""

    def __init__(self, config: Config, factories: Factories) -> None:
        self.config = config
        self.factories = factories
        self.relay = None if config.bus.strip() else relay_path(config.data_dir)
        self.context = multiprocessing.get_context("spawn")
        self.procs: dict[int, BaseProcess] = {}
        self.restarts: dict[int, int] = {}
        self.stopping = asyncio.Event()

    def _spawn(self, index: int) -> None:
        proc = self.context.Process(
            target=_worker_main,
            args=(self.config, self.factories, index, self.relay),
            name=f"bbs-worker-{index}",
            daemon=False,
        )
        proc.start()
        self.procs[index] = proc
        log.info("worker %d started (pid %s)", index, proc.pid)

    async def run(self) -> None:
        broker = Broker(self.relay) if self.relay is not None else None
        if broker is not None:
            await broker.start()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stopping.set)
        for index in range(self.config.workers):
            self._spawn(index)
        try:
            while not self.stopping.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), 1.0)
                self._restart_dead()
        finally:
            await self._stop_all()
            if broker is not None:
                await broker.stop()
            if self.relay is not None and self.relay.parent != Path(self.config.data_dir).resolve():
                shutil.rmtree(self.relay.parent, ignore_errors=True)  # relay_path's own temp dir

    def _restart_dead(self) -> None:
        for index, proc in list(self.procs.items()):
            if proc.is_alive() or self.stopping.is_set():
                continue
            count = self.restarts.get(index, 0)
            delay = RESTART_BACKOFF_S[min(count, len(RESTART_BACKOFF_S) - 1)]
            log.error("worker %d exited with %s; restarting in %s s", index, proc.exitcode, delay)
            self.restarts[index] = count + 1
            time.sleep(delay)
            self._spawn(index)

    async def _stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.is_alive():
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in self.procs.values():
            while proc.is_alive() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            if proc.is_alive():
                proc.kill()
            proc.join(1)


def supervise(config: Config, factories: Factories) -> None:
    """Run the supervisor until SIGINT/SIGTERM."""
    asyncio.run(Supervisor(config, factories).run())


def serve(config: Config, factories: Factories, *, empty: bool = False) -> None:
    """`bbs serve`: one process, or a supervisor with N workers sharing the port."""
    check_bus(config.bus)
    parse_networks(config.proxy_protocol_from)  # a typo stops the server here, in words
    open_forum(config, empty=empty).close()  # seed once, before any worker starts
    load_host_key(config.data_dir, config.host_key)
    open_limits(config, "serve").close()  # made once, too
    if config.workers <= 1:
        asyncio.run(run_worker(config, factories, empty=empty))
        return
    supervise(config, factories)
