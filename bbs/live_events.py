"""What happens that other sessions may want to show at once: each kind, and what it carries.

A live event is its `Kind`, the community it happened in (if any), who did it, and a
payload whose type the kind fixes (`PAYLOADS`): a new reply carries a `NewReply` with
everything a reader's screen shows of it, so no screen asks the database for it. The
words are the forum's: a *post* is any message of a thread; a thread starts with its
first post (`NEW_THREAD`), a *reply* is every post after it (`NEW_REPLY`). The bus
(`bbs.bus.wire`) sends the kind's value, the fields and the payload's fields, and
rebuilds the same types on the other side.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What happened. The value names it on the bus (a subject token: letters and '-')."""

    NEW_THREAD = "new-thread"
    """A thread was started (or cross-posted here): `NewThread`."""
    NEW_REPLY = "new-reply"
    """A reply was posted: `NewReply`, all a screen shows of it."""
    POST_CHANGED = "post-changed"
    """A post was edited, hidden or restored: `PostChanged` (readers load it again)."""
    THREAD_CHANGED = "thread-changed"
    """A thread was pinned, locked or moved: `ThreadChanged`."""
    FLAGGED = "flagged"
    """A member flagged a post for the moderators: `Flagged`."""
    MEETUP = "meetup"
    """A meetup was planned, cancelled or deleted: `MeetupChanged`."""
    RSVP = "rsvp"
    """Someone answered a meetup: `MeetupChanged`."""
    MEMBERSHIP = "membership"
    """Someone joined, asked to join, was let in, or was given a role: `MembershipChanged`."""
    MOD_LOG = "mod-log"
    """The community's moderation log has a new entry: no payload."""
    MAIL = "mail"
    """Mail, a mention or a notice for someone: `MailSent`."""
    ONELINER = "oneliner"
    """A line on the one-liner wall: no payload."""
    CALLER = "caller"
    """Someone signed in (the last callers): no payload."""
    FOUNDED = "founded"
    """A community was founded: no payload."""
    PRESENCE = "presence"
    """Someone arrived or moved (`Whereabouts`; no session: another host's list changed)."""
    PRESENCE_GONE = "presence-gone"
    """Someone left (`Whereabouts`; no session: another host's people are gone)."""
    CHAT = "chat"
    """A line was said in a chat room (the lobby: no community): `ChatSaid`, the whole line."""
    CHAT_HIDDEN = "chat-hidden"
    """A moderator hid a chat line: `ChatHidden`."""
    CHAT_MUTED = "chat-mute"
    """A moderator muted (or unmuted) someone in a room: `ChatMuted`."""
    PAGE = "page"
    """A private line to one person, shown wherever they are in chat: `Paged`."""
    POLL = "poll"
    """A thread's poll was made, voted in or closed: `PollChanged`."""
    RESYNC = "resync"
    """Not something that happened: events may have been lost (a link to other hosts was
    down), so what a screen shows may be out of date. `Resync` (and the community) say
    whose: a community's screens, one person's mail, or everyone's."""


@dataclass(frozen=True, slots=True)
class InThread:
    """What happened in one thread of a community's board."""

    board_id: int
    thread_id: int


@dataclass(frozen=True, slots=True)
class NewThread(InThread):
    post_id: int
    """The thread's first post."""


@dataclass(frozen=True, slots=True)
class NewReply(InThread):
    post_id: int
    parent_id: int
    """The post it answers (past the depth limit, the one it sits beside answers it too)."""
    depth: int
    created: float
    body: str


@dataclass(frozen=True, slots=True)
class PostChanged(InThread):
    post_id: int


@dataclass(frozen=True, slots=True)
class ThreadChanged(InThread):
    pass


@dataclass(frozen=True, slots=True)
class Flagged:
    post_id: int


@dataclass(frozen=True, slots=True)
class MeetupChanged:
    meetup_id: int


@dataclass(frozen=True, slots=True)
class MembershipChanged:
    member: str
    """Whose membership (a handle)."""
    status: str
    """'active', 'requested', 'banned' or 'gone' (left, or a request withdrawn)."""
    role: str = ""
    """Their role now, when it is what changed ('member', 'moderator', 'owner')."""


@dataclass(frozen=True, slots=True)
class MailSent:
    to: str
    """The recipient's handle (the sender is the event's actor)."""


@dataclass(frozen=True, slots=True)
class ChatSaid:
    """A chat line whole, so everyone in the room shows it without asking the database."""

    line_id: int
    kind: str
    """'say', or 'me' for an action ("* fern waves")."""
    text: str
    at: float


@dataclass(frozen=True, slots=True)
class ChatHidden:
    line_id: int


@dataclass(frozen=True, slots=True)
class ChatMuted:
    handle: str
    """Who was muted or unmuted (the moderator is the event's actor)."""


@dataclass(frozen=True, slots=True)
class Paged:
    to: str
    """The recipient's handle (the sender is the event's actor): it travels as mail does."""
    text: str
    at: float
    room: str
    """Where the sender was."""


@dataclass(frozen=True, slots=True)
class PollChanged:
    thread_id: int


@dataclass(frozen=True, slots=True)
class Whereabouts:
    session: str = ""
    where: str = ""


@dataclass(frozen=True, slots=True)
class Resync:
    handle: str = ""
    """Only this person's mail and notices ('' and no community: everything)."""


Payload = (
    NewThread
    | NewReply
    | PostChanged
    | ThreadChanged
    | Flagged
    | MeetupChanged
    | MembershipChanged
    | MailSent
    | ChatSaid
    | ChatHidden
    | ChatMuted
    | Paged
    | PollChanged
    | Whereabouts
    | Resync
)

PAYLOADS: dict[Kind, type[Payload] | None] = {
    Kind.NEW_THREAD: NewThread,
    Kind.NEW_REPLY: NewReply,
    Kind.POST_CHANGED: PostChanged,
    Kind.THREAD_CHANGED: ThreadChanged,
    Kind.FLAGGED: Flagged,
    Kind.MEETUP: MeetupChanged,
    Kind.RSVP: MeetupChanged,
    Kind.MEMBERSHIP: MembershipChanged,
    Kind.MOD_LOG: None,
    Kind.MAIL: MailSent,
    Kind.ONELINER: None,
    Kind.CALLER: None,
    Kind.FOUNDED: None,
    Kind.CHAT: ChatSaid,
    Kind.CHAT_HIDDEN: ChatHidden,
    Kind.CHAT_MUTED: ChatMuted,
    Kind.PAGE: Paged,
    Kind.POLL: PollChanged,
    Kind.PRESENCE: Whereabouts,
    Kind.PRESENCE_GONE: Whereabouts,
    Kind.RESYNC: Resync,
}
"""The payload each kind carries (None: the kind says it all)."""

PRESENCE_KINDS = frozenset({Kind.PRESENCE, Kind.PRESENCE_GONE})
"""Who is where: sent for every sign-in, screen change and sign-out."""


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """Something happened that other sessions may want to show at once."""

    kind: Kind
    community: str = ""
    actor: str = ""
    """Who did it (a handle; '' for what no one did, such as a resync)."""
    payload: Payload | None = None

    def __post_init__(self) -> None:
        wanted = PAYLOADS[self.kind]
        fits = self.payload is None if wanted is None else isinstance(self.payload, wanted)
        if not fits:
            shown = "no payload" if wanted is None else wanted.__name__
            raise TypeError(f"a {self.kind} event carries {shown}, not {self.payload!r:.60}")

    @property
    def thread_id(self) -> int:
        """The thread it happened in (0: not in a thread)."""
        return self.payload.thread_id if isinstance(self.payload, InThread | PollChanged) else 0


def payload_fields(payload: Payload | None) -> dict[str, Any] | None:
    """A payload as plain data (for the bus)."""
    return None if payload is None else dataclasses.asdict(payload)


_TYPES: dict[type, dict[str, type]] = {}


def payload_from(kind: Kind, data: object) -> Payload | None:
    """Rebuild `kind`'s payload from plain data; ValueError for anything else (a field
    missing or of the wrong type: an event from a host of another version, or garbage)."""
    wanted = PAYLOADS[kind]
    if wanted is None:
        return None
    if not isinstance(data, dict):
        raise ValueError(f"a {kind} event without its payload")
    types = _TYPES.get(wanted)
    if types is None:  # the fields are ints, floats and strings (annotations are text here)
        named = {"int": int, "float": float, "str": str}
        types = _TYPES[wanted] = {f.name: named[str(f.type)] for f in dataclasses.fields(wanted)}
    values: dict[str, Any] = {}
    for name, typ in types.items():
        if name not in data:
            continue  # a default, if the field has one (else TypeError below)
        value = data[name]
        if typ is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not typ:
            raise ValueError(f"{kind} payload field {name}: {type(value).__name__}")
        values[name] = value
    try:
        return wanted(**values)
    except TypeError as error:
        raise ValueError(f"{kind} payload: {error}") from None
