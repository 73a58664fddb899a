"""Reading: the directory, a community, a board's threads, a thread post by post, new, search."""

from __future__ import annotations

from dataclasses import replace

from bbs.errors import Forbidden
from bbs.models import BoardSummary, Community, CommunitySummary, ThreadView
from bbs.plain.compose import ask_line, write_text
from bbs.plain.markdown_text import markdown_to_text
from bbs.plain.menus import Choice, ListPlace, Menu, Move, Outcome, Place, Word
from bbs.plain.render import post_body, post_heading, thread_line
from bbs.plain.session import Draft, PlainSession
from bbs.plain.wording import ago, count


class Directory(ListPlace):
    """Every community, with what one may do there."""

    where = "directory"
    PAGE = 20

    def __init__(self, s: PlainSession) -> None:
        super().__init__(s)
        self.found: list[CommunitySummary] = []

    def prompt(self) -> str:
        return "Communities> "

    def heading(self) -> str:
        return f"Communities: {count(len(self.found), 'community', 'communities')}."

    async def entries(self, page: int) -> list[str]:
        self.found = await self.s.call(self.s.forum.list_communities, self.s.viewer)
        self.total = len(self.found)
        shown = self.found[page * self.PAGE : (page + 1) * self.PAGE]
        return [_community_line(c) for c in shown]

    async def open(self, number: int) -> Outcome:
        return CommunityMenu(self.s, self.found[number - 1].slug)


def _community_line(c: CommunitySummary) -> str:
    kind = {"open": "open", "request": "by request", "invite": "invite only"}[str(c.visibility)]
    mine = f", you are {'a ' + c.my_role if c.my_role == 'member' else 'its ' + str(c.my_role)}"
    new = f", {c.new_posts} new" if c.new_posts else ""
    return (
        f"{c.name} ({kind}, {count(c.members, 'member')}{mine if c.my_role else ''}{new}): "
        f"{c.description}"
    )


class CommunityMenu(Menu):
    """A community: its boards first, then its rules, joining or leaving, its meetups."""

    def __init__(self, s: PlainSession, slug: str) -> None:
        super().__init__(s)
        self.slug = slug
        self.where = slug
        self.info: Community | None = None
        self.boards: list[BoardSummary] = []
        self.readable = True

    def prompt(self) -> str:
        return f"{self.info.name if self.info else self.slug}> "

    def heading(self) -> str:
        c = self.info
        if c is None:
            return self.slug
        kind = {"open": "an open", "request": "a by-request", "invite": "an invite-only"}
        you = f" You are {'a member' if c.my_role == 'member' else 'its ' + str(c.my_role)}."
        return (
            f"{c.name}, {kind[str(c.visibility)]} community, {count(c.members, 'member')}."
            f"{you if c.my_role else ''}"
        )

    async def load(self) -> list[str]:
        s = self.s
        self.info = await s.call(s.forum.community, s.viewer, self.slug)
        try:
            self.boards = await s.call(s.forum.boards, s.viewer, self.slug)
            self.readable = True
        except Forbidden:
            self.boards, self.readable = [], False
        lines = [self.info.description] if self.info.description else []
        if self.readable and self.info.welcome:
            lines.append(self.info.welcome)
        if not self.readable:
            lines.append("Only its members read it: its rules say what it is about.")
        elif self.boards:
            lines.append("Boards:")
        return lines

    def choices(self) -> list[Choice]:
        found = [Choice(_board_line(b, self.s.now()), self._board(b)) for b in self.boards]
        found.append(Choice("The rules", self._rules, "rules"))
        if not self.s.viewer.is_guest:
            if self.info is not None and self.info.my_role is None:
                found.append(Choice("Join this community", self._join, "join"))
            elif self.info is not None and self.info.my_role != "owner":
                found.append(Choice("Leave this community", self._leave, "leave"))
        if self.readable:
            found.append(Choice("Meetups", self._meetups, "events"))
            found.append(Choice("Its chat room", self._chat, "chat"))
        return found

    async def _chat(self) -> Outcome:
        from bbs.plain.places.chat import open_room

        return await open_room(self.s, self.slug)

    def _board(self, board: BoardSummary):  # noqa: ANN202 - a Choice's run
        async def run() -> Outcome:
            assert self.info is not None
            return Board(self.s, self.info, board)

        return run

    async def _rules(self) -> Outcome:
        rules = self.info.rules if self.info else ""
        self.s.say_long(["The rules of this community:", rules or "(It has written none.)"])
        return None

    async def _join(self) -> Outcome:
        from bbs.plain.places.belonging import join

        await join(self.s, self.slug)
        await self.show()
        return None

    async def _leave(self) -> Outcome:
        answer = await self.s.ask(f"Leave {self.info.name if self.info else self.slug}? (yes/no) ")
        if answer and answer.strip().lower() in ("y", "yes"):
            await self.s.call(self.s.forum.leave, self.s.viewer, self.slug)
            self.s.say("You have left.")
            await self.show()
        return None

    async def _meetups(self) -> Outcome:
        from bbs.plain.places.meetups import Meetups

        return Meetups(self.s, self.slug)


def _board_line(b: BoardSummary, now: float) -> str:
    new = f", {b.unread} new" if b.unread else ""
    last = f", last post {ago(b.last_post_at, now)}" if b.last_post_at else ""
    return f"Board {b.name}: {count(b.threads, 'thread')}, {count(b.posts, 'post')}{new}{last}"


class Board(ListPlace):
    """A board's threads, pinned first then newest activity, ten at a time."""

    def __init__(self, s: PlainSession, community: Community, board: BoardSummary) -> None:
        super().__init__(s)
        self.community, self.board = community, board
        self.where = f"{community.slug}/{board.slug}"
        self.ids: dict[int, int] = {}  # position (from 1) -> thread id

    def prompt(self) -> str:
        return f"{self.board.name}> "

    def heading(self) -> str:
        return f"{self.community.name}, board {self.board.name}: {count(self.total or 0, 'thread')}"

    async def entries(self, page: int) -> list[str]:
        s = self.s
        boards = await s.call(s.forum.boards, s.viewer, self.community.slug)
        self.board = next((b for b in boards if b.id == self.board.id), self.board)
        self.total = self.board.threads
        threads = await s.call(
            s.forum.threads, s.viewer, self.community.slug, self.board.slug, page, self.PAGE
        )
        now = s.now()
        lines = []
        for n, t in enumerate(threads):
            self.ids[page * self.PAGE + n + 1] = t.id
            marks = ("pinned, " if t.pinned else "") + ("locked, " if t.locked else "")
            line = thread_line(t.title, t.author, t.posts, t.unread, t.last_post_at, now)
            lines.append(marks + line)
        return lines

    def empty(self) -> str:
        return "No threads yet: type post to start one."

    async def open(self, number: int) -> Outcome:
        if number not in self.ids:
            await self.entries((number - 1) // self.PAGE)
        thread_id = self.ids.get(number)
        if thread_id is None:
            self.s.say(f"There is no thread {number} here.")
            return None
        where = f"{self.community.name}, board {self.board.name}, thread {number} of {self.total}"
        return ThreadPlace(self.s, self.community.slug, thread_id, where)

    def words(self) -> list[Word]:
        return [Word("post", "start a new thread here", self._post)]

    async def _post(self, rest: str) -> Outcome:
        s = self.s
        title = rest or await ask_line(s, "Title of the new thread: ")
        if not title:
            return None
        body = await write_text(s, "first post")
        if body is None:
            return None
        slug, board = self.community.slug, self.board.slug

        async def send(text: str) -> Outcome:
            thread_id, _ = await s.call(s.forum.start_thread, s.viewer, slug, board, title, text)
            s.say(f"Your thread is started: {title}.")
            return ThreadPlace(s, slug, thread_id)

        return await s.send(Draft(f"new thread, {title}", body, send))


class ThreadPlace(Place):
    """A thread read in order, a post at a time: next, previous, a number, reply, edit."""

    def __init__(
        self, s: PlainSession, slug: str, thread_id: int, where: str = "", at: int = 0
    ) -> None:
        super().__init__(s)
        self.slug, self.thread_id, self.place = slug, thread_id, where
        self.where = f"{slug}/{thread_id}"
        self.view: ThreadView | None = None
        self.index = 0
        self.start_at_post = at  # a post id to begin at (from the new scan or search)
        self.shown = False

    def prompt(self) -> str:
        total = len(self.view.posts) if self.view else 0
        return f"Post {self.index + 1} of {total}> "

    async def _load(self) -> ThreadView:
        view = await self.s.call(self.s.forum.read_thread, self.s.viewer, self.slug, self.thread_id)
        self.view = view
        return view

    async def _where(self) -> str:
        """'Night Gardeners, board General' when the way in did not say it."""
        s = self.s
        community = await s.call(s.forum.community, s.viewer, self.slug)
        boards = await s.call(s.forum.boards, s.viewer, self.slug)
        assert self.view is not None
        board = next((b.name for b in boards if b.slug == self.view.thread.board), "")
        return f"{community.name}, board {board}" if board else community.name

    async def show(self) -> None:
        view = await self._load()
        t = view.thread
        if not self.place:
            self.place = await self._where()
        if not self.shown:  # begin at the post asked for, else the first new one
            wanted = [n for n, p in enumerate(view.posts) if p.id == self.start_at_post]
            new = [n for n, p in enumerate(view.posts) if p.unread]
            self.index = (wanted or new or [0])[0]
            self.shown = True
        self.index = min(self.index, len(view.posts) - 1)
        unread = sum(p.unread for p in view.posts)
        locked = " It is locked: no new replies." if t.locked else ""
        poll = await self.s.call(self.s.forum.poll, self.s.viewer, self.slug, self.thread_id)
        polled = f" It has a poll, {poll.question}: type poll to see it and vote." if poll else ""
        self.s.say(
            f"{self.place}: {t.title}. {count(len(view.posts), 'post')}, {unread} new.{locked}"
            f"{polled}",
            "Enter or next reads on; previous, first, last, a number, reply, edit, back.",
        )
        self._say_post()

    def _say_post(self) -> None:
        view = self.view
        assert view is not None
        post = view.posts[self.index]
        self.s.say(post_heading(view, self.index, self.s.now()))
        self.s.say_long([post_body(post, self.s.width)])
        if post.unread and not post.blocked:
            self.s.forum.mark_read_soon(self.s.viewer, self.slug, self.thread_id, post.id)
            posts = list(view.posts)
            posts[self.index] = replace(post, unread=False)
            self.view = replace(view, posts=tuple(posts))

    async def _go_to(self, index: int) -> Outcome:
        total = len(self.view.posts) if self.view else 0
        if index >= total:
            self.s.say("That was the last post: reply answers it, back goes to the board.")
            return None
        if index < 0:
            self.s.say("This is the first post.")
            return None
        self.index = index
        self._say_post()
        return None

    async def enter(self) -> Outcome:
        return await self._go_to(self.index + 1)

    async def choose(self, number: int) -> Outcome:
        return await self._go_to(number - 1)

    def _count(self) -> int:
        return len(self.view.posts) if self.view else 0

    def words(self) -> list[Word]:
        return [
            Word("next", "the next post", lambda _: self._go_to(self.index + 1), "n"),
            Word("previous", "the post before", lambda _: self._go_to(self.index - 1), "p"),
            Word("first", "the first post", lambda _: self._go_to(0)),
            Word("last", "the last post", lambda _: self._go_to(self._count() - 1)),
            Word("unread", "the next new post", self._unread, "u"),
            Word("reply", "answer this post", self._reply, "r"),
            Word("edit", "change this post, if it is yours", self._edit, "e"),
            Word("poll", "this thread's poll: see it, vote", self._poll),
        ]

    async def _poll(self, _: str) -> Outcome:
        from bbs.plain.places.polls import PollPlace

        return PollPlace(self.s, self.slug, self.thread_id)

    async def _unread(self, _: str) -> Outcome:
        view = self.view
        assert view is not None
        later = [n for n, p in enumerate(view.posts) if p.unread and n > self.index]
        if not later:
            self.s.say("No more new posts in this thread.")
            return None
        return await self._go_to(later[0])

    async def _reply(self, _: str) -> Outcome:
        s, view = self.s, self.view
        assert view is not None
        post = view.posts[self.index]
        body = await write_text(s, f"reply to {post.author}")
        if body is None:
            return None

        async def send(text: str) -> Outcome:
            new_id = await s.call(s.forum.reply, s.viewer, self.slug, post.id, text)
            view = await self._load()
            self.index = next((n for n, p in enumerate(view.posts) if p.id == new_id), self.index)
            s.say(f"Sent: your reply is post {self.index + 1} of {len(view.posts)}.")
            return None

        return await s.send(Draft(f"reply to {post.author}", body, send))

    async def _edit(self, _: str) -> Outcome:
        s, view = self.s, self.view
        assert view is not None
        post = view.posts[self.index]
        if post.author != s.viewer.handle:
            s.say("You can only edit your own posts.")
            return None
        s.say_long(["Your post reads now:", post.body])
        body = await write_text(s, "new text for this post")
        if body is None:
            return None

        async def send(text: str) -> Outcome:
            await s.call(s.forum.edit_post, s.viewer, self.slug, post.id, text)
            await self._load()
            s.say("Saved.")
            return None

        return await s.send(Draft("edit", body, send))


class NewScan(ListPlace):
    """The new scan: posts by others in one's communities since the last visit."""

    where = "new scan"

    def __init__(self, s: PlainSession) -> None:
        super().__init__(s)
        self.found: list = []

    def prompt(self) -> str:
        return "New posts> "

    def heading(self) -> str:
        return f"New since your last visit: {count(len(self.found), 'post')}"

    async def entries(self, page: int) -> list[str]:
        s = self.s
        self.found = await s.call(s.forum.new_since_last_visit, s.viewer)
        names = {c.slug: c.name for c in await s.call(s.forum.list_communities, s.viewer)}
        self.total = len(self.found)
        now = s.now()
        return [
            f"{n.title}, in {names.get(n.community, n.community)}, by {n.author}, "
            f"{ago(n.created, now)}"
            for n in self.found[page * self.PAGE : (page + 1) * self.PAGE]
        ]

    def empty(self) -> str:
        return "Nothing new since your last visit."

    async def open(self, number: int) -> Outcome:
        n = self.found[number - 1]
        return ThreadPlace(self.s, n.community, n.thread_id, at=n.post_id)


async def open_new_scan(s: PlainSession) -> Outcome:
    if s.viewer.is_guest:
        s.say("Guests have no last visit: sign up with a key to get a new scan.")
        return None
    return NewScan(s)


class SearchResults(ListPlace):
    """Search hits, best first; a number opens the thread at that post."""

    where = "search"

    def __init__(self, s: PlainSession, query: str) -> None:
        super().__init__(s)
        self.query = query
        self.hits: list = []

    def prompt(self) -> str:
        return "Search> "

    def heading(self) -> str:
        return f"Search for {self.query}: {count(len(self.hits), 'post')} found"

    async def entries(self, page: int) -> list[str]:
        if not self.hits:
            self.hits = await self.s.call(self.s.forum.search, self.s.viewer, self.query)
        self.total = len(self.hits)
        now = self.s.now()
        return [
            f"{h.title}, in {h.community_name}, by {h.author}, {ago(h.created, now)}: "
            f"{markdown_to_text(h.snippet)}"
            for h in self.hits[page * self.PAGE : (page + 1) * self.PAGE]
        ]

    def empty(self) -> str:
        return "Nothing found: try other words."

    async def open(self, number: int) -> Outcome:
        h = self.hits[number - 1]
        return ThreadPlace(self.s, h.community, h.thread_id, at=h.post_id)


async def open_search(s: PlainSession, query: str) -> Outcome:
    words = query or await ask_line(s, "Search for: ")
    return SearchResults(s, words) if words else None


__all__ = ["Board", "CommunityMenu", "Directory", "Move", "NewScan", "SearchResults", "ThreadPlace"]
