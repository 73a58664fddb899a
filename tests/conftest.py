"""Shared fixtures: a forum on a temporary data dir with a small community and people."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bbs.config import Config
from bbs.forum import Forum
from bbs.models import Person, Role
from bbs.seed import create_community

PACED = ("thread", "reply", "edit", "mail", "oneliner", "event", "rsvp", "flag", "invite")
PACED += ("crosspost", "community", "join", "key", "block", "profile", "password")
PACED += ("mention", "vote")  # chat lines that mention someone, poll votes (issue 17)
STANDING = ("events_upcoming_per_person", "communities_per_person", "foundings_per_day")
STANDING += ("keys_per_person", "blocks_per_person", "requests_per_person")
NO_PACING = {f"{kind}_interval_s": 0.0 for kind in PACED if kind not in ("thread", "reply")}
NO_PACING.pop("oneliner_interval_s")
NO_PACING |= {f"{kind}_{window}": 0 for kind in PACED for window in ("per_hour", "per_day")}
NO_PACING |= dict.fromkeys(STANDING, 0)
"""Issue 13's pacing and ceilings off for ordinary tests, but for the first-day limits
(old hands never meet them) and the one-liner's minute: a test of pacing sets its own."""


BACKENDS = ("sqlite", "postgresql")
CLIENT_MODULES = ("test_ui_", "test_ssh_", "test_web_", "test_plain_ssh", "test_snapshots")
CLIENT_MODULES += ("test_no_color",)
"""Tests that drive the screens, SSH or the web reader: clients of the forum, whose
`forum` is SQLite's (the store's behaviour is the forum and store tests' to check)."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "backends(*names): the stores a forum test runs on (default: sqlite and postgresql)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test of the forum and the stores runs on both backends: one parameter of the
    `forum` fixture (and of `backend`, which the store tests take)."""
    if "backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None:
        names = list(marker.args)
    elif metafunc.module.__name__.rsplit(".", 1)[-1].startswith(CLIENT_MODULES):
        names = ["sqlite"]
    else:
        names = list(BACKENDS)
    if names == ["sqlite"]:
        return  # the default (the `backend` fixture's): test ids as they were (snapshots)
    metafunc.parametrize("backend", names, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which store the test's forum runs on: "sqlite" or "postgresql"."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """The session's PostgreSQL server (tests/pg_support.py), started on first use. When
    it cannot start, the tests that need it fail saying why: never skipped."""
    from tests.pg_support import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer.start_new()
    except PostgresUnavailable as error:
        pytest.fail(f"PostgreSQL could not start for the tests: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()
        server.remove()


def populate(f: Forum, now: float) -> None:
    """What every forum test starts with: ada (sysop), bob and cy, the open 'garden'."""
    ada = f.register("ada", "Ada", role=Role.SYSOP)
    bob = f.register("bob", "Bob")
    f.register("cy", "Cy")
    for handle in ("ada", "bob", "cy"):  # old hands: no first-day limits in ordinary tests
        f.hub.update_person(who(f, handle).id, created=now - 90 * 86_400)
    create_community(
        f,
        {
            "slug": "garden",
            "name": "Garden",
            "description": "Growing things",
            "boards": [{"slug": "general", "name": "General"}, {"slug": "swaps", "name": "Swaps"}],
        },
        ada.id,
        now,
    )
    f.hub.set_membership(ada.id, "garden", "owner", "active")
    f.hub.set_membership(bob.id, "garden", "member", "active")


_TEMPLATE = "bbs_template"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def forum_template(postgres: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding what `populate` makes, migrated once: each test gets a copy."""
    data_dir = tmp_path_factory.mktemp("template")
    postgres.create_database(_TEMPLATE)
    f = Forum(data_dir, Config(data_dir=data_dir, store=postgres.dsn(_TEMPLATE)))
    try:
        populate(f, time.time())
    finally:
        f.close()
    return _TEMPLATE


@pytest.fixture
def store_dsn(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The test's `store` setting: "" (SQLite in its data dir), or a fresh PostgreSQL
    database made from the template, dropped after the test."""
    if backend == "sqlite":
        yield ""
        return
    postgres = request.getfixturevalue("postgres")
    template = request.getfixturevalue("forum_template")
    name = f"t{os.getpid()}_{next(_databases)}"
    dsn = postgres.create_database(name, template=template)
    try:
        yield dsn
    finally:
        postgres.drop_database(name)


@pytest.fixture
def empty_store(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """Another `store` setting on the test's backend, holding nothing yet: "" (SQLite in
    whatever data dir it is given), or a new empty PostgreSQL database, dropped after."""
    if backend == "sqlite":
        yield ""
        return
    postgres = request.getfixturevalue("postgres")
    name = f"e{os.getpid()}_{next(_databases)}"
    dsn = postgres.create_database(name)
    try:
        yield dsn
    finally:
        postgres.drop_database(name)


def use_store(data_dir: Path, store: str) -> None:
    """Name the store in the data dir's bbs.toml, as a sysop does (nothing for SQLite)."""
    if store:
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "bbs.toml").write_text(f'[bbs]\nstore = "{store}"\n')


@pytest.fixture
def forum(tmp_path: Path, store_dsn: str) -> Iterator[Forum]:
    """A forum with people ada (sysop), bob, cy and one open community, 'garden', on the
    test's backend (SQLite in tmp_path, or its own PostgreSQL database, named in
    tmp_path/bbs.toml so that `bbs` commands and other processes find it too)."""
    config = Config(data_dir=tmp_path, oneliner_interval_s=60, post_interval_s=0)
    config = replace(config, store=store_dsn, **NO_PACING)
    use_store(tmp_path, store_dsn)
    f = Forum(tmp_path, config)
    if not store_dsn:
        populate(f, time.time())
    yield f
    f.close()


def who(forum: Forum, handle: str) -> Person:
    found = forum.person(handle)
    assert found is not None
    return found


@pytest.fixture(params=["here", "relay", "nats"])
async def elsewhere(forum: Forum, request: pytest.FixtureRequest) -> AsyncIterator[Forum]:
    """The forum "another session" writes through: this process's own, or another process's
    joined to this one by a real transport (the relay's broker, or a NATS server), so the
    live-update tests run on every transport."""
    if request.param == "here":
        yield forum
        return
    from tests.bus_support import linked

    other = Forum(forum.data_dir, forum.config)
    try:
        async with linked(request.param, [forum, other]):
            yield other
    finally:
        other.close()
