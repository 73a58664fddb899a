"""The live events of chat and polls, made and read in this one place.

Lines travel whole in their event (`ChatSaid`: id, kind, text, time; the speaker is the
actor), so everyone in a room shows a line without asking the database. Events of a
community's room go on the bus under that community's subject (`bbs.c.<slug>.chat`: a
host hears them only where its sessions may read the community); the lobby's are
board-wide (`bbs.b.chat`), and a page travels as mail does, to its one reader.
"""

from __future__ import annotations

from bbs.chat.models import ChatLine, Page
from bbs.chat.rooms import community_of, room_of_community
from bbs.live import Kind, LiveEvent
from bbs.live_events import (
    ChatHidden,
    ChatMuted,
    ChatSaid,
    MembershipChanged,
    Paged,
    PollChanged,
)

LINE = Kind.CHAT
HIDDEN = Kind.CHAT_HIDDEN
MUTED = Kind.CHAT_MUTED
PAGE = Kind.PAGE
POLL = Kind.POLL
ROOM_KINDS = frozenset({LINE, HIDDEN, MUTED})
"""What a room's screen follows (and pages to its person)."""
MEMBERSHIP = Kind.MEMBERSHIP
"""A community's membership changed (a ban, among others): a room of it asks again."""


def concerns_me(event: LiveEvent, room: str, handle: str) -> bool:
    """Whether a membership event is about `handle` in `room`'s community."""
    payload = event.payload
    return (
        event.kind == MEMBERSHIP
        and event.community == room
        and isinstance(payload, MembershipChanged)
        and payload.member == handle
    )


def line_event(line: ChatLine) -> LiveEvent:
    said = ChatSaid(line.id, line.kind, line.text, line.at)
    return LiveEvent(LINE, community_of(line.room), line.handle, said)


def room_of(event: LiveEvent) -> str:
    """The room a chat event belongs to."""
    return room_of_community(event.community)


def line_of(event: LiveEvent) -> ChatLine | None:
    """The line a LINE event carries (None for anything else)."""
    said = event.payload
    if not isinstance(said, ChatSaid):
        return None
    return ChatLine(said.line_id, room_of(event), event.actor, said.text, said.at, said.kind)


def hidden_id(event: LiveEvent) -> int:
    """The line a HIDDEN event hides (0 for anything else)."""
    return event.payload.line_id if isinstance(event.payload, ChatHidden) else 0


def hidden_event(room: str, line_id: int, actor: str) -> LiveEvent:
    return LiveEvent(HIDDEN, community_of(room), actor, ChatHidden(line_id))


def muted_event(room: str, handle: str, actor: str) -> LiveEvent:
    """A moderator muted (or unmuted) `handle` in `room`: their screens ask again."""
    return LiveEvent(MUTED, community_of(room), actor, ChatMuted(handle))


def page_event(page: Page) -> LiveEvent:
    return LiveEvent(PAGE, "", page.sender, Paged(page.recipient, page.text, page.at, page.room))


def page_of(event: LiveEvent) -> Page | None:
    paged = event.payload
    if not isinstance(paged, Paged):
        return None
    return Page(event.actor, paged.to, paged.text, paged.at, paged.room)


def poll_event(slug: str, thread_id: int, actor: str) -> LiveEvent:
    """A vote, a new poll or a close on a thread: its readers redraw the poll."""
    return LiveEvent(POLL, slug, actor, PollChanged(thread_id))
