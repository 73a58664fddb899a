"""How to come in over ssh, as the exact commands for this board's host and port."""

from __future__ import annotations

from dataclasses import dataclass

from bbs.config import Config

WILDCARDS = ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class JoinHelp:
    """The ssh commands every page shows (people copy them as they are)."""

    host: str
    port: int

    def ssh(self, user: str, command: str = "", *, tty: bool = False) -> str:
        port = ("-t " if tty else "") + ("" if self.port == 22 else f"-p {self.port} ")
        return f"ssh {port}{user}@{self.host}" + (f" {command}" if command else "")

    @property
    def guest(self) -> str:
        return self.ssh("guest")

    @property
    def sign_up(self) -> str:
        return self.ssh("yourname")

    @property
    def plain(self) -> str:
        """The line-by-line interface (a screen reader, TERM=dumb): a pty, the `plain` command."""
        return self.ssh("yourname", "plain", tty=True)

    def join(self, slug: str, invite: bool = False) -> str:
        code = " --code CODE" if invite else ""
        return self.ssh("yourname", f"join {slug} --accept-rules{code}")

    def read(self, slug: str, thread_id: int) -> str:
        return self.ssh("guest", f"thread {slug}/{thread_id}")


def join_help(config: Config, web_host: str | None) -> JoinHelp:
    """The ssh server's public name: `public_host`, else the address it listens on, else
    (listening everywhere) the name this page was reached by."""
    host = config.public_host or config.host
    if host in WILDCARDS:
        host = web_host or "localhost"
    return JoinHelp(host=host, port=config.port)
