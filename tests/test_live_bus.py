"""The live bus: who gets which events."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bbs.forum import Forum
from bbs.live import Kind, LiveBus, LiveEvent
from bbs.live_events import NewReply, PostChanged, Resync, Whereabouts
from tests.bus_support import TRANSPORTS, NatsServer, Relay, eventually, linked, links_settled
from tests.conftest import who


def test_presence_goes_only_to_those_who_show_it() -> None:
    bus = LiveBus()
    shows: list[str] = []
    does_not: list[str] = []
    bus.subscribe(lambda e: shows.append(e.kind))
    token = bus.subscribe(lambda e: does_not.append(e.kind), presence=False)
    bus.publish(LiveEvent(Kind.PRESENCE, actor="ada", payload=Whereabouts("s1", "welcome")))
    bus.publish(LiveEvent(Kind.PRESENCE_GONE, actor="ada", payload=Whereabouts("s1")))
    bus.publish(LiveEvent(Kind.POST_CHANGED, "garden", payload=PostChanged(1, 1, 2)))
    assert shows == [Kind.PRESENCE, Kind.PRESENCE_GONE, Kind.POST_CHANGED]
    assert does_not == [Kind.POST_CHANGED]
    bus.unsubscribe(token)
    bus.publish(LiveEvent(Kind.POST_CHANGED, "garden", payload=PostChanged(1, 1, 3)))
    assert does_not == [Kind.POST_CHANGED] and bus.subscriber_count == 1


def test_a_reply_carried_in_an_event_crosses_the_bus_as_it_was() -> None:
    from bbs.bus.wire import decode_event, encode_event

    reply = NewReply(
        board_id=1,
        thread_id=3,
        post_id=9,
        parent_id=4,
        depth=1,
        created=1795865161.5,
        body="see you at **dawn**",
    )
    event = LiveEvent(Kind.NEW_REPLY, "garden", "bob", reply)
    crossed, host, _ = decode_event(encode_event(event, "h1"))  # as a transport carries it
    assert crossed == event and type(crossed.payload) is NewReply
    assert crossed.payload == reply and crossed.thread_id == 3
    assert host == "h1"


def test_every_kind_crosses_the_bus_with_its_own_payload_type() -> None:
    """What a transport carries comes back as the kind's own payload type, field for field;
    an unknown kind, a payload of the wrong shape or a field of the wrong type is refused."""
    from bbs.bus.wire import decode_event, dumps, encode_event, loads
    from bbs.live_events import PAYLOADS

    sample = {"int": 7, "float": 1.5, "str": "x"}  # the annotations, as text
    for kind, payload_type in PAYLOADS.items():
        payload = None
        if payload_type is not None:
            fields = dataclasses.fields(payload_type)
            payload = payload_type(**{f.name: sample[str(f.type)] for f in fields})
        event = LiveEvent(kind, "garden", "ada", payload)
        crossed, _, _ = decode_event(encode_event(event, "h1"))
        assert crossed == event and type(crossed.payload) is type(payload), kind
    good = loads(
        encode_event(LiveEvent(Kind.NEW_REPLY, "g", "a", NewReply(1, 2, 3, 4, 5, 6.0, "b")), "h")
    )
    for bad in (
        {**good, "kind": "post"},  # an older host's word for a reply
        {**good, "payload": None},
        {**good, "payload": {**good["payload"], "body": 12}},
        {**good, "payload": {**good["payload"], "depth": "1"}},
        {**good, "community": 5},
    ):
        with pytest.raises(ValueError):
            decode_event(dumps(bad))
    with pytest.raises(TypeError):  # a kind and a payload that do not go together
        LiveEvent(Kind.ONELINER, payload=Resync())


def test_a_resync_reaches_the_screens_made_before_it_and_only_those() -> None:
    """After a subscription goes live, only older subscribers can have missed something."""
    bus = LiveBus()
    older: list[LiveEvent] = []
    newer: list[LiveEvent] = []
    bus.subscribe(older.append, presence=False)
    mark = bus.mark()
    bus.subscribe(newer.append)
    bus.resync(community="garden", before=mark)
    assert older == [LiveEvent(Kind.RESYNC, "garden", payload=Resync())] and newer == []
    bus.resync()  # a lost link: everyone
    assert len(older) == 2 and newer == [LiveEvent(Kind.RESYNC, payload=Resync())]


async def test_deliveries_on_a_loop_take_turns_with_other_work() -> None:
    """A subscriber that takes an event up ends the loop's turn; keys are read between."""
    bus = LiveBus()
    loop = asyncio.get_running_loop()
    order: list[str] = []

    def reader(name: str, takes_up: bool):  # noqa: ANN202
        def callback(event: LiveEvent) -> bool:
            order.append(name)
            if name == "r1":  # a key arrives while the first reader redraws
                loop.call_soon(order.append, "key")
            return takes_up

        return callback

    bus.subscribe(reader("r1", True), loop)
    bus.subscribe(reader("idle", False), loop)  # not showing this thread: no turn ended
    bus.subscribe(reader("r2", True), loop)
    bus.subscribe(reader("r3", True), loop)
    bus.publish(LiveEvent(Kind.POST_CHANGED, "garden", payload=PostChanged(1, 1, 2)))
    assert order == [] and bus.pending(loop) == 4  # handed out on the loop, not in publish
    await eventually(lambda: bus.pending(loop) == 0, what="every delivery handed out")
    assert order == ["r1", "key", "idle", "r2", "r3"]
    assert bus.pending(loop) == 0


async def test_a_subscriber_owed_several_events_gets_them_in_one_turn() -> None:
    """A burst (ten chat lines in a second) costs a reader behind one turn: one frame."""
    bus = LiveBus()
    loop = asyncio.get_running_loop()
    order: list[str] = []

    def reader(name: str):  # noqa: ANN202
        def callback(event: LiveEvent) -> bool:
            order.append(f"{name}:{event.payload.post_id}")
            if len(order) == 1:  # a key arrives while the first reader redraws
                loop.call_soon(order.append, "key")
            return True

        return callback

    bus.subscribe(reader("r1"), loop)
    bus.subscribe(reader("r2"), loop)
    for post in (1, 2, 3):
        bus.publish(LiveEvent(Kind.POST_CHANGED, "garden", payload=PostChanged(1, 1, post)))
    assert bus.pending(loop) == 6
    await eventually(lambda: bus.pending(loop) == 0, what="every delivery handed out")
    assert order == ["r1:1", "r1:2", "r1:3", "key", "r2:1", "r2:2", "r2:3"]
    bus.publish(LiveEvent(Kind.POST_CHANGED, "garden", payload=PostChanged(1, 1, 4)))
    await eventually(lambda: len(order) == 9, what="the next event, one turn each")
    assert order[-2:] == ["r1:4", "r2:4"] and bus.pending(loop) == 0


async def test_an_event_published_from_another_thread_reaches_the_loop_in_order() -> None:
    bus = LiveBus()
    loop = asyncio.get_running_loop()
    seen: list[int] = []
    bus.subscribe(lambda e: seen.append(e.payload.post_id) or True, loop)
    for post in range(1, 4):
        await asyncio.to_thread(
            bus.publish, LiveEvent(Kind.POST_CHANGED, "garden", payload=PostChanged(1, 1, post))
        )
    await eventually(lambda: len(seen) == 3, what="the three events")
    assert seen == [1, 2, 3]


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_after_a_lost_link_an_open_thread_reloads_once_and_shows_what_it_missed(
    forum: Forum, kind: str
) -> None:
    """Cut the link, write a reply meanwhile (its event is lost), restore the link: the open
    thread loads again, once, and shows the reply."""
    from screens.thread import ThreadScreen
    from tests.ui_helpers import app_for, idle, on, tree_labels

    bob, ada = who(forum, "bob"), who(forum, "ada")
    thread_id, root = forum.start_thread(bob, "garden", "general", "Cut", "before the cut")
    place = NatsServer().start() if kind == "nats" else await Relay().start()
    other = Forum(forum.data_dir, forum.config)  # another host's
    asked: list[int] = []
    read_thread = forum.read_thread

    def counting(viewer: object, slug: str, thread: int, after: int = 0) -> object:
        asked.append(after)
        return read_thread(viewer, slug, thread, after)  # type: ignore[arg-type]

    forum.read_thread = counting  # type: ignore[assignment,method-assign]
    try:
        async with linked(kind, [forum, other], where=place) as hosts:
            app = app_for(forum, ada)
            async with app.run_test(size=(80, 24)) as pilot:
                app.push_screen(ThreadScreen("garden", thread_id))
                await on(pilot, ThreadScreen, "before the cut")
                await cut(place)
                await eventually(lambda: not any(h.link_up for h in hosts), what="link down")
                await asyncio.to_thread(other.reply, bob, "garden", root, "written meanwhile")
                await idle(pilot)  # written, and nothing of it on its way here: the link is down
                assert not any("written meanwhile" in label for label in tree_labels(app))
                loads = len(asked)
                await restore(place)
                await eventually(lambda: all(h.link_up for h in hosts), 8, "link back")
                await eventually(
                    lambda: any("written meanwhile" in label for label in tree_labels(app)),
                    timeout=5,
                    what="the reply shown",
                )
                await eventually(lambda: links_settled(hosts), 8, "the links settled")
                await idle(pilot)  # and the reloads they asked for done
                assert asked[loads:] == [0]  # one reload, of the whole thread
                other.reply(bob, "garden", root, "after the link is back")
                await eventually(
                    lambda: any("after the link" in label for label in tree_labels(app)),
                    what="live again",
                )
    finally:
        other.close()
        if isinstance(place, Relay):
            await place.stop()
        else:
            place.stop()


async def cut(place: NatsServer | Relay) -> None:
    if isinstance(place, Relay):
        await place.stop()
    else:
        place.kill()


async def restore(place: NatsServer | Relay) -> None:
    if isinstance(place, Relay):
        await place.restart()
    else:
        place.start()
