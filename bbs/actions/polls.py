"""Polls: any thread may carry one, added by its author when starting it or later.

One or several choices, optionally closing at a time (checked as meetup times are: a
real zone, a time the clocks do not skip, within five years). One vote per person,
changeable until it closes; results shown at once or once one has voted, as the author
chose (always once it has closed); the author and the moderators can close it early.
"""

from __future__ import annotations

from bbs.actions.base import Row, Standing
from bbs.actions.meetups import AHEAD_S, check_zone, parse_when
from bbs.actions.posting import PostingActions
from bbs.chat import events
from bbs.errors import Forbidden, NotFound, TextError
from bbs.live_events import Kind
from bbs.models import Person
from bbs.polls.models import AFTER_VOTING, ALWAYS, RESULTS, Poll, PollChoice, PollDraft
from bbs.shown import instant, text
from bbs.text import clean_field

CHOICES_MOST = 10
"""Choices a poll may offer (each is a line on everyone's screen)."""


class PollActions(PostingActions):
    def _poll_row(self, viewer: Person, thread_id: int, draft: PollDraft) -> tuple[Row, list[str]]:
        """The poll's row and choices, every value checked (TextError saying what is wrong)."""
        question = clean_field("question", draft.question)
        choices = [clean_field("choice", c) for c in draft.choices if c.strip()]
        if not 2 <= len(choices) <= CHOICES_MOST:
            raise TextError(
                f"A poll offers 2 to {CHOICES_MOST} choices; this one has {len(choices)}."
            )
        if len({c.lower() for c in choices}) != len(choices):
            raise TextError("Two choices are the same: each choice must differ.")
        if draft.results not in RESULTS:
            raise TextError(f"Results are shown {ALWAYS!r} or {AFTER_VOTING!r}.")
        zone = check_zone(draft.tz or "UTC")
        closes_at = None
        if draft.closes.strip():
            closes_at = parse_when(draft.closes, zone)
            now = self.clock()
            if closes_at <= now:
                raise TextError("That closing time has passed: a poll closes in the future.")
            if closes_at > now + AHEAD_S:
                raise TextError("That is more than five years ahead: close the poll sooner.")
        row = {
            "thread_id": thread_id,
            "question": question,
            "several": int(draft.several),
            "results": draft.results,
            "closes_at": closes_at,
            "tz": zone,
            "author_id": viewer.id,
            "created": self.clock(),
        }
        return row, choices

    def check_poll(self, viewer: Person, draft: PollDraft) -> None:
        """Refuse (TextError) a poll that could not be added, before a thread is written."""
        self._require_person(viewer)
        self._poll_row(viewer, 0, draft)

    def add_poll(self, viewer: Person, slug: str, thread_id: int, draft: PollDraft) -> Poll:
        """The thread's author puts a poll on it (one a thread)."""
        self._require_post(viewer, slug)
        thread = self.store(slug).thread(thread_id)
        if thread is None:
            raise NotFound(f"There is no thread {thread_id} in {slug}.")
        if thread["author_id"] != viewer.id:
            raise Forbidden("Only the thread's author can add a poll to it.")
        row, choices = self._poll_row(viewer, thread_id, draft)
        if not self.store(slug).polls().add(row, choices):
            raise Forbidden("This thread has a poll already.")
        self.bus.publish(events.poll_event(slug, thread_id, viewer.handle))
        found = self.poll(viewer, slug, thread_id)
        assert found is not None
        return found

    def start_thread_with_poll(
        self, viewer: Person, slug: str, board: str, title: str, body: str, draft: PollDraft
    ) -> tuple[int, int]:
        """Start a thread that carries a poll: the poll is checked before the thread is
        written, so a bad choice refuses both; the poll follows the thread's commit."""
        self.check_poll(viewer, draft)
        thread_id, post_id = self.start_thread(viewer, slug, board, title, body)
        self.add_poll(viewer, slug, thread_id, draft)
        return thread_id, post_id

    def poll(self, viewer: Person, slug: str, thread_id: int) -> Poll | None:
        """The thread's poll as the viewer may see it (None: the thread has none)."""
        return self._poll(self._require_read(viewer, slug), thread_id)

    def _poll(self, standing: Standing, thread_id: int) -> Poll | None:
        viewer, slug = standing.viewer, standing.community["slug"]
        polls = self.store(slug).polls()
        row = polls.poll(thread_id)
        if row is None:
            return None
        now = self.clock()
        closes_at = instant(row["closes_at"]) if row["closes_at"] is not None else None
        closed = row["closed_at"] is not None or (closes_at is not None and closes_at <= now)
        mine = frozenset() if viewer.is_guest else frozenset(polls.choices_of(thread_id, viewer.id))
        author = row["author_id"] == viewer.id and not viewer.is_guest
        moderator = standing.moderates
        shows = closed or row["results"] == ALWAYS or bool(mine) or author or moderator
        choices = tuple(
            PollChoice(int(r["position"]), text(r["label"]), int(r["votes"]) if shows else 0)
            for r in polls.counts(thread_id)
        )
        why = self._why_not_vote(standing, closed)
        return Poll(
            thread_id=thread_id,
            community=slug,
            question=text(row["question"]),
            choices=choices,
            several=bool(row["several"]),
            results=text(row["results"]),
            closes_at=closes_at,
            tz=text(row["tz"]),
            closed=closed,
            closed_by=text(row["closed_by"]),
            voters=polls.voters(thread_id),
            mine=mine,
            shows_results=shows,
            can_vote=not why,
            can_close=not closed and (author or moderator),
            by_viewer=author,
            why_not=why,
        )

    @staticmethod
    def _why_not_vote(standing: Standing, closed: bool) -> str:
        viewer = standing.viewer
        if closed:
            return "This poll is closed."
        if viewer.is_guest:
            return "Guests can read but not vote. Sign up with a key to join in."
        if standing.role is None and not viewer.is_sysop:
            return "Join the community to vote."
        return ""

    def vote(self, viewer: Person, slug: str, thread_id: int, choices: list[int]) -> Poll:
        """Cast (or change) one's vote: the positions chosen (1, 2, ...). Counted once."""
        standing = self._require_post(viewer, slug)
        found = self._poll(standing, thread_id)
        if found is None:
            raise NotFound(f"Thread {slug}/{thread_id} has no poll.")
        if found.why_not:
            raise Forbidden(found.why_not)
        chosen = set(choices)
        known = {c.position for c in found.choices}
        if not chosen or not chosen <= known:
            raise TextError(f"Choose from 1 to {len(known)}.")
        if len(chosen) > 1 and not found.several:
            raise TextError("This poll takes one choice.")
        with self._paced(viewer, "vote", community=slug):
            counted = self.store(slug).polls().vote(thread_id, viewer.id, chosen, self.clock())
            if counted != "counted":
                raise Forbidden("This poll is closed.")
        self.bus.publish(events.poll_event(slug, thread_id, viewer.handle))
        after = self._poll(standing, thread_id)
        assert after is not None
        return after

    def close_poll(self, viewer: Person, slug: str, thread_id: int, reason: str = "") -> Poll:
        """Close a poll early: its author, or a moderator (with a reason, for the log)."""
        self._require_read(viewer, slug)
        store = self.store(slug)
        row = store.polls().poll(thread_id)
        if row is None:
            raise NotFound(f"Thread {slug}/{thread_id} has no poll.")
        author = not viewer.is_guest and row["author_id"] == viewer.id
        if not author and not self._is_moderator(viewer, slug):
            raise Forbidden("Only the poll's author and the moderators can close it.")
        reason = clean_field("reason", reason, required=not author)
        log = {
            "at": self.clock(),
            "actor": viewer.handle,
            "action": "close poll",
            "target": f"thread {thread_id}: {str(row['question'])[:80]}",
            "reason": reason,
        }
        if not store.polls().close(thread_id, self.clock(), viewer.handle, log):
            raise Forbidden("This poll is closed already.")
        self.bus.publish(events.poll_event(slug, thread_id, viewer.handle))
        self._publish(Kind.MOD_LOG, slug, viewer.handle)
        found = self.poll(viewer, slug, thread_id)
        assert found is not None
        return found
