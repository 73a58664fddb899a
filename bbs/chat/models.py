"""What the forum hands screens and commands about chat: lines, rooms, pages (never rows)."""

from __future__ import annotations

from dataclasses import dataclass

from bbs.text import MENTION_RE

SAY = "say"
ME = "me"
"""The kinds of line: said, or an action ("/me waves": "* fern waves")."""


def mentioned(text: str) -> frozenset[str]:
    """The handles a line names with @ (lower case), as a post's mentions are found."""
    return frozenset(m.lower() for m in MENTION_RE.findall(text))


@dataclass(frozen=True)
class ChatLine:
    """One line said in a room."""

    id: int
    room: str
    handle: str
    text: str
    at: float
    kind: str = SAY
    hidden: bool = False
    hidden_reason: str = ""

    @property
    def mentions(self) -> frozenset[str]:
        return mentioned(self.text)

    def names(self, handle: str) -> bool:
        """Whether the line @mentions `handle` (it is highlighted for them)."""
        return handle.lower() in self.mentions


@dataclass(frozen=True)
class Page:
    """A private line to one person, in the old style: shown wherever they are in chat."""

    sender: str
    recipient: str
    text: str
    at: float
    room: str


@dataclass(frozen=True)
class Room:
    """A room as the viewer finds it: may they speak, moderate, have they muted it."""

    name: str
    title: str
    community: str
    can_speak: bool
    why_not: str = ""
    moderator: bool = False
    muted: bool = False
    silenced_until: float | None = None
    """A moderator muted the viewer here until then."""


@dataclass(frozen=True)
class RoomSummary:
    """A room the viewer may read, for the lists of rooms (welcome, directory, plain mode)."""

    name: str
    title: str
    muted: bool = False
