"""hub.db: people, keys, the community directory, memberships, mail, one-liners, callers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bbs.store.db import Store
from bbs.store.schema import hub_migrations, migrate

Row = dict[str, Any]


class HubStore(Store):
    """The hub database. Methods take plain values and return rows (dicts)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        with self.lock:
            migrate(self.db, hub_migrations)

    # settings -------------------------------------------------------------
    def setting(self, key: str, default: str = "") -> str:
        found = self.value("SELECT value FROM settings WHERE key = ?", (key,))
        return default if found is None else str(found)

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # people ---------------------------------------------------------------
    def add_person(
        self, handle: str, display_name: str, *, role: str = "user",
        password_hash: str | None = None, bio: str = "", interests: str = "",
        created: float | None = None,
    ) -> int:
        """Insert a person and return their id (IntegrityError if the handle is taken)."""
        with self.write() as db:
            cur = db.execute(
                "INSERT INTO people(handle, display_name, role, password_hash, bio, interests,"
                " created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (handle, display_name, role, password_hash, bio, interests,
                 created or time.time()),
            )
            return int(cur.lastrowid or 0)

    def person_by_handle(self, handle: str) -> Row | None:
        return self.row("SELECT * FROM people WHERE handle = ?", (handle,))

    def person_by_id(self, person_id: int) -> Row | None:
        return self.row("SELECT * FROM people WHERE id = ?", (person_id,))

    def people_by_ids(self, ids: list[int]) -> list[Row]:
        marks = ",".join("?" * len(ids))
        return self.rows(f"SELECT * FROM people WHERE id IN ({marks})", ids) if ids else []

    def update_person(self, person_id: int, **fields: Any) -> None:
        if not fields:
            return
        sets = ", ".join(f"{name} = ?" for name in fields)
        with self.write() as db:
            db.execute(f"UPDATE people SET {sets} WHERE id = ?", (*fields.values(), person_id))

    def record_login(self, person_id: int, at: float) -> None:
        """Remember the last visit (for the new-message scan) and add to last callers."""
        with self.write() as db:
            db.execute(
                "UPDATE people SET previous_seen = last_seen, last_seen = ? WHERE id = ?",
                (at, person_id),
            )
            db.execute("INSERT INTO callers(person_id, at) VALUES (?, ?)", (person_id, at))

    def callers(self, limit: int = 10) -> list[Row]:
        return self.rows(
            "SELECT p.handle, c.at FROM callers c JOIN people p ON p.id = c.person_id"
            " ORDER BY c.id DESC LIMIT ?",
            (limit,),
        )

    # keys -----------------------------------------------------------------
    def add_key(self, person_id: int, fingerprint: str, public_key: str) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO keys(person_id, fingerprint, public_key, added) VALUES (?, ?, ?, ?)",
                (person_id, fingerprint, public_key, time.time()),
            )

    def person_by_key(self, fingerprint: str) -> Row | None:
        return self.row(
            "SELECT p.* FROM keys k JOIN people p ON p.id = k.person_id WHERE k.fingerprint = ?",
            (fingerprint,),
        )

    def keys_of(self, person_id: int) -> list[Row]:
        return self.rows("SELECT * FROM keys WHERE person_id = ? ORDER BY id", (person_id,))

    # communities ----------------------------------------------------------
    def add_community(self, row: Row) -> None:
        with self.write() as db:
            db["communities"].insert(row)

    def communities(self, status: str = "active") -> list[Row]:
        return self.rows(
            "SELECT c.*, (SELECT count(*) FROM memberships m WHERE m.community = c.slug"
            " AND m.status = 'active') AS members FROM communities c WHERE c.status = ?"
            " ORDER BY c.name",
            (status,),
        )

    def community(self, slug: str) -> Row | None:
        return self.row(
            "SELECT c.*, (SELECT count(*) FROM memberships m WHERE m.community = c.slug"
            " AND m.status = 'active') AS members FROM communities c WHERE c.slug = ?",
            (slug,),
        )

    def update_community(self, slug: str, **fields: Any) -> None:
        sets = ", ".join(f"{name} = ?" for name in fields)
        with self.write() as db:
            db.execute(f"UPDATE communities SET {sets} WHERE slug = ?", (*fields.values(), slug))

    # memberships ----------------------------------------------------------
    def membership(self, person_id: int, slug: str) -> Row | None:
        return self.row(
            "SELECT * FROM memberships WHERE person_id = ? AND community = ?", (person_id, slug)
        )

    def memberships_of(self, person_id: int) -> list[Row]:
        return self.rows("SELECT * FROM memberships WHERE person_id = ?", (person_id,))

    def set_membership(self, person_id: int, slug: str, role: str, status: str) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO memberships(person_id, community, role, status, joined)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(person_id, community) DO UPDATE SET"
                " role = excluded.role, status = excluded.status",
                (person_id, slug, role, status, time.time()),
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
        with self.write() as db:
            cur = db.execute(
                "INSERT INTO oneliners(person_id, text, posted) VALUES (?, ?, ?)",
                (person_id, text, at),
            )
            return int(cur.lastrowid or 0)

    def oneliners(self, limit: int = 20) -> list[Row]:
        return self.rows(
            "SELECT o.id, p.handle, o.text, o.posted FROM oneliners o"
            " JOIN people p ON p.id = o.person_id ORDER BY o.id DESC LIMIT ?",
            (limit,),
        )

    def unread_mail(self, person_id: int) -> int:
        return int(
            self.value(
                "SELECT count(*) FROM mail WHERE recipient_id = ? AND read_at IS NULL",
                (person_id,),
            )
            or 0
        )
