"""The live events of chat and polls, made and read in this one place.

Lines travel whole in their event (id, speaker, kind, text, time), so everyone in a room
shows a line without asking the database. Events of a community's room go on the bus
under that community's subject (`bbs.c.<slug>.chat`: a host hears them only where its
sessions may read the community); the lobby's and pages are board-wide (`bbs.b.*`).
"""

from __future__ import annotations

from bbs.chat.models import ChatLine, Page
from bbs.chat.rooms import community_of, room_of_community
from bbs.live import LiveEvent

LINE = "chat"
HIDDEN = "chat-hidden"
MUTED = "chat-mute"
PAGE = "page"
POLL = "poll"
ROOM_KINDS = frozenset({LINE, HIDDEN, MUTED})
"""What a room's screen follows (and pages to its person)."""
MEMBERSHIP = "membership"
"""A community's membership changed (a ban, among others): a room of it asks again."""


def concerns_me(event: LiveEvent, room: str, handle: str) -> bool:
    """Whether a membership event is about `handle` in `room`'s community."""
    return event.kind == MEMBERSHIP and event.community == room and event.target == handle


def line_event(line: ChatLine) -> LiveEvent:
    return LiveEvent(
        kind=LINE,
        community=community_of(line.room),
        post_id=line.id,
        actor=line.handle,
        target=line.kind,
        reply=(line.text, line.at),
    )


def room_of(event: LiveEvent) -> str:
    """The room a chat event belongs to."""
    return room_of_community(event.community)


def line_of(event: LiveEvent) -> ChatLine | None:
    """The line a LINE event carries (None for anything else, or a malformed one)."""
    if event.kind != LINE or len(event.reply) != 2:
        return None
    text, at = event.reply
    if not isinstance(text, str) or not isinstance(at, int | float):
        return None
    return ChatLine(event.post_id, room_of(event), event.actor, text, float(at), event.target)


def hidden_event(room: str, line_id: int, actor: str) -> LiveEvent:
    return LiveEvent(kind=HIDDEN, community=community_of(room), post_id=line_id, actor=actor)


def muted_event(room: str, handle: str, actor: str) -> LiveEvent:
    """A moderator muted (or unmuted) `handle` in `room`: their screens ask again."""
    return LiveEvent(kind=MUTED, community=community_of(room), actor=actor, target=handle)


def page_event(page: Page) -> LiveEvent:
    return LiveEvent(
        kind=PAGE, actor=page.sender, target=page.recipient, reply=(page.text, page.at, page.room)
    )


def page_of(event: LiveEvent) -> Page | None:
    if event.kind != PAGE or len(event.reply) != 3:
        return None
    text, at, room = event.reply
    if not isinstance(text, str) or not isinstance(at, int | float) or not isinstance(room, str):
        return None
    return Page(event.actor, event.target, text, float(at), room)


def poll_event(slug: str, thread_id: int, actor: str) -> LiveEvent:
    """A vote, a new poll or a close on a thread: its readers redraw the poll."""
    return LiveEvent(kind=POLL, community=slug, thread_id=thread_id, actor=actor)
