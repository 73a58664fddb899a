"""The one door to the domain: every action a person can take is a method of `Forum`.

Each method checks who may do it, cleans text through `bbs.text`, writes through
the stores and publishes a live event. Screens and commands call nothing else.
The operations live in `bbs.actions`, one module per concern, joined here. What
follows a post's commit is a list of handlers, in `Forum.after_post`: each takes the
one `Posted` record, in the order listed (no mixin chains through `super()`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bbs.actions.bridges import BridgeActions
from bbs.actions.chat import ChatActions
from bbs.actions.limits import LimitsActions
from bbs.actions.mail import MailActions
from bbs.actions.meetups import MeetupActions
from bbs.actions.moderation import ModerationActions
from bbs.actions.people import PeopleActions
from bbs.actions.polls import PollActions
from bbs.actions.posted import AfterPost
from bbs.actions.posting import PostingActions
from bbs.actions.reading import ReadingActions
from bbs.actions.welcome import WelcomeActions
from bbs.errors import ForumError
from bbs.models import Meetup, Person, Welcome
from bbs.shown import Listing, note_bad

T = TypeVar("T")


class Forum(
    ChatActions,
    PollActions,
    LimitsActions,
    ModerationActions,
    MailActions,
    BridgeActions,
    MeetupActions,
    ReadingActions,
    PostingActions,
    PeopleActions,
    WelcomeActions,
):
    """The forum on one data dir: `Forum(data_dir, config, bus)`."""

    @property
    def after_post(self) -> tuple[AfterPost, ...]:
        """What follows a post's commit, in this order (each gets the same `Posted`)."""
        return (
            self.tell_readers,  # live: everyone looking at the place shows it (posting)
            self.deliver_mentions,  # each @handle who may read it gets a notice (mail)
        )

    def welcome(self, viewer: Person) -> Welcome:
        """Everything the welcome screen shows, in one call; a part that fails is left out
        and named in `missing` (logged once), the rest still shown."""
        missing: list[str] = []

        def part(what: str, call: Callable[[], T], empty: T) -> T:
            try:
                return call()
            except ForumError:
                raise
            except Exception as error:  # ours: one part of the page, not the whole sign-in
                note_bad(f"welcome {what}", (type(error).__name__, str(error)[:200]), error, True)
                missing.append(what)
                return empty

        nothing: Listing[Meetup] = Listing()
        events = part("upcoming events", lambda: self.upcoming_events(viewer), nothing)
        return Welcome(
            board_name=self.board_name(),
            bulletin=part("bulletin", self.bulletin, ""),
            new_posts=part("new posts", lambda: self.unread_count_since_last_visit(viewer), 0),
            unread_mail=part("unread mail", lambda: self.unread_mail(viewer), 0),
            oneliners=part("one-liners", lambda: tuple(self.oneliners(viewer)), ()),
            callers=part("last callers", lambda: tuple(self.last_callers()), ()),
            events=tuple(events),
            events_unshown=events.unshown,
            missing=tuple(missing),
        )
