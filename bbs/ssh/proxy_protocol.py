"""The PROXY protocol (v1 and v2) in front of asyncssh: the real client behind a load balancer.

Only connections from `proxy_protocol_from` may (and must) begin with a PROXY header;
anyone else who sends one is refused, so no client can claim another's address. The
header is read before asyncssh sees a byte: asyncssh's `create_server` accepts a
`tunnel`, an object whose `create_server(session_factory, host, port)` makes the
listener; ours is a plain asyncio server whose protocol reads the header (parsed by
the `proxy-protocol` library), then hands the socket to the SSH connection the
factory makes, with the client's real address as its `peername` (which is what the
auth, bans, penalties and last callers read). From other networks the SSH connection
starts at once (its banner is not held back) and only the first bytes are checked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Callable, Iterable
from typing import Any

from proxyprotocol import ProxyProtocolChecksumError, ProxyProtocolSyntaxError
from proxyprotocol.result import ProxyResult
from proxyprotocol.v1 import ProxyProtocolV1
from proxyprotocol.v2 import ProxyProtocolV2

log = logging.getLogger(__name__)

V1_SIGNATURE = b"PROXY "
V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
V1_MAX = 107
"""The longest v1 line the specification allows, CRLF included."""
HEADER_TIMEOUT_S = 5.0
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = tuple[str, int]


class NotProxy(ValueError):
    """The bytes cannot begin a PROXY header."""


class ProxySettingError(ValueError):
    """`proxy_protocol_from` holds something that is not a network."""


def parse_networks(text: str) -> list[Network]:
    """'10.0.0.0/8, 192.168.1.5' -> networks; a clear ValueError for anything else."""
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError as error:
                raise ProxySettingError(f"proxy_protocol_from: {error}") from None
    return networks


def trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def could_be_header(data: bytes) -> bool:
    """Whether `data` starts like a PROXY header (v1 or v2), as far as it goes."""
    return any(sig.startswith(data[: len(sig)]) for sig in (V1_SIGNATURE, V2_SIGNATURE))


def parse_header(data: bytes) -> tuple[ProxyResult, int] | None:
    """(result, bytes the header took) once `data` holds a whole header; None: read more.

    Raises NotProxy, or the library's errors for a header that is malformed.
    """
    if not could_be_header(data):
        raise NotProxy("no PROXY header")
    if data.startswith(V1_SIGNATURE):
        end = data.find(b"\r\n", 0, V1_MAX)
        if end < 0:
            if len(data) >= V1_MAX:
                raise ProxyProtocolSyntaxError("PROXY v1 line too long")
            return None
        return ProxyProtocolV1().unpack(data[: end + 2]), end + 2
    if len(data) < 16:
        return None
    used = 16 + int.from_bytes(data[14:16], "big")
    if len(data) < used:
        return None
    return ProxyProtocolV2().unpack(data[:used]), used


def source_of(result: ProxyResult, proxy: Address) -> Address:
    """The client's address from a header; the proxy's own for LOCAL and UNKNOWN (health checks)."""
    if result.proxied:
        source = result.source
        if isinstance(source, tuple):
            return str(source[0]), int(source[1])
    return proxy


SessionFactory = Callable[[str, int], Any]


class ProxyListener:
    """asyncssh's `tunnel` for `create_server`: a listener that reads PROXY headers first."""

    def __init__(self, networks: list[Network], *, reuse_port: bool = False) -> None:
        self.networks = networks
        self.reuse_port = reuse_port

    async def create_server(
        self, session_factory: SessionFactory, host: str, port: int
    ) -> asyncio.AbstractServer:
        loop = asyncio.get_running_loop()
        return await loop.create_server(
            lambda: ProxyGate(session_factory, self.networks),
            host,
            port,
            reuse_port=self.reuse_port,
            reuse_address=True,
        )


class ProxyGate(asyncio.Protocol):
    """One accepted connection until the SSH connection takes it over."""

    def __init__(self, session_factory: SessionFactory, networks: list[Network]) -> None:
        self.session_factory = session_factory
        self.networks = networks
        self.transport: asyncio.Transport | None = None
        self.peer: Address = ("?", 0)
        self.buffer = b""
        self.conn: Any = None  # the SSH connection, once made
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername") or ("?", 0)
        self.peer = (str(peer[0]), int(peer[1]))
        if trusted(self.peer[0], self.networks):
            self.timer = asyncio.get_running_loop().call_later(HEADER_TIMEOUT_S, self._too_slow)
        else:  # SSH starts now; data_received checks the first bytes
            self.conn = self._ssh(self.peer)
            self.conn.connection_made(transport)

    def _ssh(self, peer: Address) -> Any:
        conn = self.session_factory(*peer)
        conn.set_extra_info(peername=peer, proxy_peername=self.peer)
        return conn

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.conn is not None:
            self._check_direct()
        else:
            self._read_header()

    def _check_direct(self) -> None:
        """A connection from elsewhere: refused if it starts like a PROXY header."""
        data = self.buffer
        header = data.startswith(V1_SIGNATURE) or data.startswith(V2_SIGNATURE)
        if not header and could_be_header(data):
            return  # too short to tell yet
        if header:
            self._refuse("a PROXY header from an address not in proxy_protocol_from")
            return
        self._hand_over(self.buffer)

    def _read_header(self) -> None:
        try:
            parsed = parse_header(self.buffer)
        except NotProxy:
            self._refuse("no PROXY header from a proxy_protocol_from address")
            return
        except (ProxyProtocolSyntaxError, ProxyProtocolChecksumError, ValueError) as error:
            self._refuse(f"a malformed PROXY header ({error})")
            return
        if parsed is None:
            return
        result, used = parsed
        if self.timer is not None:
            self.timer.cancel()
        assert self.transport is not None
        self.conn = self._ssh(source_of(result, self.peer))
        self.conn.connection_made(self.transport)
        self._hand_over(self.buffer[used:])

    def _hand_over(self, rest: bytes) -> None:
        assert self.transport is not None
        self.buffer = b""
        self.transport.set_protocol(self.conn)
        if rest:
            self.conn.data_received(rest)

    def _too_slow(self) -> None:
        self._refuse("no PROXY header in time")

    def _refuse(self, why: str) -> None:
        log.warning("connection from %s refused: %s", self.peer[0], why)
        if self.timer is not None:
            self.timer.cancel()
        if self.transport is not None:
            self.transport.abort()

    # until the SSH connection takes the transport over, pass its events on ----------
    def eof_received(self) -> bool | None:
        if self.conn is not None:
            return self.conn.eof_received()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.conn is not None:
            self.conn.connection_lost(exc)

    def pause_writing(self) -> None:
        if self.conn is not None:
            self.conn.pause_writing()

    def resume_writing(self) -> None:
        if self.conn is not None:
            self.conn.resume_writing()
