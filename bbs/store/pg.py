"""PostgreSQL under the stores: one pool for the forum, the transaction this thread is in,
and the stores' shared SQL said in psycopg's terms.

All of a forum lives in one database: the `hub` schema, one `c_<slug>` schema per
community (its own tables and sequences, so ids count per community), and the board
limits' `limits` schema. A store names its schema, and so do its statements: each of
the schema's tables is written `"schema".table` where a table goes (`qualified`, once
per statement and store), so a pooled connection serves any schema as it comes. No
`SET search_path`: that was a round trip whenever the connection had last served
another schema (7.5% of a worker's time under load), and it made PostgreSQL parse a
prepared statement again at its next use. Sent in the same round trip (a pipeline), the
SET would still run and still cost the parse; a pool per schema would hold connections
per community. Only a migration, whose DDL names its tables bare, points its own
transaction at its schema (`SET LOCAL`). Outside a transaction each query
takes a connection from the pool (autocommit) and gives it back; a write takes one for
the thread until it commits, and every store of the same database that this thread
uses meanwhile writes on it (savepoints inside): so a write that touches the hub and a
community (a founding, a cross-post, a post and its pacing record) is one transaction.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import psycopg
import psycopg.errors
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from bbs.store.errors import StoreError
from bbs.store.sql import Row, SqlBase

log = logging.getLogger(__name__)

HUB_SCHEMA = "hub"
LIMITS_SCHEMA = "limits"
COMMUNITY_PREFIX = "c_"
HUB_LOCK = 1_000_001
"""The advisory lock a hub transaction holds: hub transactions run one at a time, on every
host, as SQLite's BEGIN IMMEDIATE runs them on one (a check, then the write it allows)."""
PERSON_LOCKS = 1_000_002
"""The first key of the two-key advisory locks for one person's pacing."""
CONNECT_TIMEOUT_S = 10
"""How long a connection is tried for, and a query waits for a connection from the pool
(psycopg_pool's own default, 30 s, held a worker thread that long while the server was
down); then the query fails."""

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|::|\?|:([A-Za-z_]\w*)|%")
_TABLE_AT = re.compile(
    r"'(?:[^']|'')*'|\"[^\"]*\"|\b(FROM|JOIN|INTO|UPDATE)(\s+)([A-Za-z_]\w*)\b(?!\s*\.)",
    re.IGNORECASE,
)
STATEMENTS_KEPT = 1024
"""How many statements a store keeps translated (its SQL is a few hundred fixed texts;
past this, one made of a varying list is translated again each time)."""


@lru_cache(maxsize=2048)
def pg_sql(text: str) -> str:
    """The shared SQL (SQLite's `?` and `:name`) in psycopg's style (`%s`, `%(name)s`, `%%`);
    quoted text and identifiers are left as they are."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1):
            return f"%({match.group(1)})s"
        return token

    return _TOKEN.sub(swap, text)


def community_schema(slug: str) -> str:
    return COMMUNITY_PREFIX + slug


def quoted(name: str) -> str:
    """An identifier as PostgreSQL reads it exactly (case and all)."""
    return '"' + name.replace('"', '""') + '"'


def qualified(text: str, schema: str, tables: frozenset[str]) -> str:
    """`text` with each of `tables` named as `"schema".table` where a table goes (after
    FROM, JOIN, INTO, UPDATE); quoted text, and names that are not the schema's tables
    (columns, a WITH's own names, functions, the catalog), stay as they are. A table
    written elsewhere is left bare and fails loudly: no connection has a search_path
    that would find it."""
    prefix = quoted(schema) + "."

    def swap(match: re.Match[str]) -> str:
        name = match.group(3)
        if name is None or name.lower() not in tables:
            return match.group(0)
        return match.group(1) + match.group(2) + prefix + name

    return _TABLE_AT.sub(swap, text)


@dataclass
class _Transaction:
    """The connection a thread writes on, until its outermost transaction ends."""

    conn: psycopg.Connection[Row]
    after: list[Callable[[], None]] = field(default_factory=list)


class PgDatabase:
    """One PostgreSQL database: a pool of `pool_size` connections shared by every store of
    a forum, and per thread the transaction it is in (if any)."""

    def __init__(self, dsn: str, pool_size: int = 10, name: str = "bbs") -> None:
        self.dsn = dsn
        self._local = threading.local()
        self.pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            dsn,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={
                "autocommit": True,
                "row_factory": dict_row,
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": name,
            },
            open=False,
            name=name,
            timeout=CONNECT_TIMEOUT_S,
        )
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as error:
            self.pool.close()
            raise StoreError(f"cannot reach the PostgreSQL store: {error}") from error
        except Exception as error:  # psycopg_pool.PoolTimeout: the server does not answer
            self.pool.close()
            raise StoreError(
                f"cannot reach the PostgreSQL store {redacted(dsn)}: {error}"
            ) from error

    def close(self) -> None:
        self.pool.close()

    # connections --------------------------------------------------------------
    def _current(self) -> _Transaction | None:
        return getattr(self._local, "tx", None)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Row]]:
        """This thread's transaction's connection, else one from the pool for as long as
        the block runs (each statement commits on its own)."""
        tx = self._current()
        if tx is not None:
            yield tx.conn
            return
        with self.pool.connection() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Row]]:
        """A transaction (a savepoint inside this thread's transaction); what waits for the
        commit (`after_commit`) runs once the outermost one has committed."""
        tx = self._current()
        if tx is not None:
            with tx.conn.transaction():
                yield tx.conn
            return
        with self.pool.connection() as conn:
            tx = self._local.tx = _Transaction(conn)
            try:
                with conn.transaction():
                    yield conn
            finally:
                self._local.tx = None
        for callback in tx.after:
            callback()

    def in_transaction(self) -> bool:
        return self._current() is not None

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this thread's transaction commits (at once when it is in
        none; never if it rolls back)."""
        tx = self._current()
        if tx is None:
            callback()
        else:
            tx.after.append(callback)

    def lock(self, key: int, sub: int = 0) -> None:
        """Hold an advisory lock until this thread's transaction ends (the transaction must
        be open; taken again inside, it is the same lock: a savepoint that rolls back gives
        up only what it took)."""
        tx = self._current()
        if tx is None:
            raise StoreError("an advisory lock is held by a transaction")
        tx.conn.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", (key, sub))


def redacted(dsn: str) -> str:
    """A DSN without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", dsn)


class PgStore(SqlBase):
    """A store on one schema of a `PgDatabase`: the shared SQL runs here, translated."""

    integrity_errors = (psycopg.errors.IntegrityError,)
    spans_communities = True
    for_update = " FOR UPDATE"

    def __init__(self, database: PgDatabase, schema: str) -> None:
        self.database = database
        self.schema = schema
        self._closed = False
        self._tables: frozenset[str] | None = None
        self._statements: dict[str, str] = {}

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the store {self.schema} is closed")

    def _sql(self, text: str) -> str:
        """The shared SQL as this store runs it: psycopg's placeholders, and the schema's
        tables named with their schema (`qualified`); translated once per text. Asked
        before a query takes its connection: the first asks the catalog on a connection of
        its own (threads each holding one and waiting for a second can use up the pool)."""
        self._check_open()
        found = self._statements.get(text)
        if found is None:
            found = pg_sql(qualified(text, self.schema, self._schema_tables()))
            if len(self._statements) < STATEMENTS_KEPT:
                self._statements[text] = found
        return found

    def _schema_tables(self) -> frozenset[str]:
        """The schema's tables, asked of the catalog once (a store is opened after its
        schema's migrations)."""
        if self._tables is None:
            with self.database.connection() as conn:
                found = conn.execute(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n"
                    " ON n.oid = c.relnamespace"
                    " WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v')",
                    (self.schema,),
                ).fetchall()
            self._tables = frozenset(r["relname"] for r in found)
        return self._tables

    def forget_tables(self) -> None:
        """The schema's tables have changed under this store (it made them): ask again."""
        self._tables = None
        self._statements.clear()

    def rows(self, sql: str, params: Any = ()) -> list[Row]:
        statement = self._sql(sql)  # before a connection is taken: it may ask the catalog
        with self.database.connection() as conn:
            return conn.execute(statement, params).fetchall()

    def value(self, sql: str, params: Any = ()) -> Any:
        statement = self._sql(sql)
        with self.database.connection() as conn:
            found = conn.execute(statement, params).fetchone()
        return next(iter(found.values())) if found else None

    def execute(self, sql: str, params: Any = ()) -> int:
        statement = self._sql(sql)
        with self.database.connection() as conn:
            return int(conn.execute(statement, params).rowcount)

    def insert(self, sql: str, params: Any = ()) -> int:
        statement = self._sql(sql) + " RETURNING id"
        with self.database.connection() as conn:
            found = conn.execute(statement, params).fetchone()
        return int(found["id"]) if found else 0

    def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        statement = self._sql(sql)
        with self.database.connection() as conn, conn.cursor() as cur:
            cur.executemany(statement, list(rows))

    @contextmanager
    def write(self) -> Iterator[PgStore]:
        """A write transaction (a savepoint inside this thread's transaction)."""
        self._check_open()
        with self.database.transaction():
            yield self

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.write():
            yield

    def after_commit(self, callback: Callable[[], None]) -> None:
        self.database.after_commit(callback)

    def close(self) -> None:
        """Close the store for good: a query after this raises StoreError."""
        self._closed = True
