"""Search across every community the person may read; a result opens the thread at that post."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from bbs.errors import ForumError
from bbs.models import SearchHit
from bbs.shown import Listing, unshown_note
from screens import places
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.forum_call import deliver, ours
from screens.widgets.quiet import QuietInput
from screens.widgets.safe import ago, one_line, safe
from screens.widgets.session import session_of


def hit_prompt(hit: SearchHit) -> Text:
    """Two lines for a result: title and where, then the matching snippet."""
    text = Text.assemble(
        safe(one_line(hit.title, 40), "bold"),
        "  ",
        safe(hit.community_name, "italic"),
        " · ",
        safe(hit.author),
        f" · {ago(hit.created)}\n  ",
    )
    text.append_text(safe(one_line(hit.snippet, 70), "dim"))
    return text


class SearchScreen(Screen[None]):
    """An Input on top, results below; Enter on a result opens it."""

    CSS_PATH = "search.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+l", "focus_query", "Query"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield QuietInput(placeholder="Search posts and titles, then Enter", id="query")
        yield Static(
            Text("Type words to find; results come from communities you can read."),
            id="search-status",
        )
        yield OptionList(id="results")
        yield KeyBar()

    def on_mount(self) -> None:
        session_of(self).move("search")
        self.query_one("#query").focus()

    def on_screen_resume(self) -> None:
        session_of(self).move("search")

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        if event.value.strip():
            self.query_one("#search-status", Static).update(Text("Searching…"))
            self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        session = session_of(self)
        try:
            hits = session.forum.search(session.person, query)
        except ForumError as error:
            deliver(self, self._status, str(error))
            return
        except Exception as error:  # ours: logged once, the session goes on
            deliver(self, self._status, ours(self, error))
            return
        deliver(self, self._show, hits)

    def _status(self, message: str) -> None:
        self.query_one("#search-status", Static).update(safe(message))

    def _show(self, hits: list[SearchHit]) -> None:
        self.hits = hits
        results = self.query_one("#results", OptionList)
        results.clear_options()
        results.add_options([Option(hit_prompt(h), id=str(i)) for i, h in enumerate(hits)])
        count = len(hits)
        unshown = hits.unshown if isinstance(hits, Listing) else 0
        self._status(
            f"{count} result{'s' if count != 1 else ''}"
            + (": Down then Enter to open one." if count else ".")
            + (f" ({unshown_note(unshown, 'result')})" if unshown else "")
        )
        if hits:
            results.highlighted = 0
            results.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        places.go(self, places.Thread(hit.community, hit.thread_id, hit.post_id))

    def action_focus_query(self) -> None:
        self.query_one("#query").focus()

    def action_back(self) -> None:
        self.dismiss()
