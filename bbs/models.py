"""Plain, frozen models that the forum hands to screens and commands (never rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

MAX_ID = 2**63 - 1
"""The largest id SQLite can hold: a larger number names nothing (and must not reach SQLite,
which refuses it with an OverflowError)."""


class Role(StrEnum):
    """A person's role on the whole board."""

    GUEST = "guest"
    USER = "user"
    SYSOP = "sysop"


class MemberRole(StrEnum):
    """A person's role inside one community."""

    MEMBER = "member"
    MODERATOR = "moderator"
    OWNER = "owner"


class Visibility(StrEnum):
    """Who may join a community, and who may read it without joining."""

    OPEN = "open"
    REQUEST = "request"
    INVITE = "invite"


@dataclass(frozen=True)
class Person:
    id: int
    handle: str
    display_name: str
    role: Role = Role.USER
    bio: str = ""
    interests: str = ""
    created: float = 0.0
    last_seen: float = 0.0

    @property
    def is_guest(self) -> bool:
        return self.role == Role.GUEST

    @property
    def is_sysop(self) -> bool:
        return self.role == Role.SYSOP


GUEST = Person(id=0, handle="guest", display_name="Guest", role=Role.GUEST)


@dataclass(frozen=True)
class CommunitySummary:
    slug: str
    name: str
    description: str
    visibility: Visibility
    members: int
    new_posts: int = 0
    my_role: MemberRole | None = None
    can_read: bool = True


@dataclass(frozen=True)
class Community:
    slug: str
    name: str
    description: str
    visibility: Visibility
    rules: str
    welcome: str
    members: int
    member_cap: int | None = None
    my_role: MemberRole | None = None
    sisters: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoardSummary:
    id: int
    slug: str
    name: str
    description: str
    threads: int
    posts: int
    unread: int
    last_post_at: float | None


@dataclass(frozen=True)
class ThreadSummary:
    id: int
    community: str
    board: str
    title: str
    author: str
    created: float
    last_post_at: float
    posts: int
    unread: int
    pinned: bool = False
    locked: bool = False
    origin: str = ""


@dataclass(frozen=True)
class Post:
    id: int
    thread_id: int
    parent_id: int | None
    depth: int
    author: str
    body: str
    created: float
    edited_at: float | None = None
    hidden: bool = False
    hidden_reason: str = ""
    unread: bool = False
    blocked: bool = False  # by someone the viewer blocked: body withheld, place in the tree kept

    @property
    def ref(self) -> str:
        return str(self.id)


def thread_ref(slug: str, thread_id: int) -> str:
    """How a thread is named in commands and their output: 'night-gardeners/10'."""
    return f"{slug}/{thread_id}"


def post_ref(slug: str, post_id: int) -> str:
    """How a post is named: 'night-gardeners/p42' (never the same spelling as a thread)."""
    return f"{slug}/p{post_id}"


def event_ref(slug: str, event_id: int) -> str:
    """How a meetup is named: 'night-gardeners/e3'."""
    return f"{slug}/e{event_id}"


@dataclass(frozen=True)
class ThreadView:
    """A whole thread in display order: each post follows its parent, depth-first."""

    thread: ThreadSummary
    posts: tuple[Post, ...]
    blocked: frozenset[str] = frozenset()
    """Whom the viewer blocked (their new replies, arriving live, are shown as blocked)."""
    unshown: int = 0
    """Posts left out because what is stored for them cannot be shown (see bbs.shown)."""

    def children(self, post_id: int | None) -> list[Post]:
        return [p for p in self.posts if p.parent_id == post_id]


@dataclass(frozen=True)
class SearchHit:
    community: str
    community_name: str
    thread_id: int
    post_id: int
    title: str
    author: str
    snippet: str
    created: float


@dataclass(frozen=True)
class NewPost:
    """One entry of the new-message scan."""

    community: str
    thread_id: int
    post_id: int
    title: str
    author: str
    created: float


@dataclass(frozen=True)
class Caller:
    handle: str
    at: float


@dataclass(frozen=True)
class OneLiner:
    id: int
    handle: str
    text: str
    posted: float


@dataclass(frozen=True)
class Welcome:
    """Everything the welcome screen shows, in one load."""

    board_name: str
    bulletin: str
    new_posts: int
    unread_mail: int = 0
    oneliners: tuple[OneLiner, ...] = ()
    callers: tuple[Caller, ...] = ()
    events: tuple[Meetup, ...] = field(default_factory=tuple)
    events_unshown: int = 0
    """Upcoming events left out because what is stored for them cannot be shown."""
    missing: tuple[str, ...] = ()
    """Parts of the page that failed to load ("one-liners"): the rest is still shown."""


@dataclass(frozen=True)
class Meetup:
    id: int
    community: str
    title: str
    starts_at: float
    tz: str
    place: str
    description: str
    going: int = 0
    maybe: int = 0
    my_rsvp: str | None = None
    author: str = ""
    cancelled: bool = False
    cancel_reason: str = ""

    @property
    def ref(self) -> str:
        return event_ref(self.community, self.id)


@dataclass(frozen=True)
class Rsvp:
    handle: str
    answer: str  # "going", "maybe" or "no"


@dataclass(frozen=True)
class MeetupDetail:
    event: Meetup
    rsvps: tuple[Rsvp, ...]
    can_manage: bool = False
    """Whether the viewer may cancel or delete it (its author, the moderators, the sysop)."""

    def answered(self, answer: str) -> list[str]:
        return [r.handle for r in self.rsvps if r.answer == answer]


@dataclass(frozen=True)
class MailMessage:
    id: int
    conversation_id: int
    sender: str
    recipient: str
    subject: str
    body: str
    sent: float
    read: bool
    kind: str = "mail"  # "mail" or "mention"


@dataclass(frozen=True)
class ConversationSummary:
    conversation_id: int
    other: str
    subject: str
    last_from: str
    last_sent: float
    unread: int
    kind: str = "mail"


@dataclass(frozen=True)
class ModLogEntry:
    id: int
    at: float
    actor: str
    action: str
    target: str
    reason: str


@dataclass(frozen=True)
class Flag:
    id: int
    post_id: int
    thread_id: int
    flagger: str
    reason: str
    at: float
    author: str
    excerpt: str
    hidden: bool


@dataclass(frozen=True)
class Member:
    handle: str
    display_name: str
    role: str
    status: str
    joined: float


@dataclass(frozen=True)
class Profile:
    handle: str
    display_name: str
    bio: str
    interests: str
    joined: float
    communities: tuple[str, ...]
    role: Role = Role.USER


@dataclass(frozen=True)
class DiscoverThread:
    community: str
    community_name: str
    thread_id: int
    title: str
    posts: int
    last_post_at: float


@dataclass(frozen=True)
class RelatedCommunity:
    slug: str
    name: str
    description: str
    shared_members: int
    reason: str  # "shares N members with <slug>" or "sister of <slug>"
