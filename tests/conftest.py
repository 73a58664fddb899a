"""Shared fixtures: a forum on a temporary data dir with a small community and people."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

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


@pytest.fixture
def forum(tmp_path: Path) -> Iterator[Forum]:
    """A forum with people ada (sysop), bob, cy and one open community, 'garden'."""
    config = Config(data_dir=tmp_path, oneliner_interval_s=60, post_interval_s=0)
    config = replace(config, **NO_PACING)
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
