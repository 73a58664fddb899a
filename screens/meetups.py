"""Meetups: a community's upcoming events, one event with its RSVPs, and a new event."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from bbs.live import Kind, LiveEvent
from bbs.live_events import MeetupChanged
from bbs.models import Meetup, MeetupDetail
from bbs.session import Session
from bbs.shown import Listing, unshown_note
from screens import places
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.body import PostBody
from screens.widgets.field import Field
from screens.widgets.forum_call import ErrorLine, forum_call
from screens.widgets.live import LiveScreen
from screens.widgets.meetup_lines import local_when
from screens.widgets.quiet import QuietInput, QuietTextArea
from screens.widgets.row_table import RowTable
from screens.widgets.safe import one_line, safe
from screens.widgets.session import session_of

EVENT_KINDS = (Kind.MEETUP, Kind.RSVP)
ANSWER_WORDS = {"going": "you are going", "maybe": "you might go", "no": "you are not going"}

# The forum keeps no "last used time zone"; remember it per person while the server runs.
_LAST_TZ: dict[int, str] = {}


def my_answer(event: Meetup) -> str:
    if event.cancelled:
        return "cancelled"
    return ANSWER_WORDS.get(event.my_rsvp or "", "no answer yet")


class MeetupsScreen(LiveScreen[None]):
    """Upcoming events of a community, soonest first; Enter opens one, n plans a new one."""

    CSS_PATH = "meetups.tcss"
    REFRESH_ON_RESUME = True
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("n", "new_event", "New event"),
    ]

    def __init__(self, slug: str) -> None:
        super().__init__()
        self.slug = slug

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(safe(f"Upcoming events in {self.slug}", "bold"), id="events-title")
        yield RowTable("When", "What", "Where", "Going/maybe", "You", id="events")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return f"{self.slug} (events)"

    def relevant(self, event: LiveEvent) -> bool:
        return event.community == self.slug and event.kind in EVENT_KINDS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "new_event" and session_of(self).person.is_guest)

    def reload(self) -> None:
        forum_call(self, lambda s: s.forum.events(s.person, self.slug), self._show, self._refused)

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.dismiss()

    def _show(self, events: Listing[Meetup]) -> None:
        rows = [
            (
                str(e.id),
                (
                    local_when(e),
                    safe(("✗ " if e.cancelled else "") + one_line(e.title, 24)),
                    safe(one_line(e.place, 16)),
                    f"{e.going} / {e.maybe}",
                    my_answer(e),
                ),
            )
            for e in events
        ]
        self.query_one(RowTable).refill(rows)
        title = f"Upcoming events in {self.slug}"
        if not events:
            title = f"No upcoming events in {self.slug}. Press n to plan one."
        if events.unshown:
            title += f" ({unshown_note(events.unshown, 'event')})"
        self.query_one("#events-title", Static).update(safe(title))

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        self.app.push_screen(MeetupScreen(self.slug, int(event.key)))

    def action_new_event(self) -> None:
        self.app.push_screen(NewMeetupScreen(self.slug), self._created)

    def _created(self, event_id: int | None) -> None:
        if event_id is not None:
            self.reload()

    def action_back(self) -> None:
        self.dismiss()


def detail_text(detail: MeetupDetail) -> Text:
    """The event's heading and who answered what, plain text throughout."""
    e = detail.event
    text = Text.assemble(safe(e.title, "bold"), "\n")
    if e.cancelled:
        text.append_text(safe(f"CANCELLED{': ' + e.cancel_reason if e.cancel_reason else ''}\n"))
    text.append(f"When:  {local_when(e)}\n")
    text.append("Where: ")
    text.append_text(safe(e.place))
    text.append(f"\nYou:   {my_answer(e)}\n")
    for answer, label in (("going", "Going"), ("maybe", "Maybe"), ("no", "Not going")):
        who = detail.answered(answer)
        text.append(f"{label} ({len(who)}): ", style="bold")
        text.append_text(safe(", ".join(who) or "-"))
        text.append("\n")
    return text


class MeetupScreen(LiveScreen[None]):
    """One event: details and RSVPs; g going, m maybe, n no; x the iCalendar file; its author
    and the moderators cancel (c) or delete (d) it."""

    CSS_PATH = "meetups.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("g", "rsvp('going')", "Going"),
        Binding("m", "rsvp('maybe')", "Maybe"),
        Binding("n", "rsvp('no')", "Not going"),
        Binding("x", "export", "Export .ics"),
        Binding("c", "cancel_event", "Cancel event"),
        Binding("d", "delete_event", "Delete event"),
    ]

    def __init__(self, slug: str, event_id: int) -> None:
        super().__init__()
        self.slug = slug
        self.event_id = event_id
        self.detail: MeetupDetail | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="event"):
            yield Static(Text("Loading…"), id="event-detail")
            yield PostBody(id="event-description")
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#event").focus()
        self.reload()

    def where(self) -> str | None:
        return f"{self.slug} (events)"

    def relevant(self, event: LiveEvent) -> bool:
        changed = event.payload
        return (
            event.community == self.slug
            and isinstance(changed, MeetupChanged)
            and changed.meetup_id == self.event_id
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        detail = self.detail
        if action in ("cancel_event", "delete_event"):
            if detail is None or not detail.can_manage:
                return False
            return not (action == "cancel_event" and detail.event.cancelled)
        if action == "rsvp":
            cancelled = detail is not None and detail.event.cancelled
            return not (session_of(self).person.is_guest or cancelled)
        return True

    def reload(self) -> None:
        forum_call(
            self,
            lambda s: s.forum.event(s.person, self.slug, self.event_id),
            self._show,
            self._gone,
        )

    def _show(self, detail: MeetupDetail) -> None:
        self.detail = detail
        self.refresh_bindings()
        self.query_one("#event-detail", Static).update(detail_text(detail))
        self.query_one(PostBody).show(detail.event.description or "*No description.*")

    def _gone(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.dismiss()

    def action_cancel_event(self) -> None:
        self._ask("Cancel this meetup", "cancel", "Cancelled: those who answered still see it.")

    def action_delete_event(self) -> None:
        self._ask("Delete this meetup and its answers", "delete", "Deleted.")

    def _ask(self, question: str, act: str, done: str) -> None:
        detail = self.detail
        if detail is None:
            return
        mine = detail.event.author == session_of(self).person.handle
        why = f"{question}? Why (it goes in the moderation log)"

        def answered(reason: str | None) -> None:
            if reason is not None:
                forum_call(
                    self,
                    lambda s: _MANAGE[act](s, self.slug, self.event_id, reason),
                    lambda _: self._managed(act, done),
                    self.query_one(ErrorLine).say,
                )

        places.go(self, places.AskReason(why, required=not mine), answered)

    def _managed(self, act: str, done: str) -> None:
        self.notify(done, timeout=3)
        if act == "delete":
            self.dismiss()
        else:
            self.reload()

    def action_rsvp(self, answer: str) -> None:
        forum_call(
            self,
            lambda s: s.forum.rsvp(s.person, self.slug, self.event_id, answer),
            lambda _: self._answered(answer),
            self.query_one(ErrorLine).say,
        )

    def _answered(self, answer: str) -> None:
        self.query_one(ErrorLine).say("")
        self.notify(f"Noted: {ANSWER_WORDS[answer]}.", timeout=2)
        self.reload()

    def action_export(self) -> None:
        forum_call(self, self._export, lambda found: self.app.push_screen(IcsScreen(*found)))

    def _export(self, session: Session) -> tuple[str, str]:
        """The iCalendar text, and where it was saved (local sessions only)."""
        ics = session.forum.event_ics(session.person, self.slug, self.event_id)
        if session.remote != "local":
            return ics, ""
        folder = Path(session.forum.data_dir) / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.slug}-event-{self.event_id}.ics"
        path.write_text(ics, encoding="utf-8", newline="")
        return ics, str(path)

    def action_back(self) -> None:
        self.dismiss()


_MANAGE: dict[str, Callable[[Session, str, int, str], None]] = {
    "cancel": lambda s, slug, event_id, why: s.forum.cancel_event(s.person, slug, event_id, why),
    "delete": lambda s, slug, event_id, why: s.forum.delete_event(s.person, slug, event_id, why),
}


class IcsScreen(ModalScreen[None]):
    """The event as iCalendar text to copy (read-only), and where it was saved if it was."""

    CSS_PATH = "meetups.tcss"
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, ics: str, saved_to: str = "") -> None:
        super().__init__()
        self.ics, self.saved_to = ics, saved_to

    def compose(self) -> ComposeResult:
        where = f"Saved to {self.saved_to}" if self.saved_to else "Copy this into your calendar:"
        with Vertical(id="ics-box"):
            yield Label(safe(where))
            yield QuietTextArea(self.ics.replace("\r\n", "\n"), read_only=True, id="ics")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#ics").focus()


class NewMeetupScreen(Screen[int | None]):
    """Plan a meetup: title, when, time zone, place, description; Ctrl+S saves."""

    CSS_PATH = "meetups.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, slug: str) -> None:
        super().__init__()
        self.slug = slug

    def compose(self) -> ComposeResult:
        tz = _LAST_TZ.get(session_of(self).person.id, "UTC")
        yield TitleBar()
        yield Static(safe(f"New event in {self.slug} (Ctrl+S saves)", "bold"))
        with VerticalScroll(id="event-form"):
            yield Field("Title", QuietInput(id="title", max_length=200, compact=True))
            yield Field("When", QuietInput(placeholder="YYYY-MM-DD HH:MM", id="when", compact=True))
            yield Field(
                "Time zone", QuietInput(tz, placeholder="e.g. Europe/London", id="tz", compact=True)
            )
            yield Field("Where", QuietInput(id="place", max_length=200, compact=True))
            yield QuietTextArea(id="description", soft_wrap=True, show_line_numbers=False)
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#description", QuietTextArea).border_title = "Description"
        self.query_one("#title").focus()

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        self.focus_next()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", QuietInput).value

    def action_save(self) -> None:
        title, when, tz, place = (self._value(f) for f in ("title", "when", "tz", "place"))
        tz = tz.strip() or "UTC"
        description = self.query_one("#description", QuietTextArea).text
        forum_call(
            self,
            lambda s: s.forum.create_event(
                s.person, self.slug, title, when, tz, place, description
            ),
            lambda event_id: self._saved(event_id, tz),
            self.query_one(ErrorLine).say,
        )

    def _saved(self, event_id: int, tz: str) -> None:
        _LAST_TZ[session_of(self).person.id] = tz
        self.dismiss(event_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
