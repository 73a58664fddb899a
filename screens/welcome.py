"""The welcome screen: the board's name, the sysop's bulletin, what is new, who is around."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from bbs.live import LiveEvent
from bbs.models import Welcome
from bbs.presence import OnlineEntry
from screens.directory import DirectoryScreen
from screens.events import upcoming_text
from screens.online import OnlineScreen, online_line
from screens.search import SearchScreen
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.body import PostBody
from screens.widgets.forum_call import deliver
from screens.widgets.live import LiveScreen
from screens.widgets.oneliner import OneLinerScreen
from screens.widgets.safe import ago, safe
from screens.widgets.session import session_of

LIVE_KINDS = ("oneliner", "presence", "presence-gone", "caller", "post", "thread", "mail", "event")
ONELINERS = 10
PRESENCE_KINDS = ("presence", "presence-gone")


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


class WelcomeScreen(LiveScreen[None]):
    """First screen after signing in; one-liners and presence follow the live bus."""

    SHOWS_PRESENCE = True

    CSS_PATH = "welcome.tcss"
    REFRESH_ON_RESUME = True
    _welcome: Welcome | None = None
    BINDINGS = [
        Binding("d,enter", "directory", "Directory"),
        Binding("r", "new_scan", "New"),
        Binding("s", "search", "Search"),
        Binding("w", "online", "Online", show=False),
        Binding("o", "oneliner", "One-liner"),
        Binding("m", "mail", "Mail"),
        Binding("x", "discover", "Discover", show=False),
        Binding("p", "profile", "Profile", show=False),
        Binding("n", "found", "New community", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="welcome"):
            yield Static(id="board-name")
            yield Static(id="news")
            with VerticalScroll(id="bulletin-box"):
                yield PostBody(id="bulletin")
            with Horizontal(id="columns"):
                yield Static(id="oneliners")
                with Vertical(id="side"):
                    yield Static(id="people")
                    yield Static(id="events")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    def where(self) -> str | None:
        return "welcome"

    def relevant(self, event: LiveEvent) -> bool:
        return event.kind in LIVE_KINDS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        guest_cannot = ("oneliner", "mail", "profile", "found")
        return not (action in guest_cannot and session_of(self).person.is_guest)

    @work(thread=True, exclusive=True, group="welcome")
    def reload(self) -> None:
        session = session_of(self)
        welcome = session.forum.welcome(session.person)
        deliver(self, self._show, welcome, session.presence.online())

    def quick_update(self, event: LiveEvent) -> bool:
        """Someone arrived, moved or left: redraw who's online from memory, no queries."""
        if event.kind not in PRESENCE_KINDS or self._welcome is None:
            return False
        online = session_of(self).presence.online()
        self.query_one("#people", Static).update(_people(self._welcome, online))
        return True

    def _show(self, welcome: Welcome, online: list[OnlineEntry]) -> None:
        self._welcome = welcome
        person = session_of(self).person
        name = Text.assemble(
            safe(welcome.board_name, "bold reverse"),
            "  welcome, ",
            safe(person.display_name or person.handle, "bold"),
        )
        self.query_one("#board-name", Static).update(name)
        news = Text(f"● {welcome.new_posts} new posts since your last visit", style="bold")
        news.append(f"   ✉ {welcome.unread_mail} unread mail")
        if not person.is_guest:
            news.append("\nx discover  p profile  n found a community", style="dim")
        self.query_one("#news", Static).update(news)
        self.query_one("#bulletin", PostBody).show(welcome.bulletin or "*No bulletin today.*")
        self.query_one("#oneliners", Static).update(_oneliners(welcome, person.is_guest))
        self.query_one("#people", Static).update(_people(welcome, online))
        self.query_one("#events", Static).update(upcoming_text(welcome.events))

    def action_directory(self) -> None:
        self.app.push_screen(DirectoryScreen())

    def action_new_scan(self) -> None:
        from screens.newscan import NewScanScreen

        self.app.push_screen(NewScanScreen())

    def action_search(self) -> None:
        self.app.push_screen(SearchScreen())

    def action_online(self) -> None:
        self.app.push_screen(OnlineScreen())

    def action_mail(self) -> None:
        from screens.mail import InboxScreen

        self.app.push_screen(InboxScreen())

    def action_discover(self) -> None:
        from screens.discover import DiscoverScreen

        self.app.push_screen(DiscoverScreen())

    def action_profile(self) -> None:
        from screens.profile import ProfileScreen

        self.app.push_screen(ProfileScreen(session_of(self).person.handle))

    def action_found(self) -> None:
        from screens.community import CommunityScreen
        from screens.found import FoundCommunityScreen

        def founded(slug: str | None) -> None:
            if slug is not None:
                self.app.push_screen(CommunityScreen(slug))

        self.app.push_screen(FoundCommunityScreen(), founded)

    def action_oneliner(self) -> None:
        self.app.push_screen(OneLinerScreen())
