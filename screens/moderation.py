"""Moderation: the flag queue, join requests, and the moderator's acts on a thread."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from bbs.live import Kind, LiveEvent
from bbs.models import BoardSummary, Flag, Member, Post, ThreadSummary
from bbs.session import Session
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.forum_call import ErrorLine, forum_call
from screens.widgets.live import LiveScreen
from screens.widgets.quiet import QuietInput
from screens.widgets.row_table import RowTable
from screens.widgets.safe import ago, one_line, safe

Act = Callable[[Session, str], object]
MOD_KINDS = (Kind.FLAGGED, Kind.MEMBERSHIP, Kind.MOD_LOG, Kind.POST_CHANGED)


class ReasonPrompt(ModalScreen[str | None]):
    """Asks why; dismisses with the reason (Enter) or None (Escape)."""

    CSS_PATH = "moderation.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, question: str, value: str = "", required: bool = True, placeholder: str = "Reason"
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.required = required
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label(safe(self.question))
            yield QuietInput(self.value, placeholder=self.placeholder, id="reason", max_length=300)
            yield ErrorLine()
            yield Label(Text("Enter: confirm   Escape: cancel", style="dim"))
        yield KeyBar()

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        reason = event.value.strip()
        if self.required and not reason:
            self.query_one(ErrorLine).say(f"{self.placeholder} needed: it goes in the public log.")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FlagPrompt(ReasonPrompt):
    """A member flags a post for the moderators; dismisses with the flag id or None."""

    def __init__(self, slug: str, post: Post) -> None:
        who = one_line(post.author, 20)
        super().__init__(f"Flag the post by {who} for the moderators: why?")
        self.slug, self.post = slug, post

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        reason = event.value
        forum_call(
            self,
            lambda s: s.forum.flag_post(s.person, self.slug, self.post.id, reason),
            self._flagged,
            self.query_one(ErrorLine).say,
        )

    def _flagged(self, flag_id: int) -> None:
        self.notify("Flagged: the moderators will look at it.", timeout=3)
        self.dismiss(flag_id)


class BoardPrompt(ModalScreen[str | None]):
    """Pick one of a community's boards; dismisses with its slug or None."""

    CSS_PATH = "moderation.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, boards: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question, self.boards = question, boards

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label(safe(self.question))
            yield OptionList(
                *[Option(safe(f"{name} ({slug})"), id=slug) for slug, name in self.boards]
            )
        yield KeyBar()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.boards:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ThreadModMenu(ModalScreen[str | None]):
    """A moderator's acts on a thread and its selected post; dismisses with what was done."""

    CSS_PATH = "moderation.tcss"
    BINDINGS = [
        Binding("p", "pin", "Pin/unpin"),
        Binding("l", "lock", "Lock/unlock"),
        Binding("m", "move", "Move"),
        Binding("h", "hide", "Hide/restore"),
        Binding("b", "ban", "Ban"),
        Binding("u", "unban", "Unban"),
        Binding("escape", "cancel", "Close"),
    ]

    def __init__(self, slug: str, thread: ThreadSummary, post: Post | None = None) -> None:
        super().__init__()
        self.slug, self.thread, self.post = slug, thread, post

    def compose(self) -> ComposeResult:
        t, p = self.thread, self.post
        lines = Text.assemble(("Moderate: ", "bold"), safe(one_line(t.title, 50)), "\n\n")
        lines.append(f"p  {'unpin' if t.pinned else 'pin'} the thread\n")
        lines.append(f"l  {'unlock' if t.locked else 'lock'} the thread\n")
        lines.append("m  move it to another board\n")
        if p is not None:
            verb = "restore" if p.hidden else "hide"
            lines.append_text(safe(f"h  {verb} the selected post (by {p.author})\n"))
            lines.append_text(safe(f"b  ban {p.author} from {self.slug}   u  unban\n"))
        with Vertical(classes="prompt"):
            yield Static(lines)
            yield ErrorLine()
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.post is not None if action in ("hide", "ban", "unban") else True

    def _ask(self, question: str, act: Act, done: str, required: bool = True) -> None:
        """Ask why, then `act(session, reason)`; close saying `done`, or show the refusal."""

        def answered(reason: str | None) -> None:
            if reason is not None:
                forum_call(
                    self,
                    lambda s: act(s, reason),
                    lambda _: self._done(done),
                    self.query_one(ErrorLine).say,
                )

        self.app.push_screen(ReasonPrompt(question, required=required), answered)

    def _done(self, message: str) -> None:
        self.notify(message, timeout=3, markup=False)
        self.dismiss(message)

    def action_pin(self) -> None:
        pin, tid = not self.thread.pinned, self.thread.id
        self._ask(
            f"{'Pin' if pin else 'Unpin'} this thread: why?",
            lambda s, r: s.forum.pin_thread(s.person, self.slug, tid, pin, r),
            "Pinned." if pin else "Unpinned.",
            required=False,
        )

    def action_lock(self) -> None:
        lock, tid = not self.thread.locked, self.thread.id
        self._ask(
            f"{'Lock' if lock else 'Unlock'} this thread: why?",
            lambda s, r: s.forum.lock_thread(s.person, self.slug, tid, lock, r),
            "Locked." if lock else "Unlocked.",
            required=False,
        )

    def action_move(self) -> None:
        forum_call(self, lambda s: s.forum.boards(s.person, self.slug), self._pick_board)

    def _pick_board(self, boards: list[BoardSummary]) -> None:
        others = [(b.slug, b.name) for b in boards if b.slug != self.thread.board]
        self.app.push_screen(BoardPrompt("Move the thread to which board?", others), self._moved)

    def _moved(self, board: str | None) -> None:
        if board is not None:
            tid = self.thread.id
            self._ask(
                f"Move to {board}: why?",
                lambda s, r: s.forum.move_thread(s.person, self.slug, tid, board, r),
                f"Moved to {board}.",
                required=False,
            )

    def action_hide(self) -> None:
        post = self.post
        assert post is not None
        if post.hidden:
            self._ask(
                "Restore this post: why?",
                lambda s, r: s.forum.restore_post(s.person, self.slug, post.id, r),
                "Restored.",
                required=False,
            )
        else:
            self._ask(
                "Hide this post: why? (shown in its place)",
                lambda s, r: s.forum.hide_post(s.person, self.slug, post.id, r),
                "Hidden.",
            )

    def action_ban(self) -> None:
        assert self.post is not None
        handle = self.post.author
        self._ask(
            f"Ban {handle} from {self.slug}: why?",
            lambda s, r: s.forum.ban_member(s.person, self.slug, handle, r),
            f"{handle} banned.",
        )

    def action_unban(self) -> None:
        assert self.post is not None
        handle = self.post.author
        self._ask(
            f"Unban {handle}: why?",
            lambda s, r: s.forum.unban_member(s.person, self.slug, handle, r),
            f"{handle} unbanned.",
            required=False,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class ModerationScreen(LiveScreen[None]):
    """A community's flag queue (h hide, d dismiss) and join requests (a approve, x decline)."""

    CSS_PATH = "moderation.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("h", "hide", "Hide post"),
        Binding("d", "dismiss_flag", "Dismiss flag"),
        Binding("a", "approve", "Approve"),
        Binding("x", "decline", "Decline"),
    ]

    def __init__(self, slug: str) -> None:
        super().__init__()
        self.slug = slug
        self.flags: dict[str, Flag] = {}
        self.requests: dict[str, Member] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="flags-title", classes="section")
        yield RowTable("Post by", "Flagged by", "Why", "Post", "When", id="flags")
        yield Static(id="requests-title", classes="section")
        yield RowTable("Who", "Name", "Asked", id="requests")
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#flags", RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return f"{self.slug} (moderation)"

    def relevant(self, event: LiveEvent) -> bool:
        return event.community == self.slug and event.kind in MOD_KINDS

    def reload(self) -> None:
        forum_call(self, self._load, self._show, self._refused, group="mod-load")

    def _load(self, s: Session) -> tuple[list[Flag], list[Member]]:
        return s.forum.flag_queue(s.person, self.slug), s.forum.join_requests(s.person, self.slug)

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.dismiss()

    def _show(self, loaded: tuple[list[Flag], list[Member]]) -> None:
        flags, requests = loaded
        self.flags = {str(f.id): f for f in flags}
        self.requests = {m.handle: m for m in requests}
        self.query_one("#flags-title", Static).update(
            Text(f"Flags to look at: {len(flags)}   (h hide the post, d dismiss the flag)")
        )
        self.query_one("#requests-title", Static).update(
            Text(f"Asking to join: {len(requests)}   (a approve, x decline)")
        )
        flag_rows = []
        for f in flags:
            post = Text("[hidden] ", style="bold") if f.hidden else Text()
            post.append_text(safe(one_line(f.excerpt, 30)))
            cells = (safe(f.author), safe(f.flagger), safe(one_line(f.reason, 24)), post, ago(f.at))
            flag_rows.append((str(f.id), cells))
        self.query_one("#flags", RowTable).refill(flag_rows)
        request_rows = [
            (m.handle, (safe(m.handle), safe(m.display_name), ago(m.joined))) for m in requests
        ]
        self.query_one("#requests", RowTable).refill(request_rows)

    def _selected(self, table_id: str) -> str | None:
        return self.query_one(f"#{table_id}", RowTable).cursor_key

    def _after(self, message: str) -> None:
        self.query_one(ErrorLine).say("")
        self.notify(message, timeout=3, markup=False)
        self.reload()

    def _work(self, call: Callable[[Session], object], message: str) -> None:
        forum_call(self, call, lambda _: self._after(message), self.query_one(ErrorLine).say)

    def action_hide(self) -> None:
        flag = self.flags.get(self._selected("flags") or "")
        if flag is None:
            return
        question = f"Hide the post by {flag.author}: the reason shown in its place"
        self.app.push_screen(ReasonPrompt(question, flag.reason), lambda r: self._hide(flag, r))

    def _hide(self, flag: Flag, reason: str | None) -> None:
        if reason is not None:
            self._work(
                lambda s: s.forum.resolve_flag(s.person, self.slug, flag.id, "hide", reason),
                f"Post by {flag.author} hidden.",
            )

    def action_dismiss_flag(self) -> None:
        flag = self.flags.get(self._selected("flags") or "")
        if flag is not None:
            self._work(
                lambda s: s.forum.resolve_flag(s.person, self.slug, flag.id, "dismiss"),
                "Flag dismissed.",
            )

    def action_approve(self) -> None:
        self._decide(True)

    def action_decline(self) -> None:
        handle = self._selected("requests")
        if handle is not None:
            self.app.push_screen(
                ConfirmScreen(f"Decline {handle}'s request to join?"),
                lambda sure: sure and self._decide(False),
            )

    def _decide(self, approve: bool) -> None:
        handle = self._selected("requests")
        if handle is None:
            return
        word = "approved" if approve else "declined"
        self._work(
            lambda s: s.forum.decide_request(s.person, self.slug, handle, approve),
            f"{handle}: request {word}.",
        )

    def action_back(self) -> None:
        self.dismiss()
