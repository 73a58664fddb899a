"""How fast screens open through the real UI, and how fast `bbs local` shows its first screen.

    .venv/bin/python bench/ui_speed.py

Pilot part: the time from pushing a screen to its content being on screen
(threads of 1,000 and 5,000 posts; a board of 100,000 posts). Process part:
`bbs local` in a pseudo-terminal read by pyte, from exec to the welcome text.
Prints a table; not a test.
"""

from __future__ import annotations

import asyncio
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bbs.presence import Presence  # noqa: E402
from bbs.session import Session  # noqa: E402
from bench.bigdata import add_many_threads, add_thread_tree, make_forum  # noqa: E402
from screens.app import make_app  # noqa: E402
from screens.community import CommunityScreen  # noqa: E402
from screens.thread import ThreadScreen  # noqa: E402
from screens.widgets.post_tree import PostTree  # noqa: E402


async def time_screen(forum, make_screen, ready, runs: int = 5) -> list[float]:  # noqa: ANN001
    """Milliseconds from push_screen to `ready(app)` being true, for each run."""
    reader = forum.person("reader")
    session = Session(forum=forum, person=reader, presence=Presence(forum.bus))
    app = make_app(session)
    samples = []
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        for _ in range(runs + 1):
            start = time.perf_counter()
            app.push_screen(make_screen())
            while not ready(app):
                await asyncio.sleep(0.001)
            samples.append((time.perf_counter() - start) * 1000)  # when it is there, not idle
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
    return samples[1:]


def tree_size(app) -> int:  # noqa: ANN001
    trees = app.screen.query(PostTree)
    return len(trees.first().nodes_by_post) if trees else 0


def board_rows(app) -> int:  # noqa: ANN001
    tables = app.screen.query("#threads")
    return tables.first().row_count if tables else 0


def first_screen(data_dir: Path, marker: str = "since your last visit") -> float:
    """Seconds from starting `bbs local` to the welcome screen's text on a 80x24 terminal."""
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
        os.execv(str(ROOT / ".venv/bin/bbs"), ["bbs", "local", "--data-dir", str(data_dir)])
    start = time.perf_counter()
    elapsed = float("nan")
    try:
        while time.perf_counter() - start < 20:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    stream.feed(os.read(fd, 65536))
                except OSError:
                    break
                if marker in "\n".join(screen.display):
                    elapsed = time.perf_counter() - start
                    break
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    return elapsed


def report(name: str, samples: list[float], unit: str = "ms") -> None:
    print(f"{name:<52} {statistics.median(samples):>9.1f} {max(samples):>9.1f}  {unit}")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        forum = make_forum(Path(tmp))
        t1k = add_thread_tree(forum, "threads", 1_000, "A thousand posts")
        t5k = add_thread_tree(forum, "threads", 5_000, "Five thousand posts", seed=2)
        add_many_threads(forum, "posts100k", 2_000, 50)
        print(f"{'through the UI (Pilot, 100x40)':<52} {'median':>9} {'max':>9}")
        report(
            "open a thread of 1,000 posts (tree filled)",
            await time_screen(
                forum, lambda: ThreadScreen("big", t1k), lambda a: tree_size(a) == 1_000
            ),
        )
        report(
            "open a thread of 5,000 posts (first posts shown)",
            await time_screen(forum, lambda: ThreadScreen("big", t5k), lambda a: tree_size(a) > 0),
        )
        report(
            "open a thread of 5,000 posts (tree filled)",
            await time_screen(
                forum, lambda: ThreadScreen("big", t5k), lambda a: tree_size(a) == 5_000
            ),
        )
        report(
            "open a community with a board of 100,000 posts",
            await time_screen(forum, lambda: CommunityScreen("big"), lambda a: board_rows(a) > 0),
        )
        forum.close()
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c", "import screens.app"], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        first = first_screen(data)
        again = [first_screen(data) for _ in range(5)]
        print()
        print(f"{'bbs local, start to first screen':<52} {'median':>9} {'max':>9}")
        report("first start (creates and seeds the data dir)", [first * 1000])
        report("later starts", [s * 1000 for s in again])


if __name__ == "__main__":
    asyncio.run(main())
