"""limits.db: the board's shared limits (leases and login penalties), one file for every worker.

Every limit that protects the whole board is decided here, not in a worker's memory:
connections before sign-in, guests and signed-in connections (per address and in
total), sessions per person, and login penalties per address. Each worker of the
host opens the same file; a later PostgreSQL backend implements the same named
methods for several hosts, so every line of SQL stays in this module.

The state is ephemeral (leases and penalties, never anything a person wrote), so the
file runs with `synchronous=OFF`: a crash may lose the last moments of it, which
frees a few leases early or forgets a penalty, nothing more. A lease belongs to one
worker process and lives `ttl_s` unless that worker refreshes it (`refresh`, one
UPDATE for all of them every few seconds): a worker that dies takes its leases with
it within `ttl_s`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bbs.store.db import Store
from bbs.store.sql import SqlBase

SCHEMA_VERSION = 1
# The server asks from a thread of its own, never the loop, so a wait for another worker's
# write stalls no one; past this the question fails and the server lets the connection in.
BUSY_TIMEOUT_MS = 2000


@dataclass(frozen=True)
class Cap:
    """How many holders a lease may have: `per_key` of one key, `total` of the kind (0: no cap).

    `early(count)` may refuse before `total` is reached, given how many the kind holds
    (OpenSSH's MaxStartups drops at random from its start value), but only a key that
    holds a lease already: a source with nothing pending is stopped by `total` alone.
    So a flood from a few addresses (each up to `per_key`) falls on those addresses,
    and a person arriving from anywhere else still gets in, until the hard cap.
    """

    per_key: int = 0
    total: int = 0
    early: Callable[[int], bool] | None = None


def refusal(
    cap: Cap, held_on_key: Callable[[], int], held_in_kind: Callable[[], int]
) -> str | None:
    """Which of `cap`'s limits refuses one more lease ("key", "total", "early"), or None.

    The one rule both backends apply (each counts its own leases, asked only when a limit
    needs the count): an early drop falls only on a key that holds a lease already.
    """
    held = 0
    if cap.per_key or cap.early is not None:
        held = held_on_key()
        if cap.per_key and held >= cap.per_key:
            return "key"
    if cap.total or cap.early is not None:
        total = held_in_kind()
        if cap.total and total >= cap.total:
            return "total"
        if cap.early is not None and held and cap.early(total):
            return "early"
    return None


class LimitReads:
    """What both limits stores read alike, in SQL both backends run as it is (they differ
    in how they write: a file's lock, or PostgreSQL's advisory locks and ON CONFLICT)."""

    store: SqlBase
    clock: Callable[[], float]

    def count(self, kind: str, key: str | None = None) -> int:
        """Live leases of a kind (on one key, or in all)."""
        now = self.clock()
        if key is None:
            sql, params = "SELECT count(*) FROM leases WHERE kind = ? AND expires > ?", (kind, now)
        else:
            sql = "SELECT count(*) FROM leases WHERE kind = ? AND key = ? AND expires > ?"
            params = (kind, key, now)  # type: ignore[assignment]
        return int(self.store.value(sql, params))

    def penalty_for(self, source: str) -> float:
        """Seconds left on the source's penalty (0 when it may connect)."""
        until = self.store.value("SELECT until FROM penalties WHERE source = ?", (source,))
        return max(0.0, float(until) - self.clock()) if until is not None else 0.0

    def penalised_sources(self) -> int:
        """How many sources are under a penalty now."""
        return int(
            self.store.value("SELECT count(*) FROM penalties WHERE until > ?", (self.clock(),))
        )


class LimitsStore(LimitReads):
    """Leases and penalties in `limits.db`, as seen by one worker process (`worker`)."""

    def __init__(
        self,
        path: Path,
        worker: str,
        ttl_s: float = 15.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = Store(path)
        self.worker = worker
        self.ttl_s = ttl_s
        self.clock = clock
        conn = self.store.db.conn
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._create()

    def _create(self) -> None:
        """Make the tables; an older layout is dropped, not migrated (nothing in it lasts)."""
        with self.store.write() as db:
            if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                return
            db.execute("DROP TABLE IF EXISTS leases")
            db.execute("DROP TABLE IF EXISTS penalties")
            db.execute(
                "CREATE TABLE leases (kind TEXT NOT NULL, key TEXT NOT NULL, "
                "holder TEXT NOT NULL, worker TEXT NOT NULL, expires REAL NOT NULL, "
                "PRIMARY KEY (kind, key, holder)) WITHOUT ROWID"
            )
            db.execute("CREATE INDEX leases_worker ON leases(worker)")
            db.execute("CREATE INDEX leases_holder ON leases(holder)")
            db.execute(
                "CREATE TABLE penalties (source TEXT PRIMARY KEY, until REAL NOT NULL) "
                "WITHOUT ROWID"
            )
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # leases -------------------------------------------------------------------
    def take_lease(self, kind: str, key: str, holder: str, cap: Cap) -> str | None:
        """Take one lease of `kind` on `key` for `holder`, checked and taken in one transaction.

        Returns None when taken, else which cap refused: "key", "total" or "early".
        Taking a lease the holder already has succeeds and changes nothing.
        """
        now = self.clock()
        with self.store.write() as db:
            conn = db.conn
            if conn.execute(
                "SELECT 1 FROM leases WHERE kind = ? AND key = ? AND holder = ? AND expires > ?",
                (kind, key, holder, now),
            ).fetchone():
                return None
            refused = self._refusal(conn, kind, key, cap, now)
            if refused is None:
                conn.execute(
                    "INSERT OR REPLACE INTO leases(kind, key, holder, worker, expires) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (kind, key, holder, self.worker, now + self.ttl_s),
                )
            return refused

    def _refusal(
        self, conn: sqlite3.Connection, kind: str, key: str, cap: Cap, now: float
    ) -> str | None:
        def count(where: str = "", *args: object) -> int:
            sql = f"SELECT count(*) FROM leases WHERE kind = ?{where} AND expires > ?"
            return int(conn.execute(sql, (kind, *args, now)).fetchone()[0])

        return refusal(cap, lambda: count(" AND key = ?", key), count)

    def release(self, holder: str, kind: str | None = None) -> None:
        """Give back the holder's leases (of one kind, or all of them)."""
        with self.store.write() as db:
            if kind is None:
                db.execute("DELETE FROM leases WHERE holder = ?", (holder,))
            else:
                db.execute("DELETE FROM leases WHERE holder = ? AND kind = ?", (holder, kind))

    def release_worker(self) -> None:
        """This worker is stopping: give back every lease it holds."""
        with self.store.write() as db:
            db.execute("DELETE FROM leases WHERE worker = ?", (self.worker,))

    def refresh(self) -> None:
        """Extend every lease of this worker by `ttl_s`; forget what has expired, anyone's."""
        now = self.clock()
        with self.store.write() as db:
            db.execute(
                "UPDATE leases SET expires = ? WHERE worker = ?", (now + self.ttl_s, self.worker)
            )
            db.execute("DELETE FROM leases WHERE expires <= ?", (now,))
            db.execute("DELETE FROM penalties WHERE until <= ?", (now,))

    # penalties ----------------------------------------------------------------
    def add_penalty(self, source: str, add_s: float, max_s: float) -> float:
        """Add `add_s` to the source's standing penalty (at most `max_s`); returns what stands."""
        now = self.clock()
        with self.store.write() as db:
            found = db.execute("SELECT until FROM penalties WHERE source = ?", (source,)).fetchone()
            left = max(0.0, (found[0] if found else 0.0) - now)
            until = now + min(max_s, left + add_s)
            db.execute(
                "INSERT OR REPLACE INTO penalties(source, until) VALUES (?, ?)", (source, until)
            )
        return until - now

    def close(self) -> None:
        self.store.close()
