"""Password timing tells nothing: not which names exist, nor which have a password."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import asyncssh
import pytest

from tests.ssh_support import running_server, seed_small
from tests.test_ssh_e2e import FACTORIES

ROUNDS = 5  # connections per kind of name, in turns (load falls on every kind alike)
KINDS = {"unknown name": "nobody-here", "no password": "ada", "wrong password": "bob"}


class Timer(asyncssh.SSHClient):
    """Guesses a password at every prompt and notes when each prompt came."""

    def __init__(self) -> None:
        self.prompts: list[float] = []

    def password_auth_requested(self) -> str:
        self.prompts.append(time.perf_counter())
        return f"guess {len(self.prompts)}"


async def answer_times(port: int, username: str) -> list[float]:
    """Seconds from each wrong password to the next prompt (one connection): the server's work."""
    timer = Timer()
    with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError)):
        await asyncssh.connect(
            "127.0.0.1",
            port,
            username=username,
            client_factory=lambda: timer,
            known_hosts=None,
            agent_path=None,
            client_keys=[],
            preferred_auth=["password"],
        )
    return [b - a for a, b in zip(timer.prompts, timer.prompts[1:], strict=False)]


async def test_unknown_names_names_without_a_password_and_wrong_passwords_take_as_long(
    tmp_path: Path,
) -> None:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        ctx.forum.set_password(ctx.forum.person("bob"), "correct horse battery")
        await answer_times(port, "warm-up")  # the first check also makes the stand-in hash
        times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _ in range(ROUNDS):
            for kind, name in KINDS.items():
                times[kind] += await answer_times(port, name)
        medians = {kind: statistics.median(found) for kind, found in times.items()}
    print(
        "\npassword answer medians: "
        + ", ".join(f"{kind} {s * 1000:.1f} ms" for kind, s in medians.items()),
        file=sys.__stderr__,
    )
    assert max(medians.values()) < 1.8 * min(medians.values()), medians
