"""A thread: its posts as a collapsible tree on top, the selected post's body below."""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding

from bbs.errors import ForumError
from bbs.live import Kind, LiveEvent
from bbs.live_events import NewReply
from bbs.models import Post, ThreadView
from bbs.polls.models import Poll, PollDraft
from bbs.shown import unshown_note
from screens import places
from screens.engine.first_frame import HoldsFirstFrame
from screens.widgets.bars import KeyBar, TextLine, TitleBar
from screens.widgets.body import BodyPane
from screens.widgets.forum_call import deliver, deliver_part, forum_call, ours
from screens.widgets.live import LiveScreen
from screens.widgets.poll_line import poll_line
from screens.widgets.post_tree import PostNode, PostTree
from screens.widgets.reuse import Reusable
from screens.widgets.safe import ago, safe
from screens.widgets.session import session_of

POSTING = ("reply", "edit", "flag", "cross_post")


FIRST_CHUNK = 200
"""Posts put in the tree before the first paint of a long thread (a few screenfuls)."""
CHUNK = 1000
"""Posts added after each paint until the whole thread is in."""


class ThreadScreen(Reusable, HoldsFirstFrame, LiveScreen[None]):
    """One thread; new posts from anyone appear in place without a key press.

    Opened with `ThreadScreen.open(app, slug, thread_id)`: a session's thread screen is
    made once and `reset` to the next thread.
    """

    CSS_PATH = "thread.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("n", "next_unread", "Next unread"),
        Binding("r", "reply", "Reply"),
        Binding("e", "edit", "Edit"),
        Binding("f", "flag", "Flag"),
        Binding("x", "moderate", "Moderate"),
        Binding("c", "cross_post", "Cross-post", show=False),
        Binding("a", "author", "Author's profile", show=False),
        Binding("v", "poll", "Poll"),
    ]

    def __init__(self, slug: str, thread_id: int, focus_post: int | None = None) -> None:
        super().__init__()
        self.slug = slug
        self.thread_id = thread_id
        self.focus_post = focus_post
        self.view: ThreadView | None = None
        self.shown: Post | None = None
        self.moderator = False
        self._bindings_for = False
        self._newest = 0
        """The newest post id shown: a live reload asks only for posts after it."""
        self._changes = 0
        """Things other than a new post seen (edits, hides): a reload reads everything..."""
        self._loaded_changes = 0
        """...until a whole load asked for after the last of them has been shown."""
        self.poll: Poll | None = None

    def reset(self, slug: str, thread_id: int, focus_post: int | None = None) -> None:
        """Show another thread (or the same one again, at `focus_post` if given)."""
        self.focus_post = focus_post
        if (slug, thread_id) == (self.slug, self.thread_id) and self.view is not None:
            return  # as it was left; it reloads if anything changed meanwhile
        self.slug, self.thread_id = slug, thread_id
        self.view, self.shown, self._newest = None, None, 0
        self._show_poll(slug, thread_id, None)
        self._stale = False
        self.query_one(PostTree).clear()
        self.query_one(BodyPane).show(Text(), "")
        self.query_one("#thread-title", TextLine).update(Text("Loading…"))
        self.hold_frames()
        self.reload()

    @on(events.ScreenResume)
    def _go_to_focus_post(self) -> None:
        tree = self.query_one(PostTree)
        node = tree.nodes_by_post.get(self.focus_post or -1) if self.view is not None else None
        if node is not None:
            self.focus_post = None
            tree.reveal(node)
            tree.focus()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield TextLine(Text("Loading…"), id="thread-title")
        yield TextLine(Text(""), id="thread-poll")
        yield PostTree(id="posts")
        yield BodyPane(id="body-pane")
        yield KeyBar()

    def where(self) -> str | None:
        board = self.view.thread.board if self.view else ""
        return f"{self.slug}/{board}" if board else self.slug

    def relevant(self, event: LiveEvent) -> bool:
        return event.community == self.slug and event.thread_id == self.thread_id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "moderate":
            return self.moderator
        if action == "poll":
            return self.poll is not None or self._is_author()
        return not (action in POSTING and session_of(self).person.is_guest)

    # loading ------------------------------------------------------------------
    def reload(self) -> None:
        """Load the thread; once it is shown, only the posts written since (one row, not all).

        A reply fans out to everyone reading the thread, so this is the common case; an
        edit or a moderator's act (counted in `_changes`) loads the whole thread again.
        """
        full = self.view is None or self._changes > self._loaded_changes
        self._load(self.slug, self.thread_id, 0 if full else self._newest, self._changes)
        self._load_poll(self.slug, self.thread_id)

    def reload_all(self) -> None:
        self._changes += 1
        self.reload()

    reload_everything = reload_all  # after lost events: not just the posts since

    @on(events.ScreenSuspend)
    def _may_miss_changes(self) -> None:
        # While another screen is on top, events only mark this one stale, whatever they
        # were (an edit, a post hidden): the reload when it comes back reads everything.
        self._changes += 1

    def quick_update(self, event: LiveEvent) -> bool:
        """A reply carried in its event is shown from it; anything else reloads (debounced).

        Everyone reading a thread gets each reply to it: asking the database for it
        (four queries and a trip through a worker thread each) cost every reader ~10 ms a
        reply, the lion's share of a busy server's CPU when a hundred read one thread.
        """
        if event.kind == Kind.POLL:  # a vote: the poll's line, not the thread, again
            self._load_poll(self.slug, self.thread_id)
            return True
        if event.kind != Kind.NEW_REPLY:
            self._changes += 1
            return False
        post = self._reply_of(event)
        if post is None:
            return False
        view = self.view
        assert view is not None
        self._show(
            ThreadView(view.thread, (post,), view.blocked), self._newest, self._loaded_changes
        )
        return True

    def _reply_of(self, event: LiveEvent) -> Post | None:
        """The reply an event carries, as this person sees it (None: load it instead)."""
        reply = event.payload
        if not isinstance(reply, NewReply) or self.view is None:
            return None
        if self._changes > self._loaded_changes:
            return None
        tree = self.query_one(PostTree)
        if reply.post_id <= self._newest or reply.parent_id not in tree.nodes_by_post:
            return None  # already shown, or its parent is not yet: a reload sorts it out
        person = session_of(self).person
        blocked = event.actor in self.view.blocked
        return Post(
            id=reply.post_id,
            thread_id=self.thread_id,
            parent_id=reply.parent_id,
            depth=reply.depth,
            author=event.actor,
            body="" if blocked else reply.body,
            created=reply.created,
            edited_at=None,
            hidden=False,
            hidden_reason="",
            unread=event.actor != person.handle and not person.is_guest and not blocked,
            blocked=blocked,
        )

    @work(thread=True, exclusive=True, group="thread")
    def _load(self, slug: str, thread_id: int, after: int, changes: int) -> None:
        session = session_of(self)
        try:
            view = session.forum.read_thread(session.person, slug, thread_id, after)
            moderator = session.forum.can_moderate(session.person, slug)
        except ForumError as error:
            deliver(self, self._refused, str(error), slug, thread_id)
            return
        except Exception as error:  # ours: logged once; the reader keeps their session
            deliver(self, self._refused, ours(self, error), slug, thread_id)
            return
        deliver(self, self._loaded, slug, view, moderator, after, changes)

    def _loaded(
        self, slug: str, view: ThreadView, moderator: bool, after: int, changes: int
    ) -> None:
        if (slug, view.thread.id) == (self.slug, self.thread_id):  # not a thread left since
            self.moderator = moderator
            self._show(view, after, changes)

    def _refused(self, message: str, slug: str, thread_id: int) -> None:
        if (slug, thread_id) == (self.slug, self.thread_id):
            self.notify(message, severity="error", markup=False)
            self.dismiss()

    def _show(self, view: ThreadView, after: int = 0, changes: int = 0) -> None:
        first = self.view is None
        if not after:
            self._loaded_changes = max(self._loaded_changes, changes)
        if after and self.view is not None:
            new = tuple(p for p in view.posts if p.id > self._newest)
            unshown = self.view.unshown + view.unshown
            view = ThreadView(view.thread, self.view.posts + new, view.blocked, unshown)
        else:
            new = view.posts
        self.view = view
        self._newest = max(self._newest, max((p.id for p in new), default=0))
        if first or self.moderator != self._bindings_for:
            self._bindings_for = self.moderator
            self.refresh_bindings()
        tree = self.query_one(PostTree)
        keep, scroll = tree.selected, tree.scroll_y
        if first and len(new) > FIRST_CHUNK:
            # A long thread shows its first screen at once and fills in after each paint.
            cut = self._first_cut(new)
            tree.add_posts(new[:cut])
            self.call_after_refresh(self._add_rest, new[cut:])
        else:
            tree.add_posts(new)
        self._show_title(view)
        shown = self.shown and tree.nodes_by_post.get(self.shown.id)
        if shown and shown.data is not None and self.shown is not None:
            if _as_shown(shown.data) != _as_shown(self.shown):
                self._show_post(shown.data)  # edited or hidden while being read: as it is now
            self.shown = shown.data
        if first:
            session_of(self).move(self.where())
        target = self._target(tree, first)
        if target is not None:
            tree.reveal(target)
            tree.focus()
        elif keep is not None and new:
            tree.keep(keep, scroll)

    def _first_cut(self, posts: tuple[Post, ...]) -> int:
        """How many posts to show at once: up to the one to open at, and a screenful more."""
        wanted = next(
            (
                n
                for n, p in enumerate(posts)
                if p.id == self.focus_post or (self.focus_post is None and p.unread)
            ),
            0,
        )
        return wanted + FIRST_CHUNK

    def _add_rest(self, rest: tuple[Post, ...]) -> None:
        if not rest or not self.is_mounted:
            return
        self.query_one(PostTree).add_posts(rest[:CHUNK])
        self.call_after_refresh(self._add_rest, rest[CHUNK:])

    def _target(self, tree: PostTree, first: bool) -> PostNode | None:
        wanted = self.focus_post
        self.focus_post = None
        if wanted in tree.nodes_by_post:
            return tree.nodes_by_post[wanted]
        if not first:
            return None
        return tree.next_unread() or next(iter(tree.nodes_by_post.values()), None)

    def _show_title(self, view: ThreadView) -> None:
        t = view.thread
        title = Text.assemble(safe(t.title, "bold"), (f"  {self.slug}/{t.board}", "dim"))
        flags = [f for f, on in (("pinned", t.pinned), ("locked", t.locked)) if on]
        if flags:
            title.append(f"  [{', '.join(flags)}]")
        if t.origin:
            title.append_text(safe(f"  cross-posted from {t.origin}", "italic"))
        title.append(f"  · {len(view.posts)} posts", style="dim")
        if view.unshown:
            title.append(f"  · {unshown_note(view.unshown, 'post')}", style="italic")
        self.query_one("#thread-title", TextLine).update(title)

    # its poll ---------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="thread-poll")
    def _load_poll(self, slug: str, thread_id: int) -> None:
        session = session_of(self)
        try:
            poll = session.forum.poll(session.person, slug, thread_id)
        except ForumError:
            return  # the thread's own load says why
        except Exception as error:  # ours: logged once; the thread is still read
            ours(self, error)
            return
        deliver_part(self, self._show_poll, slug, thread_id, poll)

    def _show_poll(self, slug: str, thread_id: int, poll: Poll | None) -> None:
        if (slug, thread_id) != (self.slug, self.thread_id):
            return
        had, self.poll = self.poll, poll
        line = self.query_one("#thread-poll", TextLine)
        line.display = poll is not None
        if poll is not None:
            line.update(poll_line(poll))
        if (had is None) != (poll is None):
            self.refresh_bindings()

    def _is_author(self) -> bool:
        person = session_of(self).person
        return (
            self.view is not None
            and not person.is_guest
            and self.view.thread.author == person.handle
        )

    def action_poll(self) -> None:
        if self.poll is not None:
            places.go(self, places.Poll(self.slug, self.thread_id))
        elif self._is_author():
            places.go(self, places.WritePoll(), self._add_poll)

    def _add_poll(self, draft: PollDraft | None) -> None:
        if draft is None:
            return
        slug, thread_id = self.slug, self.thread_id
        forum_call(
            self,
            lambda s: s.forum.add_poll(s.person, slug, thread_id, draft),
            lambda poll: self._show_poll(slug, thread_id, poll),
        )

    # the selected post -----------------------------------------------------------
    def on_mount(self) -> None:
        self.query_one(PostTree).on_cursor = self._highlighted
        self.query_one("#thread-poll", TextLine).display = False
        self.reload()

    def _highlighted(self, node: PostNode) -> None:
        post = node.data
        if post is None:
            return
        if self.shown != post:
            self.shown = post
            self._show_post(post)
        tree = self.query_one(PostTree)
        if post.id in tree.unread:
            tree.mark_read(post.id)
            self._mark_read(post.id)

    def _show_post(self, post: Post) -> None:
        meta = Text.assemble(safe(post.author, "bold"), f" · {ago(post.created)}")
        if post.edited_at:
            meta.append(f" · edited {ago(post.edited_at)}")
        body = post.body
        if post.hidden:
            meta.append_text(safe(f" · hidden by a moderator: {post.hidden_reason}", "italic"))
            body = body or "*This post is hidden.*"
        if post.blocked:
            body = (
                "*You blocked this person: their post is not shown (unblock from their profile).*"
            )
        self.query_one(BodyPane).show(meta, body)

    def _mark_read(self, post_id: int) -> None:
        session = session_of(self)
        session.forum.mark_read_soon(session.person, self.slug, self.thread_id, post_id)

    # actions ----------------------------------------------------------------------
    def _selected(self) -> Post | None:
        node = self.query_one(PostTree).selected
        return node.data if node is not None else None

    def action_back(self) -> None:
        self.dismiss()

    def action_next_unread(self) -> None:
        tree = self.query_one(PostTree)
        node = tree.next_unread()
        if node is None:
            self.notify("No unread posts in this thread.", timeout=2)
            return
        tree.reveal(node)

    def action_reply(self) -> None:
        post = self._selected()
        if post is not None:
            places.go(self, places.Reply(self.slug, post), self._after_compose)

    def action_edit(self) -> None:
        post = self._selected()
        if post is None:
            return
        if post.author != session_of(self).person.handle:
            self.notify("You can only edit your own posts.", severity="warning")
            return
        places.go(self, places.EditPost(self.slug, post), self._after_compose)

    def action_flag(self) -> None:
        post = self._selected()
        if post is not None:
            places.go(self, places.FlagPost(self.slug, post))

    def action_moderate(self) -> None:
        if self.view is not None:
            where = places.ThreadModeration(self.slug, self.view.thread, self._selected())
            places.go(self, where, lambda _: self.reload_all())

    def action_cross_post(self) -> None:
        places.go(self, places.CrossPost(self.slug, self.thread_id))

    def action_author(self) -> None:
        post = self._selected()
        if post is not None:
            places.go(self, places.Profile(post.author))

    def _after_compose(self, post_id: int | None) -> None:
        if post_id is not None:
            self.focus_post = post_id
            self.shown = None
            if post_id <= self._newest:  # an edit: load everything again
                self._changes += 1
            self.reload()


def _as_shown(post: Post) -> tuple[object, ...]:
    """What of a post the body pane draws (not its unread flag, which reading changes)."""
    return (post.author, post.body, post.edited_at, post.hidden, post.hidden_reason, post.blocked)
