"""Which store a forum runs on, from its `store` setting: SQLite files in the data dir
(the default: nothing to install), or a PostgreSQL database (`postgresql://...`) that
every host shares. Both give the same stores (`bbs.store.interface`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bbs.config import Config
from bbs.store.community import CommunityStore
from bbs.store.db import OpenFiles
from bbs.store.errors import StoreError
from bbs.store.hub import HubStore
from bbs.store.interface import CommunityBackend, HubBackend, LimitsBackend
from bbs.store.limits import LimitsStore

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(store: str) -> bool:
    """Whether a `store` setting names a PostgreSQL database (else the data dir's SQLite)."""
    return store.strip().startswith(POSTGRES_SCHEMES)


class SqliteBackend:
    """hub.db and communities/<slug>.db in the data dir, opened as they are used."""

    name = "sqlite"

    def __init__(self, data_dir: Path, open_files: OpenFiles) -> None:
        self.data_dir = Path(data_dir)
        self.open_files = open_files

    def is_new(self) -> bool:
        """No hub yet: a first start."""
        return not (self.data_dir / "hub.db").exists()

    def hub(self) -> HubBackend:
        return HubStore(self.data_dir / "hub.db")

    def community(self, slug: str) -> CommunityBackend:
        store = CommunityStore(self.community_path(slug))
        self.open_files.adopt(store)
        return store

    def community_path(self, slug: str) -> Path:
        return self.data_dir / "communities" / f"{slug}.db"

    def discard(self, slug: str) -> None:
        """Delete a community's file with its -wal and -shm (its store closed first)."""
        path = self.community_path(slug)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        """Nothing of its own to close: each store closes its file."""


class PostgresBackend:
    """One PostgreSQL database: the `hub` schema and a `c_<slug>` schema per community,
    every store on one pool (`store_pool_size` connections in this process)."""

    name = "postgresql"

    def __init__(self, dsn: str, pool_size: int) -> None:
        try:
            from bbs.store.pg import PgDatabase
        except ImportError as error:  # the `postgresql` extra is not installed
            raise StoreError(
                "The PostgreSQL store needs psycopg 3: pip install 'bbs[postgresql]'"
            ) from error
        self.database = PgDatabase(dsn, pool_size)

    def is_new(self) -> bool:
        from bbs.store.pg import HUB_SCHEMA
        from bbs.store.pg_schema import applied

        return not applied(self.database, HUB_SCHEMA)

    def hub(self) -> HubBackend:
        from bbs.store.pg_hub import PgHubStore

        return PgHubStore(self.database)

    def community(self, slug: str) -> CommunityBackend:
        from bbs.store.pg_community import PgCommunityStore

        return PgCommunityStore(self.database, slug)

    def discard(self, slug: str) -> None:
        """Drop a community's schema (inside this thread's transaction, if it is in one)."""
        from psycopg import sql

        from bbs.store.pg import community_schema

        drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
        with self.database.connection() as conn:
            conn.execute(drop.format(sql.Identifier(community_schema(slug))))

    def close(self) -> None:
        self.database.close()


Backend = SqliteBackend | PostgresBackend


def open_backend(config: Config, data_dir: Path, open_files: OpenFiles) -> Backend:
    """The forum's stores as `config.store` says: SQLite in `data_dir`, or PostgreSQL."""
    if is_postgres(config.store):
        return PostgresBackend(config.store.strip(), config.store_pool_size)
    if config.store.strip():
        raise StoreError(
            f"store = {config.store!r}: leave it empty for SQLite in the data dir,"
            " or give a postgresql://... address"
        )
    return SqliteBackend(data_dir, open_files)


def open_limits(
    config: Config,
    worker: str,
    ttl_s: float | None = None,
    clock: Callable[[], float] = time.time,
) -> LimitsBackend:
    """The board's shared limits: limits.db in the data dir (the workers of one host), or
    the PostgreSQL store's `limits` schema (every host)."""
    ttl = config.limits_lease_ttl_s if ttl_s is None else ttl_s
    if is_postgres(config.store):
        from bbs.store.pg_limits import PgLimitsStore

        return PgLimitsStore(config.store.strip(), worker, ttl, clock)
    return LimitsStore(config.data_dir / "limits.db", worker, ttl, clock)
