"""The stores' interfaces: exactly what the forum asks of a database, written down.

`bbs.forum` and its actions (and the seed, the bootstrap and the bus's interest, which
open the forum's own stores) know the stores only as these protocols: `ForumBase.hub` is
a `HubBackend`, `ForumBase.store(slug)` a `CommunityBackend`; the SSH side's board limits
ask a `LimitsBackend`. The SQLite stores (`HubStore`, `CommunityStore`, `LimitsStore`)
implement them, and so do the PostgreSQL ones (`PgHubStore`, `PgCommunityStore`,
`PgLimitsStore`), with the same meanings: the same suite runs on both.
`tests/test_store_interface.py` checks that both match these signatures, that the forum
calls nothing else, and that no SQL is written outside `bbs/store/`. Rows are dicts of
column name to value.

Errors: a row that must be unique and is there already raises `bbs.store.errors.Duplicate`;
anything else a backend cannot do is its own exception, which the forum logs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from typing import Any, Protocol

from bbs.store.chat import Pace, Spoken
from bbs.store.limits import Cap

Row = dict[str, Any]


class HubBackend(Protocol):
    """hub.db's part: people and their keys, settings, the directory of communities,
    memberships, mail, one-liners, callers, invites, blocks, bans, cross-posts, and the
    activity records the limits count. Methods in alphabetical order."""

    spans_communities: bool
    """Whether a hub transaction also holds the community writes made inside it: so on
    PostgreSQL (one database), not on SQLite (a file each)."""

    def activity_counts(self, person_id: int, kind: str, hour: float, day: float) -> Row:
        """{'hour': n, 'day': n}: how many of `kind` since `hour` and since `day` (one scan)."""
        ...

    def add_community(self, row: Row) -> None: ...

    def add_crosspost(
        self, origin: str, origin_thread: int, copy: str, copy_thread: int, at: float
    ) -> None: ...

    def add_invite(
        self, code: str, slug: str, created_by: int, for_person: int | None, uses: int, at: float
    ) -> None: ...

    def add_key(self, person_id: int, fingerprint: str, public_key: str) -> None:
        """File a key for a person (Duplicate if the key is on file already)."""
        ...

    def add_mail(
        self,
        sender_id: int,
        recipient_id: int,
        subject: str,
        body: str,
        at: float,
        conversation_id: int | None = None,
        kind: str = "mail",
        ref: str = "",
    ) -> int:
        """Store one message; a new conversation takes the first message's id."""
        ...

    def add_oneliner(self, person_id: int, text: str, at: float) -> int: ...

    def add_person(
        self,
        handle: str,
        display_name: str,
        *,
        role: str = "user",
        password_hash: str | None = None,
        bio: str = "",
        interests: str = "",
        created: float | None = None,
    ) -> int:
        """Insert a person and return their id (Duplicate if the handle is taken)."""
        ...

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the hub transaction this thread is in commits (at once when
        it is in none; never if it rolls back): a live event waits for what it tells of."""
        ...

    def block_count(self, person_id: int) -> int: ...

    def blocked(self, person_id: int) -> dict[int, str | None]: ...

    def blocked_ids(self, person_id: int) -> set[int]: ...

    def board_activity(self, kind: str, since: float) -> int:
        """How many of `kind` everyone made since `since` (board-wide ceilings)."""
        ...

    def callers(self, limit: int = 10) -> list[Row]: ...

    def chat_room(self, keep: int) -> ChatRoomBackend:
        """The lobby: the board-wide chat room, kept here."""
        ...

    def close(self) -> None:
        """Close the store for good: a query after this raises (sqlite3.ProgrammingError,
        or StoreError on PostgreSQL)."""
        ...

    def communities(self, status: str = "active") -> list[Row]: ...

    def community(self, slug: str, *, members: bool = False) -> Row | None:
        """The community's directory row, with its count of active `members` if asked."""
        ...

    def community_count(self) -> int: ...

    def conversation(self, conversation_id: int) -> list[Row]: ...

    def crosspost_copies(self, origin: str, origin_thread: int) -> list[Row]:
        """Where a thread was cross-posted: rows of (copy, copy_thread)."""
        ...

    def duplicate_activity(
        self, person_id: int, kinds: tuple[str, ...], since: float, digest: str
    ) -> float | None:
        """When the same thing (same digest) was last made since `since`, if it was."""
        ...

    def forget_activity(self, activity_id: int) -> None:
        """Take back a record whose making failed."""
        ...

    def founded_by(self, person_id: int) -> int:
        """Communities the person founded that are listed or waiting for approval."""
        ...

    def inbox(self, person_id: int, limit: int = 100) -> list[Row]:
        """The newest message of each conversation the person is in, newest first; none
        with someone who may not reach them (their unread counts agree with unread_mail)."""
        ...

    def invited(self, person_id: int, slug: str) -> bool: ...

    def is_banned(self, kind: str, value: str) -> bool: ...

    def key_count(self, person_id: int) -> int: ...

    def keys_of(self, person_id: int) -> list[Row]: ...

    def latest_activity(self, person_id: int, kinds: tuple[str, ...]) -> float | None: ...

    def mark_mail_read(self, person_id: int, conversation_id: int, at: float) -> None: ...

    def may_reach(self, sender_id: int, recipient_id: int) -> bool:
        """Whether mail, a notice, a mention or a line from `sender_id` reaches `recipient_id`."""
        ...

    def members(self, slug: str, status: str = "active") -> list[Row]: ...

    def membership(self, person_id: int, slug: str) -> Row | None: ...

    def memberships_of(self, person_id: int) -> list[Row]:
        """The person's memberships in communities that are open for business: never one
        waiting for the sysop's approval, or gone (every screen that walks them reads it)."""
        ...

    def nth_latest_activity(self, person_id: int, kind: str, since: float, n: int) -> float:
        """When the n-th newest of `kind` since `since` was made (1: the newest)."""
        ...

    def oneliners(self, limit: int = 20, reader_id: int = 0) -> list[Row]:
        """The wall, newest first, without the lines of people the reader blocked."""
        ...

    def paced(self, person_id: int) -> AbstractContextManager[None]:
        """The transaction in which one person's limit is checked and recorded: one attempt
        of that person's at a time, whatever thread, process or host makes it."""
        ...

    def person_by_handle(self, handle: str) -> Row | None: ...

    def person_by_id(self, person_id: int) -> Row | None: ...

    def person_by_key(self, fingerprint: str) -> Row | None: ...

    def personal_invite(self, person_id: int, slug: str) -> str:
        """The code of an invitation made out to this person for `slug` ('' if none)."""
        ...

    def prefers_plain(self, person_id: int) -> bool: ...

    def record_activity(self, person_id: int, kind: str, at: float, digest: str = "") -> int:
        """Record one thing made; its id (to take it back if the making fails). Rows past
        two days are no use to any limit and go as the person makes new ones."""
        ...

    def record_login(self, person_id: int, at: float) -> None:
        """Remember the last visit (for the new-message scan) and add to last callers."""
        ...

    def room_mutes(self) -> RoomMutesBackend:
        """The rooms each person muted for themselves."""
        ...

    def remove_membership(self, person_id: int, slug: str) -> None:
        """Forget a membership, a request to join or a ban (leaving, declined, unbanned)."""
        ...

    def requests_of(self, person_id: int) -> int:
        """Requests to join the person has waiting."""
        ...

    def set_ban(
        self, kind: str, value: str, reason: str, at: float, banned: bool = True
    ) -> None: ...

    def set_block(self, person_id: int, blocked_id: int, blocked: bool, at: float) -> None: ...

    def set_membership(
        self, person_id: int, slug: str, role: str, status: str, at: float | None = None
    ) -> None:
        """Make (or change) a membership; `at` is when it began, for a new one."""
        ...

    def set_setting(self, key: str, value: str) -> None: ...

    def setting(self, key: str, default: str = "") -> str: ...

    def shared_members(self, slug: str) -> list[Row]:
        """Other communities ranked by how many active members they share with `slug`."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """One transaction around several of this store's writes (and the checks between
        them): they commit together or not at all. Inside another, a savepoint (`write`)."""
        ...

    def unread_mail(self, person_id: int) -> int:
        """Unread messages from people who may reach the person (what the inbox shows)."""
        ...

    def update_community(self, slug: str, **fields: Any) -> None: ...

    def update_person(self, person_id: int, **fields: Any) -> None: ...

    def use_invite(self, code: str, slug: str) -> bool:
        """Spend one use of an invite code for `slug`; False when it is not valid."""
        ...


class CommunityBackend(Protocol):
    """One community's part: boards, threads, posts (a tree), read marks, meetups and
    their answers, flags and the moderation log, full-text search. Counts of unread
    posts stop at `bbs.store.community.UNREAD_CAP`. Methods in alphabetical order."""

    def active_threads(self, since: float, limit: int = 20) -> list[Row]: ...

    def add_board(self, slug: str, name: str, description: str = "", position: int = 0) -> int: ...

    def add_event(self, row: Row) -> int: ...

    def add_flag(
        self, post_id: int, flagger_id: int, flagger: str, reason: str, at: float
    ) -> int: ...

    def add_reply(
        self, parent_id: int, author_id: int, author: str, body: str, at: float | None = None
    ) -> int:
        """Reply under `parent_id` (or beside it, past MAX_DEPTH); return the new post's id."""
        ...

    def add_thread(
        self,
        board_id: int,
        title: str,
        author_id: int,
        author: str,
        body: str,
        at: float | None = None,
        origin: str = "",
    ) -> tuple[int, int]:
        """Create a thread with its first post; return (thread id, post id)."""
        ...

    def board(self, slug: str) -> Row | None: ...

    def boards(self, me: int, without: Collection[int] = ()) -> list[Row]:
        """Boards in order with their kept totals and the unread count for `me` (capped):
        what the board's thread list shows as unread, so nothing by `without` (the people
        `me` blocked), neither their replies nor the threads they started."""
        ...

    def cancel_event(self, event_id: int, reason: str, at: float, log: Row) -> None:
        """Mark an event cancelled (its RSVPs stay) and log it, in one transaction."""
        ...

    def chat_room(self, keep: int) -> ChatRoomBackend:
        """The community's own chat room."""
        ...

    def close(self) -> None:
        """Close the store for good: a query after this raises (sqlite3.ProgrammingError,
        or StoreError on PostgreSQL)."""
        ...

    def count_since(self, since: float, me: int, without: Collection[int] = ()) -> int:
        """Posts by others after `since` (what `posts_since` lists), none by `without`."""
        ...

    def delete_event(self, event_id: int, log: Row) -> None:
        """Remove an event and its RSVPs, and log it, in one transaction."""
        ...

    def edit_post(self, post_id: int, body: str, at: float) -> None: ...

    def event(self, event_id: int) -> Row | None: ...

    def events(self, since: float, me: int, limit: int = 20) -> list[Row]:
        """Events starting after `since`, soonest first, with RSVP counts; cancelled ones
        only for `me` if they said they would (or might) go."""
        ...

    def first_post(self, thread_id: int) -> Row | None:
        """A thread's first post (the one a cross-post quotes); None: no such thread."""
        ...

    def first_post_id(self, thread_id: int) -> int | None:
        """The id of a thread's first post (None: no such thread)."""
        ...

    def flag(self, flag_id: int) -> Row | None: ...

    def log(self, actor: str, action: str, target: str, reason: str, at: float) -> None: ...

    def mark_all_read(self, me: int) -> None:
        """Everything up to now counts as read for `me`."""
        ...

    def mark_read(self, me: int, thread_id: int, post_id: int) -> None:
        """One post is read. Like a newsreader's ranges: the thread's mark covers every
        post up to the first unread one, and only posts read out of order past it are
        kept one by one (so reading a tree out of order never marks a branch read)."""
        ...

    def mark_read_many(self, me: int, threads: dict[int, set[int]]) -> None:
        """Several posts read, in several threads: one transaction (see `mark_read`)."""
        ...

    def mark_read_through(self, me: int, thread_id: int, up_to: int) -> None:
        """Every post of the thread up to `up_to` is read (never moves the mark back)."""
        ...

    def polls(self) -> PollsBackend:
        """The polls on this community's threads."""
        ...

    def mod_log(self, limit: int = 100) -> list[Row]: ...

    def nest_under(self, parent: Row) -> Row:
        """The post a reply to `parent` goes under: `parent`, or its ancestor one level
        above the depth limit (so the reply sits beside the post it answers)."""
        ...

    def open_flags(self) -> list[Row]: ...

    def post(self, post_id: int) -> Row | None: ...

    def posts(self, thread_id: int, me: int, after_id: int = 0) -> list[Row]:
        """The posts of a thread (those after post `after_id`) in tree order, unread flagged,
        and `shows` false for a row holding what no screen can show (see bbs.shown): the
        columns of `_POST_COLUMNS`."""
        ...

    def posts_since(self, since: float, me: int, limit: int = 500) -> list[Row]:
        """Posts by others after `since`, thread by thread, in tree order (the new scan)."""
        ...

    def resolve_flag(self, flag_id: int, resolution: str, at: float) -> None: ...

    def rsvp_of(self, event_id: int, person_id: int) -> str | None:
        """What the person answered a meetup ('going', 'maybe', 'no'), or None."""
        ...

    def rsvps(self, event_id: int) -> list[Row]: ...

    def search(self, text: str, limit: int = 50) -> list[Row]:
        """Posts whose body, or whose thread's title, matches `text`; best first."""
        ...

    def set_hidden(self, post_id: int, hidden: bool, reason: str) -> None: ...

    def set_rsvp(
        self, event_id: int, person_id: int, handle: str, answer: str, at: float
    ) -> None: ...

    def set_thread(self, thread_id: int, **fields: Any) -> None:
        """Change a thread's pinned, locked or board_id (moving its posts along)."""
        ...

    def thread(self, thread_id: int) -> Row | None: ...

    def threads(
        self,
        board_id: int,
        me: int,
        limit: int = 50,
        offset: int = 0,
        without: Collection[int] = (),
    ) -> list[Row]:
        """One page of a board's threads: pinned first, then newest activity first; each
        one's unread count leaves out replies by `without` (as the thread view does)."""
        ...

    def unread_count(self, me: int, without: Collection[int] = ()) -> int:
        """Unread posts in the whole community for `me` (capped at UNREAD_CAP): what its
        boards count, so none by `without` nor in the threads they started."""
        ...

    def upcoming_starts(self, author_id: int, since: float) -> list[float]:
        """When the person's meetups that are not cancelled start, from `since` on, soonest
        first (for the ceiling on one person's upcoming meetups)."""
        ...

    def version(self) -> str:
        """A token that differs after anything is committed to this community (a post, an
        edit, a hide, a read mark), by this process or another: what a per-community change
        counter gives. Compare tokens from the same store object only (SQLite's
        `data_version` and the connection's change count, a few microseconds to read)."""
        ...


class LimitsBackend(Protocol):
    """limits.db's part, shared by every worker: leases (places in the board's caps, each
    checked and taken in one transaction) and login penalties. Ephemeral state."""

    ttl_s: float
    """How long a lease lasts unless its worker refreshes it."""

    def take_lease(self, kind: str, key: str, holder: str, cap: Cap) -> str | None:
        """Take one lease of `kind` on `key` for `holder`, checked and taken in one transaction."""
        ...

    def release(self, holder: str, kind: str | None = None) -> None:
        """Give back the holder's leases (of one kind, or all of them)."""
        ...

    def release_worker(self) -> None:
        """This worker is stopping: give back every lease it holds."""
        ...

    def count(self, kind: str, key: str | None = None) -> int:
        """Live leases of a kind (on one key, or in all)."""
        ...

    def refresh(self) -> None:
        """Extend every lease of this worker by `ttl_s`; forget what has expired, anyone's."""
        ...

    def add_penalty(self, source: str, add_s: float, max_s: float) -> float:
        """Add `add_s` to the source's standing penalty (at most `max_s`); returns what stands."""
        ...

    def penalty_for(self, source: str) -> float:
        """Seconds left on the source's penalty (0 when it may connect)."""
        ...

    def penalised_sources(self) -> int:
        """How many sources are under a penalty now."""
        ...

    def close(self) -> None: ...


class ChatRoomBackend(Protocol):
    """One chat room's lines, pacing and moderators' mutes: a community's room in its
    community's store, the lobby in the hub (`chat_room(keep)` of either)."""

    keep: int
    """How many lines the room keeps (older ones are pruned as new ones come)."""

    def speak(
        self, person_id: int, handle: str, kind: str, text: str, at: float, pace: Pace
    ) -> Spoken:
        """Store a line unless its speaker is muted here or must wait (`pace`); prune to
        `keep`. The mute, the pacing and the line in one transaction."""
        ...

    def take_turn(self, person_id: int, at: float, pace: Pace) -> Spoken:
        """Pace something said here that is not kept (a page), as `speak` does."""
        ...

    def lines(self, after_id: int = 0, limit: int = 100, with_hidden: bool = False) -> list[Row]:
        """The newest `limit` lines after `after_id`, oldest first."""
        ...

    def line(self, line_id: int) -> Row | None: ...

    def latest_id(self) -> int: ...

    def hide(self, line_id: int, reason: str, log: Row) -> Row | None:
        """Hide a line and log it, in one transaction; the line, or None."""
        ...

    def mute(self, person_id: int, until: float, actor: str, reason: str, log: Row) -> None:
        """Mute someone here until `until` (a later mute replaces it), logged."""
        ...

    def unmute(self, person_id: int, log: Row) -> bool:
        """Lift a mute early (logged); False when there was none."""
        ...

    def muted_until(self, person_id: int, now: float) -> float | None: ...

    def mod_log(self, limit: int = 100) -> list[Row]: ...


class RoomMutesBackend(Protocol):
    """Rooms people muted for themselves (in the hub): their mentions there reach no inbox."""

    def set_muted(self, person_id: int, room: str, muted: bool, at: float) -> None: ...

    def rooms(self, person_id: int) -> set[str]: ...

    def muted_by(self, person_ids: list[int], room: str) -> set[int]:
        """Which of these people muted `room`."""
        ...


class PollsBackend(Protocol):
    """The polls on one community's threads: a poll per thread, one vote (a set of
    choices) per person, replaced whole when cast again."""

    def add(self, row: Row, choices: list[str]) -> bool:
        """A poll on `row["thread_id"]`; False when the thread has one already."""
        ...

    def poll(self, thread_id: int) -> Row | None: ...

    def counts(self, thread_id: int) -> list[Row]:
        """Each choice in order with its votes: rows of (position, label, votes)."""
        ...

    def voters(self, thread_id: int) -> int: ...

    def choices_of(self, thread_id: int, person_id: int) -> set[int]: ...

    def vote(self, thread_id: int, person_id: int, positions: set[int], at: float) -> str:
        """Replace one person's vote: "counted", or "closed" (checked in the same
        transaction) when the poll takes no more votes."""
        ...

    def close(self, thread_id: int, at: float, by: str, log: Row) -> bool:
        """Close a poll early (logged); False when it was closed already."""
        ...
