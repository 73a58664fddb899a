"""A person's profile; one's own can be edited (name, bio, interests, SSH keys, password)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from bbs.models import Person, Profile
from bbs.session import Session
from screens import places
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.field import Field
from screens.widgets.forum_call import ErrorLine, forum_call
from screens.widgets.quiet import QuietInput, QuietTextArea
from screens.widgets.safe import safe
from screens.widgets.session import session_of


def profile_text(p: Profile, blocked: bool) -> Text:
    """The profile as plain text: every value from people goes through safe()."""
    text = Text.assemble(safe(p.display_name, "bold"), "  @", safe(p.handle))
    if p.role != "user":
        text.append(f"  ({p.role})")
    if blocked:
        text.append("  [blocked by you]", style="bold")
    text.append(f"\nJoined: {datetime.fromtimestamp(p.joined):%d %b %Y}\n" if p.joined else "\n")
    text.append("Interests: ", style="bold")
    text.append_text(safe(p.interests or "-"))
    text.append("\nCommunities: ", style="bold")
    text.append_text(safe(", ".join(p.communities) or "-"))
    text.append("\n\n")
    text.append_text(safe(p.bio or "No bio yet."))
    return text


class ProfileScreen(Screen[None]):
    """Own profile: e edit, k add a key, p password, l plain mode. Others: m mail, b block."""

    CSS_PATH = "profile.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("e", "edit", "Edit"),
        Binding("k", "add_key", "Add SSH key"),
        Binding("p", "password", "Password"),
        Binding("l", "plain", "Plain mode"),
        Binding("m", "mail", "Mail"),
        Binding("b", "block", "Block/unblock"),
    ]

    def __init__(self, handle: str) -> None:
        super().__init__()
        self.handle = handle.lstrip("@")
        self.profile: Profile | None = None
        self.blocked = False
        self.plain = False  # own profile: plain (line-by-line) mode at every SSH sign-in

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="profile"):
            yield Static(Text("Loading…"), id="profile-text")
            yield Static(id="profile-keys")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#profile").focus()
        self.reload()

    @property
    def own(self) -> bool:
        return session_of(self).person.handle == self.handle

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        guest = session_of(self).person.is_guest
        if action in ("edit", "add_key", "password", "plain"):
            return self.own and not guest
        if action in ("mail", "block"):
            return not self.own and not guest
        return True

    def reload(self) -> None:
        forum_call(self, self._load, self._show, self._refused)

    def _load(self, s: Session) -> tuple[Profile, bool, list[str], bool]:
        profile = s.forum.profile(s.person, self.handle)
        blocked = profile.handle in s.forum.blocked(s.person)
        own = s.person.handle == profile.handle
        keys = s.forum.keys(s.person) if own else []
        return profile, blocked, keys, own and s.forum.prefers_plain(s.person)

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.dismiss()

    def _show(self, loaded: tuple[Profile, bool, list[str], bool]) -> None:
        self.profile, self.blocked, keys, self.plain = loaded
        self.query_one("#profile-text", Static).update(profile_text(self.profile, self.blocked))
        keys_text = Text()
        if self.own:
            keys_text.append(f"\nSSH keys on file: {len(keys)}\n", style="bold")
            for fingerprint in keys:
                keys_text.append_text(safe(f"  {fingerprint}\n"))
            state = "on" if self.plain else "off"
            keys_text.append(f"\nPlain mode at every SSH sign-in: {state} (l switches)\n")
        self.query_one("#profile-keys", Static).update(keys_text)

    def action_edit(self) -> None:
        self.app.push_screen(EditProfileScreen(session_of(self).person), self._edited)

    def _edited(self, person: Person | None) -> None:
        if person is not None:
            session_of(self).person = person
            self.reload()

    def action_plain(self) -> None:
        """Plain mode at every sign-in: the line-by-line interface, for screen readers."""
        plain = not self.plain
        forum_call(
            self,
            lambda s: s.forum.update_profile(s.person, plain_mode=plain),
            lambda _: self._plain_set(plain),
        )

    def _plain_set(self, plain: bool) -> None:
        word = "on: your next sign-in is line by line" if plain else "off"
        self.notify(f"Plain mode {word}.", timeout=3)
        self.reload()

    def action_add_key(self) -> None:
        self.app.push_screen(AddKeyScreen(), lambda fp: fp and self.reload())

    def action_password(self) -> None:
        self.app.push_screen(PasswordScreen())

    def action_mail(self) -> None:
        places.go(self, places.NewMail(self.handle))

    def action_block(self) -> None:
        block = not self.blocked
        forum_call(
            self,
            lambda s: s.forum.block(s.person, self.handle, block),
            lambda _: self._blocked(block),
        )

    def _blocked(self, block: bool) -> None:
        word = "Blocked: you will not see their posts or mail." if block else "Unblocked."
        self.notify(word, timeout=3)
        self.reload()

    def action_back(self) -> None:
        self.dismiss()


class EditProfileScreen(Screen[Person | None]):
    """Display name, interests and bio; Ctrl+S saves and dismisses with the fresh Person."""

    CSS_PATH = "profile.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, person: Person) -> None:
        super().__init__()
        self.person = person

    def compose(self) -> ComposeResult:
        p = self.person
        yield TitleBar()
        yield Static(Text("Your profile (Ctrl+S saves)", style="bold"))
        yield Field("Name", QuietInput(p.display_name, id="display-name", compact=True))
        yield Field(
            "Interests",
            QuietInput(p.interests, placeholder="e.g. beans, bees", id="interests", compact=True),
        )
        yield QuietTextArea(p.bio, id="bio", soft_wrap=True, show_line_numbers=False)
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#bio", QuietTextArea).border_title = "Bio"
        self.query_one("#display-name").focus()

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        self.focus_next()

    def action_save(self) -> None:
        name = self.query_one("#display-name", QuietInput).value
        interests = self.query_one("#interests", QuietInput).value
        bio = self.query_one("#bio", QuietTextArea).text
        forum_call(
            self,
            lambda s: s.forum.update_profile(
                s.person, display_name=name, bio=bio, interests=interests
            ),
            self.dismiss,
            self.query_one(ErrorLine).say,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class AddKeyScreen(ModalScreen[str | None]):
    """Paste an SSH public key; dismisses with its fingerprint once it is on file."""

    CSS_PATH = "profile.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Add key", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="profile-prompt"):
            yield Label("Paste your public key (one line: ssh-ed25519 AAAA... comment):")
            yield QuietTextArea(id="key", soft_wrap=True, show_line_numbers=False)
            yield ErrorLine()
            yield Label(Text("Ctrl+S: add   Escape: cancel", style="dim"))
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#key").focus()

    def action_save(self) -> None:
        text = " ".join(self.query_one("#key", QuietTextArea).text.split())
        forum_call(self, lambda s: _add_key(s, text), self._added, self.query_one(ErrorLine).say)

    def _added(self, fingerprint: str) -> None:
        self.notify(f"Key added: {fingerprint}", timeout=4, markup=False)
        self.dismiss(fingerprint)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _add_key(session: Session, text: str) -> str:
    return session.forum.add_public_key(session.person, text)


class PasswordScreen(ModalScreen[bool]):
    """Set a password (typed twice); dismisses True once it is set."""

    CSS_PATH = "profile.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="profile-prompt"):
            yield Label("A password lets you sign in without your key (8+ characters).")
            yield QuietInput(placeholder="New password", password=True, id="first")
            yield QuietInput(placeholder="Again", password=True, id="second")
            yield ErrorLine()
            yield Label(Text("Enter: next / set   Escape: cancel", style="dim"))
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#first").focus()

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        if event.input.id == "first":
            self.focus_next()
            return
        first = self.query_one("#first", QuietInput).value
        if first != event.value:
            self.query_one(ErrorLine).say("The two passwords differ; type them again.")
            return
        forum_call(
            self,
            lambda s: s.forum.set_password(s.person, first),
            lambda _: self._set(),
            self.query_one(ErrorLine).say,
        )

    def _set(self) -> None:
        self.notify("Password set.", timeout=3)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
