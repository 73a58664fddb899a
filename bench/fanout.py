"""Bench: what a reply costs everyone reading its thread; prints CPU per reply per reader.

    .venv/bin/python bench/fanout.py [--readers 10] [--replies 20] [--off PIECES]

Every reader of a busy thread gets every reply to it, so this cost is paid readers x
replies times: with a hundred people in one thread it was most of a busy server's
CPU. R apps (Textual's Pilot, in this process, on the demo data) read one thread
while replies arrive from another session; the process's CPU time over the replies
is divided by replies x readers. The apps' own frames are drawn (not written to a
terminal), so SSH's share is left out. `--off scrollbar_lines,fixed_box` turns those
pieces of the engine off (`BBS_ENGINE_OFF`), to measure what each saves.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bbs.bootstrap import local_person, open_forum  # noqa: E402
from bbs.config import Config  # noqa: E402
from bbs.presence import Presence  # noqa: E402
from bbs.session import Session  # noqa: E402

SLUG, THREAD = "night-gardeners", 1


async def run(readers: int, replies: int) -> tuple[float, int]:
    """(CPU ms per reply per reader, how many readers show the last reply)."""
    from screens.app import make_app  # after --off is set: the engine reads it on import
    from screens.engine.app import app_context
    from screens.thread import ThreadScreen
    from screens.widgets.post_tree import PostTree

    data = Path(tempfile.mkdtemp(prefix="bbs-fanout-"))
    forum = open_forum(Config(data_dir=data, post_interval_s=0))
    writer = local_person(forum)
    root = forum.read_thread(writer, SLUG, THREAD).posts[0].id
    people = [forum.register(f"reader{n}", f"Reader {n}") for n in range(readers)]
    for person in people:
        forum.join(person, SLUG, accept_rules=True)
    async with contextlib.AsyncExitStack() as stack:
        apps = []
        for person in people:
            session = Session(forum=forum, person=person, presence=Presence(forum.bus))
            app = make_app(session)
            await stack.enter_async_context(app.run_test(size=(80, 24)))
            with app_context(app):
                app.push_screen(ThreadScreen(SLUG, THREAD))
            apps.append(app)
        await asyncio.sleep(2.0)  # every thread shown, every app idle
        started = time.process_time()
        for n in range(replies):
            body = f"reply number {n} from the bench"
            await asyncio.to_thread(forum.reply, writer, SLUG, root, body)
            await asyncio.sleep(0.25)
        await asyncio.sleep(1.0)
        cpu = time.process_time() - started
        shown = 0
        for app in apps:
            with app_context(app):
                labels = [str(node.label) for node in app.screen.query_one(PostTree).walk()]
            shown += any(f"reply number {replies - 1} " in label for label in labels)
    forum.close()
    return cpu / replies / readers * 1000, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--off", default="", help="engine pieces to turn off (comma-separated)")
    args = parser.parse_args()
    os.environ["BBS_ENGINE_OFF"] = args.off
    per_reader, shown = asyncio.run(run(args.readers, args.replies))
    off = f" (engine off: {args.off})" if args.off else ""
    sys.stdout.write(
        f"{args.readers} readers, {args.replies} replies: {per_reader:.2f} ms of CPU per reply "
        f"per reader (the last reply reached {shown} of {args.readers}){off}\n"
    )


if __name__ == "__main__":
    main()
