"""The live bus's transports, real ones (the relay's broker, a NATS server), in this process.

Each BusHost here stands for a process of its own (a worker, or a host): it has its
own LiveBus and Presence and its own connection.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bbs.bus import relay
from bbs.bus.host import BusHost
from bbs.bus.wire import MAX_EVENT_BYTES, encode_event, subject_for
from bbs.live import Kind, LiveBus, LiveEvent
from bbs.live_events import MailSent, NewReply, Whereabouts, payload_fields
from bbs.text import LIMITS
from tests.bus_support import (
    PROBE,
    TRANSPORTS,
    NatsServer,
    Relay,
    bus_host,
    eventually,
    hear_each_other,
    links_settled,
    running_nats,
)

BODY = LIMITS["body"]
SCRIPTS = {
    "cyrillic": "Ж",  # 2 bytes in UTF-8, 6 as \\u0416: 20,000 of them broke the old relay
    "cjk": "漢",
    "emoji": "🌱",  # outside the BMP: a surrogate pair, 12 bytes escaped
}


@pytest.fixture(params=TRANSPORTS)
async def where(request: pytest.FixtureRequest):  # noqa: ANN201
    """Where the hosts meet: a broker or a NATS server, the test's own."""
    if request.param == "nats":
        async with running_nats() as server:
            yield request.param, server
    else:
        found = await Relay().start()
        yield request.param, found
        await found.stop()


def reply_event(body: str, post_id: int = 2) -> LiveEvent:
    return LiveEvent(
        Kind.NEW_REPLY, "garden", "ada", NewReply(1, 1, post_id, 1, 1, 1795865161.5, body)
    )


@asynccontextmanager
async def two_hosts(kind: str, place: NatsServer | Relay) -> AsyncIterator[tuple[BusHost, BusHost]]:
    """Hosts a and b on `place`, started; stopped after."""
    a, b = bus_host(kind, place, "a"), bus_host(kind, place, "b")
    await a.start()
    await b.start()
    try:
        await hear_each_other([a.bus, b.bus])
        yield a, b
    finally:
        await a.stop()
        await b.stop()


def received(bus: LiveBus) -> list[LiveEvent]:
    got: list[LiveEvent] = []
    bus.subscribe(got.append)
    return got


def replies(events: list[LiveEvent]) -> list[NewReply]:
    """The new replies among `events`, each as the NewReply it carried."""
    return [e.payload for e in events if isinstance(e.payload, NewReply)]


def test_the_largest_event_fits_every_transport_with_room() -> None:
    """The relay's frames and NATS's default payload (1 MiB) take the largest event."""
    worst = reply_event("\x1f" * BODY)  # what JSON escapes most (6 bytes); text.clean drops it
    astral = reply_event("🌱" * BODY)
    for event in (worst, astral, reply_event('"' * BODY)):
        assert len(encode_event(event, "host-w0-1", None)) <= MAX_EVENT_BYTES
    assert relay.MAX_FRAME > 2 * MAX_EVENT_BYTES
    assert MAX_EVENT_BYTES < 1024 * 1024
    old_line = len(json.dumps(payload_fields(reply_event("Ж" * 12_000).payload))) + 1
    assert old_line > 64 * 1024  # what the old relay could not carry (a ~12,000-char reply)


@pytest.mark.parametrize("script", sorted(SCRIPTS))
async def test_a_20000_character_reply_crosses_intact_and_events_keep_crossing(
    where: tuple[str, NatsServer | Relay], script: str
) -> None:
    kind, place = where
    async with two_hosts(kind, place) as (a, b):
        got = received(b.bus)
        big = reply_event(SCRIPTS[script] * BODY)
        a.bus.publish(big)
        small = reply_event("after the long one", post_id=3)
        a.bus.publish(small)
        await eventually(lambda: len(replies(got)) == 2, what="both")
        posts = replies(got)
        assert posts == [big.payload, small.payload]
        assert posts[0].body == SCRIPTS[script] * BODY
        assert b.link_up and b.resyncs == 0


async def test_a_host_never_hears_its_own_events(where: tuple[str, NatsServer | Relay]) -> None:
    kind, place = where
    async with two_hosts(kind, place) as (a, b):
        heard_a, heard_b = received(a.bus), received(b.bus)
        a.bus.publish(reply_event("once"))
        await eventually(lambda: bool(replies(heard_b)), what="delivery")
        # b answers after "once": on a's own link an echo of it would come before the answer
        b.bus.publish(LiveEvent(PROBE, actor="answer"))
        await eventually(lambda: any(e.actor == "answer" for e in heard_a), what="the answer")
        assert [r.post_id for r in replies(heard_a)] == [2]  # its own, delivered here
        assert [r.post_id for r in replies(heard_b)] == [2]


async def test_who_is_online_crosses_hosts_and_a_host_that_leaves_takes_its_people(
    where: tuple[str, NatsServer | Relay],
) -> None:
    kind, place = where
    a, b = bus_host(kind, place, "a"), bus_host(kind, place, "b")
    await a.start()
    await b.start()
    try:
        await hear_each_other([a.bus, b.bus])
        a.presence.arrive("s0-1", "ada")
        a.presence.arrive("s0-2", "cy", "garden/general")
        await eventually(lambda: len(b.presence.online()) == 2, what="arrivals")
        assert {(e.session_id, e.handle, e.where) for e in b.presence.online()} == {
            ("a/s0-1", "ada", "welcome"),
            ("a/s0-2", "cy", "garden/general"),
        }
        assert b.presence.sessions_of("ada") == 1
        a.presence.move("s0-1", "mail")
        a.presence.leave("s0-2")
        await eventually(
            lambda: [(e.handle, e.where) for e in b.presence.online()] == [("ada", "mail")],
            what="a move and a departure",
        )
    finally:
        await a.stop()  # says goodbye: its people leave b's list at once
    try:
        await eventually(lambda: not b.presence.online(), timeout=0.5, what="goodbye")
    finally:
        await b.stop()


async def test_a_silent_host_loses_its_people_and_a_returning_one_brings_them_back(
    where: tuple[str, NatsServer | Relay],
) -> None:
    kind, place = where
    async with two_hosts(kind, place) as (a, b):
        a.presence.arrive("s0-1", "ada")
        await eventually(lambda: b.presence.sessions_of("ada") == 1, what="arrival")
        assert a._timer is not None
        a._timer.cancel()  # a stops beating (as if frozen, or cut off): b drops its people
        started = time.monotonic()
        await eventually(lambda: not b.presence.online(), timeout=3, what="expiry")
        assert time.monotonic() - started < b.timeout_s + 2 * b.heartbeat_s
        a._tick()  # a beats again: b asks for its list and shows its people again
        await eventually(lambda: b.presence.sessions_of("ada") == 1, timeout=2, what="return")
        await eventually(lambda: b.resyncs == 1, timeout=2, what="b's screens told to reload")


async def test_an_arrival_lost_on_the_way_is_healed_by_the_heartbeat(
    where: tuple[str, NatsServer | Relay],
) -> None:
    kind, place = where
    async with two_hosts(kind, place) as (a, b):
        send = a.transport.publish
        a.transport.publish = lambda subject, payload: None  # type: ignore[method-assign]
        a.presence.arrive("s0-1", "ada")  # this announcement is lost
        a.transport.publish = send  # type: ignore[method-assign]
        await eventually(lambda: b.presence.sessions_of("ada") == 1, timeout=2, what="heal")


async def test_after_the_link_comes_back_screens_are_told_once_to_load_again() -> None:
    """Cut the link (the broker goes away), publish meanwhile (lost), restore it: one resync."""
    place = await Relay().start()
    try:
        async with two_hosts("relay", place) as (a, b):
            resyncs: list[LiveEvent] = []
            b.bus.subscribe(lambda e: resyncs.append(e) if e.kind == Kind.RESYNC else None)
            got = received(b.bus)
            b.presence.arrive("s0-9", "bob")
            await eventually(lambda: a.presence.sessions_of("bob") == 1, what="arrival")
            await place.stop()
            await eventually(lambda: not a.link_up and not b.link_up, what="both links down")
            a.bus.publish(reply_event("written while the link was down"))  # lost
            await place.restart()
            await eventually(lambda: a.link_up and b.link_up, timeout=5, what="both links back")
            await eventually(lambda: len(resyncs) == 1, timeout=5, what="one resync")
            await eventually(lambda: links_settled([a, b]), what="the links settled")
            assert len(resyncs) == 1  # a's return and b's own link: one reload, not two
            assert not replies(got)  # the lost event stayed lost
            await eventually(lambda: a.presence.sessions_of("bob") == 1, what="presence whole")
            a.bus.publish(reply_event("after", post_id=3))
            await eventually(lambda: any(r.post_id == 3 for r in replies(got)), what="events cross")
    finally:
        await place.stop()


async def test_the_broker_drops_a_worker_that_sends_garbage_and_the_rest_go_on() -> None:
    place = await Relay().start()
    try:
        async with two_hosts("relay", place) as (a, b):
            got = received(b.bus)
            reader, writer = await asyncio.open_unix_connection(str(place.path))
            writer.write(b"\xff\xff\xff\xff not a frame")  # a length far over MAX_FRAME
            await writer.drain()
            assert await asyncio.wait_for(reader.read(), 2) == b""  # the broker hung up on it
            writer.close()
            a.bus.publish(reply_event("still crossing"))
            await eventually(lambda: bool(replies(got)), what="delivery")
    finally:
        await place.stop()


async def test_a_second_broker_on_the_same_socket_is_refused_in_words() -> None:
    place = await Relay().start()
    try:
        with pytest.raises(relay.RelayInUse, match="--bus nats://"):
            await relay.Broker(place.path).start()
    finally:
        await place.stop()


async def test_publishing_never_waits_on_a_stalled_nats_server() -> None:
    """SIGSTOP the server: every publish returns at once; what cannot be held is dropped."""
    async with running_nats() as server:
        a = bus_host("nats", server, "a")
        await a.start()
        drops: list[int] = []
        a.dropped = lambda: drops.append(1)  # type: ignore[method-assign]  # the transport's call
        try:
            server.pause()
            event = reply_event("Ж" * BODY)
            slowest, started = 0.0, time.perf_counter()
            lag = asyncio.get_running_loop().time()
            for n in range(400):  # 400 x 40 KB: more than the transport holds
                t = time.perf_counter()
                a.bus.publish(event)
                slowest = max(slowest, time.perf_counter() - t)
                if n % 50 == 0:
                    await asyncio.sleep(0)
            total = time.perf_counter() - started
            await asyncio.sleep(0.05)
            lag = asyncio.get_running_loop().time() - lag
            assert slowest < 0.05, slowest
            assert total < 2.0 and lag < 3.0, (total, lag)
            assert 0 < len(drops) < 400  # held what it could (8 MiB), dropped the rest
        finally:
            server.resume()
            await a.stop()


def test_subjects_follow_communities_kinds_and_people() -> None:
    assert subject_for(reply_event("x")) == "bbs.c.garden.new-reply"
    assert subject_for(LiveEvent(Kind.ONELINER, actor="ada")) == "bbs.b.oneliner"
    assert subject_for(
        LiveEvent(Kind.PRESENCE, actor="ada", payload=Whereabouts("s1", "garden"))
    ) == ("bbs.b.presence")
    assert subject_for(LiveEvent(Kind.FOUNDED, "knit")) == "bbs.b.founded"
    assert subject_for(LiveEvent(Kind.MAIL, actor="ada", payload=MailSent("bob"))) == (
        "bbs.m.ada.bob"
    )
    odd = subject_for(LiveEvent(Kind.MOD_LOG, "a.b c*>"))
    assert odd.count(".") == 3 and " " not in odd and "*" not in odd
