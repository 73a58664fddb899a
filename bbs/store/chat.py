"""A chat room's lines, pacing and mutes, in the database that holds the room.

A community's room lives in the community's file, the board-wide lobby in the hub: the
tables are the same in both (`schema._CHAT_ROOM`), so `ChatStore` wraps either store.
Every line of SQL for chat is here, in named methods, written once for both backends
(the shared calls of `bbs.store.sql.SqlBase`).

Pacing is the generic cell rate algorithm (GCRA, a token bucket kept as one number):
each person has a "theoretical arrival time" per room; a line moves it on by the
interval, and is refused while it would run more than `burst` intervals ahead of now.
It is read and moved in the very transaction that stores the line (BEGIN IMMEDIATE on
SQLite; on PostgreSQL the person's pace row is made if missing and then read FOR UPDATE:
atomic across threads, `--workers` and hosts), so pacing costs no transaction of its
own and never touches the hub for a community's room.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bbs.store.sql import SqlBase

Row = dict[str, Any]

_LINE_COLUMNS = "id, person_id, handle, kind, text, at, hidden, hidden_reason"


@dataclass(frozen=True)
class Pace:
    """A line every `interval_s`, up to `burst` at once (interval 0: not paced)."""

    interval_s: float
    burst: int = 1


@dataclass(frozen=True)
class Spoken:
    """What became of a line: its id, or why not (a wait, or a moderator's mute)."""

    line_id: int = 0
    wait_s: float = 0.0
    muted_until: float | None = None


def next_turn(tat: float | None, now: float, pace: Pace) -> tuple[float, float]:
    """GCRA: (the new theoretical arrival time, 0) if a line may go now, else (tat, wait)."""
    if pace.interval_s <= 0:
        return now, 0.0
    after = max(tat if tat is not None else now, now) + pace.interval_s
    latest = now + pace.interval_s * max(1, pace.burst)
    if after > latest:
        return tat if tat is not None else now, after - latest
    return after, 0.0


class ChatStore:
    """One room: `ChatStore(store, keep)` over a community's store or the hub."""

    def __init__(self, store: SqlBase, keep: int = 500) -> None:
        self.store = store
        self.keep = max(1, keep)

    # speaking ---------------------------------------------------------------------------
    def speak(
        self, person_id: int, handle: str, kind: str, text: str, at: float, pace: Pace
    ) -> Spoken:
        """Store a line if its speaker is not muted here and may speak now; prune to `keep`.

        One transaction: the mute, the pacing and the line (so two workers racing for
        one person's turn cannot both pass)."""
        with self.store.write():
            muted = self.muted_until(person_id, at)
            if muted is not None:
                return Spoken(muted_until=muted)
            wait = self._take_turn(person_id, at, pace)
            if wait:
                return Spoken(wait_s=wait)
            line_id = self.store.insert(
                "INSERT INTO chat_lines(person_id, handle, kind, text, at) VALUES (?, ?, ?, ?, ?)",
                (person_id, handle, kind, text, at),
            )
            self.store.execute("DELETE FROM chat_lines WHERE id <= ?", (line_id - self.keep,))
            return Spoken(line_id)

    def take_turn(self, person_id: int, at: float, pace: Pace) -> Spoken:
        """Pace something said here that is not kept (a page): as `speak`, without a line."""
        with self.store.write():
            muted = self.muted_until(person_id, at)
            if muted is not None:
                return Spoken(muted_until=muted)
            return Spoken(wait_s=self._take_turn(person_id, at, pace))

    def _take_turn(self, person_id: int, at: float, pace: Pace) -> float:
        """Inside the caller's write: the person's row made (tat 0: no turn taken yet, as
        good as none) and held until the commit, then read and moved."""
        if pace.interval_s <= 0:
            return 0.0
        self.store.execute(
            "INSERT INTO chat_pace(person_id, tat) VALUES (?, 0) ON CONFLICT DO NOTHING",
            (person_id,),
        )
        found = self.store.value(
            f"SELECT tat FROM chat_pace WHERE person_id = ?{self.store.for_update}",
            (person_id,),
        )
        tat, wait = next_turn(found, at, pace)
        if not wait:
            self.store.execute("UPDATE chat_pace SET tat = ? WHERE person_id = ?", (tat, person_id))
        return wait

    # reading ----------------------------------------------------------------------------
    def lines(self, after_id: int = 0, limit: int = 100, with_hidden: bool = False) -> list[Row]:
        """The newest `limit` lines after `after_id`, oldest first (hidden ones if asked)."""
        hidden = "" if with_hidden else " AND hidden = 0"
        rows = self.store.rows(
            f"SELECT {_LINE_COLUMNS} FROM chat_lines WHERE id > ?{hidden} ORDER BY id DESC LIMIT ?",
            (after_id, limit),
        )
        rows.reverse()
        return rows

    def line(self, line_id: int) -> Row | None:
        return self.store.row(f"SELECT {_LINE_COLUMNS} FROM chat_lines WHERE id = ?", (line_id,))

    def latest_id(self) -> int:
        return int(self.store.value("SELECT max(id) FROM chat_lines") or 0)

    # moderation -------------------------------------------------------------------------
    def hide(self, line_id: int, reason: str, log: Row) -> Row | None:
        """Hide a line with its reason and log it, in one transaction; the line, or None."""
        with self.store.write():
            changed = self.store.execute(
                "UPDATE chat_lines SET hidden = 1, hidden_reason = ? WHERE id = ?",
                (reason, line_id),
            )
            if changed != 1:
                return None
            self._log_in(log)
        return self.line(line_id)

    def mute(self, person_id: int, until: float, actor: str, reason: str, log: Row) -> None:
        """Mute someone in this room until `until` (a later mute replaces it), logged."""
        with self.store.write():
            self.store.execute(
                "INSERT INTO chat_mutes(person_id, until, actor, reason) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(person_id) DO UPDATE SET until = excluded.until,"
                " actor = excluded.actor, reason = excluded.reason",
                (person_id, until, actor, reason),
            )
            self._log_in(log)

    def unmute(self, person_id: int, log: Row) -> bool:
        """Lift a mute early (logged); False when there was none."""
        with self.store.write():
            removed = self.store.execute("DELETE FROM chat_mutes WHERE person_id = ?", (person_id,))
            if removed != 1:
                return False
            self._log_in(log)
            return True

    def muted_until(self, person_id: int, now: float) -> float | None:
        """When a moderator's mute of this person here ends (None: not muted)."""
        found = self.store.value(
            "SELECT until FROM chat_mutes WHERE person_id = ? AND until > ?", (person_id, now)
        )
        return float(found) if found is not None else None

    def _log_in(self, entry: Row) -> None:
        self.store.execute(
            "INSERT INTO mod_log(at, actor, action, target, reason) VALUES (?, ?, ?, ?, ?)",
            (entry["at"], entry["actor"], entry["action"], entry["target"], entry["reason"]),
        )

    def mod_log(self, limit: int = 100) -> list[Row]:
        """The room's database's moderation log, newest first (the lobby's is the hub's)."""
        return self.store.rows("SELECT * FROM mod_log ORDER BY id DESC LIMIT ?", (limit,))


class RoomMutes:
    """Rooms people muted for themselves (in the hub): their mentions reach no inbox."""

    def __init__(self, hub: SqlBase) -> None:
        self.hub = hub

    def set_muted(self, person_id: int, room: str, muted: bool, at: float) -> None:
        with self.hub.write():
            if muted:
                self.hub.execute(
                    "INSERT INTO room_mutes(person_id, room, at) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (person_id, room, at),
                )
            else:
                self.hub.execute(
                    "DELETE FROM room_mutes WHERE person_id = ? AND room = ?", (person_id, room)
                )

    def rooms(self, person_id: int) -> set[str]:
        return {
            r["room"]
            for r in self.hub.rows("SELECT room FROM room_mutes WHERE person_id = ?", (person_id,))
        }

    def muted_by(self, person_ids: list[int], room: str) -> set[int]:
        """Which of these people muted `room`."""
        if not person_ids:
            return set()
        marks = ",".join("?" * len(person_ids))
        return {
            r["person_id"]
            for r in self.hub.rows(
                f"SELECT person_id FROM room_mutes WHERE room = ? AND person_id IN ({marks})",
                (room, *person_ids),
            )
        }
