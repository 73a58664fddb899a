"""Helpers for the Pilot screen tests: an app on the test forum, settling, the visible text."""

from __future__ import annotations

import io
from contextlib import suppress

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from bbs.forum import Forum
from bbs.models import Person
from bbs.presence import Presence
from bbs.session import Session
from screens.app import BBSApp, make_app
from screens.widgets.live import LiveScreen
from screens.widgets.post_tree import PostTree
from screens.widgets.row_table import RowTable


def app_for(forum: Forum, person: Person) -> BBSApp:
    """A BBSApp for `person` on the test forum, present in who's online."""
    session = Session(forum=forum, person=person, presence=Presence(forum.bus))
    session.presence.arrive(session.id, person.handle)
    return make_app(session)


async def settle(pilot: Pilot[None], rounds: int = 3) -> None:
    """Let workers finish and the screen catch up with what they posted back."""
    # Live events reach a screen through one debounced reload (LiveScreen.RELOAD_DELAY).
    await pilot.pause(LiveScreen.RELOAD_DELAY * 1.5)
    for _ in range(rounds):
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    # Read marks are batched and written a moment later; a test reads the database now.
    session = getattr(pilot.app, "session", None)
    if session is not None:
        session.forum.read_marks.flush()


async def cursor_on(pilot: Pilot[None], post_id: int) -> PostTree:
    """Put the open thread's cursor on a post and let the screen catch up; the tree."""
    tree = pilot.app.screen.query_one(PostTree)
    tree.move_cursor(tree.nodes_by_post[post_id])
    await settle(pilot)
    return tree


def screen_text(app: App[None]) -> str:
    """Everything the current screen shows, as plain text (rendered at its real size)."""
    console = Console(width=app.size.width, record=True, file=io.StringIO())
    lines = app.screen._compositor.render_update(full=True)  # type: ignore[union-attr]
    console.print(lines)
    return console.export_text()


def tree_labels(app: App[None]) -> list[str]:
    """The plain labels of every post in the open thread's tree, folded or not."""
    return [str(node.label) for node in app.screen.query_one(PostTree).walk()]


def table_column(app: App[None], selector: str, column: int = 0) -> list[str]:
    """One column of a table as plain strings, top to bottom."""
    return app.screen.query_one(selector, RowTable).column(column)


def notices(app: App[None]) -> str:
    """The text of every notification currently shown (toasts)."""
    return "\n".join(n.message for n in app._notifications)  # pinned Textual: stable
