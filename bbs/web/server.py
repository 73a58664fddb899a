"""`bbs web`: the web reader in its own process, one uvicorn worker on one socket."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable

import uvicorn

from bbs.bootstrap import open_forum
from bbs.config import Config
from bbs.forum import Forum
from bbs.web.app import make_app

READY = "Read on the web at"
"""The line `bbs web` prints once it listens (make run waits for it)."""


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is announced (so errors come first)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(1024)
    return sock


class WebServer:
    """The forum on `config.data_dir`, read as a guest, served on `config.web_host:web_port`."""

    def __init__(self, config: Config, forum: Forum | None = None) -> None:
        self.sock = listen(config.web_host, config.web_port)
        self.forum = forum or open_forum(config)
        self.server = uvicorn.Server(
            uvicorn.Config(
                make_app(self.forum, config),
                log_level="warning",
                access_log=False,
                proxy_headers=False,
                server_header=False,
                lifespan="off",
            )
        )

    @property
    def address(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    def run(self) -> None:
        """Serve until stopped (Ctrl+C, SIGTERM, or `stop()` from another thread)."""
        try:
            self.server.run(sockets=[self.sock])
        finally:
            with contextlib.suppress(OSError):
                self.sock.close()
            self.forum.close()

    def stop(self) -> None:
        self.server.should_exit = True


def serve(config: Config, *, announce: Callable[[str], object] = print) -> None:
    """`bbs web`: open, say where, serve until stopped."""
    server = WebServer(config)
    announce(f"{READY} {server.address}")
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises Ctrl+C again once stopped
        server.run()
