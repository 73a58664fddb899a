"""Each session's share of the loop: time is charged to the session whose code ran."""

from __future__ import annotations

import asyncio
import time

import pytest

from bbs.ssh.fairness import CHARGED, LoopAccount
from bbs.ssh.input import first_key
from screens.engine import loop_charge


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
