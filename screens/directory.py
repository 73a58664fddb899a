"""The community directory: every community, what it is about, members and new posts."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding

from bbs.chat.rooms import room_counts
from bbs.live import PRESENCE_KINDS, Kind, LiveEvent
from bbs.models import CommunitySummary
from bbs.shown import Listing, unshown_note
from screens import places
from screens.engine.first_frame import HoldsFirstFrame
from screens.widgets.bars import KeyBar, TextLine, TitleBar
from screens.widgets.forum_call import deliver, ours
from screens.widgets.live import LiveScreen
from screens.widgets.reuse import Reusable
from screens.widgets.row_table import RowTable
from screens.widgets.safe import one_line, safe, unread_cell
from screens.widgets.session import session_of


def _access(c: CommunitySummary) -> str:
    if c.my_role is not None:
        return str(c.my_role)
    return "open" if c.can_read else f"{c.visibility} only"


class DirectoryScreen(Reusable, HoldsFirstFrame, LiveScreen[None]):
    """A table of communities; Enter opens one. `DirectoryScreen.open(app)`: one per session."""

    CSS_PATH = "directory.tcss"
    REFRESH_ON_RESUME = True
    SHOWS_PRESENCE = True  # how many are in each community's chat room
    PRESENCE_DELAY = 1.0
    _presence_pending = False
    BINDINGS = [Binding("escape", "back", "Back"), Binding("j", "join", "Join / leave")]

    def __init__(self) -> None:
        super().__init__()
        self.communities: dict[str, CommunitySummary] = {}

    def reset(self) -> None:
        """Nothing to change: it reloads as it comes back."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield TextLine(Text("Communities  (● = new posts; Enter to open)"), id="directory-help")
        yield RowTable("Community", "About", "Members", "New", "You", "Chat", id="communities")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return "directory"

    def relevant(self, event: LiveEvent) -> bool:
        return event.kind in (Kind.NEW_REPLY, Kind.NEW_THREAD) or event.kind in PRESENCE_KINDS

    def quick_update(self, event: LiveEvent) -> bool:
        """Someone came to or left a room: soon count again from memory, no queries."""
        if event.kind not in PRESENCE_KINDS:
            return False
        if not self._presence_pending:
            self._presence_pending = True
            self.set_timer(self.PRESENCE_DELAY, self._presence_changed)
        return True

    def _presence_changed(self) -> None:
        self._presence_pending = False
        if self.is_mounted and self.communities:
            self._show(list(self.communities.values()))

    @work(thread=True, exclusive=True, group="directory")
    def reload(self) -> None:
        session = session_of(self)
        try:
            found = session.forum.list_communities(session.person)
        except Exception as error:  # ours (nobody is refused the directory): logged once
            deliver(self, self.notify, ours(self, error), severity="error", markup=False)
            return
        deliver(self, self._show, found)

    def _show(self, found: list[CommunitySummary]) -> None:
        self.communities = {c.slug: c for c in found}
        chatting = room_counts(session_of(self).presence.online())
        rows = [
            (
                c.slug,
                (
                    safe(one_line(c.name, 22)),
                    safe(one_line(c.description, 30)),
                    str(c.members),
                    unread_cell(c.new_posts),
                    Text(_access(c)),
                    Text(str(chatting[c.slug]) if chatting.get(c.slug) else "-"),
                ),
            )
            for c in found
        ]
        self.query_one(RowTable).refill(rows)
        if isinstance(found, Listing) and found.unshown:
            self.notify(unshown_note(found.unshown, "community"), severity="warning", timeout=4)

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        c = self.communities.get(event.key)
        if c is None:
            return
        if not c.can_read:
            hint = "" if session_of(self).person.is_guest else " Press j to join."
            self.notify(f"{c.name} is only readable by its members.{hint}", markup=False)
            return
        places.go(self, places.Community(c.slug))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "join" and session_of(self).person.is_guest)

    def action_join(self) -> None:
        slug = self.query_one(RowTable).cursor_key
        if slug is not None:
            places.go(self, places.Join(slug), lambda _: self.reload())

    def action_back(self) -> None:
        self.dismiss()
