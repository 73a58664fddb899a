"""The board's shared limits on PostgreSQL: leases and login penalties for every host.

The same named methods as `bbs.store.limits.LimitsStore`, in the `limits` schema. The
state is ephemeral (who is connected now, who failed lately), so its tables are
UNLOGGED: no WAL, and after a crash of the database server they come back empty,
which frees places early or forgets a penalty, nothing more; an older layout is dropped
rather than migrated. A lease is checked and taken in one transaction holding an
advisory lock on its kind, so two hosts racing for the last place cannot both pass.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable

from bbs.store.limits import Cap, LimitReads, refusal
from bbs.store.pg import LIMITS_SCHEMA, PgDatabase, PgStore

LAYOUT = 1
LEASE_LOCKS = 1_000_004
POOL_SIZE = 2  # the SSH side asks from one thread of its own, and refreshes from it too

_TABLES = """
CREATE UNLOGGED TABLE {schema}.leases (kind text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL, holder text COLLATE "C" NOT NULL,
    worker text COLLATE "C" NOT NULL, expires double precision NOT NULL,
    PRIMARY KEY (kind, key, holder));
CREATE INDEX leases_worker ON {schema}.leases(worker);
CREATE INDEX leases_holder ON {schema}.leases(holder);
CREATE UNLOGGED TABLE {schema}.penalties (source text COLLATE "C" PRIMARY KEY,
    until double precision NOT NULL);
CREATE TABLE {schema}.layout (version bigint NOT NULL);
INSERT INTO {schema}.layout VALUES ({layout})
"""
"""The layout, its tables named with their schema (no connection looks in one)."""


class PgLimitsStore(LimitReads):
    """Leases and penalties in the `limits` schema, as seen by one worker (`worker`)."""

    def __init__(
        self,
        dsn: str,
        worker: str,
        ttl_s: float = 15.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database = PgDatabase(dsn, POOL_SIZE, name=f"bbs-limits-{worker}")
        store = PgStore(self.database, LIMITS_SCHEMA)
        self.store = store
        self.worker = worker
        self.ttl_s = ttl_s
        self.clock = clock
        self._create()
        store.forget_tables()  # what it made: the store names them from now on

    def _create(self) -> None:
        with self.store.write():
            self.database.lock(LEASE_LOCKS, 0)
            found = self.store.value(
                "SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = 'layout'",
                (LIMITS_SCHEMA,),
            )
            if found and self.store.value("SELECT max(version) FROM layout") == LAYOUT:
                return
            self.store.execute(f"DROP SCHEMA IF EXISTS {LIMITS_SCHEMA} CASCADE")
            self.store.execute(f"CREATE SCHEMA {LIMITS_SCHEMA}")
            for statement in _TABLES.format(schema=LIMITS_SCHEMA, layout=LAYOUT).split(";\n"):
                if statement.strip():
                    self.store.execute(statement)

    def _lock_kind(self, kind: str) -> None:
        self.database.lock(LEASE_LOCKS, zlib.crc32(kind.encode()) - 2**31)

    # leases -------------------------------------------------------------------
    def take_lease(self, kind: str, key: str, holder: str, cap: Cap) -> str | None:
        """Take one lease of `kind` on `key` for `holder`, checked and taken in one transaction.

        Returns None when taken, else which cap refused: "key", "total" or "early".
        Taking a lease the holder already has succeeds and changes nothing.
        """
        now = self.clock()
        with self.store.write():
            self._lock_kind(kind)
            if self.store.value(
                "SELECT 1 FROM leases WHERE kind = ? AND key = ? AND holder = ? AND expires > ?",
                (kind, key, holder, now),
            ):
                return None
            refused = self._refusal(kind, key, cap, now)
            if refused is None:
                self.store.execute(
                    "INSERT INTO leases(kind, key, holder, worker, expires) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (kind, key, holder) DO UPDATE SET worker = excluded.worker,"
                    " expires = excluded.expires",
                    (kind, key, holder, self.worker, now + self.ttl_s),
                )
            return refused

    def _refusal(self, kind: str, key: str, cap: Cap, now: float) -> str | None:
        def count(where: str = "", *args: object) -> int:
            sql = f"SELECT count(*) FROM leases WHERE kind = ?{where} AND expires > ?"
            return int(self.store.value(sql, (kind, *args, now)))

        return refusal(cap, lambda: count(" AND key = ?", key), count)

    def release(self, holder: str, kind: str | None = None) -> None:
        """Give back the holder's leases (of one kind, or all of them)."""
        if kind is None:
            self.store.execute("DELETE FROM leases WHERE holder = ?", (holder,))
        else:
            self.store.execute("DELETE FROM leases WHERE holder = ? AND kind = ?", (holder, kind))

    def release_worker(self) -> None:
        """This worker is stopping: give back every lease it holds."""
        self.store.execute("DELETE FROM leases WHERE worker = ?", (self.worker,))

    def refresh(self) -> None:
        """Extend every lease of this worker by `ttl_s`; forget what has expired, anyone's."""
        now = self.clock()
        with self.store.write():
            self.store.execute(
                "UPDATE leases SET expires = ? WHERE worker = ?", (now + self.ttl_s, self.worker)
            )
            self.store.execute("DELETE FROM leases WHERE expires <= ?", (now,))
            self.store.execute("DELETE FROM penalties WHERE until <= ?", (now,))

    # penalties ----------------------------------------------------------------
    def add_penalty(self, source: str, add_s: float, max_s: float) -> float:
        """Add `add_s` to the source's standing penalty (at most `max_s`); returns what stands."""
        now = self.clock()
        with self.store.write():
            self._lock_kind(f"penalty {source}")
            found = self.store.value("SELECT until FROM penalties WHERE source = ?", (source,))
            left = max(0.0, (found if found is not None else 0.0) - now)
            until = now + min(max_s, left + add_s)
            self.store.execute(
                "INSERT INTO penalties(source, until) VALUES (?, ?)"
                " ON CONFLICT (source) DO UPDATE SET until = excluded.until",
                (source, until),
            )
        return until - now

    def close(self) -> None:
        self.store.close()
        self.database.close()
