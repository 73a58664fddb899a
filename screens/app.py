"""BBSApp: the one Textual app that both ways in (local and SSH) run for a session."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen

from bbs.session import Session
from screens.economies import apply_process_economies
from screens.key_route import binds_first
from screens.preload import preload_css
from screens.themes import THEME_CYCLE, register_themes


class BBSApp(App[None]):
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
        self._disable_tooltips = True  # none are used; Textual adds a Tooltip to every screen

    @property
    def _background_screens(self) -> list[Screen[object]]:
        """Screens seen through the top one: none when it is opaque (all but dialogs).

        Textual always counts the screen just below the top as seen, so whatever that
        screen did (a live event arriving, even when it only marks itself stale) set it
        repainting the top screen's whole area, on and on: a full frame for every reply
        to a thread, for everyone reading it.
        """
        stack = self._screen_stack
        if stack and stack[-1].styles.background.a == 1:
            return []
        return list(super()._background_screens)

    async def on_event(self, event: events.Event) -> None:
        """A cursor key for a line widget runs its binding at once (`screens/key_route.py`)."""
        if isinstance(event, events.Key) and binds_first(self, event):
            self.app_focus = True
            screen = self.screen
            if await self._check_bindings(event.key, priority=True) or await self._check_bindings(
                event.key
            ):
                if self.screen is screen:  # a screen just pushed draws when it is ready
                    self._draw_now()
                return
        await super().on_event(event)

    def _draw_now(self) -> None:
        """Draw the frame for a key handled here now, not on the frame timer's turn.

        The repaint started the screen's frame timer, which would draw on its own turn of
        the loop: behind every callback ready on a busy server (tens of milliseconds
        while people log in), one of three such turns a cursor key waited for. The
        timer, still woken, finds nothing left to draw.
        """
        screen = self.screen
        if screen._dirty_widgets and screen.is_current and not self._batch_count:
            screen._on_timer_update()

    def on_mount(self) -> None:
        from screens.welcome import WelcomeScreen

        self.title = self.session.forum.board_name()
        self.push_screen(WelcomeScreen())

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_cycle_theme(self) -> None:
        names = [n for n in THEME_CYCLE if n in self.available_themes]
        index = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(index + 1) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2)


def make_app(session: Session, driver_class: type[Driver] | None = None) -> BBSApp:
    """The app for one session (the SSH server's factory calls this)."""
    apply_process_economies()
    return BBSApp(session, driver_class=driver_class)
