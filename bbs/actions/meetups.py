"""Meetups: a community's events, RSVPs, cancelling and deleting them, iCalendar export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import icalendar

from bbs.actions.base import ForumBase, Row, Standing, paced
from bbs.errors import Forbidden, NotFound, TextError
from bbs.live_events import Kind, MeetupChanged
from bbs.models import MAX_ID, Meetup, MeetupDetail, Person, Rsvp, event_ref
from bbs.shown import BadRow, Listing, finite, instant, number, rows_to_models, text
from bbs.store.interface import CommunityBackend
from bbs.text import clean_field, clean_line

ANSWERS = ("going", "maybe", "no")

PAST_GRACE_S = 86_400.0
"""An event may start at most a day ago (one entered late, on the evening itself)."""
AHEAD_S = 5 * 365.25 * 86_400
"""...and at most five years ahead: far enough for any meetup, near enough to show."""
WINDOW = "a meetup starts from a day ago to five years ahead"
ZONE_MAX = 64
"""The longest zone name looked up (the longest IANA name is 32 characters)."""
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
"""Files in the zone database that are not places: this host's setting, a template."""
DURATION = timedelta(hours=2)
"""How long an event lasts in a calendar (the form does not ask)."""


@cache
def _zones() -> dict[str, str]:
    """Every IANA zone name, by its lower-case spelling."""
    return {name.lower(): name for name in available_timezones() - NOT_ZONES}


def known_zone(tz: str) -> str | None:
    """The IANA spelling of `tz` ('europe/london' -> 'Europe/London'), or None."""
    name = tz.strip()
    return _zones().get(name.lower()) if 0 < len(name) <= ZONE_MAX else None


def check_zone(tz: str) -> str:
    """A real IANA zone name, or TextError saying what one looks like."""
    found = known_zone(tz)
    if found is None:
        shown = clean_line(tz[:40]) or "(empty)"
        raise TextError(
            f"{shown!r} is not a time zone; use a name like Europe/London or America/New_York."
        )
    return found


def parse_when(when: str, tz: str) -> float:
    """'2026-12-05 19:30' in zone `tz` to a Unix time, with a clear error for bad input."""
    zone = ZoneInfo(check_zone(tz))
    try:
        local = datetime.strptime(when.strip()[:40], "%Y-%m-%d %H:%M")
    except ValueError:
        raise TextError("Write the time as YYYY-MM-DD HH:MM, e.g. 2026-12-05 19:30.") from None
    try:
        starts = local.replace(tzinfo=zone).timestamp()
        back = datetime.fromtimestamp(starts, zone).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):  # year 1 or 9999 in a zone off UTC
        starts = float("inf") if local.year > 1970 else float("-inf")
        back = local
    if back != local:
        raise TextError(
            f"{local:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks skip it"
            " (they go forward). Pick a time an hour later."
        )
    return starts


def check_window(starts_at: float, now: float) -> None:
    """Refuse a start more than a day past or more than five years ahead."""
    if starts_at < now - PAST_GRACE_S:
        raise TextError(f"That time has passed: {WINDOW}.")
    if starts_at > now + AHEAD_S:
        raise TextError(f"That is more than five years ahead: {WINDOW}.")


def _answer(found: object, viewer: Person) -> str | None:
    """What the viewer answered a meetup, as its row carries it (`mine`); a guest, none."""
    return None if viewer.is_guest or found is None else str(found)


def event_model(slug: str, row: Row, mine: str | None) -> Meetup:
    """An event as screens show it; BadRow when what is stored cannot be shown."""
    tz = text(row["tz"])
    if known_zone(tz) != tz:
        raise BadRow(f"time zone {tz!r:.40}")
    return Meetup(
        id=number(row["id"]),
        community=slug,
        title=text(row["title"]),
        starts_at=instant(row["starts_at"]),
        tz=tz,
        place=text(row["place"]),
        description=text(row["description"]),
        going=int(finite(row.get("going", 0))),
        maybe=int(finite(row.get("maybe", 0))),
        my_rsvp=mine,
        author=text(row["author"]),
        cancelled=row.get("cancelled_at") is not None,
        cancel_reason=text(row.get("cancel_reason") or ""),
    )


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
        zone = check_zone(tz)
        starts_at = parse_when(when, zone)
        check_window(starts_at, self.clock())
        event_id = self.store(slug).add_event(
            {
                "title": clean_field("title", title),
                "starts_at": starts_at,
                "tz": zone,
                "place": clean_field("place", place),
                "description": clean_field("body", description, required=False, multiline=True),
                "author_id": viewer.id,
                "author": viewer.handle,
                "created": self.clock(),
            }
        )
        self._publish(Kind.MEETUP, slug, viewer.handle, MeetupChanged(event_id))
        return event_id

    def events(self, viewer: Person, slug: str, limit: int = 20) -> Listing[Meetup]:
        """Upcoming events of a community, soonest first (cancelled ones only for those who
        answered them); `unshown` counts rows that could not be shown."""
        self._require_read(viewer, slug)
        return self._events(viewer, slug, limit)

    def _events(self, viewer: Person, slug: str, limit: int) -> Listing[Meetup]:
        store = self.store(slug)
        since = self.clock() - 3 * 3600  # an event that began a moment ago still shows
        return rows_to_models(
            store.events(since, viewer.id, limit),
            lambda r: event_model(slug, r, _answer(r["mine"], viewer)),
            f"event in {slug}",
            lambda r: r["id"],
        )

    def upcoming_events(self, viewer: Person, limit: int = 5) -> Listing[Meetup]:
        """The next events across the viewer's communities (for the welcome screen)."""
        found: Listing[Meetup] = Listing()
        if viewer.is_guest:
            return found
        for m in self.hub.memberships_of(viewer.id):  # only active communities
            if m["status"] == "active":  # a member reads it: no need to ask again
                some = self._events(viewer, m["community"], limit)
                found.extend(some)
                found.unshown += some.unshown
        found.sort(key=lambda e: e.starts_at)
        del found[limit:]
        return found

    def event(self, viewer: Person, slug: str, event_id: int) -> MeetupDetail:
        """One event with who answered what; NotFound also for one that cannot be shown."""
        standing = self._require_read(viewer, slug)
        store = self.store(slug)
        row = self._event_row(store, slug, event_id)
        rsvps = store.rsvps(event_id)
        row = {
            **row,
            "going": sum(r["answer"] == "going" for r in rsvps),
            "maybe": sum(r["answer"] == "maybe" for r in rsvps),
        }
        found = rows_to_models(
            [row],
            lambda r: event_model(slug, r, self._my_rsvp(store, event_id, viewer)),
            f"event in {slug}",
            lambda r: event_id,
        )
        if not found:
            raise NotFound(
                f"{event_ref(slug, event_id)} is stored in a form that cannot be shown;"
                " the sysop's log says why."
            )
        return MeetupDetail(
            event=found[0],
            rsvps=tuple(Rsvp(str(r["handle"]), str(r["answer"])) for r in rsvps),
            can_manage=self._may_manage(standing, row),
        )

    def has_event(self, viewer: Person, slug: str, event_id: int) -> bool:
        """Whether the community has this event (for finding a ref's community)."""
        self._require_read(viewer, slug)
        return 0 < event_id <= MAX_ID and self.store(slug).event(event_id) is not None

    @paced("rsvp")
    def rsvp(self, viewer: Person, slug: str, event_id: int, answer: str) -> None:
        """Say going, maybe or no."""
        self._require_post(viewer, slug)
        if answer not in ANSWERS:
            raise TextError("Answer going, maybe or no.")
        store = self.store(slug)
        row = self._event_row(store, slug, event_id)
        if row["cancelled_at"] is not None:
            raise Forbidden("This meetup was cancelled: it takes no answers.")
        store.set_rsvp(event_id, viewer.id, viewer.handle, answer, self.clock())
        self._publish(Kind.RSVP, slug, viewer.handle, MeetupChanged(event_id))

    def cancel_event(self, viewer: Person, slug: str, event_id: int, reason: str = "") -> None:
        """Cancel a meetup (its author, the moderators): it stays, marked cancelled, for those
        who answered it and leaves everyone else's upcoming list. Logged like a hide."""
        store, row, reason = self._manage(viewer, slug, event_id, reason)
        if row["cancelled_at"] is not None:
            raise TextError("This meetup is already cancelled.")
        now = self.clock()
        store.cancel_event(event_id, reason, now, self._log_entry(viewer, "cancel", row, reason))
        self._event_changed(slug, viewer, event_id)

    def delete_event(self, viewer: Person, slug: str, event_id: int, reason: str = "") -> None:
        """Delete a meetup and its answers (its author, the moderators); logged like a hide."""
        store, row, reason = self._manage(viewer, slug, event_id, reason)
        store.delete_event(event_id, self._log_entry(viewer, "delete", row, reason))
        self._event_changed(slug, viewer, event_id)

    def event_ics(self, viewer: Person, slug: str, event_id: int) -> str:
        """The event as an iCalendar (RFC 5545) text."""
        detail = self.event(viewer, slug, event_id)
        return to_ics(detail.event, self.board_host())

    def board_host(self) -> str:
        return self.hub.setting("host_name", "bbs.local")

    # helpers ------------------------------------------------------------------------
    @staticmethod
    def _event_row(store: CommunityBackend, slug: str, event_id: int) -> Row:
        row = store.event(event_id) if 0 < event_id <= MAX_ID else None
        if row is None:
            raise NotFound(f"There is no event {event_ref(slug, event_id)}.")
        return row

    @staticmethod
    def _may_manage(standing: Standing, row: Row) -> bool:
        if standing.viewer.is_guest:
            return False
        mine = row["author_id"] == standing.viewer.id and standing.role is not None
        return mine or standing.moderates

    def _manage(
        self, viewer: Person, slug: str, event_id: int, reason: str
    ) -> tuple[CommunityBackend, Row, str]:
        """The event, if the viewer may cancel or delete it; the reason, cleaned."""
        standing = self._require_read(viewer, slug)
        store = self.store(slug)
        row = self._event_row(store, slug, event_id)
        if not self._may_manage(standing, row):
            raise Forbidden("Only the person who planned a meetup, or a moderator, can do that.")
        own = row["author_id"] == viewer.id
        return store, row, clean_field("reason", reason, required=not own)

    def _log_entry(self, viewer: Person, act: str, row: Row, reason: str) -> Row:
        title = str(row["title"])[:80]
        role = "" if row["author_id"] == viewer.id else f" by {row['author']}"
        return {
            "at": self.clock(),
            "actor": viewer.handle,
            "action": f"{act} event",
            "target": f"event {row['id']}{role}: {title}",
            "reason": reason,
        }

    def _event_changed(self, slug: str, viewer: Person, event_id: int) -> None:
        self._publish(Kind.MEETUP, slug, viewer.handle, MeetupChanged(event_id))
        self._publish(Kind.MOD_LOG, slug, viewer.handle)

    @staticmethod
    def _my_rsvp(store: CommunityBackend, event_id: int, viewer: Person) -> str | None:
        if viewer.is_guest:
            return None
        return store.rsvp_of(event_id, viewer.id)


def to_ics(event: Meetup, host: str, duration: timedelta = DURATION) -> str:
    """One VEVENT in a VCALENDAR, through `icalendar`; times in UTC (every calendar shows
    them in its own zone), the event's own zone named in the description."""
    start = datetime.fromtimestamp(event.starts_at, UTC)
    local = datetime.fromtimestamp(event.starts_at, ZoneInfo(event.tz))
    description = f"{event.description}\n\n{local:%A %d %B %Y %H:%M} ({event.tz})".strip()
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.community}-{event.id}@{host}")
    vevent.add("dtstamp", datetime.now(UTC))
    vevent.add("dtstart", start)
    vevent.add("dtend", start + duration)
    vevent.add("summary", event.title)
    vevent.add("location", event.place)
    vevent.add("description", description)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("sequence", 1 if event.cancelled else 0)  # a calendar replaces the older copy
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bbs//meetups//EN")
    calendar.add("version", "2.0")
    calendar.add_component(vevent)
    return calendar.to_ical().decode("utf-8")
