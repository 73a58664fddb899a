"""The help screen: every key, screen by screen (F1 or ? anywhere)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.widgets.bars import KeyBar

Section = tuple[str, tuple[tuple[str, str], ...]]

LEFT: tuple[Section, ...] = (
    (
        "Everywhere",
        (("F1 / ?", "this help"), ("Ctrl+T", "next theme"), ("Escape", "back / cancel")),
    ),
    (
        "Welcome",
        (
            ("d / Enter", "communities"),
            ("r", "new scan: read new posts in order"),
            ("s", "search"),
            ("w", "who's online"),
            ("o", "write a one-liner"),
            ("m", "mail"),
            ("x", "discover elsewhere"),
            ("p", "your profile"),
            ("n", "found a community"),
            ("q", "quit"),
        ),
    ),
    ("Directory", (("Enter", "open a community"), ("j", "join / leave"))),
    ("Search", (("Enter", "search / open"), ("Ctrl+L", "back to the query"))),
    ("Marks", (("●", "unread / new"), ("^  #", "pinned  locked"))),
    ("Mail", (("Enter", "read"), ("c", "new mail"), ("Ctrl+S", "send (reply)"))),
    (
        "Events",
        (
            ("Enter", "open"),
            ("n", "new event"),
            ("g m n", "going maybe no"),
            ("x", "export .ics"),
            ("c  d", "cancel  delete (yours, or as moderator)"),
        ),
    ),
    ("Profile", (("e k p", "edit key password"), ("m / b", "mail / block"))),
    ("Discover", (("Enter", "open"), ("j", "join related"))),
)
RIGHT: tuple[Section, ...] = (
    (
        "Community",
        (
            ("Enter", "open board/thread"),
            ("b", "back to boards"),
            ("t", "new thread"),
            ("i", "welcome and rules"),
            ("j", "join / leave"),
            ("v", "events"),
            ("x", "moderate"),
            ("l", "moderation log"),
            ("p", "members"),
        ),
    ),
    (
        "Thread",
        (
            ("Enter/Space", "fold or unfold"),
            ("n", "next unread post"),
            ("r", "reply to selected"),
            ("e", "edit your own post"),
            ("f", "flag for moderators"),
            ("c", "cross-post"),
            ("a", "author's profile"),
            ("x", "moderate"),
        ),
    ),
    (
        "Composer",
        (
            ("Ctrl+S", "send"),
            ("Ctrl+R", "preview / write"),
            ("Ctrl+O", "a poll (new threads)"),
            ("Escape", "cancel (asks first)"),
        ),
    ),
    (
        "Moderation",
        (
            ("h / d", "hide / dismiss flag"),
            ("a / x", "approve / decline"),
            ("b / u", "ban / unban"),
        ),
    ),
    ("Thread (mods)", (("p l m", "pin lock move"), ("h b u", "hide; ban, unban author"))),
    (
        "Chat",
        (
            ("c", "the lobby / its room"),
            ("Enter", "say the line"),
            ("/me /who /away", "action, who's here, away"),
            ("/msg NAME TEXT", "a page to one person"),
            ("/mute /help", "mute room; all commands"),
            ("PgUp PgDn", "scroll back"),
        ),
    ),
    (
        "Poll",
        (
            ("v", "a thread's poll"),
            ("Space / v", "choose / vote"),
            ("c", "close it (author, mods)"),
        ),
    ),
)


def keys_table(sections: tuple[Section, ...]) -> Table:
    """Keys as a plain table (no colour needed to read it)."""
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column("Key", style="bold", no_wrap=True)
    table.add_column("Does", no_wrap=True)
    for place, keys in sections:
        table.add_row(f"— {place} —", "")
        for key, does in keys:
            table.add_row(key, does)
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys; Escape closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; height: auto; max-height: 23; border: round $primary; background: $surface;
    }
    HelpScreen Horizontal { height: auto; }
    HelpScreen Static { width: 1fr; height: auto; }
    """
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(), Horizontal():
            yield Static(keys_table(LEFT), id="help-left")
            yield Static(keys_table(RIGHT), id="help-right")
        yield KeyBar()
