"""The hub on PostgreSQL: the `hub` schema, the shared queries, and what differs.

A hub transaction holds one advisory lock (HUB_LOCK): hub transactions run one at a
time across every host, as SQLite's BEGIN IMMEDIATE runs them on one host, so a check
and the write it allows (a slug free, a member cap, two owners never) stay together.
Pacing holds a lock per person instead: one person's limits are checked and recorded
one attempt at a time, everyone else's at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bbs.store.hub import HubQueries, Row
from bbs.store.pg import HUB_LOCK, HUB_SCHEMA, PERSON_LOCKS, PgDatabase, PgStore
from bbs.store.pg_schema import HUB_MIGRATIONS, migrate


class PgHubStore(HubQueries, PgStore):
    """The hub's tables in the `hub` schema of a forum's PostgreSQL database."""

    def __init__(self, database: PgDatabase) -> None:
        PgStore.__init__(self, database, HUB_SCHEMA)
        migrate(database, HUB_SCHEMA, HUB_MIGRATIONS)

    def person_by_handle(self, handle: str) -> Row | None:
        """Handles match whatever their case (SQLite's COLLATE NOCASE; an index on lower())."""
        return self.row("SELECT * FROM people WHERE lower(handle) = lower(?)", (handle,))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction around several writes and the checks between them, one at a
        time on the whole board (HUB_LOCK); inside another, a savepoint."""
        with self.write():
            self.database.lock(HUB_LOCK)
            yield

    @contextmanager
    def paced(self, person_id: int) -> Iterator[None]:
        """The transaction in which one person's limit is checked and recorded, one at a
        time for that person on every host (an advisory lock on the person)."""
        with self.write():
            self.database.lock(PERSON_LOCKS, person_id)
            yield
