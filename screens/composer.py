"""The composer: write a new thread, a reply or an edit, with a Markdown preview."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from bbs.errors import ForumError
from bbs.models import Post
from bbs.polls.models import PollDraft
from screens import places
from screens.engine.lines import BlankBackground
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.body import PostBody
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.forum_call import deliver, forum_call
from screens.widgets.quiet import QuietInput, QuietTextArea
from screens.widgets.safe import one_line, safe
from screens.widgets.session import session_of


@dataclass(frozen=True)
class Draft:
    """What the composer is writing: a new thread (board), a reply (parent) or an edit (post)."""

    slug: str
    board: str = ""
    parent: Post | None = None
    post: Post | None = None

    @property
    def kind(self) -> str:
        return "edit" if self.post else "reply" if self.parent else "thread"


class ComposerScreen(BlankBackground, Screen[int | None]):
    """Dismisses with the post id once the forum has it, or None when cancelled."""

    CSS_PATH = "composer.tcss"
    BINDINGS = [
        Binding("ctrl+s", "send", "Send"),
        Binding("ctrl+r", "preview", "Preview"),
        Binding("ctrl+o", "poll", "Poll"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft
        self.sending = False
        self.poll: PollDraft | None = None

    @classmethod
    def new_thread(cls, slug: str, board: str) -> ComposerScreen:
        return cls(Draft(slug, board=board))

    @classmethod
    def reply(cls, slug: str, parent: Post) -> ComposerScreen:
        return cls(Draft(slug, parent=parent))

    @classmethod
    def edit(cls, slug: str, post: Post) -> ComposerScreen:
        return cls(Draft(slug, post=post))

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self._heading(), id="context")
        if self.draft.kind == "thread":
            yield QuietInput(placeholder="Title", id="title", max_length=200)
        body = self.draft.post.body if self.draft.post else ""
        yield QuietTextArea(body, id="body", soft_wrap=True, show_line_numbers=False)
        with VerticalScroll(id="preview"):
            yield PostBody(id="preview-body")
        yield Static(id="error")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#preview").display = False
        self.query_one("#title" if self.draft.kind == "thread" else "#body").focus()
        parent = self.draft.parent
        if parent is not None:  # past the depth limit a reply goes beside: say so first
            forum_call(
                self,
                lambda s: s.forum.reply_note(s.person, self.draft.slug, parent.id),
                self._show_note,
            )

    def _show_note(self, note: str) -> None:
        if note:
            heading = self._heading()
            heading.append_text(safe(f"\n{note}", "italic"))
            self.query_one("#context", Static).update(heading)

    def _heading(self) -> Text:
        d = self.draft
        if d.kind == "thread":
            return Text.assemble("New thread in ", safe(f"{d.slug}/{d.board}", "bold"))
        if d.kind == "edit":
            return Text("Editing your post", style="bold")
        assert d.parent is not None
        return Text.assemble(
            "Reply to ",
            safe(d.parent.author, "bold"),
            ": ",
            safe(one_line(d.parent.body, 50), "italic"),
        )

    # values -----------------------------------------------------------------------
    @property
    def body(self) -> str:
        return self.query_one("#body", QuietTextArea).text

    @property
    def title_text(self) -> str:
        found = self.query("#title")
        return found.first(QuietInput).value if found else ""

    # actions ----------------------------------------------------------------------
    def action_preview(self) -> None:
        preview = self.query_one("#preview")
        area = self.query_one("#body", QuietTextArea)
        showing = not preview.display
        if showing:
            self.query_one("#preview-body", PostBody).show(self.body or "*(empty)*")
        preview.display, area.display = showing, not showing
        if not showing:
            area.focus()

    def action_send(self) -> None:
        if not self.sending:
            self.sending = True
            self._show_error("")
            self._send(self.title_text, self.body)

    @work(thread=True, exclusive=True, group="send")
    def _send(self, title: str, body: str) -> None:
        try:
            post_id = self._call_forum(title, body)
        except ForumError as error:
            deliver(self, self._refused, str(error))
            return
        deliver(self, self.dismiss, post_id)

    def _call_forum(self, title: str, body: str) -> int:
        session, d = session_of(self), self.draft
        if d.kind == "thread" and self.poll is not None:
            started = session.forum.start_thread_with_poll(
                session.person, d.slug, d.board, title, body, self.poll
            )
            return int(started[1])
        if d.kind == "thread":
            return int(session.forum.start_thread(session.person, d.slug, d.board, title, body)[1])
        if d.kind == "reply":
            assert d.parent is not None
            return int(session.forum.reply(session.person, d.slug, d.parent.id, body))
        assert d.post is not None
        session.forum.edit_post(session.person, d.slug, d.post.id, body)
        return d.post.id

    def _refused(self, message: str) -> None:
        self.sending = False
        self._show_error(message)
        self.notify(message, severity="error", markup=False)

    def _show_error(self, message: str) -> None:
        error = self.query_one("#error", Static)
        error.update(safe(f"⚠ {message}" if message else ""))
        error.display = bool(message)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.draft.kind == "thread" if action == "poll" else True

    def action_poll(self) -> None:
        """A poll to start the thread with (written, or changed, in its own screen)."""
        places.go(self, places.WritePoll(self.poll), self._with_poll)

    def _with_poll(self, draft: PollDraft | None) -> None:
        if draft is not None:
            self.poll = draft
            heading = self._heading()
            heading.append_text(
                safe(
                    f"\nWith a poll: {one_line(draft.question, 50)} ({len(draft.choices)} choices)"
                )
            )
            self.query_one("#context", Static).update(heading)

    def action_cancel(self) -> None:
        if not (self.body.strip() or self.title_text.strip()):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard this draft?"), answered)
