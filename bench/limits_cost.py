"""Bench: what the shared limits (limits.db) cost per SSH connection; prints a table.

    .venv/bin/python bench/limits_cost.py --connections 3000 --contenders 0 1 3

Each connection asks what the server asks: at connect its address's penalty and a
place among those not signed in yet, at sign-in a place among the guests, then it
stops counting as pending, then it closes. Run through `BoardLimits` on an event
loop, as the server does: the loop thread only hands each question to the limits
thread and takes the answer back; the store's work is done there. Contenders are
other processes doing the same on the same file at once (the other workers).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bbs.config import Config  # noqa: E402
from bbs.ssh.limits import BoardLimits  # noqa: E402
from bbs.store.limits import LimitsStore  # noqa: E402


def board(data: Path, worker: str) -> BoardLimits:
    config = replace(Config(data_dir=data), max_startups="1000000", max_unauthenticated=10**6)
    config = replace(config, max_unauthenticated_per_address=10**6, max_guests=10**6)
    config = replace(config, max_guests_per_address=10**6)
    return BoardLimits(LimitsStore(data / "limits.db", worker), config)


async def connections(limits: BoardLimits, n: int, tag: str) -> list[float]:
    """n connections one after another; returns each one's wall time (all four questions)."""
    times = []
    for i in range(n):
        holder = f"{tag}/c{i}"
        address = f"198.51.100.{i % 200}"
        started = time.perf_counter()
        await limits.admit(holder, address)
        await limits.sign_in(holder, address, guest=True)
        limits.signed_in(holder)
        limits.release(holder)
        times.append(time.perf_counter() - started)
    await asyncio.get_running_loop().run_in_executor(limits._thread, lambda: None)  # drained
    return times


def on_the_loop(limits: BoardLimits, n: int, tag: str) -> list[float]:
    """The same questions asked of the store straight from the loop thread (for comparison):
    each one's wall time is time the loop, and every session on it, would stand still."""
    store, times = limits.store, []
    for i in range(n):
        holder = f"{tag}/c{i}"
        address = f"198.51.100.{i % 200}"
        started = time.perf_counter()
        limits._admit(holder, address)
        limits._sign_in(holder, address, True)
        store.release(holder, "unauthenticated")
        store.release(holder)
        times.append(time.perf_counter() - started)
    return times


async def measure(data: Path, n: int, direct: bool) -> dict[str, float]:
    limits = board(data, "bench")
    loop_cpu = time.thread_time()
    wall = time.perf_counter()
    if direct:
        times = on_the_loop(limits, n, "bench")
    else:
        times = await connections(limits, n, "bench")
    wall = time.perf_counter() - wall
    loop_cpu = time.thread_time() - loop_cpu
    thread_cpu = await asyncio.get_running_loop().run_in_executor(limits._thread, time.thread_time)
    await limits.stop()
    limits.store.close()
    ordered = sorted(times)
    return {
        "loop_us": loop_cpu / n * 1e6,
        "thread_us": thread_cpu / n * 1e6,
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": ordered[int(0.99 * (len(ordered) - 1))] * 1000,
        "per_s": n / wall,
    }


def contend(data: str, stop_at: float, index: int) -> None:
    """Another worker: the same questions on the same file, as fast as it can, until stop_at."""

    async def run() -> None:
        limits = board(Path(data), f"contender{index}")
        i = 0
        while time.time() < stop_at:
            await connections(limits, 50, f"contender{index}-{i}")
            i += 1
        await limits.stop()

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=3000)
    parser.add_argument("--contenders", type=int, nargs="+", default=[0, 1, 3])
    args = parser.parse_args()
    print(
        "| store asked from | other workers at full speed | loop thread CPU / conn |"
        " limits thread CPU / conn | wall p50 / p99 per conn | conns/s |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for contenders, direct in [(c, d) for c in args.contenders for d in (False, True)]:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp)
            LimitsStore(data / "limits.db", "make").close()
            spawn = multiprocessing.get_context("spawn")
            stop_at = time.time() + 3600
            procs = [
                spawn.Process(target=contend, args=(tmp, stop_at, i)) for i in range(contenders)
            ]
            for proc in procs:
                proc.start()
            time.sleep(1.5 if procs else 0)  # they are up and writing
            row = asyncio.run(measure(data, args.connections, direct))
            for proc in procs:
                proc.terminate()
                proc.join()
        where = "the loop (blocking)" if direct else "the limits thread"
        print(
            f"| {where} | {contenders} | {row['loop_us']:.0f} us | {row['thread_us']:.0f} us |"
            f" {row['p50_ms']:.2f} / {row['p99_ms']:.2f} ms | {row['per_s']:,.0f} |"
        )


if __name__ == "__main__":
    main()
