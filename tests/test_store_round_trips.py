"""Round trips to PostgreSQL: statements name their schema (no `SET search_path`), and a
call looks up the viewer's membership once, yet sees a role changed since the last call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from bbs.errors import Forbidden
from bbs.forum import Forum
from bbs.models import MemberRole
from bbs.store.pg import qualified
from tests.conftest import who

TABLES = frozenset({"posts", "threads", "boards", "people"})


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "SELECT * FROM posts p JOIN threads t ON t.id = p.thread_id",
            'SELECT * FROM "c_x".posts p JOIN "c_x".threads t ON t.id = p.thread_id',
        ),
        (  # columns named like tables stay columns
            "UPDATE boards SET posts = posts + 1, threads = b.threads WHERE id = ?",
            'UPDATE "c_x".boards SET posts = posts + 1, threads = b.threads WHERE id = ?',
        ),
        (  # a WITH's own names, and an INSERT's column list
            "WITH post AS (INSERT INTO posts(id) VALUES (1) RETURNING id) SELECT id FROM post",
            'WITH post AS (INSERT INTO "c_x".posts(id) VALUES (1) RETURNING id)'
            " SELECT id FROM post",
        ),
        (  # quoted text, names already qualified, functions, the catalog
            "SELECT 'FROM posts', extract(epoch FROM clock_timestamp())"
            ' FROM pg_tables, "posts" JOIN limits.posts ON true',
            "SELECT 'FROM posts', extract(epoch FROM clock_timestamp())"
            ' FROM pg_tables, "posts" JOIN limits.posts ON true',
        ),
        (
            "delete from Posts where id in (select id from people)",
            'delete from "c_x".Posts where id in (select id from "c_x".people)',
        ),
    ],
)
def test_a_statement_names_its_schemas_tables(text: str, want: str) -> None:
    assert qualified(text, "c_x", TABLES) == want


def test_a_schema_name_is_quoted_as_postgresql_reads_it() -> None:
    assert qualified("SELECT 1 FROM posts", 'c_a"b', TABLES) == 'SELECT 1 FROM "c_a""b".posts'


def test_a_role_changed_between_two_calls_is_seen_by_the_next(forum: Forum) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    thread, first = forum.start_thread(bob, "garden", "general", "Seeds", "Tomato seeds?")
    forum.hide_post(ada, "garden", first, "off topic")
    forum.lock_thread(ada, "garden", thread, reason="settled")

    def shown() -> str:
        return forum.read_thread(bob, "garden", thread).posts[0].body

    assert shown() == "" and not forum.can_moderate(bob, "garden")
    forum.set_member_role(ada, "garden", "bob", "moderator")
    assert shown() == "Tomato seeds?" and forum.can_moderate(bob, "garden")
    assert forum.community(bob, "garden").my_role == MemberRole.MODERATOR
    forum.reply(bob, "garden", first, "Locked, but a moderator may still answer.")
    forum.set_member_role(ada, "garden", "bob", "member")
    assert shown() == ""
    with pytest.raises(Forbidden, match="locked"):
        forum.reply(bob, "garden", first, "Not any more.")
    forum.ban_member(ada, "garden", "bob", "spam")
    with pytest.raises(Forbidden):
        forum.read_thread(bob, "garden", thread)
    (garden,) = forum.list_communities(bob)
    assert garden.my_role is None and not garden.can_read


def _statements(monkeypatch: pytest.MonkeyPatch, call: Callable[[], Any]) -> list[str]:
    """The statements `call` sends PostgreSQL (every store query is a Connection.execute)."""
    sent: list[str] = []
    execute = psycopg.Connection.execute

    def counted(self: psycopg.Connection[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(query if isinstance(query, str) else repr(query))
        return execute(self, query, *args, **kwargs)

    call()  # warm: the stores opened, their schemas' tables known
    with monkeypatch.context() as patched:
        patched.setattr(psycopg.Connection, "execute", counted)
        call()
    return sent


@pytest.mark.backends("postgresql")
def test_a_thread_opens_in_five_statements(forum: Forum, monkeypatch: pytest.MonkeyPatch) -> None:
    bob = who(forum, "bob")
    thread, _ = forum.start_thread(bob, "garden", "general", "Seeds", "Tomato seeds?")
    sent = _statements(monkeypatch, lambda: forum.read_thread(bob, "garden", thread))
    assert not [s for s in sent if "search_path" in s]
    assert [s for s in sent if "memberships" in s] == [
        'SELECT * FROM "hub".memberships WHERE person_id = %s AND community = %s'
    ]
    assert not [s for s in sent if "count(*)" in s]  # no member count for a check
    # the community, the membership, the thread, the blocks, the posts
    assert len(sent) == 5, sent


@pytest.mark.backends("postgresql")
def test_the_directory_asks_for_memberships_once(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, bob = who(forum, "ada"), who(forum, "bob")
    for slug in ("pond", "orchard"):
        forum.found_community(ada, slug, slug.title(), description="A place")
    forum.join(bob, "pond", accept_rules=True)
    sent = _statements(monkeypatch, lambda: forum.list_communities(bob))
    assert len([s for s in sent if "memberships" in s and "count(*)" not in s]) == 1, sent


def test_each_person_sees_their_own_answer_in_the_list_of_events(forum: Forum) -> None:
    ada, bob, cy = who(forum, "ada"), who(forum, "bob"), who(forum, "cy")
    forum.clock = lambda: 1_790_000_000.0  # 2026-09-21
    swap = forum.create_event(bob, "garden", "Swap", "2026-10-03 14:30", "UTC", "the shed")
    walk = forum.create_event(bob, "garden", "Walk", "2026-10-04 10:00", "UTC", "the gate")
    forum.rsvp(ada, "garden", swap, "going")
    forum.rsvp(bob, "garden", swap, "maybe")
    forum.rsvp(bob, "garden", walk, "no")

    def answers(person: Any) -> list[tuple[int, str | None]]:
        return [(e.id, e.my_rsvp) for e in forum.events(person, "garden")]

    assert answers(ada) == [(swap, "going"), (walk, None)]
    assert answers(bob) == [(swap, "maybe"), (walk, "no")]
    assert answers(cy) == answers(forum.guest()) == [(swap, None), (walk, None)]
    assert [(e.id, e.my_rsvp) for e in forum.upcoming_events(bob)] == answers(bob)
