"""What the stores' shared SQL runs on: the few calls both backends give it.

The hub's and a community's queries are written once (`bbs.store.hub`,
`bbs.store.community`), in SQLite's parameter style (`?` and `:name`), with
`GREATEST(a, b)` for the scalar maximum; each backend runs them through these calls
(`bbs.store.db.Store` for SQLite, `bbs.store.pg.PgStore` for PostgreSQL) and says the
few statements that differ in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

Row = dict[str, Any]


class SqlBase:
    """The calls a store's queries make; each backend's store class implements them."""

    integrity_errors: tuple[type[BaseException], ...] = ()
    """The backend's exceptions for a row that breaks a constraint (a key taken)."""

    spans_communities = False
    """Whether a hub transaction also holds the community writes made inside it."""

    for_update = ""
    """What ends a SELECT whose rows the transaction then changes: nothing on SQLite
    (BEGIN IMMEDIATE holds the whole file), ` FOR UPDATE` on PostgreSQL (the rows)."""

    def rows(self, sql: str, params: Any = ()) -> list[Row]:
        raise NotImplementedError

    def row(self, sql: str, params: Any = ()) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def value(self, sql: str, params: Any = ()) -> Any:
        raise NotImplementedError

    def execute(self, sql: str, params: Any = ()) -> int:
        """Run one statement (inside `write()` when it writes); how many rows it changed."""
        raise NotImplementedError

    def insert(self, sql: str, params: Any = ()) -> int:
        """Run one INSERT of a table with an `id` key; the new row's id."""
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        raise NotImplementedError

    def write(self) -> AbstractContextManager[Any]:
        """A write transaction (a savepoint inside another)."""
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def after_commit(self, callback: Callable[[], None]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
