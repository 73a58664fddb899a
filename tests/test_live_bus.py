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
