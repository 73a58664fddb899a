"""Who's online, and where in the forum each person is."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from bbs.live import PRESENCE_KINDS, LiveEvent
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.live import LiveScreen
from screens.widgets.row_table import RowTable
from screens.widgets.safe import ago, safe
from screens.widgets.session import session_of


class OnlineScreen(LiveScreen[None]):
    """A table of sessions: who, where, since when; it follows arrivals and moves live."""

    SHOWS_PRESENCE = True

    CSS_PATH = "online.tcss"
    BINDINGS = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text("Who's online"), id="online-title")
        yield RowTable("Who", "Where", "Since", id="online")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return "who's online"

    def relevant(self, event: LiveEvent) -> bool:
        return event.kind in PRESENCE_KINDS

    def reload(self) -> None:
        table = self.query_one(RowTable)
        online = session_of(self).presence.online()
        rows = [(e.session_id, (safe(e.handle), safe(e.where), ago(e.since))) for e in online]
        table.refill(rows)
        count = table.row_count
        title = f"Who's online: {count} session{'s' if count != 1 else ''}"
        self.query_one("#online-title", Static).update(Text(title))

    def action_back(self) -> None:
        self.dismiss()
