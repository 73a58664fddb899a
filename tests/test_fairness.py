"""Each session's share of the loop: time is charged to the session whose code ran."""

from __future__ import annotations

import asyncio
import time

import pytest

from bbs.live import HOLD_MAX_S, HOLD_STEP_S, Kind, LiveBus, LiveEvent
from bbs.live_events import PostChanged
from bbs.ssh.fairness import CHARGED, KEY_WINDOW_S, STILL_S, KeysInFlight, LoopAccount
from bbs.ssh.input import first_key
from screens.engine import loop_charge
from tests.bus_support import eventually


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_account_goes_into_debt_and_earns_credit_back_at_its_rate() -> None:
    clock = Clock()
    account = LoopAccount(rate=0.25, burst=1.0, clock=clock)
    assert account.balance() == 1.0 and account.wait() == 0
    account.charge(0.4)
    assert account.wait() == 0  # spent lately, not in debt
    account.charge(1.1)
    assert account.wait() == pytest.approx(2.0)  # 0.5 s of debt at 0.25 s per second
    clock.now += 2.5
    assert account.wait() == 0
    clock.now += 60
    assert account.balance() == 1.0  # credit stops at the burst
    assert account.spent == 1.5


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def test_loop_time_is_charged_to_the_session_whose_tasks_ran() -> None:
    loop_charge.install()
    assert loop_charge.installed()
    heavy, light = LoopAccount(), LoopAccount()

    async def work(seconds: float) -> None:
        assert CHARGED.get() is not None
        for _ in range(3):
            busy(seconds)
            await asyncio.sleep(0)  # several task steps, each charged
        asyncio.get_running_loop().call_soon(busy, seconds)  # callbacks it schedules too
        await asyncio.sleep(0)  # one turn: the callback, scheduled first, has run

    loop = asyncio.get_running_loop()
    await asyncio.gather(
        loop.create_task(work(0.02), context=heavy.context()),
        loop.create_task(work(0.001), context=light.context()),
    )
    busy(0.02)  # this test's own code belongs to no session
    assert 0.08 <= heavy.spent < 0.3
    assert 0.004 <= light.spent < 0.05


def test_the_first_key_of_input_keeps_escape_sequences_whole() -> None:
    assert first_key("abc") == 1
    assert first_key("é!") == 1
    assert first_key("") == 0
    assert first_key("\x1b") == 1  # a lone Escape
    assert first_key("\x1b[Bxyz") == 3  # Down
    assert first_key("\x1b[1;5Cx") == 6  # Ctrl+Right
    assert first_key("\x1b[<0;12;5Mrest") == 10  # an SGR mouse report
    assert first_key("\x1bOPx") == 3  # F1
    assert first_key("\x1bx") == 2  # Alt+x
    assert first_key("\x1b[12;3") == 6  # cut across reads: all of what is here


def test_a_key_is_in_flight_until_its_screen_is_written_or_the_window_ends() -> None:
    now = [100.0]
    keys = KeysInFlight(clock=lambda: now[0])
    assert not keys.busy()
    keys.started("ada")
    keys.started("bob")
    assert keys.busy()
    keys.done("ada")
    assert keys.busy()  # bob's still on its way
    now[0] += KEY_WINDOW_S + 0.001  # bob's key made no frame: it counts no longer
    assert not keys.busy()
    keys.started("ada")
    keys.done("ada")
    assert not keys.busy()


def test_a_key_whose_answer_waits_off_the_loop_holds_nothing_once_the_loop_is_still() -> None:
    """A watched key (its session's loop time is charged) is in flight while sessions'
    code runs; when none has run for STILL_S, its answer waits for a thread or a timer."""
    now = [100.0]
    keys = KeysInFlight(clock=lambda: now[0])
    account = LoopAccount()
    keys.started("ada", watched=True)
    now[0] += STILL_S * 0.6
    assert keys.busy()
    account.charge(0.001)  # ada's app handles the key
    now[0] += STILL_S * 0.6
    assert keys.busy()  # code ran since the last look: still on its way
    now[0] += STILL_S * 0.6
    assert keys.busy()  # still for less than STILL_S
    now[0] += STILL_S * 0.6
    assert not keys.busy()  # nothing ran for STILL_S: the store (or a timer) has its answer
    keys.started("bob")  # not watched: nothing tells, so until its frame or the window
    now[0] += KEY_WINDOW_S * 0.9
    assert keys.busy()


async def test_a_key_waiting_for_the_store_holds_a_delivery_only_while_the_loop_is_busy() -> None:
    """Enter on a chat line: the line is written in a thread, and the bus hands the line out
    once the loop is still, not after its whole hold (the speaker's own worker held its
    fifty readers' copies back 20 ms for every line)."""
    bus = LiveBus()
    loop = asyncio.get_running_loop()
    now = [100.0]
    keys = KeysInFlight(clock=lambda: now[0])
    bus.hold_for_input = keys.busy
    seen: list[float] = []
    bus.subscribe(lambda event: seen.append(loop.time()) or True, loop)
    event = LiveEvent(Kind.POST_CHANGED, "garden", payload=PostChanged(1, 1, 1))
    keys.started("ada", watched=True)
    start = loop.time()
    bus.publish(event)
    await asyncio.sleep(HOLD_STEP_S * 3)
    assert seen == []  # held: ada's key may still be on the loop
    now[0] += STILL_S  # as the bus sees it, nothing of anyone's ran meanwhile
    await eventually(lambda: len(seen) == 1, what="the delivery once the loop is still")
    assert seen[0] - start < HOLD_MAX_S * 0.9  # not held for the whole hold


async def test_the_bus_holds_a_delivery_while_a_key_is_in_flight_but_not_for_ever() -> None:
    bus = LiveBus()
    loop = asyncio.get_running_loop()
    keys = KeysInFlight()
    bus.hold_for_input = keys.busy
    seen: list[float] = []
    bus.subscribe(lambda event: seen.append(loop.time()) or True, loop)
    event = LiveEvent(Kind.POST_CHANGED, "garden", payload=PostChanged(1, 1, 1))

    keys.started("ada")
    bus.publish(event)
    await asyncio.sleep(HOLD_STEP_S * 3)
    assert seen == [] and bus.pending(loop) == 1  # held: ada's key comes first
    keys.done("ada")  # ada's screen is written
    await eventually(lambda: len(seen) == 1, what="the delivery once the key is answered")

    readers: list[list[float]] = [[], [], []]  # three people reading a thread (no one owed twice)
    for seen_by in readers:
        bus.subscribe(lambda event, seen_by=seen_by: seen_by.append(loop.time()) or True, loop)
    keys.started("bob")
    start = loop.time()
    bus.publish(event)
    while not all(readers):  # bob keeps typing: the bus is held, then free for as long
        keys.started("bob")
        await asyncio.sleep(HOLD_STEP_S)
        assert loop.time() - start < 1.0, "a stream of keys stopped the bus"
    first, last = min(r[0] for r in readers), max(r[0] for r in readers)
    assert first - start >= HOLD_MAX_S * 0.9  # held for bob's keys first
    assert last - first < 2 * HOLD_MAX_S  # then one a turn, not one per hold (3 holds: 60 ms)
