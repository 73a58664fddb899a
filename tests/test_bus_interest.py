"""A host subscribes to what its sessions can show: nothing else reaches it (NATS, real server)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bbs.bus.host import BusHost
from bbs.bus.wire import community_subject, mail_subjects
from bbs.forum import Forum
from bbs.live import Kind, LiveEvent
from bbs.live_events import NewReply, Resync, Whereabouts
from tests.bus_support import NatsServer, eventually, linked, live_subjects, running_nats
from tests.conftest import who


@pytest.fixture
async def nats() -> AsyncIterator[NatsServer]:
    async with running_nats() as server:
        yield server


def circle(forum: Forum) -> None:
    """A community only its members read (ada founds it; bob and cy are not in it)."""
    forum.found_community(
        who(forum, "ada"), "circle", "Circle", description="Small", visibility="request"
    )


def heard(host: BusHost) -> list[str]:
    """Subjects of the events that reached `host` from elsewhere."""
    subjects: list[str] = []
    received = host.received

    def noting(subject: str, payload: bytes) -> None:
        subjects.append(subject)
        received(subject, payload)

    host.received = noting  # type: ignore[method-assign]  # what the transport calls
    return subjects


def post(slug: str, post_id: int = 1) -> LiveEvent:
    return LiveEvent(Kind.NEW_REPLY, slug, "ada", NewReply(1, 1, post_id, 1, 1, 1.0, "hi"))


async def test_a_host_hears_only_the_communities_its_people_can_read(
    forum: Forum, nats: NatsServer
) -> None:
    circle(forum)
    other = Forum(forum.data_dir, forum.config)
    try:
        async with linked("nats", [forum, other], where=nats) as (here, there):
            interest = here.interest
            assert interest is not None and interest.subjects == frozenset()
            got = heard(here)
            live = live_subjects(here)
            forum.bus.publish(LiveEvent(Kind.PRESENCE, actor="bob", payload=Whereabouts("s1")))
            wanted = {community_subject("garden"), *mail_subjects("bob")}
            await eventually(lambda: interest.subjects == wanted, what="bob's subjects")
            await eventually(lambda: wanted <= live, what="bob's subjects live at the server")
            other.bus.publish(post("circle"))  # bob cannot read it: it never comes here
            other.bus.publish(post("garden"))
            await eventually(lambda: "bbs.c.garden.new-reply" in got, what="garden's post")
            assert "bbs.c.circle.new-reply" not in got

            other.hub.set_membership(who(other, "bob").id, "circle", "member", "requested")
            other.decide_request(who(other, "ada"), "circle", "bob", approve=True)
            # the notice by mail reaches bob's host, which now listens to the circle too
            await eventually(
                lambda: community_subject("circle") in interest.subjects, what="the circle"
            )
            await eventually(lambda: community_subject("circle") in live, what="the circle live")
            other.bus.publish(post("circle", 2))
            await eventually(lambda: "bbs.c.circle.new-reply" in got, what="the circle's post")

            forum.bus.publish(LiveEvent(Kind.PRESENCE_GONE, actor="bob", payload=Whereabouts("s1")))
            await eventually(lambda: interest.subjects == frozenset(), what="all dropped")
    finally:
        other.close()


async def test_the_sysop_hears_every_community_and_a_guest_the_open_ones(
    forum: Forum, nats: NatsServer
) -> None:
    circle(forum)
    async with linked("nats", [forum], where=nats) as (here,):
        interest = here.interest
        assert interest is not None
        forum.bus.publish(LiveEvent(Kind.PRESENCE, actor="guest", payload=Whereabouts("g1")))
        await eventually(
            lambda: interest.subjects == {community_subject("garden")}, what="a guest's"
        )
        forum.bus.publish(LiveEvent(Kind.PRESENCE, actor="ada", payload=Whereabouts("s2")))
        await eventually(
            lambda: community_subject("circle") in interest.subjects, what="the sysop's"
        )


async def test_opening_a_community_not_yet_heard_subscribes_and_reloads_what_was_open(
    forum: Forum, nats: NatsServer
) -> None:
    """Screens made before a community's subscription was live are told to load again."""
    circle(forum)
    async with linked("nats", [forum], where=nats) as (here,):
        interest = here.interest
        assert interest is not None
        early: list[LiveEvent] = []
        live = live_subjects(here)
        forum.bus.subscribe(lambda e: early.append(e) if e.kind == Kind.RESYNC else None)
        forum.bus.publish(LiveEvent(Kind.PRESENCE, actor="cy", payload=Whereabouts("s3")))
        await eventually(lambda: bool(interest.subjects), what="cy's subjects")
        await eventually(lambda: interest.subjects <= live, what="cy's subjects live")
        early.clear()
        assert community_subject("circle") not in interest.subjects
        # cy opens the circle (made readable to her meanwhile, say): her host widens
        forum.bus.publish(LiveEvent(Kind.PRESENCE, actor="cy", payload=Whereabouts("s3", "circle")))
        await eventually(lambda: bool(early), what="a resync for the circle")
        assert early == [LiveEvent(Kind.RESYNC, "circle", payload=Resync())]
        assert community_subject("circle") in interest.subjects
