"""Signing up over SSH: a new key picks a handle and display name and accepts the rules.

`RegisterApp` runs before the forum for a key not on file; it returns the new
Person (the server then starts `BBSApp` as that person on the same channel),
or None when they leave.
"""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, Static

from bbs.errors import ForumError
from bbs.models import Person
from bbs.session import Session
from bbs.ssh.login import Login
from bbs.text import clean
from screens.themes import register_themes
from screens.widgets.bars import KeyBar, TitleBar


def board_rules(session: Session) -> str:
    """The rules everyone accepts when signing up (the forum's, shared with plain mode)."""
    return session.forum.board_rules()


class RegisterScreen(Screen[None]):
    """Choose a handle and display name, read the rules, accept them."""

    BINDINGS = [Binding("escape", "leave", "Leave"), Binding("ctrl+q", "leave", "Quit")]
    DEFAULT_CSS = """
    RegisterScreen { align: center top; }
    #form { width: 76; max-width: 100%; height: auto; padding: 0 1; }
    #rules { height: 8; border: round $secondary; padding: 0 1; }
    #error { color: $error; height: auto; }
    Input { margin: 0 0 1 0; }
    #buttons { height: 3; }
    """

    def __init__(self, session: Session, login: Login) -> None:
        super().__init__()
        self.session = session
        self.login = login

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="form"):
            yield Static(
                f"Welcome to {clean(self.session.forum.board_name(), multiline=False)}. "
                "Your key is new here: sign up and it will be your key to this board.",
                markup=False,
            )
            yield Label("Handle (how others address you):")
            yield Input(self.login.username.lower(), id="handle", max_length=20)
            yield Label("Display name:")
            yield Input(self.login.username, id="display", max_length=40)
            yield Label("The rules of this board:")
            yield Static(clean(board_rules(self.session)), id="rules", markup=False)
            yield Checkbox("I have read and accept the rules", id="accept")
            yield Static("", id="error", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Sign up", id="join", variant="primary")
                yield Button("Leave", id="leave")
        yield KeyBar()

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#display", Input).focus()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "leave":
            self.action_leave()
        else:
            await self.sign_up()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    async def sign_up(self) -> None:
        error = self.query_one("#error", Static)
        if not self.query_one("#accept", Checkbox).value:
            error.update("Please read the rules and tick the box to accept them.")
            return
        handle = self.query_one("#handle", Input).value
        display = self.query_one("#display", Input).value
        try:
            person = await asyncio.to_thread(
                self.session.forum.register,
                handle,
                display,
                public_key=(self.login.fingerprint, self.login.public_key),
            )
        except ForumError as refused:
            error.update(str(refused))
            return
        self.app.exit(person)

    def action_leave(self) -> None:
        self.app.exit(None)


class RegisterApp(App[Person | None]):
    """The sign-up app for a new key; its return value is the new Person or None."""

    TITLE = "Sign up"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self, session: Session, login: Login, *, driver_class: type[Driver] | None = None
    ) -> None:
        super().__init__(driver_class=driver_class)
        self.session = session
        self.login = login
        register_themes(self)

    def on_mount(self) -> None:
        self.push_screen(RegisterScreen(self.session, self.login))


def make_register_app(
    session: Session, login: Login, driver_class: type[Driver] | None = None
) -> RegisterApp:
    """The SSH server's factory for sessions of a new key."""
    return RegisterApp(session, login, driver_class=driver_class)
