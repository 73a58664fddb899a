"""One worker of the SSH server: asyncssh listener options, its services, `run_worker`."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import signal
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncssh

from bbs.bootstrap import open_forum
from bbs.bus.setup import make_bus_host
from bbs.config import Config
from bbs.presence import Presence
from bbs.ssh import accept, log_repeats
from bbs.ssh.connection import Connection
from bbs.ssh.context import AppFactory, RegisterFactory, ServerContext, TerminalDrivers
from bbs.ssh.fairness import KEYS
from bbs.ssh.hostkey import load_host_key
from bbs.ssh.limits import raise_open_file_limit
from bbs.ssh.proxy_protocol import ProxyListener, parse_networks

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Factories:
    """Where the apps come from: given by bbs.cli (or a test), so the core never imports screens.

    `drivers` runs them over a terminal (the UI's, `screens.engine.ssh_driver.SSH_DRIVERS`).
    """

    app: AppFactory
    register: RegisterFactory | None = None
    drivers: TerminalDrivers = field(kw_only=True)


class FreshContextExecutor(ThreadPoolExecutor):
    """The loop's default executor, running each job in a context of its own.

    Textual's thread workers set a context variable in the executor thread's own
    context and never reset it, so each pool thread would keep its last app alive
    after the session ended; a fresh context per job lets the app be freed.
    """

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        run: Callable[..., T] = contextvars.Context().run
        return super().submit(run, fn, *args, **kwargs)


def install_executor(loop: asyncio.AbstractEventLoop) -> None:
    """Give the loop a FreshContextExecutor (once)."""
    if not getattr(loop, "_bbs_executor", False):
        loop.set_default_executor(FreshContextExecutor(thread_name_prefix="bbs"))
        loop._bbs_executor = True  # type: ignore[attr-defined]


# Modern algorithms only (ssh-audit reports no failure): asyncssh's defaults also offer
# NIST-curve key exchange, 1024-bit group exchange, group14-sha1 and hmac-sha1.
# curve25519 first: the client's own order picks the algorithm (an OpenSSH that prefers
# mlkem768x25519 still gets it), the server's first one only judges a client's guessed
# first packet. Dropbear guesses and, as RFC 4253 says, counts its guess wrong unless both
# lists start alike; asyncssh counts it right when the client's first one is chosen. With
# mlkem768x25519 first, dbclient sent its key exchange twice and asyncssh hung up on it.
KEX_ALGS = [
    "curve25519-sha256",
    "mlkem768x25519-sha256",
    "curve25519-sha256@libssh.org",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
]
# No chacha20-poly1305: the client picks the first of its own list that the server
# offers (every OpenSSH picks chacha20 first), and asyncssh does chacha20-poly1305 in
# Python around three cryptography calls: 38 us a packet, against 6.4 us for AES-GCM
# (one call). Every key and every frame of every session is a packet each way.
ENCRYPTION_ALGS = [
    "aes256-gcm@openssh.com",
    "aes128-gcm@openssh.com",
    "aes256-ctr",
    "aes192-ctr",
    "aes128-ctr",
]
# Encrypt-then-MAC first; the encrypt-and-MAC SHA-2 MACs after them only because Dropbear's
# dbclient (routers, OpenWrt, small systems) offers nothing else with its aes-ctr ciphers
# ("No matching algo mac c->s"). ssh-audit warns about them and fails none: a client that
# can do better picks an -etm MAC or AES-GCM (no MAC at all) first.
MAC_ALGS = [
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "umac-128-etm@openssh.com",
    "hmac-sha2-256",
    "hmac-sha2-512",
]


async def start_listener(
    ctx: ServerContext,
    host_key: asyncssh.SSHKey,
    *,
    host: str,
    port: int,
    reuse_port: bool = False,
) -> asyncssh.SSHAcceptor:
    """Listen for SSH on host:port for this worker; returns the acceptor (close() to stop)."""
    c = ctx.config
    loop = asyncio.get_running_loop()
    install_executor(loop)
    accept.install(loop)
    ctx.drivers.install()
    ctx.limits.start()
    proxies = parse_networks(c.proxy_protocol_from)
    # Behind a load balancer the listener reads each PROXY header before asyncssh starts.
    tunnel = ProxyListener(proxies, reuse_port=reuse_port) if proxies else ()
    return await asyncssh.create_server(
        lambda: Connection(ctx),
        host,
        port,
        tunnel=tunnel,
        server_host_keys=[host_key],
        kex_algs=KEX_ALGS,
        encryption_algs=ENCRYPTION_ALGS,
        mac_algs=MAC_ALGS,
        encoding=None,
        line_editor=False,
        allow_pty=True,
        agent_forwarding=False,
        x11_forwarding=False,
        sftp_factory=None,
        allow_scp=False,
        login_timeout=c.login_grace_s,
        keepalive_interval=c.keepalive_interval_s,
        keepalive_count_max=c.keepalive_count_max,
        reuse_port=reuse_port,
        reuse_address=True,
    )


def listening_port(acceptor: asyncssh.SSHAcceptor) -> int:
    """The port actually bound (useful with port 0)."""
    return int(acceptor.sockets[0].getsockname()[1])


def make_context(
    config: Config, factories: Factories, *, empty: bool = False, worker: int = 0
) -> ServerContext:
    """One Forum (with its LiveBus) and one Presence for this worker."""
    forum = open_forum(config, empty=empty)
    return ServerContext(
        config=config,
        forum=forum,
        presence=Presence(forum.bus),
        app_factory=factories.app,
        register_factory=factories.register,
        drivers=factories.drivers,
        worker=worker,
    )


async def run_worker(
    config: Config,
    factories: Factories,
    *,
    empty: bool = False,
    worker: int = 0,
    relay_path: Path | None = None,
    reuse_port: bool = False,
    ready: asyncio.Event | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM: this is one worker process (or the whole server)."""
    log_repeats.install()
    log.info("open-file limit %d", raise_open_file_limit())
    ctx = make_context(config, factories, empty=empty, worker=worker)
    ctx.forum.bus.hold_for_input = KEYS.busy  # what a person typed before what others said
    host_key = load_host_key(config.data_dir, config.host_key)
    bus_host = make_bus_host(config, ctx.forum, ctx.presence, worker=worker, relay_path=relay_path)
    if bus_host is not None:  # on the bus before the first person can arrive
        await bus_host.start()
    acceptor = await start_listener(
        ctx, host_key, host=config.host, port=config.port, reuse_port=reuse_port
    )
    log.info("worker %d listening on %s:%d", worker, config.host, listening_port(acceptor))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
    finally:
        await shutdown(ctx, acceptor)
        if bus_host is not None:
            await bus_host.stop()
        ctx.forum.close()


async def shutdown(ctx: ServerContext, acceptor: asyncssh.SSHAcceptor) -> None:
    """Stop listening, end every app politely, close connections."""
    acceptor.close()
    for live in list(ctx.sessions.values()):
        if live.app is not None:
            try:
                live.app.exit()
            except Exception:  # ours: the others still end, and the listener closes
                log.exception("session %s could not be ended politely", live.id)
    for _ in range(50):
        if not ctx.sessions:
            break
        await asyncio.sleep(0.05)
    await ctx.idle.stop()
    ctx.collector.stop()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(acceptor.wait_closed(), 2)
    await ctx.limits.stop()
    ctx.limits.store.close()


def connect_hint(config: Config) -> str:
    """The exact command people run to come in."""
    host = config.host if config.host not in ("0.0.0.0", "::", "") else "localhost"
    port = "" if config.port == 22 else f"-p {config.port} "
    return f"ssh {port}guest@{host}    (or ssh {port}YOURNAME@{host} with your key to sign up)"
