"""Abuse is throttled: 3 failed attempts end a connection, failing addresses are penalised
for a growing time, and the sysop's bans on an address, a name or a key hold."""

from __future__ import annotations

from pathlib import Path

import asyncssh
import pytest

from bbs.config import Config
from bbs.models import Role
from tests.ssh_support import make_key, running_server, seed_small, wait_until
from tests.test_ssh_e2e import FACTORIES

REFUSED = (asyncssh.DisconnectError, asyncssh.PermissionDenied, ConnectionError, OSError)


async def try_password(port: int, username: str, password: str) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        username=username,
        password=password,
        known_hosts=None,
        agent_path=None,
        client_keys=[],
        preferred_auth=["password"],
    )


async def test_failed_passwords_earn_a_growing_penalty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_server(tmp_path, FACTORIES, penalty_exempt="") as (ctx, port):
        seed_small(ctx)
        with pytest.raises(REFUSED):
            await try_password(port, "bob", "wrong")
        penalties = ctx.limits.penalties
        await wait_until(lambda: penalties.penalised_for("127.0.0.1") > 0)  # as it closes
        standing = penalties.penalised_for("127.0.0.1")
        assert 4 < standing <= 5  # one step (authfail 5 s) for one failed connection
        with pytest.raises(REFUSED) as refused:  # refused before anything is tried
            await try_password(port, "bob", "right-or-not")
        assert "Too many failed sign-ins from your address" in str(refused.value)
        assert "Too many failed sign-ins" in caplog.text
        assert penalties.sources == 1


async def sign_in(
    port: int, username: str, key: asyncssh.SSHKey | None = None
) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        username=username,
        client_keys=[key] if key else [],
        known_hosts=None,
        agent_path=None,
    )


class Guesser(asyncssh.SSHClient):
    """A client that keeps guessing passwords for as long as the server lets it."""

    guesses = 0

    def password_auth_requested(self) -> str:
        Guesser.guesses += 1
        return f"guess-{Guesser.guesses}"


async def test_three_failed_attempts_end_the_connection(tmp_path: Path) -> None:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        Guesser.guesses = 0
        with pytest.raises(REFUSED):
            await asyncssh.connect(
                "127.0.0.1",
                port,
                username="bob",
                client_factory=Guesser,
                known_hosts=None,
                agent_path=None,
                client_keys=[],
                preferred_auth=["password"],
            )
        assert Guesser.guesses == 3


async def test_no_address_is_exempt_by_default_not_even_loopback(tmp_path: Path) -> None:
    """Behind a local proxy every client comes from loopback: exempting it exempts everyone."""
    assert Config().penalty_exempt == ""
    async with running_server(tmp_path, FACTORIES, penalty_exempt=Config().penalty_exempt) as (
        ctx,
        port,
    ):
        seed_small(ctx)
        with pytest.raises(REFUSED):
            await try_password(port, "bob", "wrong")
        await wait_until(lambda: ctx.limits.penalties.penalised_for("127.0.0.1") > 0)
        with pytest.raises(REFUSED, match="Too many failed sign-ins"):
            await try_password(port, "bob", "again")


async def test_a_person_whose_agent_offers_wrong_keys_first_is_not_penalised(
    tmp_path: Path,
) -> None:
    """OpenSSH's authfail: a connection that signs in in the end earns no penalty."""
    async with running_server(tmp_path, FACTORIES, penalty_exempt="") as (ctx, port):
        seed_small(ctx)
        key = make_key(ctx.forum, "bob")
        for _ in range(2):
            conn = await asyncssh.connect(
                "127.0.0.1",
                port,
                username="bob",
                client_keys=[make_key(), key],
                known_hosts=None,
                agent_path=None,
            )
            conn.close()
            await conn.wait_closed()
        assert ctx.limits.penalties.penalised_for("127.0.0.1") == 0


async def test_sysop_bans_an_address_a_name_and_a_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        forum = ctx.forum
        sysop = forum.register("root-op", "Sysop", role=Role.SYSOP)
        key = make_key(forum, "bob")
        conn = await sign_in(port, "bob", key)
        conn.close()
        forum.sysop_ban(sysop, "key", key.get_fingerprint("sha256"), "stolen key")
        with pytest.raises(REFUSED):
            await sign_in(port, "bob", key)
        forum.sysop_ban(sysop, "key", key.get_fingerprint("sha256"), banned=False)
        forum.sysop_ban(sysop, "name", "bob", "spam")
        with pytest.raises(REFUSED):
            await sign_in(port, "bob", key)
        forum.sysop_ban(sysop, "address", "127.0.0.1", "flood")
        with pytest.raises(REFUSED):
            await sign_in(port, "guest")
        assert "refused: banned address" in caplog.text
