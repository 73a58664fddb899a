"""Helpers for the Pilot screen tests: an app on the test forum, the screen as a person reads
it, and waits that end when what a person would see is there (never after a fixed time).

A wait lets the app run between its looks (messages, timers, workers posting back) and
fails after `WAIT_S` with what it waited for and the screen as it was. The screen is read
through Textual's public screenshot (what a terminal would show, dialogs over the screens
under them), toasts where they are drawn on it.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import re
import time
from collections.abc import Callable
from html import unescape

from rich.cells import cell_len
from textual.app import App
from textual.css.query import NoMatches
from textual.pilot import Pilot

from bbs.forum import Forum
from bbs.models import Person
from bbs.presence import Presence
from bbs.session import Session
from screens.app import BBSApp, make_app
from screens.widgets.live import LiveScreen
from screens.widgets.post_tree import PostTree
from screens.widgets.row_table import RowTable

WAIT_S = 15.0
"""How long a wait looks before it fails: generous, a loaded 2-core machine is slow."""

_LOOKS = (0.0, 0.005, 0.01, 0.02, 0.05)
"""Seconds the app runs between two looks, growing: most waits end at the first or second."""


def app_for(forum: Forum, person: Person) -> BBSApp:
    """A BBSApp for `person` on the test forum, present in who's online."""
    session = Session(forum=forum, person=person, presence=Presence(forum.bus))
    session.presence.arrive(session.id, person.handle)
    return make_app(session)


# -- reading the screen -------------------------------------------------------------------

_SVG_TEXT = re.compile(r'<text [^>]*?\bx="([0-9.]+)"[^>]*?-line-(\d+)\)">(.*?)</text>', re.S)
_SVG_CELL = 20 * 0.61
"""Rich's export_svg: a cell is 20 px high and 0.61 of that wide (its default font ratio)."""


def _cells(app: App[object]) -> list[list[str]]:
    """Each row of the screen cell by cell, read from Textual's public SVG screenshot (the
    second cell of a wide character holds "", so a row joins to what a terminal shows)."""
    svg = app.export_screenshot(simplify=True)
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    found = False
    for x, y, text in _SVG_TEXT.findall(svg):
        found = True
        row, column = rows[int(y)], round(float(x) / _SVG_CELL)
        for char in unescape(text).replace("\xa0", " "):
            if column >= width:
                break
            row[column] = char
            if cell_len(char) == 2 and column + 1 < width:
                row[column + 1] = ""
            column += max(cell_len(char), 1)
    if not found and "-line-" in svg.partition("-matrix")[2]:  # rows drawn, none read
        raise AssertionError("Rich's SVG screenshot changed its form: see tests/ui_helpers.py")
    return rows


def screen_text(app: App[object]) -> str:
    """Everything the screen shows, as plain text, one line per row."""
    return "\n".join("".join(row).rstrip() for row in _cells(app))


def notices(app: App[object]) -> str:
    """The words of every toast (notification) as it is drawn on the screen, one a line."""
    rows = _cells(app)
    toasts = []
    for toast in app.screen.query("Toast"):
        area = toast.content_region
        lines = ("".join(rows[y][area.x : area.right]).strip() for y in range(area.y, area.bottom))
        toasts.append(" ".join(line for line in lines if line))
    return "\n".join(toasts)


def tree_labels(app: App[object]) -> list[str]:
    """The plain labels of every post in the open thread's tree, folded or not."""
    return [str(node.label) for node in app.screen.query_one(PostTree).walk()]


def table_column(app: App[object], selector: str, column: int = 0) -> list[str]:
    """One column of a table as plain strings, top to bottom."""
    return app.screen.query_one(selector, RowTable).column(column)


# -- waiting for what a person would see --------------------------------------------------


def _described(check: Callable[[], object]) -> str:
    """The source line of a check (its lambda), for the failure message."""
    try:
        return inspect.getsource(check).strip()
    except (OSError, TypeError):
        return repr(check)


def _flush_read_marks(app: App[object]) -> None:
    """Read marks are batched and written a moment later; a test reads the database now."""
    session = getattr(app, "session", None)
    if session is not None:
        session.forum.read_marks.flush()


async def until(
    pilot: Pilot[object],
    check: Callable[[], object],
    what: str | None = None,
    timeout: float = WAIT_S,
) -> None:
    """Let the app run until `check()` is true; fail after `timeout` with the screen as it was.

    Between looks the app handles its messages, timers fire, workers post back and the
    screen draws what changed. A check may read the database: read marks are written first.
    """
    app = pilot.app
    deadline = time.monotonic() + timeout
    missing = ""
    for look in itertools.count():
        await pilot.pause(_LOOKS[min(look, len(_LOOKS) - 1)])
        _flush_read_marks(app)
        try:
            if check():
                return
        except NoMatches as error:  # the screen it looks into is not up yet
            missing = f"\n(last look: {error})"
        if time.monotonic() > deadline:
            break
    screen = screen_text(app) if app.is_running else "(the app has stopped)"
    shown = type(app.screen).__name__ if app.is_running else "-"
    raise AssertionError(
        f"waited {timeout:g} s for {what or _described(check)}{missing}\n"
        f"the screen ({shown}) as it was:\n{screen}"
    )


async def _reading(
    pilot: Pilot[object],
    read: Callable[[], str | None],
    holds: Callable[[str], bool],
    what: str,
    timeout: float,
) -> str:
    """Wait until what `read()` gives (None: nothing to read yet) satisfies `holds`; it."""
    seen: str | None = None

    def check() -> bool:
        nonlocal seen
        seen = read()
        return seen is not None and holds(seen)

    await until(pilot, check, what, timeout)
    return seen or ""


def _all_in(texts: tuple[str, ...]) -> Callable[[str], bool]:
    return lambda seen: all(text in seen for text in texts)


def _none_in(texts: tuple[str, ...]) -> Callable[[str], bool]:
    return lambda seen: not any(text in seen for text in texts)


async def shows(pilot: Pilot[object], *texts: str, timeout: float = WAIT_S) -> str:
    """Wait until every one of `texts` is on the screen; the screen's text."""
    what = f"the screen to show {texts!r}"
    return await _reading(pilot, lambda: screen_text(pilot.app), _all_in(texts), what, timeout)


async def gone(pilot: Pilot[object], *texts: str, timeout: float = WAIT_S) -> str:
    """Wait until none of `texts` is on the screen (a fold closed, a line replaced)."""
    what = f"the screen to stop showing {texts!r}"
    return await _reading(pilot, lambda: screen_text(pilot.app), _none_in(texts), what, timeout)


async def toast(pilot: Pilot[object], *texts: str, timeout: float = WAIT_S) -> str:
    """Wait until the toasts on the screen say every one of `texts`; their words."""
    what = f"a toast saying {texts!r}"
    return await _reading(pilot, lambda: notices(pilot.app), _all_in(texts), what, timeout)


async def on(pilot: Pilot[object], kind: type, *texts: str, timeout: float = WAIT_S) -> str:
    """Wait until the screen on top is a `kind` and shows `texts` (what it loaded); its text."""

    def read() -> str | None:
        return screen_text(pilot.app) if isinstance(pilot.app.screen, kind) else None

    what = f"a {kind.__name__} showing {texts!r}"
    return await _reading(pilot, read, _all_in(texts), what, timeout)


def _busy(app: App[object]) -> str:
    """What the app is still doing that can change the screen, or "" when it is done."""
    if any(not worker.is_finished for worker in app.workers):
        return "a worker is running"
    session = getattr(app, "session", None)
    if session is not None and session.forum.bus.pending(asyncio.get_running_loop()):
        return "live events wait to be handed out"
    for screen in app.screen_stack:
        if isinstance(screen, LiveScreen) and screen._reload_pending:
            return f"{type(screen).__name__} has a live reload due"
    return ""


async def idle(pilot: Pilot[object], timeout: float = WAIT_S) -> None:
    """Wait for the positive sign that the app has finished what it started: no worker
    running, no live event waiting in this loop's queue, no screen's live reload due, and
    every message handled, twice over. For a test that proves something does *not*
    happen; a test of what does happen waits for it to show instead.
    """
    calm = 0

    def finished() -> bool:
        nonlocal calm
        calm = calm + 1 if not _busy(pilot.app) else 0
        return calm >= 2

    await until(pilot, finished, "the app to finish its work", timeout)


async def settle(pilot: Pilot[object], rounds: int = 3) -> None:
    """The app has finished its work (see `idle`); for tests written before the waits."""
    await idle(pilot)


async def cursor_on(pilot: Pilot[object], post_id: int) -> PostTree:
    """Put the open thread's cursor on a post and wait until its body is shown; the tree."""
    tree = pilot.app.screen.query_one(PostTree)
    tree.move_cursor(tree.nodes_by_post[post_id])
    await until(pilot, lambda: _cursor_id(tree) == post_id and not _busy(pilot.app))
    return tree


def _cursor_id(tree: PostTree) -> int | None:
    node = tree.cursor_node
    return None if node is None or node.data is None else node.data.id


def frames_sent(app: object) -> list[object]:
    """Every frame the app hands its terminal from now on (a list that fills as it runs)."""
    updates: list[object] = []
    display = app._display  # type: ignore[attr-defined]

    def recording(screen: object, update: object) -> None:
        if update is not None:
            updates.append(update)
        display(screen, update)

    app._display = recording  # type: ignore[attr-defined]
    return updates


def terminal_of(updates: list[object], width: int = 80, height: int = 24) -> list[list[object]]:
    """What a terminal shows after these updates: each cell's character and colours."""
    import io

    import pyte
    from rich.console import Console

    console = Console(
        width=width,
        height=height,
        color_system="truecolor",
        force_terminal=True,
        file=io.StringIO(),
    )
    screen = pyte.Screen(width, height)
    stream = pyte.Stream(screen)
    for update in updates:
        stream.feed(update.render_segments(console))  # type: ignore[attr-defined]
    return [
        [(c.data, c.fg, c.bg, c.bold, c.reverse) for c in (row[x] for x in range(width))]
        for row in (screen.buffer[y] for y in range(height))
    ]
