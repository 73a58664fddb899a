"""Founding a community: name, slug, description, rules, who may join, its boards."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Select, Static

from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.field import Field
from screens.widgets.forum_call import ErrorLine, forum_call
from screens.widgets.quiet import QuietInput, QuietTextArea

VISIBILITIES = [
    ("open: anyone may read and join", "open"),
    ("request: a moderator approves each member", "request"),
    ("invite: by invite code only", "invite"),
]


class FoundCommunityScreen(Screen[str | None]):
    """Dismisses with the new community's slug; refusals shown inline, the draft kept."""

    CSS_PATH = "found.tcss"
    BINDINGS = [
        Binding("ctrl+s", "found", "Found it", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text("Found a community (Ctrl+S when ready)", style="bold"), id="found-title")
        with VerticalScroll(id="found-form"):
            yield Field("Name", QuietInput(placeholder="e.g. Seed Savers", id="name", compact=True))
            yield Field(
                "Slug",
                QuietInput(placeholder="2-20 letters, digits, - or _", id="slug", compact=True),
            )
            yield Field(
                "Description", QuietInput(placeholder="one line", id="description", compact=True)
            )
            yield Label("Rules (Markdown; shown before anyone joins):")
            yield QuietTextArea(id="rules", soft_wrap=True, show_line_numbers=False)
            yield Field(
                "Who joins",
                Select(
                    VISIBILITIES, value="open", allow_blank=False, id="visibility", compact=True
                ),
            )
            yield Field(
                "Boards",
                QuietInput(
                    placeholder="comma-separated; default: general", id="boards", compact=True
                ),
            )
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        self.focus_next()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", QuietInput).value

    def action_found(self) -> None:
        name, slug, description = (self._value(f) for f in ("name", "slug", "description"))
        slug = slug.strip().lower()
        rules = self.query_one("#rules", QuietTextArea).text
        visibility = str(self.query_one("#visibility", Select).value)
        boards = [b.strip().lower() for b in self._value("boards").split(",") if b.strip()]
        forum_call(
            self,
            lambda s: s.forum.found_community(
                s.person,
                slug,
                name,
                description=description,
                rules=rules,
                visibility=visibility,
                boards=boards,
            ),
            lambda status: self._founded(slug, status),
            self.query_one(ErrorLine).say,
        )

    def _founded(self, slug: str, status: str) -> None:
        """Dismiss with the slug to open the new community, or None while it waits for
        the sysop (it cannot be opened yet, not even by its founder)."""
        if status == "pending":
            self.notify(f"{slug} waits for the sysop's approval.", timeout=5, markup=False)
            self.dismiss(None)
            return
        self.notify(f"{slug} is open: you are its owner.", timeout=4, markup=False)
        self.dismiss(slug)

    def action_cancel(self) -> None:
        self.dismiss(None)
