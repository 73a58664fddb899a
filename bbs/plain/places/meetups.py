"""Meetups in plain mode: upcoming ones (in a community, or in all of one's own), and RSVP."""

from __future__ import annotations

from bbs.models import Meetup, MeetupDetail
from bbs.plain.markdown_text import markdown_to_text
from bbs.plain.menus import Choice, ListPlace, Menu, Outcome
from bbs.plain.render import event_line
from bbs.plain.session import PlainSession
from bbs.plain.wording import count, when

ANSWERS = (("going", "I am going"), ("maybe", "Maybe"), ("no", "I am not going"))


class Meetups(ListPlace):
    """Upcoming meetups, soonest first: of one community, or of all one's communities."""

    where = "meetups"

    def __init__(self, s: PlainSession, slug: str | None = None) -> None:
        super().__init__(s)
        self.slug = slug
        self.found: list[Meetup] = []

    def prompt(self) -> str:
        return "Meetups> "

    def heading(self) -> str:
        where = f" of {self.slug}" if self.slug else " in your communities"
        return f"Upcoming meetups{where}: {count(len(self.found), 'meetup')}"

    async def entries(self, page: int) -> list[str]:
        s = self.s
        if self.slug:
            self.found = await s.call(s.forum.events, s.viewer, self.slug)
        else:
            self.found = await s.call(s.forum.upcoming_events, s.viewer, 50)
        self.total = len(self.found)
        return [event_line(e) for e in self.found[page * self.PAGE : (page + 1) * self.PAGE]]

    def empty(self) -> str:
        return "None planned."

    async def open(self, number: int) -> Outcome:
        e = self.found[number - 1]
        return EventMenu(self.s, e.community, e.id)


class EventMenu(Menu):
    """One meetup: when, where, what, who is going; numbered answers."""

    where = "meetups"

    def __init__(self, s: PlainSession, slug: str, event_id: int) -> None:
        super().__init__(s)
        self.slug, self.event_id = slug, event_id
        self.detail: MeetupDetail | None = None

    def prompt(self) -> str:
        return "Meetup> "

    def heading(self) -> str:
        e = self.detail.event if self.detail else None
        return f"Meetup in {self.slug}: {e.title}." if e else "Meetup."

    async def load(self) -> list[str]:
        s = self.s
        self.detail = d = await s.call(s.forum.event, s.viewer, self.slug, self.event_id)
        e = d.event
        lines = [f"When: {when(e.starts_at, e.tz)}.", f"Where: {e.place}."]
        if e.description:
            lines.append(markdown_to_text(e.description, s.width))
        for answer, label in (("going", "Going"), ("maybe", "Maybe")):
            names = d.answered(answer)
            lines.append(f"{label}: {', '.join(names) if names else 'nobody yet'}.")
        lines.append(f"You said {e.my_rsvp}." if e.my_rsvp else "You have not answered.")
        return lines

    def choices(self) -> list[Choice]:
        if self.s.viewer.is_guest:
            return []
        return [Choice(label, self._answer(word), word) for word, label in ANSWERS]

    def _answer(self, answer: str):  # noqa: ANN202 - a Choice's run
        async def run() -> Outcome:
            s = self.s
            await s.call(s.forum.rsvp, s.viewer, self.slug, self.event_id, answer)
            s.say(f"You said {answer}.")
            return None

        return run
