"""Shared fixtures: a forum on a temporary data dir with a small community and people."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bbs.config import Config
from bbs.forum import Forum
from bbs.models import Person, Role
from bbs.seed import create_community


@pytest.fixture
def forum(tmp_path: Path) -> Iterator[Forum]:
    """A forum with people ada (sysop), bob, cy and one open community, 'garden'."""
    config = Config(data_dir=tmp_path, oneliner_interval_s=60, post_interval_s=0)
    f = Forum(tmp_path, config)
    now = time.time()
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
