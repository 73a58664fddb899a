"""A community's public moderation log: who did what to what, when and why."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from bbs.live import Kind, LiveEvent
from bbs.models import ModLogEntry
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.forum_call import forum_call
from screens.widgets.live import LiveScreen
from screens.widgets.row_table import RowTable
from screens.widgets.safe import one_line, safe


class ModLogScreen(LiveScreen[None]):
    """Newest first; follows new moderation as it happens."""

    CSS_PATH = "modlog.tcss"
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, slug: str) -> None:
        super().__init__()
        self.slug = slug

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(safe(f"Moderation log of {self.slug}", "bold"), id="modlog-title")
        yield RowTable("When", "Who", "What", "Target", "Why", id="modlog")
        yield Static(id="modlog-why")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return f"{self.slug} (moderation log)"

    def relevant(self, event: LiveEvent) -> bool:
        return event.community == self.slug and event.kind == Kind.MOD_LOG

    def reload(self) -> None:
        forum_call(
            self, lambda s: s.forum.moderation_log(s.person, self.slug), self._show, self._refused
        )

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.dismiss()

    def _show(self, entries: list[ModLogEntry]) -> None:
        self.entries = {str(e.id): e for e in entries}
        rows = [
            (
                str(e.id),
                (
                    f"{datetime.fromtimestamp(e.at):%d %b %H:%M}",
                    safe(one_line(e.actor, 12)),
                    safe(one_line(e.action, 14)),
                    safe(one_line(e.target, 22)),
                    safe(one_line(e.reason or "-", 20)),
                ),
            )
            for e in entries
        ]
        self.query_one(RowTable).refill(rows)
        count = f"{len(entries)} entries" if entries else "nothing moderated yet"
        self.query_one("#modlog-title", Static).update(
            safe(f"Moderation log of {self.slug}: {count}", "bold")
        )

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        entry = self.entries.get(event.key)
        if entry is not None:
            why = f"{entry.actor}: {entry.action} {entry.target}. Why: {entry.reason or '-'}"
            self.query_one("#modlog-why", Static).update(safe(why))

    def action_back(self) -> None:
        self.dismiss()
