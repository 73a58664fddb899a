"""How a meetup's time and the meetups coming up read (meetup screens, the welcome page)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from bbs.models import Meetup
from bbs.shown import unshown_note
from screens.widgets.safe import one_line, safe


def local_when(event: Meetup, now: datetime | None = None) -> str:
    """When, in the event's own zone: 'Sat 05 Dec 19:30 Europe/London' (year if not this one)."""
    try:
        local = datetime.fromtimestamp(event.starts_at, ZoneInfo(event.tz))
    except (ValueError, OverflowError, OSError, TypeError):  # the forum shows no such event
        return f"? {one_line(event.tz, 32)}"
    year = "" if local.year == (now or datetime.now(local.tzinfo)).year else f" {local.year}"
    return f"{local:%a %d %b}{year} {local:%H:%M} {event.tz}"


def upcoming_text(events: tuple[Meetup, ...] | list[Meetup], unshown: int = 0) -> Text:
    """'Upcoming events' for the welcome screen: when, what, where (community)."""
    text = Text("Upcoming events\n", style="bold underline")
    for e in events:
        text.append(f"{local_when(e)}\n")
        cancelled = "CANCELLED: " if e.cancelled else ""
        text.append_text(safe(f"  {cancelled}{one_line(e.title, 40)} ({e.community})\n"))
    if not events:
        text.append("None planned in your communities.\n", style="italic")
    if unshown:
        text.append(f"{unshown_note(unshown, 'event')}\n", style="italic")
    return text
