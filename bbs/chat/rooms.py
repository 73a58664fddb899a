"""Rooms by name, and who is in which: read from presence, where each session says its place.

A room is named by its community's slug, or `lobby` for the board-wide one. A session in a
room says so in its presence place ("garden (chat)", "lobby (chat, away: lunch)"), so who
is in a room, on every worker and host, is what presence already carries: no other state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bbs.presence import OnlineEntry
from bbs.text import clean_line

LOBBY = "lobby"
"""The board-wide room, for everyone signed in (no community may take this slug)."""
AWAY_MAX = 40
"""Characters of an /away reason carried in presence."""
_PLACE = re.compile(
    r"^(?P<room>[a-z][a-z0-9_-]{1,19}) \(chat(?P<away>, away(?:: (?P<why>.*))?)?\)$"
)


def community_of(room: str) -> str:
    """The community a room belongs to ("" for the lobby): what its live events carry."""
    return "" if room == LOBBY else room


def room_of_community(community: str) -> str:
    """The room a live event's community names (the lobby for none)."""
    return community or LOBBY


def place(room: str, away: str | None = None) -> str:
    """A session's presence place in `room`, away (with a reason) or not."""
    if away is None:
        return f"{room} (chat)"
    why = clean_line(away)[:AWAY_MAX]
    return f"{room} (chat, away{': ' + why if why else ''})"


@dataclass(frozen=True)
class InRoom:
    """One person in a room, as presence says."""

    handle: str
    session: str
    away: bool = False
    why: str = ""


def in_room(where: str) -> tuple[str, bool, str] | None:
    """(room, away, reason) when a presence place is a room, else None."""
    found = _PLACE.match(where)
    if found is None:
        return None
    return found["room"], bool(found["away"]), found["why"] or ""


def people_in(entries: Iterable[OnlineEntry], room: str) -> list[InRoom]:
    """Who is in `room`, one entry a person (away only if every session of theirs is)."""
    found: dict[str, InRoom] = {}
    for entry in entries:
        where = in_room(entry.where)
        if where is None or where[0] != room:
            continue
        key = entry.session_id if entry.handle == "guest" else entry.handle
        seen = found.get(key)
        if seen is None or (seen.away and not where[1]):
            found[key] = InRoom(entry.handle, entry.session_id, where[1], where[2])
    return sorted(found.values(), key=lambda p: (p.handle, p.session))


def room_counts(entries: Iterable[OnlineEntry]) -> dict[str, int]:
    """How many people are in each room now (a person in two sessions counts once)."""
    people: dict[str, set[str]] = {}
    for entry in entries:
        where = in_room(entry.where)
        if where is not None:
            key = entry.session_id if entry.handle == "guest" else entry.handle
            people.setdefault(where[0], set()).add(key)
    return {room: len(keys) for room, keys in people.items()}


def rooms_of(entries: Iterable[OnlineEntry], handle: str) -> set[str]:
    """The rooms one person is in now (for a page: where it can reach them)."""
    return {
        where[0]
        for entry in entries
        if entry.handle == handle and (where := in_room(entry.where)) is not None
    }
