"""The posts of a thread as a collapsible tree, unread posts marked with a sign, not a colour.

Drawn as ready-made lines, not with Textual's Tree: that one renders each line through
Rich again whenever the cursor moves (and five lines per move, to light the guides of
the cursor's subtree), ~0.5 ms a line on the 2-core server, and it keys its line cache
by line number, so a new post re-rendered every line after it. Here a line is made
once per post, state (cursor or not) and width; a cursor key redraws two lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from bbs.models import Post
from screens.engine.fixed_box import FixedBox
from screens.engine.lines import DirectLines
from screens.widgets.forum_call import still_shown
from screens.widgets.lines import styled_line
from screens.widgets.safe import UNREAD_MARK, ago, one_line, safe

EXPANDED, COLLAPSED = "▼ ", "▶ "
BRANCH, LAST, PIPE, SPACE = "├ ", "└ ", "│ ", "  "
GUIDE_LEVELS = 16
"""Levels of guides drawn before a line (MAX_DEPTH of the store): deeper posts, which only
older data can hold, are drawn at this indent behind a mark, so a line's guides (and the
cost of drawing the tree) never grow with the depth of a chain of replies."""
DEEPER = "┄"


def post_label(post: Post, unread: bool) -> Text:
    """One line for a post: unread marker, author, age, the start of its text."""
    label = Text(f"{UNREAD_MARK} " if unread else "  ", style="bold")
    label.append_text(safe(post.author, "bold"))
    edited = " (edited)" if post.edited_at else ""
    label.append(f" · {ago(post.created)}{edited} · ", style="dim")
    if post.blocked:
        label.append("[someone you blocked]", style="italic")
    elif post.hidden:
        label.append("[hidden by a moderator]", style="italic")
    else:
        label.append_text(safe(one_line(post.body, 50)))
    return label


class PostNode:
    """A post in the tree: its label, its replies, whether they are shown."""

    __slots__ = ("data", "label", "parent", "children", "is_expanded", "_tree")

    def __init__(
        self, tree: PostTree, data: Post | None, label: Text, parent: PostNode | None
    ) -> None:
        self._tree = tree
        self.data = data
        self.label = label
        self.parent = parent
        self.children: list[PostNode] = []
        self.is_expanded = True

    @property
    def allow_expand(self) -> bool:
        return bool(self.children)

    def expand(self) -> None:
        if not self.is_expanded:
            self.is_expanded = True
            self._tree._reshape()

    def collapse(self) -> None:
        if self.is_expanded:
            self.is_expanded = False
            self._tree._reshape()

    def toggle(self) -> None:
        self.collapse() if self.is_expanded else self.expand()

    def __repr__(self) -> str:
        return f"PostNode({self.data.id if self.data else 'root'})"


class PostTree(DirectLines, FixedBox, ScrollView, can_focus=True):
    """A tree of `Post`s keyed by post id; new posts are added in place (selection kept)."""

    DEFAULT_CSS = """
    PostTree {
        background: $surface; color: $foreground; overflow-x: hidden;
        & > .post-tree--guides { color: $surface-lighten-2; }
        & > .post-tree--cursor {
            text-style: $block-cursor-blurred-text-style;
            background: $block-cursor-blurred-background;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .post-tree--cursor {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
            & > .post-tree--guides { color: $surface-lighten-3; }
        }
        &:light > .post-tree--guides { color: $surface-darken-1; }
        &:ansi > .post-tree--guides { color: $ansi-background; }
    }
    """
    COMPONENT_CLASSES = {"post-tree--guides", "post-tree--cursor"}

    on_cursor: Callable[[PostNode], None] | None = None
    """Called as the cursor lands on a node, so the screen's answer (the post's body)
    is drawn in the same frame as the cursor."""

    BINDINGS = [
        Binding("enter,space", "toggle_node", "Fold", priority=True),
        Binding("up", "cursor(-1)", "Up", show=False, priority=True),
        Binding("down", "cursor(1)", "Down", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
        Binding("pagedown", "page(1)", "Page down", show=False, priority=True),
        Binding("home", "cursor_to(0)", "First", show=False, priority=True),
        Binding("end", "cursor_to(-1)", "Last", show=False, priority=True),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.root = PostNode(self, None, Text("posts"), None)
        self.nodes_by_post: dict[int, PostNode] = {}
        self.unread: set[int] = set()
        self.pending: PostNode | None = None
        self.cursor_line = -1
        self._shown: list[PostNode] | None = []
        """The nodes on screen in order (None: to be worked out again)."""
        self._line_of: dict[PostNode, int] = {}
        self._guides: dict[PostNode, str] = {}
        self._lines: dict[tuple[object, ...], Strip] = {}
        """Drawn lines, keyed by all a line shows (post, label, guides, fold, cursor)."""
        self._blank: Strip | None = None

    # the posts --------------------------------------------------------------------
    def clear(self) -> None:
        """No posts (the screen is about to show another thread)."""
        self.root.children.clear()
        self.nodes_by_post.clear()
        self.unread.clear()
        self.pending = None
        self.cursor_line = -1
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._reshape()

    def add_posts(self, posts: tuple[Post, ...]) -> list[int]:
        """Add the posts not yet in the tree (in display order); returns their ids."""
        added = []
        for post in posts:
            node = self.nodes_by_post.get(post.id)
            if node is not None:
                self._update(node, post)
                continue
            parent = self.nodes_by_post.get(post.parent_id or -1, self.root)
            if post.unread:
                self.unread.add(post.id)
            node = PostNode(self, post, post_label(post, post.id in self.unread), parent)
            parent.children.append(node)
            self.nodes_by_post[post.id] = node
            added.append(post.id)
        if added:
            self._reshape()
        return added

    def _update(self, node: PostNode, post: Post) -> None:
        if node.data != post:
            node.data = post
            self._relabel(node, post_label(post, post.id in self.unread))

    def mark_read(self, post_id: int) -> None:
        """This post has been read: its unread marker goes (the rest stay as they are)."""
        self.unread.discard(post_id)
        node = self.nodes_by_post.get(post_id)
        if node is not None and node.data is not None:
            self._relabel(node, post_label(node.data, False))

    def _relabel(self, node: PostNode, label: Text) -> None:
        node.label = label  # a new label: a new key for its line
        self._refresh_line(self._line_of.get(node, -1))

    def walk(self) -> Iterator[PostNode]:
        """Every post's node in display order, folded or not."""
        stack = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def next_unread(self) -> PostNode | None:
        """The first unread post after the cursor in display order, wrapping around."""
        order = list(self.walk())
        current = self.cursor_node
        start = order.index(current) + 1 if current in order else 0
        for node in order[start:] + order[:start]:
            if node.data is not None and node.data.id in self.unread:
                return node
        return None

    # the cursor -------------------------------------------------------------------
    @property
    def cursor_node(self) -> PostNode | None:
        shown = self._visible()
        return shown[self.cursor_line] if 0 <= self.cursor_line < len(shown) else None

    @property
    def selected(self) -> PostNode | None:
        """The node the cursor is on, or is about to move to."""
        return self.pending or self.cursor_node

    def line_of(self, node: PostNode) -> int:
        self._visible()
        return self._line_of.get(node, -1)

    def move_cursor(self, node: PostNode | None) -> None:
        """Put the cursor on `node` (a shown one) and bring it into view."""
        self._set_cursor(-1 if node is None else self.line_of(node))

    def _set_cursor(self, line: int) -> None:
        shown = self._visible()
        line = min(max(line, -1), len(shown) - 1)
        previous, self.cursor_line = self.cursor_line, line
        if line == previous:
            return
        self._refresh_line(previous)
        self._refresh_line(line)
        self._scroll_to_cursor()
        if line >= 0 and self.on_cursor is not None:
            self.on_cursor(shown[line])

    def reveal(self, node: PostNode) -> None:
        """Unfold the node's ancestors and move the cursor onto it."""
        parent, folded = node.parent, False
        while parent is not None:  # the tree is shaped again once, however deep the post
            folded = folded or not parent.is_expanded
            parent.is_expanded = True
            parent = parent.parent
        if folded:
            self._reshape()
        self.pending = node
        self._move_when_sized()

    def keep(self, node: PostNode, scroll_y: float) -> None:
        """After posts were added, put the cursor back on `node` and the scroll where it was."""
        self.pending = node
        self._move_when_sized(scroll_y)

    def _move_when_sized(self, scroll_y: float | None = None) -> None:
        if self.size.height:
            self._move_to_pending(scroll_y)
        else:  # not laid out yet: there is no view to scroll
            self.call_after_refresh(self._move_to_pending, scroll_y)

    def _move_to_pending(self, scroll_y: float | None = None) -> None:
        if not still_shown(self):  # Escape came first: the screen's widgets are going
            self.pending = None
            return
        if scroll_y is not None:
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
        if self.pending is not None:
            node, self.pending = self.pending, None
            self.move_cursor(node)

    # keys and clicks --------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        self._set_cursor(max(0, self.cursor_line + step))

    def action_cursor_to(self, line: int) -> None:
        self._set_cursor(line if line >= 0 else len(self._visible()) - 1)

    def action_page(self, direction: int) -> None:
        self._set_cursor(max(0, self.cursor_line + direction * max(1, self.size.height - 1)))

    def action_toggle_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.toggle()

    def on_click(self, event: events.Click) -> None:
        line = event.y + self.scroll_offset.y
        if 0 <= line < len(self._visible()):
            event.stop()
            if line == self.cursor_line:
                self.action_toggle_node()
            else:
                self._set_cursor(line)

    # drawing ------------------------------------------------------------------------
    def _reshape(self) -> None:
        """The set or order of shown lines changed: work them out again when next needed."""
        keep = self.cursor_node if self._shown is not None else None
        self._shown = None
        if len(self._lines) > 4 * len(self.nodes_by_post) + 64:
            self._lines.clear()  # lines of labels and guides no longer shown
        shown = self._visible()
        if keep is not None:
            self.cursor_line = self._line_of.get(keep, min(self.cursor_line, len(shown) - 1))
        self.virtual_size = Size(self.size.width, len(shown))
        self.refresh()

    def _visible(self) -> list[PostNode]:
        if self._shown is not None:
            return self._shown
        shown: list[PostNode] = []
        guides: dict[PostNode, str] = {}
        # Depth first without recursion (a chain of replies can be deeper than Python's
        # stack): the level being walked in locals (its nodes, the next one's index, the
        # guides of the levels above, whether those were cut short, whether it is the top),
        # the levels above it in `frames`.
        frames: list[list[Any]] = []
        nodes, n, prefix, cut, top = self.root.children, 0, "", False, True
        widest = 2 * GUIDE_LEVELS
        add = shown.append
        while True:
            if n == len(nodes):
                if not frames:
                    break
                nodes, n, prefix, cut, top = frames.pop()
                continue
            node = nodes[n]
            n += 1
            add(node)
            last = n == len(nodes)
            if not top:
                guides[node] = (DEEPER + prefix if cut else prefix) + (LAST if last else BRANCH)
            if node.children and node.is_expanded:
                frames.append([nodes, n, prefix, cut, top])
                inner = "" if top else prefix + (SPACE if last else PIPE)
                if len(inner) > widest:
                    inner, cut = inner[2:], True
                nodes, n, prefix, top = node.children, 0, inner, False
        self._shown, self._guides = shown, guides
        self._line_of = {node: n for n, node in enumerate(shown)}
        return shown

    def _refresh_line(self, line: int) -> None:
        y = line - self.scroll_offset.y
        if line >= 0 and 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        top, height = self.scroll_offset.y, self.size.height
        if self.cursor_line < 0 or height <= 0:
            return
        if self.cursor_line < top:
            self.scroll_to(y=self.cursor_line, animate=False, immediate=True)
        elif self.cursor_line >= top + height:
            self.scroll_to(y=self.cursor_line - height + 1, animate=False, immediate=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # focus, theme: the same lines in other colours
        self._blank = None

    def on_resize(self) -> None:
        self._lines.clear()
        self.virtual_size = Size(self.size.width, len(self._visible()))

    def render_line(self, y: int) -> Strip:
        line = y + self.scroll_offset.y
        shown = self._visible()
        width = self.content_width()
        if line >= len(shown):
            if self._blank is None or self._blank.cell_length != width:
                self._blank = Strip.blank(width, self.rich_style)
            return self._blank
        node = shown[line]
        cursor = line == self.cursor_line
        guides = self._guides.get(node, "")
        fold = (EXPANDED if node.is_expanded else COLLAPSED) if node.children else ""
        key = (node, id(node.label), guides, fold, cursor)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._lines[key] = self._make_line(node, cursor, guides, fold, width)
        return strip

    def _make_line(self, node: PostNode, cursor: bool, guides: str, fold: str, width: int) -> Strip:
        text = Text(no_wrap=True, overflow="crop", end="")
        if guides:
            text.append(guides, self.get_component_rich_style("post-tree--guides", partial=True))
        text.append(fold)
        label = node.label.copy()
        if cursor:
            label.stylize(self.get_component_rich_style("post-tree--cursor"))
        text.append_text(label)
        style = self.rich_style
        line = styled_line(text.render(self.app.console, end=""), style)
        return line.crop_extend(0, width, style)

    @property
    def text(self) -> str:
        """The shown lines as plain text (for reading them back)."""
        return "\n".join(self._plain_line(node) for node in self._visible())

    def _plain_line(self, node: PostNode) -> str:
        icon = (EXPANDED if node.is_expanded else COLLAPSED) if node.children else ""
        return (self._guides.get(node, "") + icon + node.label.plain).rstrip()
