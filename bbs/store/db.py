"""Opening a SQLite file the way every store wants it, writing to it safely, and closing
the files nobody is using (an LRU of open files, so a board of many communities keeps
a bounded number of descriptors)."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from bbs.store.sql import SqlBase

BUSY_TIMEOUT_MS = 10_000


class UseLock:
    """A reentrant lock that knows how deep its holder is in it.

    The LRU of open files takes a store's lock without waiting before it closes the
    file; from the thread that already holds it (an RLock lets it in again) the depth
    says the file is in use there too.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.depth = 0

    def acquire(self, blocking: bool = True) -> bool:
        got = self._lock.acquire(blocking)
        if got:
            self.depth += 1
        return got

    def release(self) -> None:
        self.depth -= 1
        self._lock.release()

    def __enter__(self) -> UseLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def sqlite_sql(sql: str) -> str:
    """The store's shared SQL as SQLite says it: `GREATEST(a, b)` is SQLite's scalar `max`."""
    return sql.replace("GREATEST(", "max(") if "GREATEST(" in sql else sql


class Store(SqlBase):
    """One SQLite file: a connection shared by this process's threads, behind a lock.

    Writes open with BEGIN IMMEDIATE (so a writer never meets "database is locked"
    halfway through) under a busy timeout; a write returns only after COMMIT. When
    the store belongs to an `OpenFiles`, the connection may be closed while no thread
    uses it and is opened again, transparently, by the next query.

    The statements the stores share with the PostgreSQL backend go through `rows`,
    `row`, `value`, `execute`, `insert` and `executemany` (SQLite's parameter style;
    `GREATEST(` for the scalar maximum), inside `write()` when they write.
    """

    spans_communities = False  # a write of the hub never holds a community's: two files
    integrity_errors = (sqlite3.IntegrityError,)

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = UseLock()
        self.files: OpenFiles | None = None
        self._closed = False
        self._writing = 0  # how deep in write() the lock's holder is
        self._after_commit: list[Callable[[], None]] = []
        self._db: sqlite_utils.Database | None = self._connect()

    def _connect(self) -> sqlite_utils.Database:
        conn = sqlite3.connect(
            str(self.path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return sqlite_utils.Database(conn)

    @property
    def db(self) -> sqlite_utils.Database:
        """The open database (use it holding `lock`); reopened if the LRU closed it."""
        db = self._db
        if db is None:
            with self.lock:
                if self._closed:
                    raise sqlite3.ProgrammingError(f"{self.path.name} is closed")
                db = self._db = self._db or self._connect()
        if self.files is not None:
            self.files.used(self)
        return db

    @property
    def is_open(self) -> bool:
        """Whether the file is open now (the LRU may have closed it for a while)."""
        return self._db is not None

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction: BEGIN IMMEDIATE ... COMMIT, rolled back on error.

        Inside another write of the same store (same thread) it is a SAVEPOINT: the
        inner part rolls back alone on error, and everything commits with the outer one.
        So a check, its record and the write it allows can be one transaction.
        """
        with self.lock:
            db = self.db
            conn = db.conn
            depth = self._writing
            savepoint = f"inner{depth}"
            conn.execute(f"SAVEPOINT {savepoint}" if depth else "BEGIN IMMEDIATE")
            self._writing += 1
            try:
                yield db
            except BaseException:
                self._writing -= 1
                if not depth:
                    self._after_commit.clear()
                if depth:
                    conn.execute(f"ROLLBACK TO {savepoint}")
                    conn.execute(f"RELEASE {savepoint}")
                elif conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            self._writing -= 1
            if depth:
                conn.execute(f"RELEASE {savepoint}")
                return
            try:
                conn.execute("COMMIT")
            except BaseException:
                self._after_commit.clear()
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            self._committed()

    def _committed(self) -> None:
        """Run what waited for the outermost write to commit (see `after_commit`)."""
        waiting, self._after_commit = self._after_commit, []
        for callback in waiting:
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this thread's write of this store commits (at once when this
        thread is in none; never if it rolls back)."""
        if self._writing and self.lock.acquire(blocking=False):
            try:
                if self._writing and self.lock.depth > 1:  # this thread is in the write
                    self._after_commit.append(callback)
                    return
            finally:
                self.lock.release()
        callback()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction around several of this store's writes (and the checks between
        them): they commit together or not at all. Inside another, a savepoint (`write`)."""
        with self.write():
            yield

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Run a read query and return its rows as dicts."""
        with self.lock:
            cur = self.db.conn.execute(sqlite_sql(sql), params)
            names = [d[0] for d in cur.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def row(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def value(self, sql: str, params: Any = ()) -> Any:
        with self.lock:
            got = self.db.conn.execute(sqlite_sql(sql), params).fetchone()
        return got[0] if got else None

    def execute(self, sql: str, params: Any = ()) -> int:
        """Run one statement (inside `write()` when it writes); how many rows it changed."""
        with self.lock:
            return int(self.db.conn.execute(sqlite_sql(sql), params).rowcount)

    def insert(self, sql: str, params: Any = ()) -> int:
        """Run one INSERT of a table with an `id` key; the new row's id."""
        with self.lock:
            return int(self.db.conn.execute(sqlite_sql(sql), params).lastrowid or 0)

    def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        """Run one statement for each of `rows` (inside `write()`)."""
        with self.lock:
            self.db.conn.executemany(sqlite_sql(sql), rows)

    def release(self) -> None:
        """Close the file until the next query opens it again (call holding `lock`)."""
        db, self._db = self._db, None
        if db is not None:
            db.conn.close()

    def close(self) -> None:
        """Close the file for good: a query after this raises sqlite3.ProgrammingError."""
        with self.lock:
            self._closed = True
            self.release()
        if self.files is not None:
            self.files.forget(self)


class OpenFiles:
    """Keeps at most `capacity` stores' files open, closing the least recently used.

    A store is closed only when no thread is using it: its lock is taken without
    waiting, and a store whose lock is held (a query or a write under way, or a
    thread that holds it and asked for another file) is passed over, so for a moment
    more than `capacity` may be open. A thread that still holds a closed store simply
    opens it again with its next query.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._open: OrderedDict[int, Store] = OrderedDict()
        self._lock = threading.Lock()

    def adopt(self, store: Store) -> None:
        """From now on `store`'s file is opened and closed by this LRU."""
        store.files = self
        if store.is_open:
            self.used(store)

    def used(self, store: Store) -> None:
        """`store` was just used: the most recent; over capacity, close the oldest idle."""
        with self._lock:
            self._open[id(store)] = store
            self._open.move_to_end(id(store))
            if len(self._open) <= self.capacity:
                return
            victims = self._take_idle(len(self._open) - self.capacity, store)
        for victim in victims:
            try:
                victim.release()
            finally:
                victim.lock.release()

    def _take_idle(self, count: int, keep: Store) -> list[Store]:
        """Up to `count` idle stores, oldest first, their locks held (under self._lock)."""
        taken: list[Store] = []
        for key, candidate in list(self._open.items()):
            if len(taken) == count:
                break
            if candidate is keep or not candidate.lock.acquire(blocking=False):
                continue
            if candidate.lock.depth > 1:  # this very thread is using it
                candidate.lock.release()
                continue
            del self._open[key]
            taken.append(candidate)
        return taken

    def forget(self, store: Store) -> None:
        """`store` is closed for good."""
        with self._lock:
            self._open.pop(id(store), None)

    def open_count(self) -> int:
        with self._lock:
            return len(self._open)
