"""The web reader's pages: each has a cheap basis (its validator) and a rendering.

Everything is read as a guest through `bbs.forum`; who may read what is the forum's
rule (a refusal raises, and the app answers 404). A page's `basis()` asks only what
is cheap (the community's row and version) and runs on the event loop; `render()`
reads the rest and runs in a worker thread, and only when no cached copy will do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from bbs.errors import Forbidden, NotFound
from bbs.forum import Forum
from bbs.models import BoardSummary, Community, Person, Post, SearchHit, ThreadView
from bbs.web.caching import Rendered
from bbs.web.feeds import FeedThread, atom
from bbs.web.join import JoinHelp
from bbs.web.polls import poll_context
from bbs.web.site import Site

HTML = "text/html; charset=utf-8"
THREADS_PER_PAGE = 30
MAX_PAGE = 10_000
MAX_NEST = 5
"""Replies nest this deep at most; deeper ones sit beside their parent, still saying whom
they answer, so a long back-and-forth never runs off a phone's screen."""
EVENT_BUCKET_S = 600
"""Meetup lists also change as time passes (a past meetup drops off): 10 minutes at most."""
LATEST_POST = 2**62
"""`read_thread(after_post=LATEST_POST)` is a thread's summary without its posts."""


@dataclass
class PostNode:
    """A post in the page's tree: its number in reading order and whom it replies to."""

    post: Post
    number: int
    replying_to: str
    children: list[PostNode] = field(default_factory=list)
    level: int = 0


def post_tree(view: ThreadView) -> list[PostNode]:
    """The thread's posts as nested lists, nesting at most MAX_NEST deep, in reading order."""
    nodes: dict[int, PostNode] = {}
    where: dict[int, list[PostNode]] = {}
    roots: list[PostNode] = []
    for number, post in enumerate(view.posts, start=1):
        parent = nodes.get(post.parent_id) if post.parent_id is not None else None
        node = PostNode(post, number, parent.post.author if parent else "")
        if parent is None:
            siblings = roots
        elif parent.level + 1 < MAX_NEST:
            node.level, siblings = parent.level + 1, parent.children
        else:
            node.level, siblings = parent.level, where[parent.post.id]
        siblings.append(node)
        nodes[post.id], where[post.id] = node, siblings
    return roots


class Page:
    """One request for one kind of page."""

    media_type = HTML

    def __init__(self, site: Site, request: Request) -> None:
        self.site = site
        self.request = request
        self.forum: Forum = site.forum
        self.guest: Person = site.forum.guest()
        self.join: JoinHelp = site.join_help(request)

    def basis(self) -> object:
        """What the page is made of, cheaply: its ETag is a hash of this."""
        raise NotImplementedError

    def render(self) -> Rendered:
        raise NotImplementedError

    # helpers ------------------------------------------------------------------
    def param(self, name: str) -> str:
        return str(self.request.path_params[name])

    def int_param(self, name: str, limit: int = 2**62) -> int:
        value = int(self.request.path_params[name])
        if value > limit:
            raise NotFound("No such page.")
        return value

    def html(self, template: str, **context: Any) -> Rendered:
        values = {"feeds": (), "crumbs": (), **context}
        page = self.site.templates.get_template(template).render(
            site_name=self.site.name(), css_url=self.site.css_url, join=self.join, **values
        )
        return Rendered(page.encode(), HTML)


class CommunityPageBase(Page):
    """A page inside one community: its row and its version are the basis."""

    def __init__(self, site: Site, request: Request) -> None:
        super().__init__(site, request)
        self.slug = self.param("slug")

    def community(self) -> Community:
        return self.forum.community(self.guest, self.slug)

    def readable_basis(self) -> tuple[object, ...]:
        """The community's row and version; raises (so: 404) when a guest may not read it."""
        return (self.community(), self.forum.community_version(self.guest, self.slug))

    def crumbs(self, community: Community, *more: tuple[str, str]) -> list[tuple[str, str]]:
        return [("Communities", "/"), (community.name, f"/c/{community.slug}/"), *more]


class DirectoryPage(Page):
    """The front page: the bulletin and every community, with descriptions and rules."""

    def basis(self) -> object:
        return (self.forum.bulletin(), self._communities())

    def _communities(self) -> list[tuple[Community, bool]]:
        return [
            (self.forum.community(self.guest, c.slug), c.can_read)
            for c in self.forum.list_communities(self.guest)
        ]

    def render(self) -> Rendered:
        return self.html(
            "directory.html",
            bulletin=self.forum.bulletin(),
            communities=self._communities(),
        )


class CommunityPage(CommunityPageBase):
    """An open community: welcome, rules, boards, next meetups. A closed one: name,
    description and rules only (and how to ask to join)."""

    def basis(self) -> object:
        community = self.community()
        try:
            version = self.forum.community_version(self.guest, self.slug)
        except Forbidden:
            return (community, "closed")
        return (community, version, int(self.forum.clock() // EVENT_BUCKET_S))

    def render(self) -> Rendered:
        community = self.community()
        try:
            boards: list[BoardSummary] = self.forum.boards(self.guest, self.slug)
        except Forbidden:
            return self.html("closed.html", community=community, crumbs=self.crumbs(community))
        return self.html(
            "community.html",
            community=community,
            boards=boards,
            events=self.forum.events(self.guest, self.slug, limit=3),
            crumbs=self.crumbs(community),
            feeds=[(f"{community.name}: new threads", f"/c/{self.slug}/feed.atom")],
        )


class BoardPage(CommunityPageBase):
    """A board's threads, pinned first then newest activity, a page at a time."""

    def __init__(self, site: Site, request: Request) -> None:
        super().__init__(site, request)
        self.board = self.param("board")
        self.page = self._page_number()

    def _page_number(self) -> int:
        raw = self.request.query_params.get("page", "1")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
            raise NotFound("No such page.")
        return int(raw)

    def basis(self) -> object:
        return (*self.readable_basis(), self.board, self.page)

    def render(self) -> Rendered:
        community = self.community()
        found = [b for b in self.forum.boards(self.guest, self.slug) if b.slug == self.board]
        if not found:
            raise NotFound("No such board.")
        board = found[0]
        threads = self.forum.threads(
            self.guest, self.slug, self.board, self.page - 1, THREADS_PER_PAGE
        )
        if not threads and self.page > 1:
            raise NotFound("No such page.")
        url = f"/c/{self.slug}/b/{self.board}/"
        return self.html(
            "board.html",
            community=community,
            board=board,
            threads=threads,
            page=self.page,
            pages=max(1, -(-board.threads // THREADS_PER_PAGE)),
            url=url,
            crumbs=self.crumbs(community, (board.name, url)),
            feeds=[(f"{board.name} in {community.name}", f"{url}feed.atom")],
        )


class ThreadPage(CommunityPageBase):
    """A whole thread: its posts as nested lists under headings, in reading order."""

    def __init__(self, site: Site, request: Request) -> None:
        super().__init__(site, request)
        self.thread_id = self.int_param("thread_id")

    def basis(self) -> object:
        return (*self.readable_basis(), self.thread_id)

    def render(self) -> Rendered:
        community = self.community()
        view = self.forum.read_thread(self.guest, self.slug, self.thread_id)
        boards = {b.slug: b for b in self.forum.boards(self.guest, self.slug)}
        board = boards.get(view.thread.board)
        more = [(board.name, f"/c/{self.slug}/b/{board.slug}/")] if board else []
        return self.html(
            "thread.html",
            community=community,
            board=board,
            view=view,
            tree=post_tree(view),
            total=len(view.posts),
            crumbs=self.crumbs(community, *more, (view.thread.title, self.request.url.path)),
            **poll_context(self.forum.poll(self.guest, self.slug, self.thread_id)),
        )


class EventsPage(CommunityPageBase):
    """A community's upcoming meetups, each with its .ics."""

    def basis(self) -> object:
        return (*self.readable_basis(), int(self.forum.clock() // EVENT_BUCKET_S))

    def render(self) -> Rendered:
        community = self.community()
        url = f"/c/{self.slug}/events"
        return self.html(
            "events.html",
            community=community,
            events=self.forum.events(self.guest, self.slug),
            crumbs=self.crumbs(community, ("Meetups", url)),
        )


class EventIcsPage(CommunityPageBase):
    """One meetup as an iCalendar file, from the forum's own export."""

    media_type = "text/calendar; charset=utf-8"

    def __init__(self, site: Site, request: Request) -> None:
        super().__init__(site, request)
        self.event_id = self.int_param("event_id")

    def basis(self) -> object:
        return (*self.readable_basis(), self.event_id)

    def render(self) -> Rendered:
        text = self.forum.event_ics(self.guest, self.slug, self.event_id)
        name = f"{self.slug}-{self.event_id}.ics"
        disposition = (("content-disposition", f'attachment; filename="{name}"'),)
        return Rendered(text.encode(), self.media_type, disposition)


class FeedPage(CommunityPageBase):
    """The Atom feed of a community, or of one board (`board` in the path)."""

    media_type = "application/atom+xml; charset=utf-8"
    entries = 20

    def __init__(self, site: Site, request: Request) -> None:
        super().__init__(site, request)
        self.board: str | None = request.path_params.get("board")

    def basis(self) -> object:
        return (*self.readable_basis(), self.board)

    def render(self) -> Rendered:
        community = self.community()
        boards: list[BoardSummary] = self.forum.boards(self.guest, self.slug)
        if self.board is not None:
            boards = [b for b in boards if b.slug == self.board]
            if not boards:
                raise NotFound("No such board.")
        threads = sorted(
            (t for b in boards for t in self.forum.threads(self.guest, self.slug, b.slug, 0, 20)),
            key=lambda t: t.last_post_at,
            reverse=True,
        )[: self.entries]
        base = str(self.request.base_url).rstrip("/")
        page = f"{base}/c/{self.slug}/" + (f"b/{self.board}/" if self.board else "")
        title = community.name + (f": {boards[0].name}" if self.board else "")
        body = atom(
            feed_url=f"{base}{self.request.url.path}",
            page_url=page,
            title=title,
            subtitle=community.description,
            entries=[self._entry(t, base) for t in threads],
        )
        return Rendered(body, self.media_type)

    def _entry(self, thread: Any, base: str) -> FeedThread:
        view = self.forum.read_thread(self.guest, self.slug, thread.id)
        opening = view.posts[0] if view.posts and view.posts[0].parent_id is None else None
        return FeedThread(thread, opening, f"{base}/c/{self.slug}/t/{thread.id}")


class SearchPage(Page):
    """Full-text search over what a guest may read (the forum decides which communities)."""

    def __init__(self, site: Site, request: Request) -> None:
        super().__init__(site, request)
        self.query = request.query_params.get("q", "").strip()

    def basis(self) -> object:
        versions = [
            (c.slug, c.name, self.forum.community_version(self.guest, c.slug))
            for c in self.forum.list_communities(self.guest)
            if c.can_read
        ]
        return (self.query, versions)

    def render(self) -> Rendered:
        hits: list[SearchHit] = []
        problem = ""
        if self.query:
            try:
                hits = self.forum.search(self.guest, self.query)
            except ValueError as error:  # TextError: too long, nothing to search for
                problem = str(error)
        return self.html("search.html", query=self.query, hits=hits, problem=problem)
