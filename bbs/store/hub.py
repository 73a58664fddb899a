"""The hub: people, keys, the community directory, memberships, mail, one-liners, callers.

`HubQueries` is the hub's SQL, written once for both backends; `HubStore` runs it on
SQLite's hub.db, `bbs.store.pg_hub.PgHubStore` on PostgreSQL's `hub` schema.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bbs.store.chat import ChatStore, RoomMutes
from bbs.store.db import Store
from bbs.store.errors import Duplicate
from bbs.store.interface import ChatRoomBackend, RoomMutesBackend
from bbs.store.schema import hub_migrations, migrate
from bbs.store.sql import SqlBase

Row = dict[str, Any]


def reaches(sender: str, recipient: str) -> str:
    """SQL for "may `sender` reach `recipient`": not when the recipient has blocked them.

    The one rule for blocking: `HubStore.may_reach` asks it, and every list and count
    that shows what one person sent another (mail, notices, mentions, one-liners)
    filters with it, so a count always agrees with its list.
    """
    return (
        f"NOT EXISTS (SELECT 1 FROM blocks rb WHERE rb.person_id = {recipient}"
        f" AND rb.blocked_id = {sender})"
    )


class HubQueries(SqlBase):
    """The hub's queries, on either backend. Methods take plain values and return rows."""

    # settings -------------------------------------------------------------
    def chat_room(self, keep: int) -> ChatRoomBackend:
        """The lobby (its tables are the same as a community's room's)."""
        return ChatStore(self, keep)

    def room_mutes(self) -> RoomMutesBackend:
        return RoomMutes(self)

    def setting(self, key: str, default: str = "") -> str:
        found = self.value("SELECT value FROM settings WHERE key = ?", (key,))
        return default if found is None else str(found)

    def set_setting(self, key: str, value: str) -> None:
        with self.write():
            self.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # people ---------------------------------------------------------------
    def add_person(
        self,
        handle: str,
        display_name: str,
        *,
        role: str = "user",
        password_hash: str | None = None,
        bio: str = "",
        interests: str = "",
        created: float | None = None,
    ) -> int:
        """Insert a person and return their id (Duplicate if the handle is taken)."""
        try:
            with self.write():
                return self.insert(
                    "INSERT INTO people(handle, display_name, role, password_hash, bio,"
                    " interests, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        handle,
                        display_name,
                        role,
                        password_hash,
                        bio,
                        interests,
                        created or time.time(),
                    ),
                )
        except self.integrity_errors as error:
            raise Duplicate(f"the handle {handle!r} is taken") from error

    def person_by_handle(self, handle: str) -> Row | None:
        return self.row("SELECT * FROM people WHERE handle = ?", (handle,))

    def person_by_id(self, person_id: int) -> Row | None:
        return self.row("SELECT * FROM people WHERE id = ?", (person_id,))

    def update_person(self, person_id: int, **fields: Any) -> None:
        if not fields:
            return
        sets = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.execute(f"UPDATE people SET {sets} WHERE id = ?", (*fields.values(), person_id))

    def prefers_plain(self, person_id: int) -> bool:
        return bool(self.value("SELECT plain_mode FROM people WHERE id = ?", (person_id,)))

    def record_login(self, person_id: int, at: float) -> None:
        """Remember the last visit (for the new-message scan) and add to last callers."""
        with self.write():
            self.execute(
                "UPDATE people SET previous_seen = last_seen, last_seen = ? WHERE id = ?",
                (at, person_id),
            )
            self.execute("INSERT INTO callers(person_id, at) VALUES (?, ?)", (person_id, at))

    def callers(self, limit: int = 10) -> list[Row]:
        return self.rows(
            "SELECT p.handle, c.at FROM callers c JOIN people p ON p.id = c.person_id"
            " ORDER BY c.id DESC LIMIT ?",
            (limit,),
        )

    # keys -----------------------------------------------------------------
    def add_key(self, person_id: int, fingerprint: str, public_key: str) -> None:
        """File a key for a person (Duplicate if the key is on file already)."""
        try:
            with self.write():
                self.execute(
                    "INSERT INTO keys(person_id, fingerprint, public_key, added)"
                    " VALUES (?, ?, ?, ?)",
                    (person_id, fingerprint, public_key, time.time()),
                )
        except self.integrity_errors as error:
            raise Duplicate(f"the key {fingerprint} is on file") from error

    def person_by_key(self, fingerprint: str) -> Row | None:
        return self.row(
            "SELECT p.* FROM keys k JOIN people p ON p.id = k.person_id WHERE k.fingerprint = ?",
            (fingerprint,),
        )

    def key_count(self, person_id: int) -> int:
        return int(self.value("SELECT count(*) FROM keys WHERE person_id = ?", (person_id,)) or 0)

    def keys_of(self, person_id: int) -> list[Row]:
        return self.rows("SELECT * FROM keys WHERE person_id = ? ORDER BY id", (person_id,))

    # communities ----------------------------------------------------------
    def add_community(self, row: Row) -> None:
        names = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        with self.write():
            self.execute(f"INSERT INTO communities({names}) VALUES ({marks})", row)

    def communities(self, status: str = "active") -> list[Row]:
        return self.rows(
            "SELECT c.*, (SELECT count(*) FROM memberships m WHERE m.community = c.slug"
            " AND m.status = 'active') AS members FROM communities c WHERE c.status = ?"
            " ORDER BY c.name",
            (status,),
        )

    def community(self, slug: str, *, members: bool = False) -> Row | None:
        """The community's row; its count of active members (`members`) only if asked: most
        callers check a visibility or a name, and the count is a subquery."""
        if not members:
            return self.row("SELECT * FROM communities WHERE slug = ?", (slug,))
        return self.row(
            "SELECT c.*, (SELECT count(*) FROM memberships m WHERE m.community = c.slug"
            " AND m.status = 'active') AS members FROM communities c WHERE c.slug = ?",
            (slug,),
        )

    def update_community(self, slug: str, **fields: Any) -> None:
        sets = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.execute(f"UPDATE communities SET {sets} WHERE slug = ?", (*fields.values(), slug))

    # memberships ----------------------------------------------------------
    def membership(self, person_id: int, slug: str) -> Row | None:
        return self.row(
            "SELECT * FROM memberships WHERE person_id = ? AND community = ?", (person_id, slug)
        )

    def memberships_of(self, person_id: int) -> list[Row]:
        """The person's memberships in communities that are open for business: never one
        waiting for the sysop's approval, or gone (every screen that walks them reads it)."""
        return self.rows(
            "SELECT m.* FROM memberships m JOIN communities c ON c.slug = m.community"
            " WHERE m.person_id = ? AND c.status = 'active'",
            (person_id,),
        )

    def founded_by(self, person_id: int) -> int:
        """Communities the person founded that are listed or waiting for approval."""
        return int(
            self.value(
                "SELECT count(*) FROM communities WHERE founder_id = ?"
                " AND status IN ('active', 'pending')",
                (person_id,),
            )
            or 0
        )

    def community_count(self) -> int:
        return int(
            self.value("SELECT count(*) FROM communities WHERE status IN ('active', 'pending')")
            or 0
        )

    def requests_of(self, person_id: int) -> int:
        """Requests to join the person has waiting."""
        return int(
            self.value(
                "SELECT count(*) FROM memberships WHERE person_id = ? AND status = 'requested'",
                (person_id,),
            )
            or 0
        )

    def set_membership(
        self, person_id: int, slug: str, role: str, status: str, at: float | None = None
    ) -> None:
        """Make (or change) a membership; `at` is when it began, for a new one."""
        with self.write():
            self.execute(
                "INSERT INTO memberships(person_id, community, role, status, joined)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(person_id, community) DO UPDATE SET"
                " role = excluded.role, status = excluded.status",
                (person_id, slug, role, status, at or time.time()),
            )

    def remove_membership(self, person_id: int, slug: str) -> None:
        """Forget a membership, a request to join or a ban (leaving, declined, unbanned)."""
        with self.write():
            self.execute(
                "DELETE FROM memberships WHERE person_id = ? AND community = ?", (person_id, slug)
            )

    def members(self, slug: str, status: str = "active") -> list[Row]:
        return self.rows(
            "SELECT p.handle, p.display_name, m.role, m.status, m.joined FROM memberships m"
            " JOIN people p ON p.id = m.person_id WHERE m.community = ? AND m.status = ?"
            " ORDER BY p.handle",
            (slug, status),
        )

    # one-liners -----------------------------------------------------------
    def add_oneliner(self, person_id: int, text: str, at: float) -> int:
        with self.write():
            return self.insert(
                "INSERT INTO oneliners(person_id, text, posted) VALUES (?, ?, ?)",
                (person_id, text, at),
            )

    def oneliners(self, limit: int = 20, reader_id: int = 0) -> list[Row]:
        """The wall, newest first, without the lines of people the reader blocked."""
        return self.rows(
            "SELECT o.id, p.handle, o.text, o.posted FROM oneliners o"
            f" JOIN people p ON p.id = o.person_id WHERE {reaches('o.person_id', ':reader')}"
            " ORDER BY o.id DESC LIMIT :limit",
            {"reader": reader_id, "limit": limit},
        )

    def unread_mail(self, person_id: int) -> int:
        """Unread messages from people who may reach the person (what the inbox shows)."""
        return int(
            self.value(
                "SELECT count(*) FROM mail m WHERE m.recipient_id = :me AND m.read_at IS NULL"
                f" AND {reaches('m.sender_id', ':me')}",
                {"me": person_id},
            )
            or 0
        )

    # mail -----------------------------------------------------------------
    def add_mail(
        self,
        sender_id: int,
        recipient_id: int,
        subject: str,
        body: str,
        at: float,
        conversation_id: int | None = None,
        kind: str = "mail",
        ref: str = "",
    ) -> int:
        """Store one message; a new conversation takes the first message's id.

        `ref` names the post a mention quotes ("slug/post id"), read again when shown."""
        with self.write():
            mail_id = self.insert(
                "INSERT INTO mail(conversation_id, sender_id, recipient_id, subject, body, sent,"
                " kind, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (conversation_id or 0, sender_id, recipient_id, subject, body, at, kind, ref),
            )
            if not conversation_id:
                self.execute("UPDATE mail SET conversation_id = ? WHERE id = ?", (mail_id, mail_id))
            return mail_id

    def inbox(self, person_id: int, limit: int = 100) -> list[Row]:
        """The newest message of each conversation the person is in, newest first; none
        with someone who may not reach them (their unread counts agree with unread_mail)."""
        other = "(CASE WHEN m.sender_id = :me THEN m.recipient_id ELSE m.sender_id END)"
        return self.rows(
            "SELECT m.*, s.handle AS sender, r.handle AS recipient,"
            " (SELECT count(*) FROM mail u WHERE u.conversation_id = m.conversation_id"
            "   AND u.recipient_id = :me AND u.read_at IS NULL) AS unread"
            " FROM mail m JOIN people s ON s.id = m.sender_id"
            " JOIN people r ON r.id = m.recipient_id"
            " WHERE m.id IN (SELECT max(id) FROM mail WHERE sender_id = :me OR recipient_id = :me"
            f"   GROUP BY conversation_id) AND {reaches(other, ':me')}"
            " ORDER BY m.id DESC LIMIT :limit",
            {"me": person_id, "limit": limit},
        )

    def conversation(self, conversation_id: int) -> list[Row]:
        return self.rows(
            "SELECT m.*, s.handle AS sender, r.handle AS recipient FROM mail m"
            " JOIN people s ON s.id = m.sender_id JOIN people r ON r.id = m.recipient_id"
            " WHERE m.conversation_id = ? ORDER BY m.id",
            (conversation_id,),
        )

    def mark_mail_read(self, person_id: int, conversation_id: int, at: float) -> None:
        with self.write():
            self.execute(
                "UPDATE mail SET read_at = ? WHERE conversation_id = ? AND recipient_id = ?"
                " AND read_at IS NULL",
                (at, conversation_id, person_id),
            )

    # invites --------------------------------------------------------------
    def add_invite(
        self, code: str, slug: str, created_by: int, for_person: int | None, uses: int, at: float
    ) -> None:
        with self.write():
            self.execute(
                "INSERT INTO invites(code, community, created_by, for_person, uses_left, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (code, slug, created_by, for_person, uses, at),
            )

    def use_invite(self, code: str, slug: str) -> bool:
        """Spend one use of an invite code for `slug`; False when it is not valid."""
        with self.write():
            changed = self.execute(
                "UPDATE invites SET uses_left = uses_left - 1"
                " WHERE code = ? AND community = ? AND uses_left > 0",
                (code, slug),
            )
            return changed == 1

    def personal_invite(self, person_id: int, slug: str) -> str:
        """The code of an invitation made out to this person for `slug` ('' if none)."""
        found = self.value(
            "SELECT code FROM invites WHERE for_person = ? AND community = ? AND uses_left > 0",
            (person_id, slug),
        )
        return str(found) if found is not None else ""

    def invited(self, person_id: int, slug: str) -> bool:
        return bool(
            self.value(
                "SELECT 1 FROM invites WHERE for_person = ? AND community = ? AND uses_left > 0",
                (person_id, slug),
            )
        )

    # blocks ---------------------------------------------------------------
    def set_block(self, person_id: int, blocked_id: int, blocked: bool, at: float) -> None:
        with self.write():
            if blocked:
                self.execute(
                    "INSERT INTO blocks(person_id, blocked_id, at) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (person_id, blocked_id, at),
                )
            else:
                self.execute(
                    "DELETE FROM blocks WHERE person_id = ? AND blocked_id = ?",
                    (person_id, blocked_id),
                )

    def may_reach(self, sender_id: int, recipient_id: int) -> bool:
        """Whether mail, a notice, a mention or a line from `sender_id` reaches `recipient_id`."""
        return bool(self.value(f"SELECT {reaches('?', '?')}", (recipient_id, sender_id)))

    def block_count(self, person_id: int) -> int:
        return int(self.value("SELECT count(*) FROM blocks WHERE person_id = ?", (person_id,)) or 0)

    def blocked_ids(self, person_id: int) -> set[int]:
        return {
            r["blocked_id"]
            for r in self.rows("SELECT blocked_id FROM blocks WHERE person_id = ?", (person_id,))
        }

    def blocked(self, person_id: int) -> dict[int, str | None]:
        """Whom the person blocked, id to handle, in one query (None: no such person)."""
        return {
            r["blocked_id"]: r["handle"]
            for r in self.rows(
                "SELECT b.blocked_id, p.handle FROM blocks b LEFT JOIN people p"
                " ON p.id = b.blocked_id WHERE b.person_id = ?",
                (person_id,),
            )
        }

    # activity (pacing, first-day limits, duplicates) --------------------------
    def record_activity(self, person_id: int, kind: str, at: float, digest: str = "") -> int:
        """Record one thing made; its id (to take it back if the making fails). Rows past
        two days are no use to any limit and go as the person makes new ones."""
        with self.write():
            self.execute(
                "DELETE FROM activity WHERE person_id = ? AND kind = ? AND at < ?",
                (person_id, kind, at - 2 * 86_400),
            )
            return self.insert(
                "INSERT INTO activity(person_id, kind, at, digest) VALUES (?, ?, ?, ?)",
                (person_id, kind, at, digest),
            )

    def forget_activity(self, activity_id: int) -> None:
        """Take back a record whose making failed."""
        with self.write():
            self.execute("DELETE FROM activity WHERE id = ?", (activity_id,))

    def activity_counts(self, person_id: int, kind: str, hour: float, day: float) -> Row:
        """{'hour': n, 'day': n}: how many of `kind` since `hour` and since `day` (one scan)."""
        found = self.row(
            "SELECT count(*) AS day, count(*) FILTER (WHERE at > :hour) AS hour FROM activity"
            " WHERE person_id = :me AND kind = :kind AND at > :day",
            {"me": person_id, "kind": kind, "hour": hour, "day": day},
        )
        return found or {"hour": 0, "day": 0}

    def latest_activity(self, person_id: int, kinds: tuple[str, ...]) -> float | None:
        marks = ",".join("?" * len(kinds))
        return self.value(
            f"SELECT max(at) FROM activity WHERE person_id = ? AND kind IN ({marks})",
            (person_id, *kinds),
        )

    def nth_latest_activity(self, person_id: int, kind: str, since: float, n: int) -> float:
        """When the n-th newest of `kind` since `since` was made (1: the newest)."""
        found = self.value(
            "SELECT at FROM activity WHERE person_id = ? AND kind = ? AND at > ?"
            " ORDER BY at DESC LIMIT 1 OFFSET ?",
            (person_id, kind, since, max(0, n - 1)),
        )
        return float(found if found is not None else since)

    def duplicate_activity(
        self, person_id: int, kinds: tuple[str, ...], since: float, digest: str
    ) -> float | None:
        """When the same thing (same digest) was last made since `since`, if it was."""
        marks = ",".join("?" * len(kinds))
        return self.value(
            f"SELECT max(at) FROM activity WHERE person_id = ? AND kind IN ({marks})"
            " AND at > ? AND digest = ?",
            (person_id, *kinds, since, digest),
        )

    def board_activity(self, kind: str, since: float) -> int:
        """How many of `kind` everyone made since `since` (board-wide ceilings)."""
        return int(
            self.value("SELECT count(*) FROM activity WHERE kind = ? AND at > ?", (kind, since))
            or 0
        )

    # cross-posts ------------------------------------------------------------
    def add_crosspost(
        self, origin: str, origin_thread: int, copy: str, copy_thread: int, at: float
    ) -> None:
        with self.write():
            self.execute(
                "INSERT INTO crossposts(origin, origin_thread, copy, copy_thread, at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (origin, origin_thread, copy, copy_thread, at),
            )

    def crosspost_copies(self, origin: str, origin_thread: int) -> list[Row]:
        """Where a thread was cross-posted: rows of (copy, copy_thread)."""
        return self.rows(
            "SELECT copy, copy_thread FROM crossposts WHERE origin = ? AND origin_thread = ?",
            (origin, origin_thread),
        )

    # bans -----------------------------------------------------------------
    def set_ban(self, kind: str, value: str, reason: str, at: float, banned: bool = True) -> None:
        with self.write():
            if banned:
                self.execute(
                    "INSERT INTO bans(kind, value, reason, at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(kind, value) DO UPDATE SET reason = excluded.reason,"
                    " at = excluded.at",
                    (kind, value, reason, at),
                )
            else:
                self.execute("DELETE FROM bans WHERE kind = ? AND value = ?", (kind, value))

    def is_banned(self, kind: str, value: str) -> bool:
        return bool(self.value("SELECT 1 FROM bans WHERE kind = ? AND value = ?", (kind, value)))

    def shared_members(self, slug: str) -> list[Row]:
        """Other communities ranked by how many active members they share with `slug`."""
        return self.rows(
            "SELECT o.community AS slug, count(*) AS shared FROM memberships m"
            " JOIN memberships o ON o.person_id = m.person_id AND o.community != m.community"
            " WHERE m.community = ? AND m.status = 'active' AND o.status = 'active'"
            " GROUP BY o.community ORDER BY shared DESC",
            (slug,),
        )


class HubStore(HubQueries, Store):
    """The hub on SQLite: hub.db in the data dir."""

    def __init__(self, path: Path) -> None:
        Store.__init__(self, path)
        with self.lock:
            migrate(self.db, hub_migrations)

    def paced(self, person_id: int) -> AbstractContextManager[None]:
        """The transaction in which one person's limit is checked and recorded: a hub
        write, which BEGIN IMMEDIATE serialises with every other (threads and processes)."""
        return self.transaction()
