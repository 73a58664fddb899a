"""Writing a one-liner on the wall, as a small modal that keeps the text when refused."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from bbs.errors import ForumError
from bbs.text import LIMITS
from screens.widgets.forum_call import deliver
from screens.widgets.quiet import QuietInput
from screens.widgets.safe import safe
from screens.widgets.session import session_of


class OneLinerScreen(ModalScreen[bool]):
    """An Input for one line; Enter writes it, Escape cancels. Dismisses True once written."""

    DEFAULT_CSS = """
    OneLinerScreen { align: center middle; }
    OneLinerScreen > Vertical {
        width: 70; height: auto; border: thick $primary; background: $surface; padding: 0 1;
    }
    OneLinerScreen #oneliner-error { color: $error; text-style: bold; }
    """
    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Your one-liner (up to {LIMITS['oneliner']} characters), Enter to post:")
            yield QuietInput(id="oneliner", max_length=LIMITS["oneliner"] + 20)
            yield Static(id="oneliner-error")

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        event.stop()
        self._write(event.value)

    @work(thread=True, exclusive=True, group="oneliner")
    def _write(self, text: str) -> None:
        session = session_of(self)
        try:
            session.forum.add_oneliner(session.person, text)
        except ForumError as error:
            deliver(self, self._refused, str(error))
            return
        deliver(self, self.dismiss, True)

    def _refused(self, message: str) -> None:
        self.query_one("#oneliner-error", Static).update(safe(message))
