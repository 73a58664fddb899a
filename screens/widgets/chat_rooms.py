"""How many people are in each chat room now, from presence, for the welcome screen."""

from __future__ import annotations

from rich.text import Text

from bbs.chat.models import RoomSummary
from bbs.chat.rooms import LOBBY, room_counts
from bbs.presence import OnlineEntry
from screens.widgets.safe import one_line, safe


def rooms_text(rooms: list[RoomSummary], online: list[OnlineEntry], guest: bool) -> Text:
    """The lobby and every room with someone in it that the viewer may read, with counts."""
    counts = room_counts(online)
    text = Text()
    text.append("In chat now", style="bold underline")
    text.append("\n" if guest else "  c the lobby\n", style="dim")
    shown = [r for r in rooms if r.name == LOBBY or counts.get(r.name)]
    for room in shown[:6]:
        people = counts.get(room.name, 0)
        text.append_text(safe(one_line(room.title, 20)))
        text.append(f": {people} {'person' if people == 1 else 'people'}")
        text.append(" (muted)\n" if room.muted else "\n", style="italic")
    if not shown:
        text.append("Nobody is chatting.\n", style="italic")
    return text
