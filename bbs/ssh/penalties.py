"""Throttling abuse before sign-in, modelled on OpenSSH's MaxStartups and PerSourcePenalties.

asyncssh has neither: these are the pure rules (no sockets), so they can be
tested with a fake clock; `bbs.ssh.auth` consults them for each connection.
"""

from __future__ import annotations

import ipaddress
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MaxStartups:
    """OpenSSH's `MaxStartups start:rate:full` (default 10:30:60).

    Below `start` unauthenticated connections, admit all; from `start`, refuse
    with probability `rate`% rising linearly to 100% at `full`.
    """

    start: int = 10
    rate: int = 30
    full: int = 60

    @classmethod
    def parse(cls, text: str) -> MaxStartups:
        """'10:30:60' (or a single number, meaning a hard cap)."""
        parts = [int(p) for p in text.split(":")]
        if len(parts) == 1:
            return cls(parts[0], 100, parts[0])
        start, rate, full = parts
        if not (0 < start <= full and 0 <= rate <= 100):
            raise ValueError(f"MaxStartups {text!r}: want start:rate:full with start <= full")
        return cls(start, rate, full)

    def refuse(self, unauthenticated: int, roll: Callable[[], float] = random.random) -> bool:
        """Whether a new connection, arriving with this many pending, is dropped."""
        if unauthenticated < self.start:
            return False
        if unauthenticated >= self.full:
            return True
        span = self.full - self.start
        chance = self.rate + (100 - self.rate) * (unauthenticated - self.start) / span
        return roll() * 100 < chance


@dataclass
class PerSourcePenalties:
    """OpenSSH 9.8's PerSourcePenalties: addresses that fail auth are shut out for a while.

    Each failed sign-in adds `authfail_s` to the address's penalty (so it grows
    with repeated failure), capped at `max_s`; an address under penalty is
    refused at connect. Addresses in `exempt` (networks allowed) never are.
    IPv6 addresses are grouped by /64, as OpenSSH does.
    """

    authfail_s: float = 5.0
    max_s: float = 600.0
    exempt: Iterable[str] = ()
    clock: Callable[[], float] = time.monotonic
    _until: dict[str, float] = field(default_factory=dict)
    _networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._networks = [ipaddress.ip_network(n, strict=False) for n in self.exempt]

    def _source(self, address: str) -> str:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return address
        if ip.version == 6:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
        return str(ip)

    def is_exempt(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self._networks)

    def penalised_for(self, address: str) -> float:
        """Seconds left on this address's penalty (0 when it may connect)."""
        if self.is_exempt(address):
            return 0.0
        until = self._until.get(self._source(address), 0.0)
        return max(0.0, until - self.clock())

    def auth_failed(self, address: str) -> float:
        """Record a failed sign-in; returns the penalty now standing against the address."""
        if self.is_exempt(address):
            return 0.0
        source = self._source(address)
        now = self.clock()
        left = max(0.0, self._until.get(source, 0.0) - now)
        self._until[source] = now + min(self.max_s, left + self.authfail_s)
        self._forget_expired(now)
        return self._until[source] - now

    def _forget_expired(self, now: float) -> None:
        if len(self._until) > 10_000:
            for source in [s for s, until in self._until.items() if until <= now]:
                del self._until[source]

    @property
    def sources(self) -> int:
        now = self.clock()
        return sum(1 for until in self._until.values() if until > now)
