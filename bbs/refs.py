"""Refs: how exec commands name a thread, a post or a meetup, so that each says what it names.

A thread is `night-gardeners/10`, a post `night-gardeners/p42`, a meetup
`night-gardeners/e3` (safe unquoted in every shell: no `#`, which zsh may glob). The
community may be left out when only one community the person can read has that id;
`night-gardeners/t10` names the thread where a bare number could be read two ways.
Before this, `COMMUNITY/ID` meant a thread to `thread` and `post` but a post to
`reply`: replying to the thread one had just started wrote into a stranger's
conversation. Old spellings still work where they can mean only one thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bbs.errors import ForumError, NotFound
from bbs.forum import Forum
from bbs.models import MAX_ID, Person, event_ref, post_ref, thread_ref

SPELLINGS = (
    "a thread is COMMUNITY/ID (garden/10, or garden/t10), a post COMMUNITY/pID (garden/p42),"
    " a meetup COMMUNITY/eID (garden/e3); COMMUNITY/ may be left out when only one"
    " community you can read has that id"
)

_REF = re.compile(r"(?:(?P<slug>[^/\s]{1,64})/)?(?P<kind>[tTpPeE]?)(?P<number>[0-9]{1,40})")

KIND_WORDS = {"": "thread", "t": "thread", "p": "post", "e": "meetup"}


class RefError(ForumError):
    """A ref spelt so that it names nothing, or more than one thing: a usage error."""


@dataclass(frozen=True)
class Ref:
    """A parsed ref: the community (None: find it), the kind letter ('', 'p', 'e'), the id."""

    slug: str | None
    kind: str
    number: int
    text: str

    def named(self, slug: str) -> str:
        """The ref spelt out with its community, as output prints it."""
        spell = {"": thread_ref, "t": thread_ref, "p": post_ref, "e": event_ref}[self.kind]
        return spell(slug, self.number)


def parse_ref(text: str) -> Ref:
    """`garden/10`, `garden/p42`, `e3` ... into a Ref; RefError for anything else."""
    found = _REF.fullmatch(text.strip())
    if found is None:
        raise RefError(f"{text[:60]!r} is not a ref: {SPELLINGS}.")
    return Ref(found["slug"], found["kind"].lower(), int(found["number"]), text.strip())


def _exists(number: int) -> bool:
    """Whether an id could name anything at all (SQLite holds 1 .. 2**63-1)."""
    return 0 < number <= MAX_ID


class Resolver:
    """Turns refs into (community, id) for one person: only communities they can read count."""

    def __init__(self, forum: Forum, viewer: Person) -> None:
        self.forum, self.viewer = forum, viewer

    def thread(self, text: str) -> tuple[str, int, int | None]:
        """A thread ref, or a post ref (its thread): (community, thread id, post to show)."""
        ref = self._kind(parse_ref(text), ("", "t", "p"), "a thread")
        if ref.kind == "p":
            slug = self._community(ref, "post")
            thread = self.forum.thread_of_post(self.viewer, slug, ref.number)
            if thread is None:
                raise NotFound(f"There is no post {ref.named(slug)}.")
            return slug, thread, ref.number
        return self._community(ref, "thread"), ref.number, None

    def post(self, text: str) -> tuple[str, int]:
        """The post to answer: a post ref, or a thread ref (its first post).

        `COMMUNITY/ID` once named a post here; it is taken as a thread now, and as the old
        post only where no thread has that id. Where both exist and differ, it is refused.
        """
        ref = self._kind(parse_ref(text), ("", "t", "p"), "a post or a thread")
        if ref.kind == "p":
            slug = self._community(ref, "post")
            if self.forum.thread_of_post(self.viewer, slug, ref.number) is None:
                raise NotFound(f"There is no post {ref.named(slug)}.")
            return slug, ref.number
        if ref.kind == "t":
            slug = self._community(ref, "thread")
            first = self.forum.thread_first_post(self.viewer, slug, ref.number)
            if first is None:
                raise NotFound(f"There is no thread {ref.named(slug)}.")
            return slug, first
        slug = self._community(ref, "thread or post")
        first = self.forum.thread_first_post(self.viewer, slug, ref.number)
        thread_of_post = self.forum.thread_of_post(self.viewer, slug, ref.number)
        if first is not None and (thread_of_post is None or first == ref.number):
            return slug, first
        if first is None and thread_of_post is not None:
            return slug, ref.number  # an old script's post id: nothing else has it
        if first is None:
            raise NotFound(
                f"There is no thread {ref.named(slug)} and no post {slug}/p{ref.number}."
            )
        raise RefError(
            f"{slug}/{ref.number} could be thread {ref.number} or post {ref.number}, which is"
            f" in another thread ({thread_ref(slug, thread_of_post or 0)}):"
            f" say {slug}/t{ref.number} to answer the thread,"
            f" or {post_ref(slug, ref.number)} to answer that post."
        )

    def event(self, text: str) -> tuple[str, int]:
        """A meetup ref (`garden/e3`, or `garden/3` as before)."""
        ref = self._kind(parse_ref(text), ("", "e"), "a meetup")
        return self._community(ref, "event"), ref.number

    # helpers --------------------------------------------------------------------------
    @staticmethod
    def _kind(ref: Ref, allowed: tuple[str, ...], wanted: str) -> Ref:
        if ref.kind not in allowed:
            raise RefError(
                f"{ref.text[:60]!r} names a {KIND_WORDS[ref.kind]}; this takes {wanted}"
                f" ({SPELLINGS})."
            )
        return ref

    def _community(self, ref: Ref, kind: str) -> str:
        """The ref's community, or the one readable community where something of `kind` has
        the id; NotFound for an id nothing can have (0, or past SQLite's integers)."""
        if not _exists(ref.number):
            where = f" in {ref.slug[:40]}" if ref.slug else ""
            raise NotFound(f"There is no {kind} {ref.number}{where}.")
        if ref.slug:
            return ref.slug
        found = [
            c.slug
            for c in self.forum.list_communities(self.viewer)
            if c.can_read and self._has(c.slug, ref, kind)
        ]
        if not found:
            raise NotFound(f"There is no {kind} {ref.number} you can read.")
        if len(found) > 1:
            raise RefError(
                f"{kind} {ref.number} exists in {', '.join(found)}:"
                f" say {found[0]}/{ref.kind}{ref.number} (or another of them)."
            )
        return found[0]

    def _has(self, slug: str, ref: Ref, kind: str) -> bool:
        forum, viewer, n = self.forum, self.viewer, ref.number
        if ref.kind == "t":
            kind = "thread"
        if kind == "event":
            return forum.has_event(viewer, slug, n)
        thread = kind != "post" and forum.thread_first_post(viewer, slug, n) is not None
        post = kind != "thread" and forum.thread_of_post(viewer, slug, n) is not None
        return thread or post
