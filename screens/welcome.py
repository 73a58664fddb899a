"""The welcome screen: the board's name, the sysop's bulletin, what is new, who is around."""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen

from bbs.chat.models import RoomSummary
from bbs.chat.rooms import LOBBY
from bbs.live import PRESENCE_KINDS, Kind, LiveEvent
from bbs.models import Welcome
from bbs.presence import OnlineEntry
from screens import places
from screens.engine.first_frame import HoldsFirstFrame
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.body import markdown
from screens.widgets.chat_rooms import rooms_text
from screens.widgets.forum_call import deliver, ours
from screens.widgets.live import LiveScreen
from screens.widgets.meetup_lines import upcoming_text
from screens.widgets.oneliner import OneLinerScreen
from screens.widgets.safe import ago, safe
from screens.widgets.session import session_of
from screens.widgets.text_page import Drawn, SegmentLines, SideBySide, TextPage, text_key

LIVE_KINDS = (
    *PRESENCE_KINDS,
    *(Kind.ONELINER, Kind.CALLER, Kind.NEW_REPLY, Kind.NEW_THREAD, Kind.MAIL, Kind.MEETUP),
)
ONELINERS = 10
BULLETIN_LINES = 7
"""Lines of the bulletin shown on the welcome page; b reads the whole of a longer one."""
PRESENCE_DELAY = 1.0
"""Seconds of arrivals and moves gathered into one redraw of who's online (a one-shot timer).

Every sign-in and every screen anyone opens is a presence event; redrawing the page for
each one took a third of a busy server's CPU while people were signing in."""


def _oneliners(welcome: Welcome, guest: bool) -> Text:
    text = Text()
    text.append("One-liners (newest first)", style="bold underline")
    text.append("\n" if guest else "  o to add\n", style="dim")
    for line in welcome.oneliners[:ONELINERS]:
        text.append_text(safe(line.handle, "bold"))
        text.append(": ")
        text.append_text(safe(line.text))
        text.append(f"  {ago(line.posted)}\n", style="dim")
    if not welcome.oneliners:
        text.append("Nobody has written one yet.\n", style="italic")
    return text


def online_line(entry: OnlineEntry) -> Text:
    """'handle (where)' for lists of who is online."""
    return Text.assemble(safe(entry.handle, "bold"), " (", safe(entry.where), ")")


def _people(welcome: Welcome, online: list[OnlineEntry]) -> Text:
    text = Text()
    text.append("Last callers\n", style="bold underline")
    for caller in welcome.callers[:5]:
        text.append_text(Text.assemble(safe(caller.handle), (f"  {ago(caller.at)}\n", "dim")))
    text.append(f"Online now ({len(online)})\n", style="bold underline")
    for entry in online[:8]:
        text.append_text(online_line(entry))
        text.append("\n")
    return text


class WelcomeScreen(HoldsFirstFrame, LiveScreen[None]):
    """First screen after signing in; one-liners and presence follow the live bus.

    The page is one `TextPage`: the board's name, what is new, the sysop's bulletin (its
    first lines; b reads it all), one-liners beside who called and who is online.
    """

    SHOWS_PRESENCE = True

    CSS_PATH = "welcome.tcss"
    REFRESH_ON_RESUME = True
    _welcome: Welcome | None = None
    _rooms: list[RoomSummary] = []  # replaced on each load, never changed in place
    _presence_pending = False
    BINDINGS = [
        Binding("d,enter", "directory", "Directory"),
        Binding("r", "new_scan", "New"),
        Binding("s", "search", "Search"),
        Binding("w", "online", "Online", show=False),
        Binding("o", "oneliner", "One-liner"),
        Binding("m", "mail", "Mail"),
        Binding("c", "chat", "Chat", show=False),  # the page says it: "In chat now  c the lobby"
        Binding("b", "bulletin", "Bulletin", show=False),
        Binding("x", "discover", "Discover", show=False),
        Binding("p", "profile", "Profile", show=False),
        Binding("n", "found", "New community", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield TextPage(Text("Loading…"), id="welcome")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(TextPage).focus()
        self.reload()

    def where(self) -> str | None:
        return "welcome"

    def relevant(self, event: LiveEvent) -> bool:
        return event.kind in LIVE_KINDS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        guest_cannot = ("oneliner", "mail", "profile", "found", "chat")
        return not (action in guest_cannot and session_of(self).person.is_guest)

    @work(thread=True, exclusive=True, group="welcome")
    def reload(self) -> None:
        session = session_of(self)
        try:
            welcome = session.forum.welcome(session.person)
        except Exception as error:  # ours: the person still gets in, told in words
            deliver(self, self._failed, ours(self, error))
            return
        try:
            rooms = session.forum.chat_rooms(session.person)
        except Exception as error:  # ours: the page goes on without the rooms
            ours(self, error)
            rooms = []
        deliver(self, self._show, welcome, session.presence.online(), rooms)

    def _failed(self, message: str) -> None:
        self.query_one(TextPage).show(safe(f"{message}\nd opens the directory."))

    def quick_update(self, event: LiveEvent) -> bool:
        """Someone arrived, moved or left: soon redraw who's online from memory, no queries."""
        if event.kind not in PRESENCE_KINDS or self._welcome is None:
            return False
        if not self._presence_pending:
            self._presence_pending = True
            self.set_timer(PRESENCE_DELAY, self._presence_changed)
        return True

    def _presence_changed(self) -> None:
        self._presence_pending = False
        if self._welcome is not None and self.is_mounted:
            self._show(self._welcome, session_of(self).presence.online())

    def _show(
        self, welcome: Welcome, online: list[OnlineEntry], rooms: list[RoomSummary] | None = None
    ) -> None:
        self._welcome = welcome
        if rooms is not None:
            self._rooms = rooms
        self.query_one(TextPage).show(self._page(welcome, online))

    def _page(self, welcome: Welcome, online: list[OnlineEntry]) -> RenderableType:
        """The page: what is this person's drawn anew, what is everyone's drawn once (Drawn)."""
        person = session_of(self).person
        name = Text.assemble(
            safe(welcome.board_name, "bold reverse"),
            "  welcome, ",
            safe(person.display_name or person.handle, "bold"),
        )
        news = Text(f"● {welcome.new_posts} new posts since your last visit", style="bold")
        news.append(f"   ✉ {welcome.unread_mail} unread mail")
        if welcome.missing:
            news.append(f"\n{', '.join(welcome.missing)}: could not be shown", style="italic")
        if not person.is_guest:
            news.append("\nx discover  p profile  n found a community", style="dim")
        frame = self.app.theme_variables.get("secondary", "")
        bulletin = Drawn(
            ("bulletin", welcome.bulletin, frame), BulletinBox(welcome.bulletin, frame)
        )
        oneliners = _oneliners(welcome, person.is_guest)
        columns = SideBySide(
            Drawn(("oneliners", text_key(oneliners)), oneliners),
            Group(
                _people(welcome, online),
                rooms_text(self._rooms, online, person.is_guest),
                upcoming_text(welcome.events, welcome.events_unshown),
            ),
            ratio=(2, 1),
        )
        return Group(name, news, bulletin, columns)

    def action_bulletin(self) -> None:
        if self._welcome is not None:
            self.app.push_screen(BulletinScreen(self._welcome.bulletin))

    def action_directory(self) -> None:
        places.go(self, places.Directory())

    def action_new_scan(self) -> None:
        places.go(self, places.NewScan())

    def action_search(self) -> None:
        places.go(self, places.Search())

    def action_online(self) -> None:
        places.go(self, places.Online())

    def action_mail(self) -> None:
        places.go(self, places.Inbox())

    def action_discover(self) -> None:
        places.go(self, places.Discover())

    def action_profile(self) -> None:
        places.go(self, places.Profile(session_of(self).person.handle))

    def action_found(self) -> None:
        def founded(slug: str | None) -> None:
            if slug is not None:
                places.go(self, places.Community(slug))

        places.go(self, places.FoundCommunity(), founded)

    def action_oneliner(self) -> None:
        self.app.push_screen(OneLinerScreen())

    def action_chat(self) -> None:
        places.go(self, places.Chat(LOBBY))


class BulletinBox:
    """The bulletin's first lines in a frame, and how to read the rest if there is more."""

    def __init__(self, bulletin: str, frame: str) -> None:
        self.bulletin = bulletin or "*No bulletin today.*"
        self.frame = Style(color=frame or None)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        inner = options.update_width(max(1, options.max_width - 4))
        lines = console.render_lines(markdown(self.bulletin), inner)
        while lines and not "".join(s.text for s in lines[-1]).strip():
            lines.pop()  # Rich ends a document with a blank line
        shown = lines[:BULLETIN_LINES]
        if len(lines) > BULLETIN_LINES:
            more = Text(f"… {len(lines) - BULLETIN_LINES} more lines: b reads it all", "dim")
            shown.append(list(more.render(console)))
        yield Panel(SegmentLines(shown), box=box.ROUNDED, border_style=self.frame, padding=(0, 1))


class BulletinScreen(ModalScreen[None]):
    """The sysop's whole bulletin, to scroll through; Escape goes back."""

    DEFAULT_CSS = """
    BulletinScreen { align: center middle; }
    BulletinScreen > TextPage {
        width: 90%; height: 90%; border: round $secondary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,b,q", "dismiss", "Back")]

    def __init__(self, bulletin: str) -> None:
        super().__init__()
        self.bulletin = bulletin

    def compose(self) -> ComposeResult:
        page = TextPage(markdown(self.bulletin or "*No bulletin today.*"), id="bulletin")
        page.border_title = "Bulletin"
        yield page

    def on_mount(self) -> None:
        self.query_one(TextPage).focus()
