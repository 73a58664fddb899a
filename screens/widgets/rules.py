"""A community's description, welcome text and rules, as a modal to read."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer

from bbs.models import Community
from screens.widgets.body import PostBody


class RulesScreen(ModalScreen[None]):
    """Shows a community's rules; Escape closes it."""

    DEFAULT_CSS = """
    RulesScreen { align: center middle; }
    RulesScreen > VerticalScroll {
        width: 90%; height: 80%; border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,i", "dismiss", "Close")]

    def __init__(self, community: Community) -> None:
        super().__init__()
        self.community = community

    def compose(self) -> ComposeResult:
        c = self.community
        text = f"# {c.name}\n\n{c.description}\n\n## Welcome\n\n{c.welcome or '-'}\n\n"
        text += f"## Rules\n\n{c.rules or 'No rules written yet.'}\n"
        with VerticalScroll():
            yield PostBody(text)
        yield Footer()
