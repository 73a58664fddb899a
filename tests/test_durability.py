"""Nothing acknowledged is lost: kill -9 a process mid-write, then count what it acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from bbs.config import load_config
from bbs.forum import Forum
from bbs.store.backup import check
from tests.conftest import who

WRITER = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from bbs.config import load_config
    from bbs.forum import Forum

    data = Path(sys.argv[1])
    forum = Forum(data, load_config(data, post_interval_s=0))  # the store of its bbs.toml
    ada = forum.person("ada")
    lock = threading.Lock()

    def write(n):
        while True:
            post = forum.reply(ada, "garden", 1, f"writer {n} says hello")
            with lock:
                print(post, flush=True)  # acknowledged: the transaction has committed

    for n in range(4):
        threading.Thread(target=write, args=(n,), daemon=True).start()
    threading.Event().wait()
    """
)


def test_kill_9_loses_no_acknowledged_post(forum: Forum, tmp_path: Path) -> None:
    forum.start_thread(who(forum, "ada"), "garden", "general", "Load", "root")
    data = forum.data_dir
    forum.close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    acknowledged: list[int] = []
    reader = threading.Thread(
        target=lambda: acknowledged.extend(int(line) for line in proc.stdout or [])
    )
    reader.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 300 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader.join()
    assert len(acknowledged) >= 300, "the writer was too slow to test anything"

    again = Forum(data, load_config(data))
    try:
        thread = again.read_thread(who(again, "ada"), "garden", 1)
        stored = {p.id for p in thread.posts}
        assert set(acknowledged) <= stored
        assert thread.thread.posts == len(thread.posts)  # the totals moved with each post
        assert check(again.config) == "ok"  # integrity_check of each file, or amcheck
    finally:
        again.close()
