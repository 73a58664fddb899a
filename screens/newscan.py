"""The new scan: every post since your last visit, read in order with one key."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from bbs.models import NewPost
from bbs.shown import Listing
from screens import places
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.forum_call import deliver, ours
from screens.widgets.safe import ago, one_line, safe
from screens.widgets.session import session_of


def new_post_prompt(item: NewPost, done: bool) -> Text:
    """A line per new post; read ones say so in words, not only in colour."""
    mark = "  read " if done else "● new  "
    return Text.assemble(
        mark,
        safe(item.community, "italic"),
        " · ",
        safe(one_line(item.title, 24), "bold"),
        " · ",
        safe(item.author),
        f" · {ago(item.created)}",
    )


class NewScanScreen(Screen[None]):
    """Space reads the next new post (opening its thread at it); Enter opens the chosen one."""

    CSS_PATH = "search.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("space", "next_new", "Read next new"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[NewPost] = []
        self.done: set[int] = set()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text("Looking for new posts…"), id="search-status")
        yield OptionList(id="results")
        yield KeyBar()

    def on_mount(self) -> None:
        session_of(self).move("new scan")
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        session = session_of(self)
        try:
            items = session.forum.new_since_last_visit(session.person)
        except Exception as error:  # ours: logged once, the session goes on
            deliver(self, self._failed, ours(self, error))
            return
        deliver(self, self._show, items)

    def _failed(self, message: str) -> None:
        self.query_one("#search-status", Static).update(safe(message))

    def _show(self, items: list[NewPost]) -> None:
        self.items = items
        unshown = items.unshown if isinstance(items, Listing) else 0
        left_out = f", {unshown} could not be shown" if unshown else ""
        status = (
            f"{len(items)} new posts since your last visit{left_out}. Space reads them in order."
            if items
            else f"Nothing new since your last visit{left_out}."
        )
        self.query_one("#search-status", Static).update(Text(status))
        self._render_list()
        self.query_one(OptionList).focus()

    def _render_list(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(
            Option(new_post_prompt(item, n in self.done), id=str(n))
            for n, item in enumerate(self.items)
        )
        if self.items:
            options.highlighted = highlighted if highlighted is not None else 0

    def _open(self, index: int) -> None:
        item = self.items[index]
        self.done.add(index)
        self._render_list()
        self.query_one(OptionList).highlighted = index
        places.go(self, places.Thread(item.community, item.thread_id, item.post_id))

    def action_next_new(self) -> None:
        remaining = [n for n in range(len(self.items)) if n not in self.done]
        if not remaining:
            self.notify("That was everything new. Welcome back!", timeout=3)
            return
        self._open(remaining[0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._open(int(event.option.id))

    def action_back(self) -> None:
        self.app.pop_screen()
