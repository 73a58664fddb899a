"""The web reader in tests: the demo data dir with hostile and closed content, a live server.

The server is the real one (`bbs.web.server.WebServer`: uvicorn on a free loopback
port, in a thread), and the writes come from another `Forum` on the same files, as
the ssh server's would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from bbs.bootstrap import open_forum
from bbs.config import Config
from bbs.forum import Forum
from bbs.polls.models import PollDraft
from bbs.web.server import WebServer

OPEN = "night-gardeners"
CLOSED = "quiet-readers"  # invite-only
REQUEST = "modular-club"  # by request
SECRET = "quokkalantern"
"""A word written only in the closed communities: no page, feed or search may show it."""

HOSTILE_TITLE = "<script>window.__pwned='title'</script> \u202eevil\u202c title"
HOSTILE_BODY = "\n\n".join(
    [
        "<script>window.__pwned = 'script'</script>",
        '<img src="/static/icon.svg" onerror="window.__pwned=\'img\'"'
        " onload=\"window.__pwned='loaded'\">",
        "[click me](javascript:window.__pwned='md-link') [data](data:text/html,<b>x</b>)",
        "<a href=\"javascript:window.__pwned='a'\">raw link</a>",
        "[a reference][r]\n\n[r]: javascript:window.__pwned='ref'",
        "![picture](javascript:window.__pwned='image') and <http://example.com/fine>",
        "[a fine link](https://example.com/page?a=1&b=2)",
        "\u202edesrever\u202c and \u2066isolated\u2069 text",
        "[bold red]rich markup[/] [@click=app.quit]quit[/]",
        '<svg onload="window.__pwned=\'svg\'"></svg> <iframe src="javascript:1"></iframe>',
        "<style>body { display: none }</style> **bold** `<b>code</b>`",
        "# A heading in a post",
        "\x1b[31mred\x1b[0m and a bell\x07",
        # and what would push a phone's page sideways
        "```\n" + "wide-code-" * 30 + "\n```",
        "a" * 300,
        "| "
        + " | ".join(f"column {n}" for n in range(8))
        + " |\n|"
        + "---|" * 8
        + "\n| "
        + " | ".join("https://example.com/" + "x" * 40 for _ in range(8))
        + " |",
    ]
)
INERT_TEXT = ("rich markup", "javascript:window.__pwned='md-link'", "https://example.com/page")
"""What the hostile post must still show, as text."""


@dataclass(frozen=True)
class WebWorld:
    """A seeded data dir and the ids the tests look for."""

    data_dir: Path
    hostile_thread: int  # written through the forum (cleaned on the way in)
    raw_thread: int  # written straight into the store: rendering must not trust it
    closed_threads: tuple[int, ...]
    request_threads: tuple[int, ...]

    def config(self, **settings: object) -> Config:
        return replace(
            Config(data_dir=self.data_dir, post_interval_s=0, oneliner_interval_s=0),
            web_port=0,
            **settings,
        )

    def writer(self) -> Forum:
        """Another forum on the same files, as the ssh server is: its writes are another
        connection's."""
        return Forum(self.data_dir, self.config())


def build_world(data_dir: Path) -> WebWorld:
    """The demo seed, a hostile thread twice over, and secrets in the closed communities."""
    forum = open_forum(WebWorld(data_dir, 0, 0, (), ()).config())
    try:
        fern = forum.person("fern")
        assert fern is not None
        hostile, _ = forum.start_thread(fern, OPEN, "general", HOSTILE_TITLE, HOSTILE_BODY)
        store = forum.store(OPEN)
        general = store.board("general")
        assert general is not None
        raw, _ = store.add_thread(general["id"], HOSTILE_TITLE, fern.id, "fern", HOSTILE_BODY)
        closed = _secrets(forum, CLOSED)
        requested = _secrets(forum, REQUEST)
        _poll(forum, POLLED)
    finally:
        forum.close()
    return WebWorld(data_dir, hostile, raw, closed, requested)


POLLED = 2
"""The open community's thread that carries a poll (issue 17), with two votes cast."""


def _poll(forum: Forum, thread_id: int) -> None:
    row = forum.store(OPEN).thread(thread_id)
    assert row is not None
    author = forum._person_by_id(row["author_id"])
    draft = PollDraft("Which <b>night</b> suits?", ("Friday", "Saturday \u202eevil"))
    forum.add_poll(author, OPEN, thread_id, draft)
    forum.vote(author, OPEN, thread_id, [2])


def _secrets(forum: Forum, slug: str) -> tuple[int, ...]:
    """Write SECRET into a thread of `slug`; return every thread id the community has."""
    store = forum.store(slug)
    board = store.boards(0)[0]
    store.add_thread(board["id"], f"The {SECRET} plan", 1, "secretive", f"{SECRET} {SECRET}")
    return tuple(int(r["id"]) for r in store.rows("SELECT id FROM threads"))


@contextmanager
def running_web(world: WebWorld, **settings: object) -> Iterator[str]:
    """`bbs web` on a free loopback port, in a thread of this process; yields its address."""
    server = WebServer(world.config(**settings))
    thread = threading.Thread(target=server.run, name="bbs-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the web reader did not start"
        time.sleep(0.01)
    try:
        yield server.address.rstrip("/")
    finally:
        server.stop()
        thread.join(10)
