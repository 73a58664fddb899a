"""Meetups: a community's events, RSVPs, and iCalendar export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bbs.actions.base import ForumBase, Row, paced
from bbs.errors import NotFound, TextError
from bbs.models import Event, EventDetail, Person, Rsvp
from bbs.text import clean_field

ANSWERS = ("going", "maybe", "no")


def parse_when(when: str, tz: str) -> float:
    """'2026-12-05 19:30' in zone `tz` to a Unix time, with a clear error for bad input."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise TextError(f"Unknown time zone {tz!r}; use a name like Europe/London.") from None
    try:
        local = datetime.strptime(when.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise TextError("Write the time as YYYY-MM-DD HH:MM, e.g. 2026-12-05 19:30.") from None
    return local.replace(tzinfo=zone).timestamp()


class MeetupActions(ForumBase):
    @paced("event")
    def create_event(
        self,
        viewer: Person,
        slug: str,
        title: str,
        when: str,
        tz: str,
        place: str,
        description: str = "",
    ) -> int:
        """Members plan a meetup: title, when (local time in `tz`), where, what."""
        self._require_post(viewer, slug)
        starts_at = parse_when(when, tz)
        event_id = self.store(slug).add_event(
            {
                "title": clean_field("title", title),
                "starts_at": starts_at,
                "tz": tz,
                "place": clean_field("place", place),
                "description": clean_field("body", description, required=False, multiline=True),
                "author_id": viewer.id,
                "author": viewer.handle,
                "created": self.clock(),
            }
        )
        self._publish("event", community=slug, post_id=event_id, actor=viewer.handle)
        return event_id

    def events(self, viewer: Person, slug: str, limit: int = 20) -> list[Event]:
        """Upcoming events of a community, soonest first."""
        self._require_read(viewer, slug)
        store = self.store(slug)
        since = self.clock() - 3 * 3600  # an event that began a moment ago still shows
        return [
            self._event(slug, r, self._my_rsvp(store, r["id"], viewer))
            for r in store.events(since, limit)
        ]

    def upcoming_events(self, viewer: Person, limit: int = 5) -> list[Event]:
        """The next events across the viewer's communities (for the welcome screen)."""
        if viewer.is_guest:
            return []
        found: list[Event] = []
        for m in self.hub.memberships_of(viewer.id):
            if m["status"] == "active":
                found.extend(self.events(viewer, m["community"], limit))
        return sorted(found, key=lambda e: e.starts_at)[:limit]

    def event(self, viewer: Person, slug: str, event_id: int) -> EventDetail:
        self._require_read(viewer, slug)
        store = self.store(slug)
        row = store.event(event_id)
        if row is None:
            raise NotFound(f"There is no event {event_id} in {slug}.")
        rsvps = store.rsvps(event_id)
        row = {
            **row,
            "going": sum(r["answer"] == "going" for r in rsvps),
            "maybe": sum(r["answer"] == "maybe" for r in rsvps),
        }
        return EventDetail(
            event=self._event(slug, row, self._my_rsvp(store, event_id, viewer)),
            rsvps=tuple(Rsvp(r["handle"], r["answer"]) for r in rsvps),
        )

    @paced("rsvp")
    def rsvp(self, viewer: Person, slug: str, event_id: int, answer: str) -> None:
        """Say going, maybe or no."""
        self._require_post(viewer, slug)
        if answer not in ANSWERS:
            raise TextError("Answer going, maybe or no.")
        store = self.store(slug)
        if store.event(event_id) is None:
            raise NotFound(f"There is no event {event_id} in {slug}.")
        store.set_rsvp(event_id, viewer.id, viewer.handle, answer, self.clock())
        self._publish("rsvp", community=slug, post_id=event_id, actor=viewer.handle)

    def event_ics(self, viewer: Person, slug: str, event_id: int) -> str:
        """The event as an iCalendar (RFC 5545) text."""
        detail = self.event(viewer, slug, event_id)
        return to_ics(detail.event, self.board_host())

    def board_host(self) -> str:
        return self.hub.setting("host_name", "bbs.local")

    @staticmethod
    def _my_rsvp(store, event_id: int, viewer: Person) -> str | None:  # noqa: ANN001
        if viewer.is_guest:
            return None
        found = store.row(
            "SELECT answer FROM rsvps WHERE event_id = ? AND person_id = ?", (event_id, viewer.id)
        )
        return found["answer"] if found else None

    @staticmethod
    def _event(slug: str, row: Row, mine: str | None) -> Event:
        return Event(
            id=row["id"],
            community=slug,
            title=row["title"],
            starts_at=row["starts_at"],
            tz=row["tz"],
            place=row["place"],
            description=row["description"],
            going=row.get("going", 0),
            maybe=row.get("maybe", 0),
            my_rsvp=mine,
        )


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 folds content lines longer than 75 octets."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode()) > 75:
            out.append(current)
            current = " " + ch
        else:
            current += ch
    out.append(current)
    return "\r\n".join(out)


def to_ics(event: Event, host: str, duration_hours: float = 2.0) -> str:
    """One VEVENT in a VCALENDAR; times in UTC, the zone named in the description."""
    start = datetime.fromtimestamp(event.starts_at, UTC)
    end = start + timedelta(hours=duration_hours)
    stamp = "%Y%m%dT%H%M%SZ"
    local = datetime.fromtimestamp(event.starts_at, ZoneInfo(event.tz))
    description = f"{event.description}\n\n{local:%A %d %B %Y %H:%M} ({event.tz})".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//bbs//meetups//EN",
        "BEGIN:VEVENT",
        f"UID:{event.community}-{event.id}@{host}",
        f"DTSTAMP:{datetime.now(UTC):{stamp}}",
        f"DTSTART:{start:{stamp}}",
        f"DTEND:{end:{stamp}}",
        f"SUMMARY:{_ics_escape(event.title)}",
        f"LOCATION:{_ics_escape(event.place)}",
        f"DESCRIPTION:{_ics_escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
