"""Full collections wait for a quiet moment: they must not land in the middle of people's keys."""

from __future__ import annotations

import asyncio
import gc
import weakref

from bbs.ssh.gc_tuning import Collector
from tests.ssh_support import wait_until


class Cycle:
    """An object in a reference cycle: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


async def test_a_settled_session_is_frozen_and_reclaimed_once_quiet() -> None:
    last_key = [0.0]
    loop = asyncio.get_running_loop()
    collector = Collector(lambda: last_key[0], quiet_s=0.2, overdue_s=30.0, clock=loop.time)
    try:
        frozen = gc.get_freeze_count()
        garbage = Cycle()
        alive = weakref.ref(garbage)
        collector.settled()  # the session's objects (here: the cycle) are left alone
        assert gc.get_freeze_count() > frozen
        del garbage  # the session ends: its cycle is garbage, but frozen
        gc.collect()
        assert alive() is not None  # frozen: an ordinary collection leaves it
        collector.ended()
        for _ in range(4):  # someone keeps typing: no full collection
            last_key[0] = loop.time()
            await asyncio.sleep(0.1)
        assert collector.full_collections == 0 and collector.pending_since is not None
        await wait_until(lambda: collector.full_collections == 1, what="collected once quiet")
        assert loop.time() - last_key[0] >= 0.2  # not before a quiet moment after the last key
        assert collector.full_collections == 1 and collector.pending_since is None
        assert alive() is None
    finally:
        collector.stop()
        gc.unfreeze()


async def test_a_busy_server_still_reclaims_closed_sessions_when_overdue() -> None:
    loop = asyncio.get_running_loop()
    collector = Collector(loop.time, quiet_s=0.1, overdue_s=0.3, clock=loop.time)  # always typing
    try:
        collector.ended()
        ended = loop.time()
        await wait_until(lambda: collector.full_collections == 1, what="collected when overdue")
        assert loop.time() - ended >= 0.3  # once overdue, not before
    finally:
        collector.stop()
        gc.unfreeze()
