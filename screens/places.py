"""Where a screen can ask the app to go: one small frozen dataclass per place, and `go()`.

Screens never import each other: a screen says where to go (`places.go(self,
places.Thread(slug, thread_id))`), and the app's router (`screens/routes.py`, the one
module that imports the screens) knows which screen shows it, and whether it is made
anew or the session's own instance is shown again. A place that answers (a dialog, a
composer) hands its answer to `then`, as `push_screen`'s callback does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from textual.dom import DOMNode

from bbs.models import Post, ThreadSummary
from bbs.polls.models import PollDraft

Then = Callable[[Any], object] | None
"""Called with what the place answers when it closes (a dialog's value), or None."""


@dataclass(frozen=True)
class Place:
    """Somewhere the app can show."""


@dataclass(frozen=True)
class Directory(Place):
    """The communities of the board."""


@dataclass(frozen=True)
class Community(Place):
    slug: str


@dataclass(frozen=True)
class Thread(Place):
    slug: str
    thread_id: int
    focus_post: int | None = None
    """The post to put the cursor on (else the first unread)."""


@dataclass(frozen=True)
class NewThread(Place):
    """The composer for a new thread; answers the new post's id or None."""

    slug: str
    board: str


@dataclass(frozen=True)
class Reply(Place):
    """The composer for a reply to `post`; answers the new post's id or None."""

    slug: str
    post: Post


@dataclass(frozen=True)
class EditPost(Place):
    """The composer for one's own `post`; answers its id or None."""

    slug: str
    post: Post


@dataclass(frozen=True)
class Join(Place):
    """Joining (or leaving) a community; answers what was done."""

    slug: str


@dataclass(frozen=True)
class Chat(Place):
    """A chat room: a community's (its slug) or the lobby."""

    room: str


@dataclass(frozen=True)
class Poll(Place):
    """The poll of a thread: its results, and voting."""

    slug: str
    thread_id: int


@dataclass(frozen=True)
class WritePoll(Place):
    """Writing a poll (or changing the one a new thread's draft holds); answers the
    PollDraft, or None."""

    draft: PollDraft | None = None


@dataclass(frozen=True)
class Meetups(Place):
    """A community's meetups."""

    slug: str


@dataclass(frozen=True)
class ModLog(Place):
    slug: str


@dataclass(frozen=True)
class Members(Place):
    slug: str
    moderator: bool = False


@dataclass(frozen=True)
class Moderation(Place):
    """The flag queue and join requests."""

    slug: str


@dataclass(frozen=True)
class ThreadModeration(Place):
    """A moderator's acts on a thread and its selected post; answers what was done."""

    slug: str
    thread: ThreadSummary
    post: Post | None = None


@dataclass(frozen=True)
class FlagPost(Place):
    slug: str
    post: Post


@dataclass(frozen=True)
class AskReason(Place):
    """A question answered in a line (why, whom); answers the text or None."""

    question: str
    value: str = ""
    required: bool = True
    placeholder: str = "Reason"


@dataclass(frozen=True)
class CrossPost(Place):
    slug: str
    thread_id: int


@dataclass(frozen=True)
class Profile(Place):
    handle: str


@dataclass(frozen=True)
class NewMail(Place):
    to: str | None = None


@dataclass(frozen=True)
class Inbox(Place):
    pass


@dataclass(frozen=True)
class NewScan(Place):
    """The new posts of every community one belongs to."""


@dataclass(frozen=True)
class Search(Place):
    pass


@dataclass(frozen=True)
class Online(Place):
    """Who's online."""


@dataclass(frozen=True)
class Discover(Place):
    """Lively threads elsewhere, and related communities."""


@dataclass(frozen=True)
class FoundCommunity(Place):
    """Founding a community; answers its slug or None."""


class Router(Protocol):
    """What the app does with a place (BBSApp, through `screens.routes`)."""

    def go(self, place: Place, then: Then = None) -> None: ...


def go(node: DOMNode, place: Place, then: Then = None) -> None:
    """Ask `node`'s app to show `place`; `then(answer)` when it closes, if it answers."""
    app = node.app
    if not callable(getattr(app, "go", None)):
        raise RuntimeError(f"{type(app).__name__} does not route places")
    cast(Router, app).go(place, then)
