"""Which subjects a process must hear: what its sessions can show, and nothing else.

A session can show the communities its person may read (the open ones, their own,
every one for the sysop) and their mail. Subscriptions follow people: made when one
arrives (before their first screen is up), widened when a screen opens a community
not in the set (one just made readable), refreshed when a membership or a notice
concerns someone here, dropped when the last session that needed them leaves.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable

from bbs.bus.wire import community_subject, mail_subjects
from bbs.forum import Forum
from bbs.live_events import Kind, LiveEvent, MailSent, MembershipChanged, Whereabouts
from bbs.models import Person, Visibility

log = logging.getLogger(__name__)

Subscribe = Callable[[str], None]


def place_community(where: str) -> str:
    """The community a presence place names ("garden/general", "garden (members)"), or ""."""
    return where.split("/", 1)[0].split(" ", 1)[0]


class Interest:
    """Reference-counted subscriptions for the sessions of this process."""

    def __init__(self, forum: Forum) -> None:
        self.forum = forum
        self._sessions: dict[str, tuple[str, frozenset[str]]] = {}
        self._counts: Counter[str] = Counter()
        self._communities: frozenset[str] = frozenset()
        self._subscribe: Subscribe = lambda subject: None
        self._unsubscribe: Subscribe = lambda subject: None

    def attach(self, subscribe: Subscribe, unsubscribe: Subscribe) -> None:
        self._subscribe, self._unsubscribe = subscribe, unsubscribe

    @property
    def subjects(self) -> frozenset[str]:
        return frozenset(self._counts)

    # what happened here or elsewhere -------------------------------------------------
    def note(self, event: LiveEvent) -> None:
        """Follow arrivals, moves and departures here, and changes to who may read what."""
        kind, payload = event.kind, event.payload
        if isinstance(payload, Whereabouts) and payload.session:
            session, where = payload.session, payload.where
            if kind == Kind.PRESENCE_GONE:
                self._set(session, "", frozenset())
            elif session in self._sessions:
                self._widen(session, where)
            else:
                self._set(session, event.actor, self._wanted(event.actor, where))
        elif kind == Kind.FOUNDED:
            self.refresh(None)
        elif isinstance(payload, MembershipChanged):  # joined, let in, banned, a new role
            self.refresh({event.actor, payload.member})
        elif isinstance(payload, MailSent):  # approvals and invitations arrive as notices
            self.refresh({event.actor, payload.to})

    def refresh(self, handles: Iterable[str] | None) -> None:
        """Work out again what the sessions of `handles` (None: everyone here) can show."""
        wanted = None if handles is None else set(handles)
        for session, (handle, _) in list(self._sessions.items()):
            if wanted is None or handle in wanted:
                self._set(session, handle, self._wanted(handle, ""))

    # bookkeeping ---------------------------------------------------------------------
    def _wanted(self, handle: str, where: str) -> frozenset[str]:
        person = self.forum.person(handle)  # None: a guest
        readable = self._readable(person)
        place = place_community(where)
        if place in self._communities:
            readable.add(place)
        subjects = {community_subject(slug) for slug in readable}
        if person is not None:
            subjects.update(mail_subjects(handle))
        return frozenset(subjects)

    def _readable(self, person: Person | None) -> set[str]:
        hub = self.forum.hub
        rows = hub.communities()
        self._communities = frozenset(row["slug"] for row in rows)
        if person is not None and person.is_sysop:
            return set(self._communities)
        readable = {row["slug"] for row in rows if row["visibility"] == Visibility.OPEN}
        if person is not None:
            readable.update(
                m["community"] for m in hub.memberships_of(person.id) if m["status"] == "active"
            )
        return readable

    def _widen(self, session: str, where: str) -> None:
        """A session opened a place: make sure its community is heard (cheap: no query)."""
        handle, subjects = self._sessions[session]
        place = place_community(where)
        if place in self._communities and community_subject(place) not in subjects:
            self._set(session, handle, subjects | {community_subject(place)})

    def _set(self, session: str, handle: str, subjects: frozenset[str]) -> None:
        _, before = self._sessions.pop(session, ("", frozenset()))
        if subjects:
            self._sessions[session] = (handle, subjects)
        for subject in subjects - before:
            self._counts[subject] += 1
            if self._counts[subject] == 1:
                self._subscribe(subject)
        for subject in before - subjects:
            self._counts[subject] -= 1
            if self._counts[subject] <= 0:
                del self._counts[subject]
                self._unsubscribe(subject)
