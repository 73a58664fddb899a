"""The one door to the domain: every action a person can take is a method of `Forum`.

Each method checks who may do it, cleans text through `bbs.text`, writes through
the stores and publishes a live event. Screens and commands call nothing else.
The operations live in `bbs.actions`, one module per concern; the mixins
cooperate through `super()` on the hooks (`_paced`, `_after_post`).
"""

from __future__ import annotations

from bbs.actions.bridges import BridgeActions
from bbs.actions.culture import CultureActions
from bbs.actions.limits import LimitsActions
from bbs.actions.mail import MailActions
from bbs.actions.meetups import MeetupActions
from bbs.actions.moderation import ModerationActions
from bbs.actions.people import PeopleActions
from bbs.actions.posting import PostingActions
from bbs.actions.reading import ReadingActions
from bbs.models import Person, Welcome


class Forum(
    LimitsActions,
    ModerationActions,
    MailActions,
    BridgeActions,
    MeetupActions,
    ReadingActions,
    PostingActions,
    PeopleActions,
    CultureActions,
):
    """The forum on one data dir: `Forum(data_dir, config, bus)`."""

    def welcome(self, viewer: Person) -> Welcome:
        """Everything the welcome screen shows, in one call."""
        return Welcome(
            board_name=self.board_name(),
            bulletin=self.bulletin(),
            new_posts=self.unread_count_since_last_visit(viewer),
            unread_mail=self.unread_mail(viewer),
            oneliners=tuple(self.oneliners(viewer)),
            callers=tuple(self.last_callers()),
            events=tuple(self.upcoming_events(viewer)),
        )
