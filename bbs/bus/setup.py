"""Which transport a process uses, and its name on the bus: from the settings."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

from bbs.bus.host import BusHost
from bbs.bus.interest import Interest
from bbs.bus.transport import Transport
from bbs.config import Config
from bbs.forum import Forum
from bbs.presence import Presence

NATS_SCHEMES = ("nats://", "tls://")


class BusSettingError(ValueError):
    """`bus` names nothing this server can use; the message says what it takes."""


def check_bus(bus: str) -> None:
    """Refuse a `bus` setting that is neither empty (the embedded relay) nor NATS URLs."""
    servers = [s.strip() for s in bus.split(",") if s.strip()]
    if bus.strip() and not all(s.startswith(NATS_SCHEMES) for s in servers):
        raise BusSettingError(
            f"bus = {bus!r}: give nats://HOST:PORT (several, comma-separated, for a "
            "cluster), or nothing for the embedded relay between the workers of one host."
        )


def host_id(config: Config, worker: int) -> str:
    """This process's name on the bus: the host's (`host_id`, else the machine's), worker, pid."""
    base = config.host_id or socket.gethostname() or "host"
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", base).strip("-")[:40] or "host"
    return f"{base}-w{worker}-{os.getpid()}"


def make_transport(config: Config, *, name: str, relay_path: Path | None) -> Transport | None:
    """NATS when `bus` is set; the relay when there is a broker; else none (one process)."""
    if config.bus.strip():
        from bbs.bus.nats import NatsTransport

        return NatsTransport(config.bus, name=name, ping_interval_s=config.bus_heartbeat_s)
    if relay_path is not None:
        from bbs.bus.relay import RelayTransport

        return RelayTransport(relay_path, name)
    return None


def make_bus_host(
    config: Config, forum: Forum, presence: Presence, *, worker: int, relay_path: Path | None
) -> BusHost | None:
    """This process's BusHost (not started), or None when it is alone."""
    name = host_id(config, worker)
    transport = make_transport(config, name=name, relay_path=relay_path)
    if transport is None:
        return None
    return BusHost(
        forum.bus,
        presence,
        transport,
        host_id=name,
        heartbeat_s=config.bus_heartbeat_s,
        timeout_s=config.bus_host_timeout_s,
        interest=Interest(forum),
    )
