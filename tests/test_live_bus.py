"""The live bus: who gets which events."""

from __future__ import annotations

from bbs.live import LiveBus, LiveEvent


def test_presence_goes_only_to_those_who_show_it() -> None:
    bus = LiveBus()
    shows: list[str] = []
    does_not: list[str] = []
    bus.subscribe(lambda e: shows.append(e.kind))
    token = bus.subscribe(lambda e: does_not.append(e.kind), presence=False)
    bus.publish(LiveEvent(kind="presence", actor="ada", target="welcome"))
    bus.publish(LiveEvent(kind="presence-gone", actor="ada"))
    bus.publish(LiveEvent(kind="post", community="garden", thread_id=1, post_id=2))
    assert shows == ["presence", "presence-gone", "post"]
    assert does_not == ["post"]
    bus.unsubscribe(token)
    bus.publish(LiveEvent(kind="post", community="garden", thread_id=1, post_id=3))
    assert does_not == ["post"] and bus.subscriber_count == 1


def test_a_reply_carried_in_an_event_crosses_the_relay_as_it_was() -> None:
    import json

    event = LiveEvent(
        kind="post",
        community="garden",
        thread_id=3,
        post_id=9,
        actor="bob",
        reply=(4, 1, 1795865161.5, "see you at **dawn**"),
    )
    crossed = LiveEvent(**json.loads(json.dumps(event.to_dict())))  # as the relay sends it
    assert crossed == event and crossed.reply == (4, 1, 1795865161.5, "see you at **dawn**")


async def test_deliveries_on_a_loop_take_turns_with_other_work() -> None:
    """A subscriber that takes an event up ends the loop's turn; keys are read between."""
    import asyncio

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
    bus.publish(LiveEvent(kind="post", community="garden", thread_id=1, post_id=2))
    assert order == [] and bus.pending(loop) == 4  # handed out on the loop, not in publish
    for _ in range(5):
        await asyncio.sleep(0)
    assert order == ["r1", "key", "idle", "r2", "r3"]
    assert bus.pending(loop) == 0


async def test_an_event_published_from_another_thread_reaches_the_loop_in_order() -> None:
    import asyncio

    bus = LiveBus()
    loop = asyncio.get_running_loop()
    seen: list[int] = []
    bus.subscribe(lambda e: seen.append(e.post_id) or True, loop)
    for post in range(1, 4):
        await asyncio.to_thread(
            bus.publish, LiveEvent(kind="post", community="garden", post_id=post)
        )
    for _ in range(10):
        await asyncio.sleep(0)
    assert seen == [1, 2, 3]
