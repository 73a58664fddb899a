"""The welcome screen: the board's name, the sysop's bulletin, what is new."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class WelcomeScreen(Screen[None]):
    """First screen after signing in."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Welcome", id="welcome")
        yield Footer()
