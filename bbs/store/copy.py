"""`bbs store copy SRC DEST`: a whole forum from one store to another (a SQLite data dir to
a PostgreSQL database, or back), with the server stopped.

The destination is made by the stores themselves (every migration applied), then each
table's rows are copied as they are, ids and all, the hub first and then each community;
PostgreSQL's identity counters are moved past the copied ids, each text searched gets
its `tsvector` (SQLite's FTS5 tables fill from their triggers). Then both sides are read
again, table by table: the row counts and a content checksum (SHA-256 over the rows'
digests, in any order) must match, or the copy fails. The limits' state is ephemeral
(pacing windows, leases) and is not copied; the per-host data dir (host key, logs) is
not the store's and stays where it is.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bbs.config import Config
from bbs.store.backends import is_postgres, open_backend
from bbs.store.db import OpenFiles
from bbs.store.errors import StoreError

SQLITE_ONLY = ("_sqlite_migrations", "sqlite_sequence")
PG_ONLY = ("_migrations", "changes")
"""Each backend's own bookkeeping: the migrations it applied, its change counter."""
SEARCHED = {"posts": "body", "threads": "title"}
"""PostgreSQL's `search` column, made from this column (bbs.store.search)."""
BATCH = 2_000


@dataclass
class TableSum:
    """One table's row count and content checksum."""

    rows: int = 0
    digest: str = ""


@dataclass
class Tally:
    """What one side holds: per unit ("hub", or a community's slug), per table."""

    tables: dict[str, dict[str, TableSum]] = field(default_factory=dict)

    def total_rows(self) -> int:
        return sum(t.rows for unit in self.tables.values() for t in unit.values())

    def checksum(self) -> str:
        whole = hashlib.sha256()
        for unit in sorted(self.tables):
            for table in sorted(self.tables[unit]):
                got = self.tables[unit][table]
                whole.update(f"{unit}.{table}:{got.rows}:{got.digest}\n".encode())
        return whole.hexdigest()


def _canonical(value: Any) -> str:
    """A value as both backends give it back: numbers by value (10 and 10.0 alike)."""
    if value is None:
        return "N"
    if isinstance(value, bool):
        return f"n{int(value)}"
    if isinstance(value, int):
        return f"n{value}"
    if isinstance(value, float):
        return f"n{int(value)}" if value.is_integer() else f"n{value!r}"
    if isinstance(value, bytes | memoryview):
        return "b" + bytes(value).hex()
    return "t" + str(value)


def _digest(rows: Iterator[tuple[Any, ...]]) -> TableSum:
    digests = sorted(
        hashlib.sha256("\x1f".join(_canonical(v) for v in row).encode()).digest() for row in rows
    )
    whole = hashlib.sha256()
    for one in digests:
        whole.update(one)
    return TableSum(len(digests), whole.hexdigest())


class Side(Protocol):
    """One store, read or written table by table."""

    def units(self) -> list[str]: ...
    def tables(self, unit: str) -> list[str]: ...
    def columns(self, unit: str, table: str) -> list[str]: ...
    def read(self, unit: str, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]: ...
    def write(
        self, unit: str, table: str, columns: list[str], rows: list[tuple[Any, ...]]
    ) -> None: ...
    def finish(self, unit: str) -> None: ...
    def close(self) -> None: ...


class SqliteSide:
    """hub.db and communities/<slug>.db of a data dir."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._open: dict[str, sqlite3.Connection] = {}

    def path(self, unit: str) -> Path:
        if unit == "hub":
            return self.data_dir / "hub.db"
        return self.data_dir / "communities" / f"{unit}.db"

    def _conn(self, unit: str) -> sqlite3.Connection:
        if unit not in self._open:
            conn = sqlite3.connect(self.path(unit), isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            self._open[unit] = conn
        return self._open[unit]

    def units(self) -> list[str]:
        slugs = [r[0] for r in self._conn("hub").execute("SELECT slug FROM communities")]
        return ["hub", *sorted(s for s in slugs if self.path(s).exists())]

    def tables(self, unit: str) -> list[str]:
        """In the order they were made: a table after those its keys refer to."""
        found = self._conn(unit).execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
        )
        names = [r[0] for r in found]
        fts = {n for n in names if n.endswith("_fts")}
        shadows = {n for n in names for f in fts if n.startswith(f + "_")}
        return [n for n in names if n not in fts | shadows and n not in SQLITE_ONLY]

    def columns(self, unit: str, table: str) -> list[str]:
        return [r[1] for r in self._conn(unit).execute(f'PRAGMA table_info("{table}")')]

    def read(self, unit: str, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
        names = ", ".join(f'"{c}"' for c in columns)
        yield from self._conn(unit).execute(f'SELECT {names} FROM "{table}"')

    def write(self, unit: str, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        conn = self._conn(unit)
        if not conn.in_transaction:
            conn.execute("BEGIN IMMEDIATE")
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    def finish(self, unit: str) -> None:
        conn = self._conn(unit)
        if conn.in_transaction:
            conn.execute("COMMIT")

    def close(self) -> None:
        for conn in self._open.values():
            conn.close()
        self._open.clear()


class PgSide:
    """The `hub` and `c_<slug>` schemas of a PostgreSQL database, on one connection; a
    write is one transaction per unit."""

    def __init__(self, dsn: str) -> None:
        import psycopg

        self.conn = psycopg.connect(dsn)

    def schema(self, unit: str) -> str:
        from bbs.store.pg import HUB_SCHEMA, community_schema

        return HUB_SCHEMA if unit == "hub" else community_schema(unit)

    def units(self) -> list[str]:
        slugs = [r[0] for r in self.conn.execute("SELECT slug FROM hub.communities")]
        there = {
            r[0] for r in self.conn.execute("SELECT schema_name FROM information_schema.schemata")
        }
        return ["hub", *sorted(s for s in slugs if self.schema(s) in there)]

    def tables(self, unit: str) -> list[str]:
        found = self.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
            " AND table_type = 'BASE TABLE' ORDER BY table_name",
            (self.schema(unit),),
        )
        return [r[0] for r in found if r[0] not in PG_ONLY]

    def columns(self, unit: str, table: str) -> list[str]:
        found = self.conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            (self.schema(unit), table),
        )
        return [r[0] for r in found]

    def _name(self, unit: str, table: str) -> Any:
        from psycopg import sql

        return sql.Identifier(self.schema(unit), table)

    def read(self, unit: str, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
        from psycopg import sql

        query = sql.SQL("SELECT {} FROM {}").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), self._name(unit, table)
        )
        with self.conn.cursor(name="bbs_copy_read") as cur:  # server-side: a few rows at a time
            cur.itersize = BATCH
            cur.execute(query)
            yield from cur
        self.conn.commit()

    def write(self, unit: str, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        from psycopg import sql

        from bbs.store.search import tsvector

        targets = list(columns)
        if table in SEARCHED:
            at = columns.index(SEARCHED[table])
            targets.append("search")
            rows = [(*row, tsvector(row[at] or "")) for row in rows]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            self._name(unit, table), sql.SQL(", ").join(map(sql.Identifier, targets))
        )
        with self.conn.cursor().copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self, unit: str) -> None:
        """Each identity counter past the ids copied; commit the unit."""
        from psycopg import sql

        found = self.conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = %s"
            " AND column_name = 'id' AND is_identity = 'YES'",
            (self.schema(unit),),
        )
        for (table,) in found.fetchall():
            name = self._name(unit, table)
            self.conn.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({}, 'id'),"
                    " coalesce((SELECT max(id) FROM {}), 0) + 1, false)"
                ).format(sql.Literal(name.as_string(self.conn)), name)
            )
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def _side(where: str) -> Side:
    return PgSide(where.strip()) if is_postgres(where) else SqliteSide(Path(where))


def _is_empty(where: str) -> bool:
    if is_postgres(where):
        from bbs.store.pg import HUB_SCHEMA, PgDatabase
        from bbs.store.pg_schema import applied

        database = PgDatabase(where.strip(), pool_size=1, name="bbs-store-copy")
        try:
            return not applied(database, HUB_SCHEMA)
        finally:
            database.close()
    return not (Path(where) / "hub.db").exists()


def _make(where: str, slugs: list[str]) -> None:
    """The destination's schemas or files, every migration applied, by the stores."""
    data_dir = Path(where) if not is_postgres(where) else Path(".")
    config = Config(data_dir=data_dir, store=where if is_postgres(where) else "")
    backend = open_backend(config, data_dir, OpenFiles(4))
    try:
        backend.hub().close()
        for slug in slugs:
            backend.community(slug).close()
    finally:
        backend.close()


def tally(side: Side) -> Tally:
    """Every table's row count and checksum (the columns both backends hold)."""
    found = Tally()
    for unit in side.units():
        found.tables[unit] = {}
        for table in side.tables(unit):
            columns = sorted(c for c in side.columns(unit, table) if c != "search")
            found.tables[unit][table] = _digest(side.read(unit, table, columns))
    return found


def copy_forum(source: str, dest: str) -> tuple[Tally, Tally]:
    """Copy the forum at `source` (a data dir or a DSN) into `dest`, which must hold no
    forum yet; both sides' tallies, which match (else StoreError)."""
    same_dir = not is_postgres(source) and not is_postgres(dest)
    if same_dir and Path(source).resolve() == Path(dest).resolve():
        raise StoreError("the source and the destination are the same data dir")
    if not is_postgres(source) and not (Path(source) / "hub.db").exists():
        raise StoreError(f"no forum in {source}: its hub.db is missing")
    if not _is_empty(dest):
        raise StoreError("the destination already holds a forum: give an empty one")
    src = _side(source)
    try:
        units = src.units()
        _make(dest, units[1:])
        dst = _side(dest)
        try:
            for unit in units:
                try:
                    _copy_unit(src, dst, unit)
                except (sqlite3.Error, OSError) as error:
                    raise StoreError(_partial(unit, error)) from error
                except Exception as error:
                    if type(error).__module__.startswith("psycopg"):
                        raise StoreError(_partial(unit, error)) from error
                    raise
            before, after = tally(src), tally(dst)
        finally:
            dst.close()
    finally:
        src.close()
    if before.checksum() != after.checksum():
        differ = [
            f"{unit}.{table}"
            for unit, tables in before.tables.items()
            for table, got in tables.items()
            if after.tables.get(unit, {}).get(table) != got
        ]
        raise StoreError(f"the copy does not match its source: {', '.join(differ)}")
    return before, after


def _partial(unit: str, error: BaseException) -> str:
    return (
        f"copying {unit} failed: {error}. The destination holds part of the forum:"
        " empty it (a new database, or a new data dir) before copying again"
    )


def _copy_unit(src: Side, dst: Side, unit: str) -> None:
    ours, theirs = src.tables(unit), set(dst.tables(unit))
    missing = [t for t in ours if t not in theirs]
    extra = theirs - set(ours)
    if missing or extra:
        raise StoreError(
            f"{unit}: the two stores' tables differ (only in the source: {missing},"
            f" only in the destination: {sorted(extra)}): migrate both to this version"
        )
    order = ours if isinstance(src, SqliteSide) else dst.tables(unit)  # SQLite's: keys first
    for table in order:
        columns = [c for c in src.columns(unit, table) if c != "search"]
        absent = set(columns) - set(dst.columns(unit, table))
        if absent:
            raise StoreError(f"{unit}.{table}: the destination lacks {sorted(absent)}")
        if table == "posts":  # a reply after its parent
            rows = sorted(src.read(unit, table, columns), key=lambda r: r[columns.index("id")])
        else:
            rows = list(src.read(unit, table, columns))
        for start in range(0, len(rows), BATCH):
            dst.write(unit, table, columns, rows[start : start + BATCH])
    dst.finish(unit)
