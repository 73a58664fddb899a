"""What every group of forum operations shares: the stores, the viewer's rights, live events."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bbs.actions.posted import AfterPost, Posted
from bbs.config import Config
from bbs.errors import Forbidden, NotFound, RateLimited
from bbs.live import LiveBus
from bbs.live_events import Kind, LiveEvent, Payload
from bbs.models import GUEST, MemberRole, Person, Role, Visibility
from bbs.read_marks import ReadMarkBatcher
from bbs.store.backends import open_backend
from bbs.store.db import OpenFiles
from bbs.store.interface import CommunityBackend, HubBackend

Row = dict[str, Any]
log = logging.getLogger(__name__)
Action = TypeVar("Action", bound=Callable[..., Any])


def paced(kind: str) -> Callable[[Action], Action]:
    """Pace an action `(self, viewer, slug, ...)` as one `kind` (see bbs.actions.limits):
    checked and recorded before it runs, taken back if it fails."""

    def wrap(method: Action) -> Action:
        @functools.wraps(method)
        def run(self: ForumBase, viewer: Person, slug: str, *args: Any, **kwargs: Any) -> Any:
            with self._paced(viewer, kind, community=slug):
                return method(self, viewer, slug, *args, **kwargs)

        return run  # type: ignore[return-value]

    return wrap


def person_from_row(row: Row) -> Person:
    return Person(
        id=row["id"],
        handle=row["handle"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        bio=row["bio"],
        interests=row["interests"],
        created=row["created"],
        last_seen=row["last_seen"],
    )


MODERATING = (MemberRole.MODERATOR, MemberRole.OWNER)


def active_role(membership: Row | None) -> MemberRole | None:
    """The role a membership row gives: none unless it is active."""
    if membership is None or membership["status"] != "active":
        return None
    return MemberRole(membership["role"])


@dataclass(frozen=True)
class Standing:
    """Where the viewer stands in one community, as one call found it: the community's
    directory row and their membership (None: none, or a guest), looked up once and handed
    to each check of that call. Never kept past the call, so the next call sees a role
    changed meanwhile."""

    viewer: Person
    community: Row
    membership: Row | None

    @property
    def role(self) -> MemberRole | None:
        """Their role if they are an active member, else None."""
        return active_role(self.membership)

    @property
    def may_read(self) -> bool:
        """Anyone not banned reads an open community (the sysop any); others, its members."""
        if self.viewer.is_sysop or self.community["visibility"] == Visibility.OPEN:
            return not (self.membership and self.membership["status"] == "banned")
        return self.role is not None

    @property
    def moderates(self) -> bool:
        return self.viewer.is_sysop or self.role in MODERATING


class ForumBase:
    """Owns the hub store and opens community stores on first use."""

    @property
    def after_post(self) -> tuple[AfterPost, ...]:
        """What follows a post's commit, in order: `bbs.forum.Forum` lists them."""
        return ()

    def __init__(
        self,
        data_dir: Path,
        config: Config | None = None,
        bus: LiveBus | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.config = config or Config(data_dir=self.data_dir)
        self.bus = bus or LiveBus()
        self.clock = clock
        self.open_files = OpenFiles(self.config.open_communities_max)
        self.backend = open_backend(self.config, self.data_dir, self.open_files)
        self.first_start = self.backend.is_new()  # no hub before this forum opened it
        self.hub: HubBackend = self.backend.hub()
        self._stores: dict[str, CommunityBackend] = {}
        self._stores_lock = threading.Lock()
        self.read_marks = ReadMarkBatcher(self._write_read_marks, self.config.read_mark_delay_s)

    def _write_read_marks(self, viewer: Person, slug: str, threads: dict[int, set[int]]) -> None:
        raise NotImplementedError  # ReadingActions

    def close(self) -> None:
        """Write pending read marks, then close every open database file."""
        self.read_marks.flush()
        with self._stores_lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()
        self.hub.close()
        self.backend.close()

    # stores -----------------------------------------------------------------
    def store(self, slug: str) -> CommunityBackend:
        """The community's database, opened (and upgraded) on first use.

        The store object lives as long as the forum; with SQLite its file is open only
        while it is among the `open_communities_max` most recently used
        (`self.open_files`); with PostgreSQL every store shares the forum's pool.
        """
        with self._stores_lock:
            found = self._stores.get(slug)
            if found is None:
                found = self.backend.community(slug)
                self._stores[slug] = found
            return found

    def _discard_store(self, slug: str) -> None:
        """Close a community's store and delete what it holds (a failed found): its file with
        its -wal and -shm, or its schema (inside a transaction under way, with it)."""
        with self._stores_lock:
            found = self._stores.pop(slug, None)
        if found is not None:
            found.close()
        self.backend.discard(slug)

    def _community_row(self, slug: str, *, members: bool = False) -> Row:
        """The active community's directory row (with its count of active `members` only
        when asked: a subquery that most checks do not need)."""
        row = self.hub.community(slug, members=members)
        if row is None or row["status"] != "active":
            raise NotFound(f"There is no community called {slug!r}.")
        return row

    # rights -----------------------------------------------------------------
    def _membership(self, viewer: Person, slug: str) -> Row | None:
        if viewer.is_guest:
            return None
        return self.hub.membership(viewer.id, slug)

    def member_role(self, viewer: Person, slug: str) -> MemberRole | None:
        """The viewer's role in a community if they are an active member, else None."""
        return active_role(self._membership(viewer, slug))

    def _standing(self, viewer: Person, row: Row) -> Standing:
        return Standing(viewer, row, self._membership(viewer, row["slug"]))

    def _standings(self, viewer: Person, rows: list[Row]) -> list[Standing]:
        """The viewer's standing in each of these communities: their memberships in one
        query, not one a community."""
        mine = [] if viewer.is_guest else self.hub.memberships_of(viewer.id)
        by_slug = {m["community"]: m for m in mine}
        return [Standing(viewer, row, by_slug.get(row["slug"])) for row in rows]

    def _may_read(self, viewer: Person, row: Row) -> bool:
        return self._standing(viewer, row).may_read

    def _require_read(self, viewer: Person, slug: str) -> Standing:
        """The viewer's standing in a community they may read (else NotFound, Forbidden)."""
        standing = self._standing(viewer, self._community_row(slug))
        if not standing.may_read:
            raise Forbidden(f"{standing.community['name']} is only readable by its members.")
        return standing

    def _require_post(self, viewer: Person, slug: str) -> Standing:
        """The viewer's standing in a community they may post in (a member, or the sysop)."""
        standing = self._require_read(viewer, slug)
        if viewer.is_guest:
            raise Forbidden("Guests can read but not post. Sign up with a key to join in.")
        if standing.role is None and not viewer.is_sysop:
            raise Forbidden(f"Join {standing.community['name']} to post there.")
        return standing

    def _is_moderator(self, viewer: Person, slug: str) -> bool:
        return viewer.is_sysop or self.member_role(viewer, slug) in MODERATING

    def _require_moderator(self, viewer: Person, slug: str) -> Standing:
        standing = self._require_read(viewer, slug)
        if not standing.moderates:
            raise Forbidden(f"Only the moderators of {standing.community['name']} can do that.")
        return standing

    def may_reach(self, sender: Person, recipient: Person) -> bool:
        """The one rule of blocking: whether what `sender` makes reaches `recipient`.

        Mail, notices, mentions, invitations, one-liners and posts (and what comes next,
        a live chat) all ask it: not once `recipient` has blocked `sender`. Lists and
        counts filter with the same rule in SQL (`bbs.store.hub.reaches`)."""
        if sender.is_guest or recipient.is_guest:
            return True
        return self.hub.may_reach(sender.id, recipient.id)

    def _blocked_ids(self, viewer: Person) -> set[int]:
        """Ids of the people who may not reach the viewer (`may_reach`), for counts."""
        return set() if viewer.is_guest else self.hub.blocked_ids(viewer.id)

    def blocked_handles(self, viewer: Person) -> frozenset[str]:
        """Handles that may not reach the viewer (`may_reach`), for filtering what is read."""
        return self._blocked(viewer)[1]

    def _blocked(self, viewer: Person) -> tuple[set[int], frozenset[str]]:
        """The ids (for counts) and the handles (for lists) of the people who may not reach
        the viewer, from one query."""
        found = {} if viewer.is_guest else self.hub.blocked(viewer.id)
        return set(found), frozenset(h for h in found.values() if h is not None)

    def _require_sysop(self, viewer: Person) -> None:
        if not viewer.is_sysop:
            raise Forbidden("Only the sysop can do that.")

    def _require_person(self, viewer: Person) -> None:
        if viewer.is_guest:
            raise Forbidden("Guests can only read. Sign up with a key to do that.")

    # what the mixins fill in ---------------------------------------------------
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
        """Pacing and ceilings for one thing `viewer` makes (see bbs.actions.limits)."""
        yield

    @staticmethod
    def _ceiling(viewer: Person, have: int, most: int, message: str) -> None:
        """Refuse when `have` already reaches the ceiling `most` (0: none; not the sysop)."""
        if most and have >= most and not viewer.is_sysop:
            raise RateLimited(message)

    def _posted(self, posted: Posted) -> None:
        """A post has committed: run every after-post handler (`after_post`), in order. One
        that fails is ours to fix: logged, and the rest still run (the post stands)."""
        for handler in self.after_post:
            try:
                handler(posted)
            except Exception:
                log.exception(
                    "after posting %s/p%d: %s failed",
                    posted.community,
                    posted.post_id,
                    getattr(handler, "__name__", handler),
                )

    # live -------------------------------------------------------------------
    def _publish(
        self, kind: Kind, community: str = "", actor: str = "", payload: Payload | None = None
    ) -> None:
        """Tell every session (here, in other workers, on other hosts) what happened: once
        the hub transaction this thread is in has committed (a reader told of a post before
        it commits would not find it), at once when it is in none."""
        event = LiveEvent(kind, community, actor, payload)
        self.hub.after_commit(lambda: self.bus.publish(event))

    def person(self, handle: str) -> Person | None:
        row = self.hub.person_by_handle(handle)
        return person_from_row(row) if row else None

    def guest(self) -> Person:
        return GUEST
