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
