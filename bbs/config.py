"""Settings: data dir, network, limits; flags beat $BBS_*, which beat DATA_DIR/bbs.toml."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path("data")


@dataclass(frozen=True)
class Config:
    data_dir: Path = DEFAULT_DATA_DIR
    host: str = "127.0.0.1"
    port: int = 2222
    workers: int = 1
    board_name: str = "The Commons BBS"
    # SSH limits
    login_grace_s: float = 30.0
    max_unauthenticated: int = 60  # a hard cap; max_startups drops early below it
    max_startups: str = "10:30:60"  # OpenSSH's MaxStartups start:rate:full
    max_unauthenticated_per_address: int = 10
    penalty_authfail_s: float = 5.0  # OpenSSH's PerSourcePenalties authfail
    penalty_max_s: float = 600.0
    penalty_exempt: str = "127.0.0.0/8,::1/128"  # comma-separated networks
    max_auth_tries: int = 3
    max_sessions_per_person: int = 5
    idle_timeout_s: float = 1800.0
    idle_warning_s: float = 60.0
    keepalive_interval_s: float = 15.0
    keepalive_count_max: int = 3
    max_concurrent_starts: int = 8
    # forum limits
    oneliner_interval_s: float = 60.0
    post_interval_s: float = 10.0
    read_mark_delay_s: float = 0.5
    require_community_approval: bool = False
    # more than one machine: the live bus, this host's name on it, PROXY protocol, host key
    bus: str = ""  # "" = the embedded relay between workers; nats://HOST:PORT[,nats://...]
    host_id: str = ""  # this host's name on the bus ("" = the machine's hostname)
    bus_heartbeat_s: float = 1.0  # each process says it is alive this often
    bus_host_timeout_s: float = 5.0  # a host silent this long has its people dropped
    proxy_protocol_from: str = ""  # networks (comma-separated) whose connections send PROXY
    host_key: str = ""  # one host key file for every host ("" = DATA_DIR's, made on first start)


def _coerce(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Config)}[name]
    if kind == "Path":
        return Path(raw)
    if kind == "bool":
        return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes", "on")
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    return str(raw)


def resolve_data_dir(flag: str | Path | None) -> Path:
    """--data-dir DIR, else $BBS_DATA_DIR, else ./data."""
    if flag:
        return Path(flag)
    env = os.environ.get("BBS_DATA_DIR")
    return Path(env) if env else DEFAULT_DATA_DIR


def load_config(data_dir: str | Path | None = None, **flags: Any) -> Config:
    """Build the config: defaults < DATA_DIR/bbs.toml < $BBS_<NAME> < flags given (not None)."""
    root = resolve_data_dir(data_dir)
    values: dict[str, Any] = {}
    toml_path = root / "bbs.toml"
    if toml_path.exists():
        values.update(tomllib.loads(toml_path.read_text()).get("bbs", {}))
    names = {f.name for f in fields(Config)} - {"data_dir"}
    for name in names:
        env = os.environ.get(f"BBS_{name.upper()}")
        if env is not None:
            values[name] = env
    values.update({k: v for k, v in flags.items() if v is not None})
    unknown = set(values) - names
    if unknown:
        raise ValueError(f"Unknown settings: {', '.join(sorted(unknown))}")
    coerced = {name: _coerce(name, raw) for name, raw in values.items()}
    return replace(Config(data_dir=root), **coerced)
