"""Throttling abuse before sign-in, modelled on OpenSSH's MaxStartups and PerSourcePenalties.

asyncssh has neither: these are the rules (no sockets); their state is in the shared
limits store (`bbs.store.limits`), so they can be tested on a store with a fake clock.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bbs.store.interface import LimitsBackend


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


def source_of(address: str) -> str:
    """The source an address counts as: itself, or its /64 for IPv6 (as OpenSSH groups them)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def parse_networks(text: str) -> list[str]:
    """'10.0.0.0/8, ::1/128' -> the networks named (an empty list for an empty setting)."""
    return [n.strip() for n in text.split(",") if n.strip()]


class PerSourcePenalties:
    """OpenSSH 9.8's PerSourcePenalties: addresses that fail auth are shut out for a while.

    Each connection that tried to sign in and failed adds `authfail_s` to its address's
    penalty (so it grows with repeated failure), capped at `max_s`; an address under
    penalty is refused at connect. Addresses in `exempt` (networks) never are; the
    default is none, as in OpenSSH. IPv6 addresses are grouped by /64. The penalties
    themselves live in the shared limits store, so every worker enforces the same ones.
    """

    def __init__(
        self,
        store: LimitsBackend,
        authfail_s: float = 5.0,
        max_s: float = 600.0,
        exempt: Iterable[str] = (),
    ) -> None:
        self.store = store
        self.authfail_s = authfail_s
        self.max_s = max_s
        self._networks = [ipaddress.ip_network(n, strict=False) for n in exempt]

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
        return self.store.penalty_for(source_of(address))

    def auth_failed(self, address: str) -> float:
        """Record a failed sign-in; returns the penalty now standing against the address."""
        if self.is_exempt(address):
            return 0.0
        return self.store.add_penalty(source_of(address), self.authfail_s, self.max_s)

    @property
    def sources(self) -> int:
        """How many sources are under a penalty now."""
        return self.store.penalised_sources()
