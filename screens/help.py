"""The help screen: every key, screen by screen (F1 or ? anywhere)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Everywhere",
        (
            ("F1 / ?", "this help"),
            ("Ctrl+T", "next theme (incl. high contrast)"),
            ("Escape", "back / cancel"),
            ("Tab", "next pane"),
            ("Ctrl+Q", "quit"),
        ),
    ),
    (
        "Welcome",
        (
            ("d / Enter", "community directory"),
            ("s", "search"),
            ("w", "who's online"),
            ("o", "write a one-liner"),
            ("q", "quit"),
        ),
    ),
    (
        "Directory",
        (
            ("Up/Down", "choose"),
            ("Enter", "open the community"),
        ),
    ),
    (
        "Community",
        (
            ("Enter", "open board / thread"),
            ("b", "back to the boards"),
            ("t", "new thread"),
            ("i", "welcome and rules"),
        ),
    ),
    (
        "Thread",
        (
            ("Up/Down", "move between posts"),
            ("Enter / Space", "fold or unfold"),
            ("n", "next unread post"),
            ("r", "reply to the selected post"),
            ("e", "edit your own post"),
        ),
    ),
    (
        "Composer",
        (
            ("Ctrl+S", "send"),
            ("Ctrl+R", "preview / back to writing"),
            ("Escape", "cancel (asks before dropping a draft)"),
        ),
    ),
    ("Search", (("Enter", "search / open result"), ("Ctrl+L", "back to the query"))),
)


def keys_table() -> Table:
    """All keys as a plain table (no colour needed to read it)."""
    table = Table(box=None, show_header=False, padding=(0, 1))
    table.add_column("Key", style="bold", no_wrap=True)
    table.add_column("Does")
    for place, keys in KEYS:
        table.add_row(f"— {place} —", "")
        for key, does in keys:
            table.add_row(key, does)
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys; Escape closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 64; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(keys_table(), id="help")
        yield Footer()
