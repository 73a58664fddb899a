"""Failover on PostgreSQL: a synchronous standby on a second port; kill -9 the primary
mid-load, promote the standby, and every acknowledged post is on it (a commit is
acknowledged only once the standby has the WAL: synchronous_commit = on). The stream
to the standby is cut half a second before the kill (and cannot come back), so
that were the standby asynchronous, it would miss what the primary acknowledged
meanwhile (and this test would fail: it does with the two lines that make it
synchronous taken out)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bbs.config import Config
from bbs.forum import Forum
from tests.conftest import populate, who
from tests.pg_support import PostgresServer

pytestmark = pytest.mark.backends("postgresql")
WRITERS = 4
ENOUGH = 200  # acknowledged replies before the kill


@pytest.fixture
def primary(backend: str) -> Iterator[PostgresServer]:
    server = PostgresServer.start_new()
    try:
        yield server
    finally:
        server.stop()
        server.remove()


def wait_for_sync(primary: PostgresServer, name: str) -> None:
    deadline = time.monotonic() + 20
    with psycopg.connect(primary.dsn(), autocommit=True) as conn:
        while True:
            found = conn.execute(
                "SELECT sync_state FROM pg_stat_replication WHERE application_name = %s", (name,)
            ).fetchone()
            if found and found[0] == "sync":
                return
            assert time.monotonic() < deadline, f"the standby is not synchronous: {found}"
            time.sleep(0.05)


def cut_the_stream(primary: PostgresServer) -> None:
    """The standby loses its stream and cannot come back (its role may no longer log in)."""
    primary.sql("ALTER ROLE replicator NOLOGIN")
    primary.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_replication")


def test_kill_9_of_the_primary_then_the_promoted_standby_has_every_acknowledged_post(
    primary: PostgresServer, tmp_path: Path
) -> None:
    dsn = primary.create_database("forum")
    config = Config(data_dir=tmp_path, store=dsn, post_interval_s=0)
    forum = Forum(tmp_path, config)
    populate(forum, time.time())
    ada = who(forum, "ada")  # the sysop: no pacing in the way of the load
    _, root = forum.start_thread(ada, "garden", "general", "Load", "root")
    primary.sql("CREATE ROLE replicator WITH LOGIN REPLICATION")
    standby = PostgresServer.standby_of(primary, "standby", user="replicator")
    try:
        primary.sql("ALTER SYSTEM SET synchronous_standby_names = 'standby'")
        primary.sql("SELECT pg_reload_conf()")
        wait_for_sync(primary, "standby")

        acknowledged: list[int] = []
        lock = threading.Lock()

        def write(n: int) -> None:
            for i in range(100_000):
                try:
                    post_id = forum.reply(ada, "garden", root, f"writer {n} reply {i}")
                except Exception:  # the primary is gone: this writer stops
                    return
                with lock:
                    acknowledged.append(post_id)

        writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < ENOUGH and time.monotonic() < deadline:
            time.sleep(0.02)
        cut_the_stream(primary)  # a commit now waits for the standby; were it
        time.sleep(0.5)  # asynchronous, it would be acknowledged by the primary alone
        primary.kill()  # kill -9 of the postmaster and its backends, mid-load
        for writer in writers:
            writer.join(30)
        forum.close()

        assert len(acknowledged) >= ENOUGH, "the writers were too slow to test anything"

        standby.sql("SELECT pg_promote()")
        promoted = standby.dsn("forum")
        again = Forum(tmp_path, Config(data_dir=tmp_path, store=promoted, post_interval_s=0))
        try:
            thread = again.read_thread(who(again, "ada"), "garden", 1)
            stored = {p.id for p in thread.posts}
            missing = set(acknowledged) - stored
            assert not missing, f"{len(missing)} acknowledged posts missing on the standby"
            assert thread.thread.posts == len(thread.posts)  # totals moved with each post
            again.reply(who(again, "ada"), "garden", root, "written on the promoted standby")
        finally:
            again.close()
    finally:
        standby.stop()
        standby.remove()
