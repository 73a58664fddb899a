"""The two backends behave alike where a person can tell, and PostgreSQL does what only one
database can: search finds the same posts on the same data, a live event never tells of
what has not committed, and a write over the hub and a community is one transaction."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bbs.config import Config
from bbs.errors import RateLimited
from bbs.forum import Forum
from bbs.live_events import Kind, LiveEvent
from bbs.models import Role
from bbs.seed import create_community
from bbs.store.interface import CommunityBackend
from tests.conftest import who

POSTS = [
    ("Café au lait", "Morning café au lait on the allotment, naïve as ever."),
    ("Tomatoes", "TOMATOES and beans: the tomatoes survived the frost."),
    ("foo_bar", "snake_case names like foo_bar and well-known kebab-case words"),
    ("Versions", "Version 3.5 of the seed list is on example.com/seeds?id=42 now."),
    ("Élan", "ÉCOLE des jardins: straße, Ærø, Œuvre, smörgåsbord."),
    ("Greek and Cyrillic", "ΑΘΗΝΑ garden, Москва allotment, ёлка, Ελλάδα."),
    ("Digits", "We sowed 12 rows on 2024-03-01; 1e5 seeds, ½ a packet, 3rd bed."),
    ("Mixed", "Jasmine, night-blooming jasmine; jasmine tea. Also: compost123 & x²."),
    ("Punctuation", "don't; can't; it's the gardener's (best) [friend] {always}!"),
    ("Plain", "nothing to see here but ordinary words"),
]
QUERIES = [
    "cafe", "Café", "CAFÉ au", "lait morning", "tomatoes", "tomato", "TOMATOES beans",
    "foo_bar", "foo bar", "snake", "well-known", "kebab case", "3.5", "3", "5", "example.com",
    "example", "seeds", "id=42", "42", "ecole", "école", "strasse", "straße", "aero", "ærø",
    "oeuvre", "œuvre", "smorgasbord", "αθηνα", "ΑΘΗΝΑ", "москва", "елка", "ёлка", "ελλαδα",
    "12 rows", "2024", "03", "1e5", "½", "3rd", "jasmine", "jasmine tea", "night blooming",
    "compost123", "compost", "x²", "x", "don't", "dont", "don t", "gardener s", "friend",
    "_", "", "   ", "garden", "ordinary words here", "versions", "élan", "elan", "digits",
    "greek cyrillic", "a" * 300,
]  # fmt: skip


def fill(store: CommunityBackend) -> None:
    board = store.add_board("general", "General")
    for n, (title, body) in enumerate(POSTS):
        _, root = store.add_thread(board, title, 1, "ada", body, at=1000 + n)
        store.add_reply(root, 2, "bob", f"reply to {title}: {body[:20]}", at=2000 + n)


def hits(store: CommunityBackend, query: str) -> set[tuple[int, int]]:
    return {(r["thread_id"], r["id"]) for r in store.search(query)}


@pytest.mark.backends("postgresql")
def test_the_same_queries_find_the_same_posts_on_both_backends(
    tmp_path: Path, empty_store: str
) -> None:
    from bbs.store.community import CommunityStore
    from bbs.store.pg import PgDatabase
    from bbs.store.pg_community import PgCommunityStore

    sqlite = CommunityStore(tmp_path / "c.db")
    database = PgDatabase(empty_store)
    postgres = PgCommunityStore(database, "c")
    try:
        fill(sqlite)
        fill(postgres)
        found_any = 0
        for query in QUERIES:
            on_sqlite, on_postgres = hits(sqlite, query), hits(postgres, query)
            assert on_sqlite == on_postgres, f"{query!r}: {on_sqlite} != {on_postgres}"
            found_any += bool(on_sqlite)
        assert found_any > len(QUERIES) // 2  # the queries do find things
        for post_id in (1, 3):
            sqlite.set_hidden(post_id, True, "spam")
            postgres.set_hidden(post_id, True, "spam")
        assert hits(sqlite, "cafe") == hits(postgres, "cafe") != set()
        sqlite.edit_post(4, "now about marrows", 3000)
        postgres.edit_post(4, "now about marrows", 3000)
        assert hits(sqlite, "marrows") == hits(postgres, "marrows") == {(2, 4)}
        assert hits(sqlite, "beans survived") == hits(postgres, "beans survived") == set()
        sqlite.set_hidden(3, False, "")
        postgres.set_hidden(3, False, "")  # shown again, found again
        assert hits(sqlite, "beans survived") == hits(postgres, "beans survived") == {(2, 3)}
    finally:
        sqlite.close()
        database.close()


def test_a_live_event_tells_only_of_what_has_committed(forum: Forum) -> None:
    """Another process that hears of an answer finds it (on PostgreSQL the answer commits
    with its pacing record: the event waits for that commit)."""
    bob = who(forum, "bob")
    event_id = forum.create_event(
        who(forum, "ada"), "garden", "Swap", "2030-05-01 10:00", "UTC", "Hall"
    )
    other = Forum(forum.data_dir, forum.config)  # another worker on the same store
    seen: list[str | None] = []
    publish = forum.bus.publish

    def look(event: LiveEvent) -> None:
        if event.kind == Kind.RSVP:
            seen.append(other.store("garden").rsvp_of(event_id, bob.id))
        publish(event)

    forum.bus.publish = look  # type: ignore[method-assign]
    try:
        forum.rsvp(bob, "garden", event_id, "going")
    finally:
        other.close()
    assert seen == ["going"]


@pytest.mark.backends("postgresql")
def test_a_cross_post_is_one_transaction_over_the_hub_and_the_community(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy, its lock and the hub's note of it commit together: a failure at the last
    leaves no copy behind (SQLite, two files, can only order them)."""
    ada, bob = who(forum, "ada"), who(forum, "bob")
    forum.found_community(ada, "seeds", "Seeds")
    forum.hub.set_membership(bob.id, "seeds", "member", "active")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Share me", "beans")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the hub's disk is full")

    monkeypatch.setattr(type(forum.hub), "add_crosspost", broken)
    with pytest.raises(OSError):
        forum.cross_post(bob, "garden", thread_id, "seeds")
    assert forum.threads(bob, "seeds", "general") == []
    monkeypatch.undo()
    forum.cross_post(bob, "garden", thread_id, "seeds")  # and its pacing record went too
    assert [t.title for t in forum.threads(bob, "seeds", "general")] == ["Share me"]


@pytest.mark.backends("postgresql")
def test_a_post_and_its_pacing_record_commit_together(
    tmp_path: Path, empty_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reply that fails after its record was made takes the record with it, in the same
    rollback: the next reply is not paced by one that never was."""
    config = Config(data_dir=tmp_path, store=empty_store, post_interval_s=60)
    forum = Forum(tmp_path, config)
    try:
        ada = forum.register("ada", "Ada", role=Role.SYSOP)
        bob = forum.register("bob", "Bob")
        create_community(forum, {"slug": "garden", "name": "Garden"}, ada.id, time.time())
        forum.hub.set_membership(bob.id, "garden", "member", "active")
        _, root = forum.start_thread(ada, "garden", "general", "Hi", "Say hi")
        store = forum.store("garden")
        write = store.add_reply

        def fails(*args: object, **kwargs: object) -> int:
            write(*args, **kwargs)  # type: ignore[arg-type]
            raise OSError("lost the connection after writing")

        monkeypatch.setattr(store, "add_reply", fails)
        with pytest.raises(OSError):
            forum.reply(bob, "garden", root, "first try")
        monkeypatch.undo()
        assert len(forum.read_thread(bob, "garden", 1).posts) == 1  # the reply went too
        forum.reply(bob, "garden", root, "second try")  # not paced by the first
        with pytest.raises(RateLimited):
            forum.reply(bob, "garden", root, "third try")
    finally:
        forum.close()
