"""Bridges: active threads in open communities one has not joined, related ones, cross-posting."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from bbs.models import DiscoverThread, RelatedCommunity
from bbs.session import Session
from screens import places
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.forum_call import ErrorLine, forum_call
from screens.widgets.live import LiveScreen
from screens.widgets.row_table import RowTable
from screens.widgets.safe import ago, one_line, safe

Loaded = tuple[list[DiscoverThread], list[RelatedCommunity]]


class DiscoverScreen(LiveScreen[None]):
    """Enter opens the thread or the community; j asks to join a related community."""

    CSS_PATH = "discover.tcss"
    REFRESH_ON_RESUME = True
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("j", "join", "Join"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text("Lively elsewhere"), id="discover-title", classes="section")
        yield RowTable("Community", "Thread", "Posts", "Active", id="discover")
        yield Static(Text("Related communities"), id="related-title", classes="section")
        yield RowTable("Community", "Why", "About", id="related")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#discover", RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return "discover"

    def reload(self) -> None:
        forum_call(self, _load, self._show)

    def _show(self, loaded: Loaded) -> None:
        threads, related = loaded
        lively = "Lively elsewhere: open communities you have not joined"
        self._title("#discover-title", lively if threads else "Nothing lively elsewhere just now.")
        kin = "Related communities (j to join)" if related else "No related communities yet."
        self._title("#related-title", kin)
        lively_rows = [
            (
                f"{t.community}/{t.thread_id}",
                (
                    safe(one_line(t.community_name, 16)),
                    safe(one_line(t.title, 34)),
                    str(t.posts),
                    ago(t.last_post_at),
                ),
            )
            for t in threads
        ]
        self.query_one("#discover", RowTable).refill(lively_rows)
        related_rows = [
            (
                r.slug,
                (
                    safe(one_line(r.name, 16)),
                    safe(one_line(r.reason, 30)),
                    safe(one_line(r.description, 24)),
                ),
            )
            for r in related
        ]
        self.query_one("#related", RowTable).refill(related_rows)

    def _title(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(Text(text))

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        key = event.key
        if event.table.id == "discover":
            slug, thread_id = key.split("/")
            places.go(self, places.Thread(slug, int(thread_id)))
        else:
            places.go(self, places.Community(key))

    def action_join(self) -> None:
        slug = self.query_one("#related", RowTable).cursor_key
        if slug is not None:
            places.go(self, places.Join(slug), lambda _: self.reload())

    def action_back(self) -> None:
        self.dismiss()


def _load(s: Session) -> Loaded:
    return s.forum.discover(s.person), s.forum.related_communities(s.person)


def _targets(s: Session, slug: str) -> list[tuple[str, str, str]]:
    """(community slug, community name, board slug) where the viewer may cross-post."""
    found = []
    for c in s.forum.list_communities(s.person):
        if c.slug == slug or c.my_role is None:
            continue
        for b in s.forum.boards(s.person, c.slug):
            found.append((c.slug, c.name, b.slug))
    return found


class CrossPostScreen(ModalScreen[int | None]):
    """Pick 'community / board' among one's own; dismisses with the new thread's id."""

    CSS_PATH = "discover.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, slug: str, thread_id: int) -> None:
        super().__init__()
        self.slug, self.thread_id = slug, thread_id

    def compose(self) -> ComposeResult:
        with Vertical(id="cross-post"):
            yield Label("Cross-post this thread to (replies stay in the original):")
            yield OptionList(id="targets")
            yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        forum_call(self, lambda s: _targets(s, self.slug), self._show)

    def _show(self, targets: list[tuple[str, str, str]]) -> None:
        options = self.query_one(OptionList)
        for slug, name, board in targets:
            label = Text.assemble(safe(name, "bold"), " / ", safe(board))
            options.add_option(Option(label, id=f"{slug}/{board}"))
        if targets:
            options.highlighted = 0
        else:
            self.query_one(ErrorLine).say("You belong to no other community to share it in.")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        to_slug, board = (event.option.id or "/").split("/")
        forum_call(
            self,
            lambda s: s.forum.cross_post(s.person, self.slug, self.thread_id, to_slug, board),
            lambda new_id: self._posted(to_slug, new_id),
            self.query_one(ErrorLine).say,
        )

    def _posted(self, to_slug: str, new_id: int) -> None:
        self.notify(f"Cross-posted to {to_slug}.", timeout=3, markup=False)
        self.dismiss(new_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
