"""Bench: what publishing a live event costs the event loop, per transport; prints a table.

    .venv/bin/python bench/bus_publish.py [--events 4000]

A process's bus hands every event its sessions cause to the transport on the loop
that serves their keys, so that hand-over must be cheap and must never wait. For each
transport (the relay's broker; a NATS server, answering and then SIGSTOPped), this
publishes `--events` replies of 2,000 Cyrillic characters from the loop, one per turn
of the loop, and prints the time each publish call took (p50, p99, max) and the loop's
worst lateness over the run (a 1 ms ticker's), plus how many were dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bbs.live_events import Kind, LiveEvent, NewReply  # noqa: E402
from bench.compare import pct  # noqa: E402
from tests.bus_support import NatsServer, Relay, bus_host  # noqa: E402


async def measure(kind: str, place: NatsServer | Relay, events: int, stall: bool) -> str:
    host = bus_host(kind, place, "bench", heartbeat_s=1.0, timeout_s=5.0)
    await host.start()
    drops: list[int] = []
    host.dropped = lambda: drops.append(1)  # type: ignore[method-assign]
    lateness = [0.0]
    running = True

    async def ticker() -> None:
        while running:
            due = time.perf_counter() + 0.001
            await asyncio.sleep(0.001)
            lateness[0] = max(lateness[0], time.perf_counter() - due)

    tick = asyncio.create_task(ticker())
    if stall and isinstance(place, NatsServer):
        place.pause()
    reply = NewReply(1, 1, 2, 1, 1, time.time(), "Ж" * 2000)
    event = LiveEvent(Kind.NEW_REPLY, "garden", "ada", reply)
    took = []
    try:
        for _ in range(events):
            started = time.perf_counter()
            host.bus.publish(event)
            took.append(time.perf_counter() - started)
            await asyncio.sleep(0)
    finally:
        running = False
        await tick
        if stall and isinstance(place, NatsServer):
            place.resume()
        await host.stop()
    name = f"{kind}{' (stalled)' if stall else ''}"
    return (
        f"{name:>15} {pct(took, 50) * 1e6:>8.1f} {pct(took, 99) * 1e6:>8.1f} "
        f"{max(took) * 1e6:>9.1f} {lateness[0] * 1000:>9.2f} {len(drops):>8}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=4000)
    args = parser.parse_args()
    sys.stdout.write(
        f"{args.events} replies of 2,000 characters published from the loop\n"
        f"{'transport':>15} {'p50 us':>8} {'p99 us':>8} {'max us':>9} {'late ms':>9} "
        f"{'dropped':>8}\n"
    )
    relay = await Relay().start()
    try:
        sys.stdout.write(await measure("relay", relay, args.events, False) + "\n")
    finally:
        await relay.stop()
    nats = NatsServer().start()
    try:
        for stall in (False, True):
            sys.stdout.write(await measure("nats", nats, args.events, stall) + "\n")
    finally:
        nats.stop()


if __name__ == "__main__":
    asyncio.run(main())
