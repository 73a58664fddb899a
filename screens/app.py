"""BBSApp: the one Textual app that both ways in (local and SSH) run for a session."""

from __future__ import annotations

from textual.binding import Binding
from textual.driver import Driver

from bbs.session import Session
from screens import places, routes
from screens.engine import process
from screens.engine.app import EngineApp
from screens.engine.css_preload import preload_css
from screens.engine.no_colour import use_no_colour
from screens.help import HelpScreen
from screens.themes import THEME_CYCLE, register_themes
from screens.welcome import WelcomeScreen


class BBSApp(EngineApp[None]):
    """The forum for one signed-in person (or guest); screens read `self.app.session`."""

    TITLE = "bbs"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+t", "cycle_theme", "Theme"),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, session: Session, *, driver_class: type[Driver] | None = None) -> None:
        super().__init__(driver_class=driver_class)
        self.session = session
        register_themes(self)
        preload_css(self)

    def go(self, place: places.Place, then: places.Then = None) -> None:
        """Show `place` (a screen asked for it: `screens.places.go`), through the routes."""
        routes.show(self, place, then)

    def on_mount(self) -> None:
        self.title = self.session.forum.board_name()
        self.push_screen(WelcomeScreen())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_cycle_theme(self) -> None:
        names = [n for n in THEME_CYCLE if n in self.available_themes]
        index = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(index + 1) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2)


def make_app(session: Session, driver_class: type[Driver] | None = None) -> BBSApp:
    """The app for one session: `bbs local` runs it, and the SSH server's factory is this.

    The engine's process-wide patches are put in place first (once per process), and
    NO_COLOR (from the environment here; from the client's for SSH, by the driver)
    means no colour codes at all (`screens.engine.no_colour`).
    """
    process.install()
    app = BBSApp(session, driver_class=driver_class)
    if app.no_color:
        use_no_colour(app)
    return app
