"""Pacing and ceilings for everything a person makes (the sysop is exempt).

Each kind of thing (threads, replies, edits, mail, one-liners, events, RSVPs, flags,
invites, cross-posts, communities, join requests, keys, blocks, profile and password
changes) has figures in `bbs.config`: the least time between two, how many in an
hour, in a day, and on an account's first day. A check reads the person's recent
activity, decides, and records the new one in one hub transaction (`hub.paced`: on
SQLite BEGIN IMMEDIATE, which serialises writers across threads and processes; on
PostgreSQL an advisory lock on the person, on every host), so concurrent attempts
cannot all pass one free slot. On SQLite the thing itself is written after, in its
community's file, and if that fails the record is taken back; on PostgreSQL the check,
the record and the thing are one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from bbs.actions.base import ForumBase
from bbs.errors import RateLimited, TextError
from bbs.models import Person
from bbs.text import MENTION_RE

DAY = 86_400.0
HOUR = 3_600.0
DUPLICATE_WINDOW_S = 300.0
POSTS = ("thread", "reply")
UPCOMING_GRACE_S = 3 * 3600.0
"""An event shows as upcoming until three hours after it began (as `events` lists it)."""


@dataclass(frozen=True)
class Kind:
    """How the messages name one kind of thing, and what counts as the same one again."""

    many: str
    every: str  # "one post every 10 s"
    gap_with: tuple[str, ...] = ()  # kinds that share one interval (threads and replies)
    gap_setting: str = ""  # the setting of that interval, if not {kind}_interval_s
    again_s: float = 0.0  # the same thing again within this long is refused
    again: str = ""  # ... with this message


KINDS: dict[str, Kind] = {
    "thread": Kind(
        "threads",
        "post",
        POSTS,
        "post_interval_s",
        DUPLICATE_WINDOW_S,
        "You posted exactly this {ago} ago; it is already there.",
    ),
    "reply": Kind(
        "replies",
        "post",
        POSTS,
        "post_interval_s",
        DUPLICATE_WINDOW_S,
        "You posted exactly this {ago} ago; it is already there.",
    ),
    "edit": Kind("edits", "edit"),
    "mail": Kind("messages", "message"),
    "oneliner": Kind("one-liners", "one-liner"),
    "event": Kind("meetups", "meetup"),
    "rsvp": Kind("RSVP changes", "RSVP change"),
    "flag": Kind(
        "flags",
        "flag",
        again_s=DAY,
        again="You flagged this post {ago} ago; the moderators have it.",
    ),
    "invite": Kind(
        "invitations", "invitation", again_s=DAY, again="You invited them {ago} ago already."
    ),
    "crosspost": Kind(
        "cross-posts",
        "cross-post",
        again_s=DAY,
        again="You cross-posted this thread there {ago} ago.",
    ),
    "community": Kind("communities", "new community"),
    "join": Kind("joins", "join"),
    "key": Kind("keys", "new key"),
    "block": Kind("blocks", "block"),
    "profile": Kind("profile changes", "profile change"),
    "password": Kind("password changes", "password change"),
    # live chat and polls (issue 17): a chat line's own pacing is the room's (bbs.store.chat)
    "mention": Kind("chat lines that mention someone", "chat line that mentions someone"),
    "vote": Kind("votes", "vote"),
}


def digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).lower().encode()).hexdigest()[:32]


def _in(seconds: float) -> str:
    """A wait in words, rounded up: '8 s', '14 min', '3 h'."""
    seconds = max(1, int(seconds) + 1)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{-(-seconds // 60)} min"
    return f"{-(-seconds // 3600)} h"


def _span(seconds: float) -> str:
    return _in(seconds - 1) if seconds >= 1 else f"{seconds:g} s"


class LimitsActions(ForumBase):
    @contextmanager
    def _paced(
        self,
        viewer: Person,
        kind: str,
        *,
        text: str = "",
        same: str = "",
        community: str = "",
        within: Callable[[], None] | None = None,
    ) -> Iterator[None]:
        """Check and record one `kind` for `viewer`, then run the block; a block that
        fails takes its record back. `text` is a post's body (duplicates, mentions),
        `same` names the thing for "the same one again", `community` where it is made,
        `within` checks a ceiling inside the same transaction. Raises RateLimited
        saying when to try again."""
        if kind == "event" and community:
            inner = within
            within = lambda: self._upcoming_room(viewer, community, inner)  # noqa: E731
        if self.hub.spans_communities:  # one database: the record and the thing commit together
            with self.hub.paced(viewer.id):
                self._take(viewer, kind, text, same, within, held=True)
                yield
            return
        token = self._take(viewer, kind, text, same, within)
        try:
            yield
        except BaseException:
            if token is not None:
                self.hub.forget_activity(token)
            raise

    def _take(
        self,
        viewer: Person,
        kind: str,
        text: str,
        same: str,
        within: Callable[[], None] | None,
        *,
        held: bool = False,
    ) -> int | None:
        """Check and record one `kind` in the person's paced transaction, opened here unless
        the caller holds it (`held`: no second savepoint and lock on PostgreSQL)."""
        if viewer.is_sysop:
            if within is not None:
                within()
            return None
        now = self.clock()
        mark = digest(text or same) if text or same else ""
        with nullcontext() if held else self.hub.paced(viewer.id):
            if within is not None:
                within()  # what is refused for good is said before "try again later"
            if text:
                self._check_mentions(viewer, text, now)
            self._check_pace(viewer, kind, now, mark)
            return self.hub.record_activity(viewer.id, kind, now, mark)

    def _figure(self, kind: str, name: str) -> float:
        setting = KINDS[kind].gap_setting if name == "interval_s" else ""
        return float(getattr(self.config, setting or f"{kind}_{name}", 0) or 0)

    def _check_pace(self, viewer: Person, kind: str, now: float, mark: str) -> None:
        spec = KINDS[kind]
        together = spec.gap_with or (kind,)
        gap = self._figure(kind, "interval_s")
        last = self.hub.latest_activity(viewer.id, together) if gap else None
        if last is not None and now - last < gap:
            raise RateLimited(
                f"One {spec.every} every {_span(gap)}: try again in {_in(last + gap - now)}."
            )
        if mark and spec.again_s:
            at = self.hub.duplicate_activity(viewer.id, together, now - spec.again_s, mark)
            if at is not None:
                raise RateLimited(spec.again.format(ago=_in(now - at)))
        counts = self.hub.activity_counts(viewer.id, kind, now - HOUR, now - DAY)
        first_day = int(self._figure(kind, "first_day"))
        if first_day and now - viewer.created < DAY and counts["day"] >= first_day:
            raise RateLimited(
                f"New accounts can make {first_day} {spec.many} on their first day; "
                f"try again in {_in(viewer.created + DAY - now)}."
            )
        for window, seconds, words in (("hour", HOUR, "an hour"), ("day", DAY, "a day")):
            most = int(self._figure(kind, f"per_{window}"))
            if most and counts[window] >= most:
                nth = self.hub.nth_latest_activity(viewer.id, kind, now - seconds, most)
                raise RateLimited(
                    f"That is {most} {spec.many} in {words}, the most there may be; "
                    f"try again in {_in(nth + seconds - now)}."
                )

    def _check_mentions(self, viewer: Person, text: str, now: float) -> None:
        """Discourse's limits on @mentions in one post (each is a notice in an inbox)."""
        named = {m.lower() for m in MENTION_RE.findall(text)} - {viewer.handle}
        new = now - viewer.created < DAY
        most = self.config.mentions_first_day if new else self.config.mentions_per_post
        if most and len(named) > most:
            who = "New accounts" if new else "A post"
            raise TextError(
                f"{who} can mention {most} people in a post; this one mentions {len(named)}."
            )

    def _upcoming_room(self, viewer: Person, slug: str, then: Callable[[], None] | None) -> None:
        """One person's meetups cannot fill a community's upcoming list."""
        most = self.config.events_upcoming_per_person
        since = self.clock() - UPCOMING_GRACE_S
        starts = self.store(slug).upcoming_starts(viewer.id, since)  # a cancelled one leaves room
        if most and starts:
            self._ceiling(
                viewer,
                len(starts),
                most,
                f"You have {len(starts)} upcoming meetups here, the most one person may; "
                f"plan the next when the first has passed (in {_in(starts[0] - since)}).",
            )
        if then is not None:
            then()
