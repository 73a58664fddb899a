"""The PROXY protocol, v1 and v2, end to end: the real address behind a load balancer.

The "load balancer" connects from 127.0.0.2 (the only trusted network in these tests)
and sends a header naming a client from the documentation ranges; anyone else
connects from 127.0.0.1. Both are loopback addresses the kernel gives every machine.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path

import asyncssh
import pytest
from proxyprotocol.result import ProxyResultIPv4, ProxyResultIPv6, ProxyResultLocal
from proxyprotocol.v2 import ProxyProtocolV2

from bbs.ssh.proxy_protocol import ProxySettingError, parse_networks
from tests.ssh_support import ScreenClient, make_key, running_server, seed_small, wait_until
from tests.test_ssh_e2e import FACTORIES

BALANCER = "127.0.0.2"
ELSEWHERE = "127.0.0.1"
REFUSED = (asyncssh.Error, OSError, asyncio.IncompleteReadError)


def v1(client: str, port: int = 50000) -> bytes:
    family = "TCP6" if ":" in client else "TCP4"
    dest = "::1" if ":" in client else "127.0.0.1"
    return f"PROXY {family} {client} {dest} {port} 2222\r\n".encode()


def v2(client: str, port: int = 50000) -> bytes:
    if ":" in client:
        result: object = ProxyResultIPv6((IPv6Address(client), port), (IPv6Address("::1"), 2222))
    else:
        result = ProxyResultIPv4((IPv4Address(client), port), (IPv4Address("127.0.0.1"), 2222))
    return ProxyProtocolV2().pack(result)  # type: ignore[arg-type]


HEADERS = {"v1": v1, "v2": v2}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(
        tmp_path, FACTORIES, proxy_protocol_from=f"{BALANCER}/32", penalty_exempt=""
    ) as (ctx, port):
        seed_small(ctx)
        yield ctx, port


async def open_via(
    port: int,
    header: bytes | None,
    *,
    source: str = BALANCER,
    key: asyncssh.SSHKey | None = None,
    password: str | None = None,
) -> asyncssh.SSHClientConnection:
    """A TCP connection from `source`, the header sent first, then SSH as bob would."""
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setblocking(False)
    sock.bind((source, 0))
    await loop.sock_connect(sock, ("127.0.0.1", port))
    if header is not None:
        await loop.sock_sendall(sock, header)
    return await asyncio.wait_for(
        asyncssh.connect(
            sock=sock,
            username="bob",
            known_hosts=None,
            agent_path=None,
            client_keys=[key] if key else [],
            password=password,
            preferred_auth="publickey,password",
        ),
        10,
    )


async def signed_in_from(ctx: object, port: int, header: bytes | None, **kw: object) -> str:
    """Sign bob in through `header`; the address the server holds for his session."""
    conn = await open_via(port, header, **kw)  # type: ignore[arg-type]
    try:
        chan, client = await conn.create_session(
            lambda: ScreenClient(80, 24), term_type="xterm", term_size=(80, 24), encoding=None
        )
        await wait_until(lambda: "welcome, Bob" in client.text())
        sessions = list(ctx.sessions.values())  # type: ignore[attr-defined]
        return str(sessions[0].remote)
    finally:
        conn.close()
        await conn.wait_closed()
        await wait_until(lambda: not ctx.sessions)  # type: ignore[attr-defined]


@pytest.mark.parametrize("version", sorted(HEADERS))
@pytest.mark.parametrize("client", ["203.0.113.9", "2001:db8::9"])
async def test_a_header_from_the_balancer_gives_the_real_address(
    server: tuple, version: str, client: str
) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    assert await signed_in_from(ctx, port, HEADERS[version](client), key=key) == client


@pytest.mark.parametrize("version", sorted(HEADERS))
async def test_bans_and_penalties_fall_on_the_real_address_not_the_balancer(
    server: tuple, version: str
) -> None:
    ctx, port = server
    header = HEADERS[version]
    ctx.forum.set_password(ctx.forum.person("bob"), "correct horse")
    with pytest.raises(REFUSED):  # a failed sign-in: a penalty for .20
        await open_via(port, header("203.0.113.20"), password="wrong")
    with pytest.raises(REFUSED):  # .20 is penalised now, whatever the password
        await open_via(port, header("203.0.113.20"), password="correct horse")
    good = {"password": "correct horse"}
    assert await signed_in_from(ctx, port, header("203.0.113.21"), **good) == "203.0.113.21"
    ctx.forum.sysop_ban(ctx.forum.person("ada"), "address", "198.51.100.5", "spam", banned=True)
    with pytest.raises(REFUSED):
        await open_via(port, header("198.51.100.5"), **good)
    assert await signed_in_from(ctx, port, header("198.51.100.6"), **good) == "198.51.100.6"


@pytest.mark.parametrize("version", sorted(HEADERS))
async def test_a_header_from_anywhere_else_is_refused(server: tuple, version: str) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    with pytest.raises(REFUSED):
        await open_via(port, HEADERS[version]("203.0.113.9"), source=ELSEWHERE, key=key)
    assert await signed_in_from(ctx, port, None, source=ELSEWHERE, key=key) == ELSEWHERE


async def test_the_balancer_without_a_header_or_with_a_broken_one_is_refused(
    server: tuple,
) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    for header in (None, b"PROXY TCP4 nonsense\r\n", b"\r\n\r\n\x00\r\nQUIT\n\x99\x11\x00\x0c"):
        with pytest.raises(REFUSED):
            await open_via(port, header, key=key)
    assert ctx.live_count == 0


async def test_a_health_check_header_uses_the_balancers_own_address(server: tuple) -> None:
    """v2 LOCAL (a load balancer's health check): accepted, as coming from the balancer."""
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    local = ProxyProtocolV2().pack(ProxyResultLocal())
    assert await signed_in_from(ctx, port, local, key=key) == BALANCER


def test_trusted_networks_are_checked_when_the_server_starts() -> None:
    assert [str(n) for n in parse_networks("10.0.0.0/8, 192.168.1.5")] == [
        "10.0.0.0/8",
        "192.168.1.5/32",
    ]
    with pytest.raises(ProxySettingError, match="proxy_protocol_from"):
        parse_networks("10.0.0.0/8, the load balancer")
