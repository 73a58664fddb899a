"""A thread's poll: its results as text bars, choosing and voting; and writing a new poll.

The bars are characters (filled and empty blocks), each with its count and share, and
one's own vote is marked with `*`: nothing is told by colour. The screen follows the
thread's poll events (a vote, a close), so its counts change as people vote.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Static

from bbs.chat import events
from bbs.errors import ForumError
from bbs.live import LiveEvent
from bbs.polls.bars import MINE, bar, share, summary
from bbs.polls.models import AFTER_VOTING, ALWAYS, Poll, PollDraft
from screens import places
from screens.widgets.bars import KeyBar, TextLine, TitleBar
from screens.widgets.field import Field
from screens.widgets.forum_call import ErrorLine, deliver, forum_call, ours
from screens.widgets.live import LiveScreen
from screens.widgets.poll_line import closing_words
from screens.widgets.quiet import QuietInput, QuietTextArea
from screens.widgets.row_table import RowTable
from screens.widgets.safe import one_line, safe
from screens.widgets.session import session_of

BAR_CELLS = 20
FULL, EMPTY = "█", "░"


class PollScreen(LiveScreen[None]):
    """The poll of thread `thread_id` in `slug`: Space chooses, Enter votes, c closes it."""

    CSS_PATH = "poll.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("space", "choose", "Choose"),
        Binding("v", "vote", "Vote"),
        Binding("c", "close_poll", "Close poll"),
    ]

    def __init__(self, slug: str, thread_id: int) -> None:
        super().__init__()
        self.slug, self.thread_id = slug, thread_id
        self.poll: Poll | None = None
        self.chosen: set[int] = set()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text("Loading…"), id="poll-title")
        yield Static(id="poll-summary")
        yield RowTable("", "Choice", "Votes", id="poll-choices")
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return f"{self.slug} (poll)"

    def relevant(self, event: LiveEvent) -> bool:
        return (
            event.kind == events.POLL
            and event.community == self.slug
            and event.thread_id == self.thread_id
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        poll = self.poll
        if action in ("choose", "vote"):
            return poll is not None and poll.can_vote
        if action == "close_poll":
            return poll is not None and poll.can_close
        return True

    @work(thread=True, exclusive=True, group="poll")
    def reload(self) -> None:
        session = session_of(self)
        try:
            poll = session.forum.poll(session.person, self.slug, self.thread_id)
        except ForumError as error:
            deliver(self, self._refused, str(error))
            return
        except Exception as error:  # ours: logged once
            deliver(self, self._refused, ours(self, error))
            return
        if poll is None:
            deliver(self, self._refused, "This thread has no poll.")
            return
        deliver(self, self._show, poll)

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.dismiss()

    def _show(self, poll: Poll) -> None:
        first = self.poll is None
        if first or poll.mine != (self.poll.mine if self.poll else None):
            self.chosen = set(poll.mine)
        self.poll = poll
        self.query_one("#poll-title", Static).update(
            Text.assemble(("Poll: ", "bold"), safe(poll.question, "bold"))
        )
        words = summary(poll)
        closing = closing_words(poll)
        how = ""
        if poll.can_vote:
            how = "\nSpace chooses" + (" (several)" if poll.several else "") + ", v votes."
        elif poll.why_not:
            how = f"\n{poll.why_not}"
        self.query_one("#poll-summary", Static).update(
            safe(words + (f"; {closing}" if closing and not poll.closed else "") + "." + how)
        )
        self._fill()
        self.refresh_bindings()

    def _fill(self) -> None:
        poll = self.poll
        assert poll is not None
        rows = []
        for c in poll.choices:
            box = (
                ("[x]" if c.position in self.chosen else "[ ]")
                if poll.several
                else ("(x)" if c.position in self.chosen else "( )")
            )
            mark = MINE if c.position in poll.mine else " "
            result = ""
            if poll.shows_results:
                drawn = bar(c.votes, poll.voters, BAR_CELLS, FULL, EMPTY)
                result = f"{drawn} {c.votes:>3} {share(c.votes, poll.voters):>3}%"
            rows.append(
                (
                    str(c.position),
                    (f"{mark}{box}", safe(f"{c.position}. {one_line(c.label, 40)}"), result),
                )
            )
        self.query_one(RowTable).refill(rows)

    # choosing and voting ----------------------------------------------------------------
    def _highlighted(self) -> int | None:
        key = self.query_one(RowTable).cursor_key
        return int(key) if key is not None else None

    def action_choose(self) -> None:
        position, poll = self._highlighted(), self.poll
        if position is None or poll is None:
            return
        if not poll.several:
            self.chosen = {position}
        elif position in self.chosen:
            self.chosen.discard(position)
        else:
            self.chosen.add(position)
        self._fill()

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        self.action_choose()

    def action_vote(self) -> None:
        if self.poll is None or not self.poll.can_vote:
            return
        if not self.chosen:
            self.query_one(ErrorLine).say("Choose first: Space on a choice.")
            return
        chosen = sorted(self.chosen)
        self.query_one(ErrorLine).say("")
        forum_call(
            self,
            lambda s: s.forum.vote(s.person, self.slug, self.thread_id, chosen),
            self._voted,
            self.query_one(ErrorLine).say,
            group="vote",
        )

    def _voted(self, poll: Poll) -> None:
        self.notify("Your vote is counted.", timeout=2)
        self._show(poll)

    def action_close_poll(self) -> None:
        poll = self.poll
        if poll is None or not poll.can_close:
            return
        question = "Close the poll now? Why (for the moderation log)?"
        places.go(self, places.AskReason(question, required=not poll.by_viewer), self._close)

    def _close(self, reason: str | None) -> None:
        if reason is None:
            return
        forum_call(
            self,
            lambda s: s.forum.close_poll(s.person, self.slug, self.thread_id, reason),
            self._show,
            self.query_one(ErrorLine).say,
            group="vote",
        )

    def action_back(self) -> None:
        self.dismiss()


class PollDraftScreen(Screen[PollDraft | None]):
    """Write a poll: the question, a choice a line, one or several, when results show, an
    optional closing time. Ctrl+S checks it with the forum and returns it."""

    CSS_PATH = "poll.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, draft: PollDraft | None = None) -> None:
        super().__init__()
        self.draft = draft or PollDraft("")

    def compose(self) -> ComposeResult:
        d = self.draft
        yield TitleBar()
        yield TextLine(Text("A poll for this thread (Ctrl+S saves it)", style="bold"))
        with VerticalScroll(id="poll-form"):
            yield Field("Question", QuietInput(d.question, id="question", compact=True))
            yield QuietTextArea(
                "\n".join(d.choices), id="poll-choices-text", show_line_numbers=False
            )
            yield Checkbox("People may choose several", d.several, id="several")
            yield Checkbox(
                "Show results only once one has voted", d.results == AFTER_VOTING, id="after"
            )
            yield Field(
                "Closes",
                QuietInput(
                    d.closes, placeholder="YYYY-MM-DD HH:MM, or empty", id="closes", compact=True
                ),
            )
            yield Field(
                "Time zone",
                QuietInput(d.tz, placeholder="e.g. Europe/London", id="tz", compact=True),
            )
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#poll-choices-text", QuietTextArea).border_title = "Choices, one a line"
        self.query_one("#question").focus()

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        self.focus_next()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", QuietInput).value

    def made(self) -> PollDraft:
        """The poll as written so far."""
        choices = self.query_one("#poll-choices-text", QuietTextArea).text.splitlines()
        return PollDraft(
            question=self._value("question"),
            choices=tuple(c.strip() for c in choices if c.strip()),
            several=self.query_one("#several", Checkbox).value,
            results=AFTER_VOTING if self.query_one("#after", Checkbox).value else ALWAYS,
            closes=self._value("closes").strip(),
            tz=self._value("tz").strip() or "UTC",
        )

    def action_save(self) -> None:
        draft = self.made()
        forum_call(
            self,
            lambda s: s.forum.check_poll(s.person, draft),
            lambda _: self.dismiss(draft),
            self.query_one(ErrorLine).say,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
