"""Table definitions as numbered migrations (sqlite-utils `Migrations`).

Opening a file applies whatever it has not seen yet, so an older hub or
community database upgrades itself. Never edit a migration that has shipped:
add the next number.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

hub_migrations = Migrations("bbs-hub")
community_migrations = Migrations("bbs-community")


def _run(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one: executescript() would COMMIT the migration's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@hub_migrations(name="0001_initial")
def _hub_initial(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            handle TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            bio TEXT NOT NULL DEFAULT '',
            interests TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT 'user',
            password_hash TEXT,
            created REAL NOT NULL,
            last_seen REAL NOT NULL DEFAULT 0,
            previous_seen REAL NOT NULL DEFAULT 0,
            banned INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE keys (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL UNIQUE,
            public_key TEXT NOT NULL,
            added REAL NOT NULL
        );
        CREATE INDEX keys_person ON keys(person_id);
        CREATE TABLE communities (
            slug TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            visibility TEXT NOT NULL DEFAULT 'open',
            rules TEXT NOT NULL DEFAULT '',
            welcome TEXT NOT NULL DEFAULT '',
            member_cap INTEGER,
            status TEXT NOT NULL DEFAULT 'active',
            sisters TEXT NOT NULL DEFAULT '',
            founder_id INTEGER REFERENCES people(id),
            created REAL NOT NULL
        );
        CREATE TABLE memberships (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            community TEXT NOT NULL REFERENCES communities(slug) ON DELETE CASCADE,
            role TEXT NOT NULL DEFAULT 'member',
            status TEXT NOT NULL DEFAULT 'active',
            joined REAL NOT NULL,
            PRIMARY KEY (person_id, community)
        );
        CREATE INDEX memberships_community ON memberships(community, status);
        CREATE TABLE callers (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            at REAL NOT NULL
        );
        CREATE TABLE oneliners (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            posted REAL NOT NULL
        );
        CREATE TABLE mail (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL,
            sender_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            recipient_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            subject TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            sent REAL NOT NULL,
            read_at REAL,
            kind TEXT NOT NULL DEFAULT 'mail'
        );
        CREATE INDEX mail_recipient ON mail(recipient_id, read_at);
        CREATE INDEX mail_conversation ON mail(conversation_id, id);
        """,
    )


@community_migrations(name="0001_initial")
def _community_initial(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE boards (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE threads (
            id INTEGER PRIMARY KEY,
            board_id INTEGER NOT NULL REFERENCES boards(id),
            title TEXT NOT NULL,
            author_id INTEGER NOT NULL,
            author TEXT NOT NULL,
            created REAL NOT NULL,
            last_post_at REAL NOT NULL,
            post_count INTEGER NOT NULL DEFAULT 0,
            pinned INTEGER NOT NULL DEFAULT 0,
            locked INTEGER NOT NULL DEFAULT 0,
            origin TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX threads_board_activity ON threads(board_id, pinned DESC, last_post_at DESC);
        CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            board_id INTEGER NOT NULL REFERENCES boards(id),
            parent_id INTEGER REFERENCES posts(id),
            path TEXT NOT NULL DEFAULT '',
            depth INTEGER NOT NULL DEFAULT 0,
            author_id INTEGER NOT NULL,
            author TEXT NOT NULL,
            body TEXT NOT NULL,
            created REAL NOT NULL,
            edited_at REAL,
            hidden INTEGER NOT NULL DEFAULT 0,
            hidden_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX posts_thread_path ON posts(thread_id, path);
        CREATE INDEX posts_thread_id ON posts(thread_id, id);
        CREATE INDEX posts_board_id ON posts(board_id, id);
        CREATE INDEX posts_created ON posts(created);
        CREATE TABLE read_marks (
            person_id INTEGER NOT NULL,
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            last_read_id INTEGER NOT NULL,
            PRIMARY KEY (person_id, thread_id)
        ) WITHOUT ROWID;
        CREATE TABLE read_horizons (
            person_id INTEGER PRIMARY KEY,
            horizon_id INTEGER NOT NULL
        );
        CREATE TABLE mod_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE flags (
            id INTEGER PRIMARY KEY,
            post_id INTEGER NOT NULL REFERENCES posts(id),
            flagger_id INTEGER NOT NULL,
            flagger TEXT NOT NULL,
            reason TEXT NOT NULL,
            at REAL NOT NULL,
            resolved_at REAL,
            resolution TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX flags_open ON flags(resolved_at);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            starts_at REAL NOT NULL,
            tz TEXT NOT NULL DEFAULT 'UTC',
            place TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            author_id INTEGER NOT NULL,
            author TEXT NOT NULL,
            created REAL NOT NULL
        );
        CREATE INDEX events_starts ON events(starts_at);
        CREATE TABLE rsvps (
            event_id INTEGER NOT NULL REFERENCES events(id),
            person_id INTEGER NOT NULL,
            handle TEXT NOT NULL,
            answer TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (event_id, person_id)
        ) WITHOUT ROWID;
        """,
    )
    db.table("posts").enable_fts(["body"], fts_version="FTS5", create_triggers=True)
    db.table("threads").enable_fts(["title"], fts_version="FTS5", create_triggers=True)


def migrate(db: sqlite_utils.Database, migrations: Migrations) -> None:
    """Apply every pending migration of `migrations` to `db`."""
    migrations.apply(db)


@hub_migrations(name="0002_belonging_and_safety")
def _hub_belonging(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE invites (
            code TEXT PRIMARY KEY,
            community TEXT NOT NULL REFERENCES communities(slug) ON DELETE CASCADE,
            created_by INTEGER NOT NULL REFERENCES people(id),
            for_person INTEGER REFERENCES people(id),
            uses_left INTEGER NOT NULL DEFAULT 1,
            created REAL NOT NULL
        );
        CREATE TABLE blocks (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            blocked_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            at REAL NOT NULL,
            PRIMARY KEY (person_id, blocked_id)
        ) WITHOUT ROWID;
        CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            at REAL NOT NULL,
            digest TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX activity_person ON activity(person_id, kind, at);
        CREATE TABLE bans (
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            at REAL NOT NULL,
            PRIMARY KEY (kind, value)
        ) WITHOUT ROWID;
        """,
    )


@community_migrations(name="0002_board_totals")
def _community_board_totals(db: sqlite_utils.Database) -> None:
    """Boards keep their thread and post totals, so a community page never sums a board."""
    _run(
        db,
        """
        ALTER TABLE boards ADD COLUMN thread_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE boards ADD COLUMN post_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE boards ADD COLUMN last_post_at REAL;
        UPDATE boards SET
          thread_count = (SELECT count(*) FROM threads t WHERE t.board_id = boards.id),
          post_count = (SELECT coalesce(sum(post_count), 0) FROM threads t
                        WHERE t.board_id = boards.id),
          last_post_at = (SELECT max(last_post_at) FROM threads t WHERE t.board_id = boards.id);
        """,
    )


@community_migrations(name="0003_read_posts")
def _community_read_posts(db: sqlite_utils.Database) -> None:
    """Posts read out of order past a thread's read mark, one row each."""
    _run(
        db,
        """
        CREATE TABLE read_posts (
            person_id INTEGER NOT NULL,
            thread_id INTEGER NOT NULL,
            post_id INTEGER NOT NULL,
            PRIMARY KEY (person_id, thread_id, post_id)
        ) WITHOUT ROWID
        """,
    )


@hub_migrations(name="0003_ceilings_and_reach")
def _hub_ceilings_and_reach(db: sqlite_utils.Database) -> None:
    """Board-wide pacing counts by kind; cross-posts remembered (a hide reaches the copies);
    a mention names the post it quotes (shown as the post is now, not as it was)."""
    _run(
        db,
        """
        CREATE INDEX activity_kind ON activity(kind, at);
        CREATE TABLE crossposts (
            origin TEXT NOT NULL,
            origin_thread INTEGER NOT NULL,
            copy TEXT NOT NULL,
            copy_thread INTEGER NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (origin, origin_thread, copy, copy_thread)
        ) WITHOUT ROWID;
        ALTER TABLE mail ADD COLUMN ref TEXT NOT NULL DEFAULT ''
        """,
    )


@community_migrations(name="0004_event_cancel")
def _community_event_cancel(db: sqlite_utils.Database) -> None:
    """A cancelled event stays, marked, for those who answered; who cancelled it and why."""
    _run(
        db,
        """
        ALTER TABLE events ADD COLUMN cancelled_at REAL;
        ALTER TABLE events ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT ''
        """,
    )


@hub_migrations(name="0005_plain_mode")
def hub_plain_mode(db: sqlite_utils.Database) -> None:
    """A person's own choice of plain (line-by-line) mode at every sign-in."""
    _run(db, "ALTER TABLE people ADD COLUMN plain_mode INTEGER NOT NULL DEFAULT 0")


_CHAT_ROOM = """
        CREATE TABLE chat_lines (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL,
            handle TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'say',
            text TEXT NOT NULL,
            at REAL NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            hidden_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE chat_pace (
            person_id INTEGER PRIMARY KEY,
            tat REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE chat_mutes (
            person_id INTEGER PRIMARY KEY,
            until REAL NOT NULL,
            actor TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID
"""
"""A chat room's tables, the same in a community's file and (for the lobby) in the hub:
its last lines, each speaker's pacing (one row a person) and the people muted in it."""


@community_migrations(name="0005_chat_and_polls")
def _community_chat_and_polls(db: sqlite_utils.Database) -> None:
    """The community's chat room; a poll on any thread (its choices, one vote a person)."""
    _run(
        db,
        _CHAT_ROOM
        + """;
        CREATE TABLE polls (
            thread_id INTEGER PRIMARY KEY REFERENCES threads(id),
            question TEXT NOT NULL,
            several INTEGER NOT NULL DEFAULT 0,
            results TEXT NOT NULL DEFAULT 'always',
            closes_at REAL,
            tz TEXT NOT NULL DEFAULT 'UTC',
            closed_at REAL,
            closed_by TEXT NOT NULL DEFAULT '',
            author_id INTEGER NOT NULL,
            created REAL NOT NULL
        );
        CREATE TABLE poll_choices (
            thread_id INTEGER NOT NULL REFERENCES polls(thread_id),
            position INTEGER NOT NULL,
            label TEXT NOT NULL,
            PRIMARY KEY (thread_id, position)
        ) WITHOUT ROWID;
        CREATE TABLE poll_votes (
            thread_id INTEGER NOT NULL REFERENCES polls(thread_id),
            person_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (thread_id, person_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX poll_votes_choice ON poll_votes(thread_id, position)
        """,
    )


@hub_migrations(name="0006_chat")
def _hub_chat(db: sqlite_utils.Database) -> None:
    """The board-wide lobby's room; the lobby's moderation log; rooms a person muted."""
    _run(
        db,
        _CHAT_ROOM
        + """;
        CREATE TABLE mod_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE room_mutes (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            room TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (person_id, room)
        ) WITHOUT ROWID
        """,
    )
