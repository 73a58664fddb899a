"""Bench: what each piece of the engine saves, on and off by turns in one process.

    .venv/bin/python bench/engine_ab.py [--pieces a,b] [--rounds 4] [--readers 10] [--keys 40]

`bench/step_cost.py` and `bench/fanout.py` measure a piece off in a run of its own
(`--off`), and on a shared machine two runs a minute apart differ by more than most
pieces save. Here the same apps do the same work with the piece on, then off, then on
again, round after round, so whatever else the machine does falls on both sides. The
work, in Pilot apps on the demo data (frames drawn, not written to a terminal):

- path: a new session's app up to its welcome screen, then the directory, a community
  and a thread (CPU per path: `step_cost`'s sign in + path to a thread, without SSH);
- key: Down or Up in the thread (CPU per key: `step_cost`'s Down/Up);
- reopen: Escape, and the thread shown again (per pair: `step_cost`'s Escape + Enter);
- reply: a reply from someone else, drawn by every reader of the thread (CPU per
  reader: `fanout`'s figure).

Prints, per piece, each figure on and off (median over the rounds) and what the piece
saves. CPU is the process's (its worker threads' too): `time.process_time`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.worker import WorkerCancelled  # noqa: E402

from bbs.bootstrap import local_person, open_forum  # noqa: E402
from bbs.config import Config  # noqa: E402
from bbs.forum import Forum  # noqa: E402
from bbs.models import Person  # noqa: E402
from bbs.presence import Presence  # noqa: E402
from bbs.session import Session  # noqa: E402
from screens import places  # noqa: E402
from screens.app import BBSApp, make_app  # noqa: E402
from screens.engine import process, switches  # noqa: E402
from screens.engine.app import app_context  # noqa: E402
from screens.thread import ThreadScreen  # noqa: E402
from screens.welcome import WelcomeScreen  # noqa: E402
from screens.widgets.post_tree import PostTree  # noqa: E402

SLUG = "night-gardeners"
WORK = ("path", "key", "reopen", "reply")


def turn(piece: str | None, on: bool) -> None:
    """Everything on but `piece`, which is `on` or off."""
    switches.set_off(set() if on or piece is None else {piece})
    process.install()


async def settled(app: BBSApp, until: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app finish what it does, until `until()` holds."""
    end = time.monotonic() + timeout
    while True:
        # An exclusive worker (a screen's load) cancelled by a newer one raises here; the
        # newer one is waited for on the next look.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await asyncio.sleep(0.01)
        if until() and not app.workers:
            return
        if time.monotonic() > end:
            raise SystemExit("the app did not get there in time")


def shows(app: BBSApp, kind: type) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, kind) and not getattr(app.screen, "holding", False)


class Bench:
    """The forum, the readers and the walker: what every batch works on."""

    def __init__(self, forum: Forum, walker: Person, readers: list[BBSApp]) -> None:
        self.forum = forum
        self.walker = walker
        self.readers = readers
        self.writer = local_person(forum)
        self.thread, self.root = 0, 0
        self.replies = 0
        self.app: BBSApp | None = None
        self.pilot: Any = None

    def session(self, person: Person) -> Session:
        return Session(forum=self.forum, person=person, presence=Presence(self.forum.bus))

    async def path(self) -> None:
        """A new app to its welcome screen, then the directory, a community and a thread."""
        app = make_app(self.session(self.walker))
        async with app.run_test(size=(80, 24)):
            await settled(app, shows(app, WelcomeScreen))
            for place, kind in (
                (places.Directory(), "DirectoryScreen"),
                (places.Community(SLUG), "CommunityScreen"),
                (places.Thread(SLUG, self.thread), "ThreadScreen"),
            ):
                with app_context(app):
                    app.go(place)
                await settled(app, lambda kind=kind: type(app.screen).__name__ == kind)

    async def key(self, n: int) -> None:
        """Down or Up, as the SSH driver hands it to the app, and the moment it takes."""
        assert self.app is not None
        self.app.post_message(events.Key("down" if n % 2 == 0 else "up", None))
        await asyncio.sleep(0.01)

    async def reopen(self) -> None:
        app = self.app
        assert app is not None and self.pilot is not None
        await self.pilot.press("escape")
        await settled(app, lambda: not isinstance(app.screen, ThreadScreen))
        with app_context(app):
            app.go(places.Thread(SLUG, self.thread))
        await settled(app, shows(app, ThreadScreen))

    async def new_thread(self) -> None:
        """A thread of its own for each piece, everyone reading it (a thread that grew
        all along would cost more and more, for whichever piece came last)."""
        title = f"Bench thread {self.thread + 1}"
        body = "A **thread** for the bench, with a list:\n\n- one\n- two\n"
        self.thread, self.root = self.forum.start_thread(self.writer, SLUG, "general", title, body)
        for app in [*self.readers, self.app]:
            assert app is not None
            with app_context(app):  # the screen's tasks take the app from where it is pushed
                if isinstance(app.screen, ThreadScreen):  # the session's one thread screen
                    await app.pop_screen()
                app.go(places.Thread(SLUG, self.thread))
        for app in [*self.readers, self.app]:
            assert app is not None
            await settled(app, lambda app=app: self._on_thread(app))

    def _on_thread(self, app: BBSApp) -> bool:
        screen = app.screen
        return (
            isinstance(screen, ThreadScreen)
            and screen.thread_id == self.thread
            and not screen.holding
        )

    async def reply(self) -> None:
        self.replies += 1
        body = f"reply number {self.replies} from the bench"
        await asyncio.to_thread(self.forum.reply, self.writer, SLUG, self.root, body)
        end = time.monotonic() + 10
        while not all(self._shown(app, body) for app in self.readers):
            if time.monotonic() > end:
                missing = [app for app in self.readers if not self._shown(app, body)]
                screens = sorted({type(app.screen).__name__ for app in missing})
                raise SystemExit(f"a reply did not reach {len(missing)} readers (on {screens})")
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.05)  # the frames after it

    @staticmethod
    def _shown(app: BBSApp, body: str) -> bool:
        screen = app.screen
        if not isinstance(screen, ThreadScreen):
            return False
        return any(body in str(node.label) for node in screen.query_one(PostTree).walk())


async def measure(work: Callable[[], Awaitable[None]], times: int) -> float:
    """CPU seconds per call of `work`, over `times` calls (garbage of before collected first)."""
    gc.collect()
    started = time.process_time()
    for _ in range(times):
        await work()
    return (time.process_time() - started) / times


async def run(pieces: list[str], rounds: int, readers: int, keys: int) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="bbs-engine-ab-"))
    forum = open_forum(Config(data_dir=data, post_interval_s=0))
    people = [forum.register(f"reader{n}", f"Reader {n}") for n in range(readers + 1)]
    for person in people:
        forum.join(person, SLUG, accept_rules=True)
    walker, others = people[0], people[1:]
    results: dict[str, dict[str, dict[bool, list[float]]]] = {
        piece: {work: {True: [], False: []} for work in WORK} for piece in pieces
    }
    async with contextlib.AsyncExitStack() as stack:
        apps = []
        bench = Bench(forum, walker, apps)
        for person in others:
            app = make_app(bench.session(person))
            await stack.enter_async_context(app.run_test(size=(80, 24)))
            apps.append(app)
        bench.app = make_app(bench.session(walker))
        bench.pilot = await stack.enter_async_context(bench.app.run_test(size=(80, 24)))
        await bench.new_thread()
        counter = iter(range(10**9))
        for _ in range(2):  # warm: imports, caches, the first draw of everything
            await bench.path()
            await bench.reopen()
            await bench.reply()
            for _ in range(10):
                await bench.key(next(counter))
        for piece in pieces:
            await bench.new_thread()
            for n in range(rounds):
                for on in (True, False) if n % 2 == 0 else (False, True):
                    turn(piece, on)
                    found = results[piece]
                    found["path"][on].append(await measure(bench.path, 4))
                    found["key"][on].append(
                        await measure(lambda: bench.key(next(counter)), keys)  # noqa: B023
                    )
                    found["reopen"][on].append(await measure(bench.reopen, 5))
                    found["reply"][on].append(await measure(bench.reply, 5) / readers)
            turn(None, True)
    forum.close()
    return results


def report(results: dict[str, Any], rounds: int, readers: int) -> None:
    out = sys.stdout
    out.write(
        f"CPU ms, median of {rounds} rounds, piece on / off (saving); {readers} readers\n"
        f"  {'piece':<20}" + "".join(f"{w:>26}" for w in WORK) + "\n"
    )
    for piece, found in results.items():
        cells = []
        for work in WORK:
            on = statistics.median(found[work][True]) * 1000
            off = statistics.median(found[work][False]) * 1000
            saving = (off - on) / off * 100 if off else 0.0
            cells.append(f"{on:7.2f} / {off:7.2f} ({saving:+4.0f}%)")
        out.write(f"  {piece:<20}" + "".join(f"{c:>26}" for c in cells) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pieces", default=",".join(switches.PIECES))
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--keys", type=int, default=40)
    args = parser.parse_args()
    pieces = [p for p in args.pieces.split(",") if p]
    unknown = [p for p in pieces if p not in switches.PIECES]
    if unknown:
        raise SystemExit(
            f"no such piece: {', '.join(unknown)} (known: {', '.join(switches.PIECES)})"
        )
    started = time.monotonic()
    results = asyncio.run(run(pieces, args.rounds, args.readers, args.keys))
    report(results, args.rounds, args.readers)
    sys.stdout.write(f"({time.monotonic() - started:.0f} s)\n")


if __name__ == "__main__":
    main()
