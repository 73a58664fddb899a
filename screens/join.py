"""Joining a community: read its rules, accept them, join (or ask, or give a code); or leave."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from bbs.models import Community, Visibility
from screens.widgets.bars import KeyBar
from screens.widgets.body import PostBody
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.forum_call import ErrorLine, forum_call
from screens.widgets.quiet import QuietInput
from screens.widgets.safe import safe

HOW = {
    Visibility.OPEN: "Open: anyone may read; accepting the rules makes you a member.",
    Visibility.REQUEST: "By request: a moderator decides; members only can read it.",
    Visibility.INVITE: "Invite only: you need an invite code (or a personal invitation).",
}


class JoinScreen(ModalScreen[str | None]):
    """Dismisses with 'active', 'requested' or 'left' when something changed, else None."""

    CSS_PATH = "join.tcss"
    BINDINGS = [
        Binding("a", "join", "Accept rules and join"),
        Binding("l", "leave", "Leave"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, slug: str) -> None:
        super().__init__()
        self.slug = slug
        self.info: Community | None = None
        self.outcome: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="join"):
            yield Static(Text("Loading…"), id="join-title")
            with VerticalScroll(id="join-rules"):
                yield PostBody(id="rules")
            yield QuietInput(placeholder="Invite code (if you have one)", id="code")
            yield Static(id="join-status")
            yield ErrorLine()
            with Horizontal(id="join-buttons"):
                yield Button("Accept rules and join (a)", id="join-button", variant="primary")
                yield Button("Leave (l)", id="leave-button", variant="error")
                yield Button("Close (Esc)", id="close-button")
        yield KeyBar()

    def on_mount(self) -> None:
        forum_call(self, lambda s: s.forum.community(s.person, self.slug), self._show)

    def _show(self, info: Community) -> None:
        self.info = info
        title = Text.assemble(safe(info.name, "bold"), f"  ({info.members} members)\n")
        title.append(HOW[info.visibility])
        self.query_one("#join-title", Static).update(title)
        self.query_one("#rules", PostBody).show(f"## Rules\n\n{info.rules or 'No rules written.'}")
        member = info.my_role is not None
        self.query_one("#code").display = info.visibility == Visibility.INVITE and not member
        self.query_one("#join-button").display = not member
        self.query_one("#leave-button").display = member
        if member:
            self._status(f"You are a member here ({info.my_role}).")
        self._focus_first()
        self.refresh_bindings()

    def _focus_first(self) -> None:
        for wanted in ("#code", "#join-button", "#leave-button"):
            widget = self.query_one(wanted)
            if widget.display:
                widget.focus()
                return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        member = self.info is not None and self.info.my_role is not None
        if action == "join":
            return self.info is not None and not member and self.outcome is None
        if action == "leave":
            return member
        return True

    def _status(self, message: str) -> None:
        self.query_one("#join-status", Static).update(safe(message, "bold"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"join-button": self.action_join, "leave-button": self.action_leave}
        actions.get(event.button.id or "", self.action_close)()

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        self.action_join()

    def action_join(self) -> None:
        if self.info is None or self.outcome is not None:
            return
        code = self.query_one("#code", QuietInput).value.strip() or None
        forum_call(
            self,
            lambda s: s.forum.join(s.person, self.slug, accept_rules=True, code=code),
            self._joined,
            self.query_one(ErrorLine).say,
        )

    def _joined(self, status: str) -> None:
        self.query_one(ErrorLine).say("")
        if status == "active":
            self.notify(f"Welcome to {self.info.name if self.info else self.slug}!", markup=False)
            self.dismiss("active")
            return
        self.outcome = status
        self._status("Request sent: a moderator will decide. You will get a notice in your mail.")
        self.query_one("#join-button").display = False
        self.query_one("#close-button").focus()
        self.refresh_bindings()

    def action_leave(self) -> None:
        name = self.info.name if self.info else self.slug
        self.app.push_screen(ConfirmScreen(f"Leave {name}?"), self._leave)

    def _leave(self, sure: bool | None) -> None:
        if sure:
            forum_call(
                self,
                lambda s: s.forum.leave(s.person, self.slug),
                lambda _: self.dismiss("left"),
                self.query_one(ErrorLine).say,
            )

    def action_close(self) -> None:
        self.dismiss(self.outcome)
