"""SSH limits: auth attempts, sessions per person, idle timeout, unauthenticated caps."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import asyncssh
import pytest

from bbs.ssh.hostkey import HostKeyError, load_or_create_host_key
from bbs.store.limits import Cap, LimitsStore
from tests.ssh_support import connect, make_key, running_server, seed_small, wait_until
from tests.test_ssh_e2e import FACTORIES


async def test_three_failed_auth_attempts_end_the_connection(tmp_path: Path) -> None:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        ctx.forum.set_password(ctx.forum.person("bob"), "correct horse")
        with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError)):
            await asyncssh.connect(
                "127.0.0.1",
                port,
                username="bob",
                known_hosts=None,
                agent_path=None,
                client_keys=[make_key(), make_key(), make_key(), make_key()],
                password="wrong",
                preferred_auth="publickey,password",
            )
        ok = await connect(port, "bob", password="correct horse")
        await ok.wait_for("welcome, Bob")
        await ok.close()


async def test_sessions_per_person_are_capped_politely(tmp_path: Path) -> None:
    async with running_server(tmp_path, FACTORIES, max_sessions_per_person=1) as (ctx, port):
        seed_small(ctx)
        key = make_key(ctx.forum, "bob")
        first = await connect(port, "bob", key=key)
        await first.wait_for("welcome, Bob")
        second = await connect(port, "bob", key=key)
        await second.wait_for("already have 1 session")
        await asyncio.wait_for(second.client.closed.wait(), 5)
        await first.close()


async def test_idle_person_is_warned_then_disconnected(tmp_path: Path) -> None:
    async with running_server(tmp_path, FACTORIES, idle_timeout_s=2.5, idle_warning_s=1.5) as (
        ctx,
        port,
    ):
        seed_small(ctx)
        bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
        await bob.wait_for("welcome, Bob")
        await bob.wait_for("Still there?", timeout=5)
        await asyncio.wait_for(bob.client.closed.wait(), 5)
        assert "no key pressed" in bob.text
        await wait_until(lambda: ctx.live_count == 0)


def test_unauthenticated_connections_are_capped_per_address(tmp_path: Path) -> None:
    store = LimitsStore(tmp_path / "limits.db", "w1")
    cap = Cap(per_key=2, total=3)
    assert store.take_lease("u", "a", "h1", cap) is None
    assert store.take_lease("u", "a", "h2", cap) is None
    assert store.take_lease("u", "a", "h3", cap) == "key"
    assert store.take_lease("u", "b", "h4", cap) is None
    assert store.take_lease("u", "c", "h5", cap) == "total"
    store.release("h1")
    assert store.take_lease("u", "c", "h5", cap) is None
    store.close()


async def test_too_many_unauthenticated_connections_are_refused(tmp_path: Path) -> None:
    async with running_server(tmp_path, FACTORIES, max_unauthenticated_per_address=1) as (
        ctx,
        port,
    ):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)  # never authenticates
        await reader.readline()
        await wait_until(lambda: ctx.limits.pending == 1)
        with pytest.raises((asyncssh.DisconnectError, ConnectionError, OSError)):
            await asyncssh.connect(
                "127.0.0.1",
                port,
                username="guest",
                known_hosts=None,
                agent_path=None,
                client_keys=[],
            )
        writer.close()
        await wait_until(lambda: ctx.limits.pending == 0)
        guest = await connect(port, "guest")
        await guest.wait_for("Guest")
        await guest.close()


def test_host_key_is_made_once_owner_only_and_unreadable_refuses(tmp_path: Path) -> None:
    key = load_or_create_host_key(tmp_path)
    path = tmp_path / "ssh_host_ed25519_key"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_or_create_host_key(tmp_path).export_public_key() == key.export_public_key()
    path.write_text("not a key")
    with pytest.raises(HostKeyError, match="Cannot read the host key"):
        load_or_create_host_key(tmp_path)
    if os.geteuid() != 0:
        path.chmod(0)
        with pytest.raises(HostKeyError):
            load_or_create_host_key(tmp_path)
