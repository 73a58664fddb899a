"""A thread's poll in its community's file: the question, its choices, one vote a person.

A vote is the set of choices one person holds; casting it again replaces the set in one
transaction (BEGIN IMMEDIATE), and the primary key (thread, person, choice) holds each
choice once, so a vote is counted once however often, and from however many workers, it
is cast. Whether the poll is still open is checked inside that same transaction.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from bbs.store.db import Store

Row = dict[str, Any]


class PollStore:
    """The polls of one community: `PollStore(community_store)`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, row: Row, choices: list[str]) -> bool:
        """A poll on `row["thread_id"]` with its choices; False when the thread has one."""
        try:
            with self.store.write() as db:
                db.table("polls").insert(row)
                db.conn.executemany(
                    "INSERT INTO poll_choices(thread_id, position, label) VALUES (?, ?, ?)",
                    [(row["thread_id"], n, label) for n, label in enumerate(choices, 1)],
                )
        except sqlite3.IntegrityError:
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
        with self.store.write() as db:
            conn = db.conn
            open_ = conn.execute(
                "SELECT 1 FROM polls WHERE thread_id = ? AND closed_at IS NULL"
                " AND (closes_at IS NULL OR closes_at > ?)",
                (thread_id, at),
            ).fetchone()
            if not open_:
                return "closed"
            conn.execute(
                "DELETE FROM poll_votes WHERE thread_id = ? AND person_id = ?",
                (thread_id, person_id),
            )
            conn.executemany(
                "INSERT INTO poll_votes(thread_id, person_id, position, at) VALUES (?, ?, ?, ?)",
                [(thread_id, person_id, position, at) for position in sorted(positions)],
            )
        return "counted"

    def close(self, thread_id: int, at: float, by: str, log: Row) -> bool:
        """Close a poll early (logged); False when it was closed already."""
        with self.store.write() as db:
            cur = db.execute(
                "UPDATE polls SET closed_at = ?, closed_by = ? WHERE thread_id = ?"
                " AND closed_at IS NULL",
                (at, by, thread_id),
            )
            if cur.rowcount != 1:
                return False
            db.execute(
                "INSERT INTO mod_log(at, actor, action, target, reason) VALUES (?, ?, ?, ?, ?)",
                (log["at"], log["actor"], log["action"], log["target"], log["reason"]),
            )
            return True
