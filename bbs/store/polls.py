"""A thread's poll in its community's file: the question, its choices, one vote a person.

A vote is the set of choices one person holds; casting it again replaces the set in one
transaction (BEGIN IMMEDIATE on SQLite; on PostgreSQL the poll's row is held FOR UPDATE,
so one poll's votes and its closing take turns), and the primary key (thread, person,
choice) holds each choice once, so a vote is counted once however often, and from
however many workers, it is cast. Whether the poll is still open is checked inside that
same transaction.
"""

from __future__ import annotations

from typing import Any

from bbs.store.sql import SqlBase

Row = dict[str, Any]


class PollStore:
    """The polls of one community: `PollStore(community_store)`."""

    def __init__(self, store: SqlBase) -> None:
        self.store = store

    def add(self, row: Row, choices: list[str]) -> bool:
        """A poll on `row["thread_id"]` with its choices; False when the thread has one."""
        names = list(row)
        try:
            with self.store.write():
                self.store.execute(
                    f"INSERT INTO polls({', '.join(names)})"
                    f" VALUES ({', '.join(':' + n for n in names)})",
                    row,
                )
                self.store.executemany(
                    "INSERT INTO poll_choices(thread_id, position, label) VALUES (?, ?, ?)",
                    [(row["thread_id"], n, label) for n, label in enumerate(choices, 1)],
                )
        except self.store.integrity_errors:
            return False
        return True

    def poll(self, thread_id: int) -> Row | None:
        return self.store.row("SELECT * FROM polls WHERE thread_id = ?", (thread_id,))

    def counts(self, thread_id: int) -> list[Row]:
        """Each choice in order, with its votes: rows of (position, label, votes)."""
        return self.store.rows(
            "SELECT c.position, c.label,"
            " (SELECT count(*) FROM poll_votes v WHERE v.thread_id = c.thread_id"
            "  AND v.position = c.position) AS votes"
            " FROM poll_choices c WHERE c.thread_id = ? ORDER BY c.position",
            (thread_id,),
        )

    def voters(self, thread_id: int) -> int:
        return int(
            self.store.value(
                "SELECT count(DISTINCT person_id) FROM poll_votes WHERE thread_id = ?",
                (thread_id,),
            )
            or 0
        )

    def choices_of(self, thread_id: int, person_id: int) -> set[int]:
        """The positions one person voted for (empty: no vote)."""
        return {
            r["position"]
            for r in self.store.rows(
                "SELECT position FROM poll_votes WHERE thread_id = ? AND person_id = ?",
                (thread_id, person_id),
            )
        }

    def vote(self, thread_id: int, person_id: int, positions: set[int], at: float) -> str:
        """Replace one person's vote: "counted", or "closed" when the poll no longer takes
        votes (closed early, or past its closing time), checked in the same transaction."""
        with self.store.write():
            open_ = self.store.value(
                "SELECT 1 FROM polls WHERE thread_id = ? AND closed_at IS NULL"
                f" AND (closes_at IS NULL OR closes_at > ?){self.store.for_update}",
                (thread_id, at),
            )
            if not open_:
                return "closed"
            self.store.execute(
                "DELETE FROM poll_votes WHERE thread_id = ? AND person_id = ?",
                (thread_id, person_id),
            )
            self.store.executemany(
                "INSERT INTO poll_votes(thread_id, person_id, position, at) VALUES (?, ?, ?, ?)",
                [(thread_id, person_id, position, at) for position in sorted(positions)],
            )
        return "counted"

    def close(self, thread_id: int, at: float, by: str, log: Row) -> bool:
        """Close a poll early (logged); False when it was closed already."""
        with self.store.write():
            changed = self.store.execute(
                "UPDATE polls SET closed_at = ?, closed_by = ? WHERE thread_id = ?"
                " AND closed_at IS NULL",
                (at, by, thread_id),
            )
            if changed != 1:
                return False
            self.store.execute(
                "INSERT INTO mod_log(at, actor, action, target, reason) VALUES (?, ?, ?, ?, ?)",
                (log["at"], log["actor"], log["action"], log["target"], log["reason"]),
            )
            return True
