"""The posts of a thread as a collapsible tree, unread posts marked with a sign, not a colour."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.text import Text, TextType
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from bbs.models import Post
from screens.widgets.fixed_box import FixedBox
from screens.widgets.forum_call import still_shown
from screens.widgets.safe import UNREAD_MARK, ago, one_line, safe


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


class PostTree(FixedBox, Tree[Post]):
    """A `Tree` of `Post`s keyed by post id; new posts are added in place (selection kept)."""

    on_cursor: Callable[[TreeNode[Post]], None] | None = None
    """Called as the cursor lands on a node, before NodeHighlighted is even posted, so
    the screen's answer (the post's body) is drawn in the same frame as the cursor."""

    BINDINGS = [
        Binding("enter,space", "toggle_node", "Fold"),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(Text("posts"), **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.guide_depth = 2
        self.nodes_by_post: dict[int, TreeNode[Post]] = {}
        self.unread: set[int] = set()
        self.pending: TreeNode[Post] | None = None

    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        super().watch_cursor_line(previous_line, line)
        node = self.cursor_node
        if previous_line != line and node is not None and self.on_cursor is not None:
            self.on_cursor(node)

    def process_label(self, label: TextType) -> Text:
        """Post labels are one line of `Text` already: skip the split and copy per node."""
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def get_label_width(self, node: TreeNode[Post]) -> int:
        """The width without rendering the label (a thread of 5,000 posts asks 5,000 times)."""
        icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        return (cell_len(icon) if node.allow_expand else 0) + node.label.cell_len

    def _invalidate(self) -> None:
        """Tree._invalidate without a layout of the whole screen: this tree's box is fixed
        by the screen's CSS, only its lines change (a new post reaching every reader of
        the thread cost each of them a layout and a full repaint)."""
        self._clear_line_cache()
        self._updates += 1
        self.root._reset()
        self.refresh()

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
            parent.allow_expand = True
            self.nodes_by_post[post.id] = parent.add(
                post_label(post, post.id in self.unread),
                data=post,
                expand=True,
                allow_expand=False,
            )
            added.append(post.id)
        return added

    def _update(self, node: TreeNode[Post], post: Post) -> None:
        if node.data != post:
            node.data = post
            node.set_label(post_label(post, post.id in self.unread))

    def mark_read(self, post_id: int) -> None:
        """This post has been read: its unread marker goes (the rest stay as they are)."""
        self.unread.discard(post_id)
        node = self.nodes_by_post.get(post_id)
        if node is not None and node.data is not None:
            node.set_label(post_label(node.data, False))

    def next_unread(self) -> TreeNode[Post] | None:
        """The first unread post after the cursor in display order, wrapping around."""
        order = list(self._walk(self.root))
        current = self.cursor_node
        start = order.index(current) + 1 if current in order else 0
        for node in order[start:] + order[:start]:
            if node.data is not None and node.data.id in self.unread:
                return node
        return None

    def _walk(self, node: TreeNode[Post]) -> list[TreeNode[Post]]:
        found: list[TreeNode[Post]] = []
        for child in node.children:
            found.append(child)
            found.extend(self._walk(child))
        return found

    def reveal(self, node: TreeNode[Post]) -> None:
        """Expand the node's ancestors and move the cursor onto it."""
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.pending = node
        self.call_after_refresh(self._move_to_pending)

    @property
    def selected(self) -> TreeNode[Post] | None:
        """The node the cursor is on, or is about to move to."""
        return self.pending or self.cursor_node

    def keep(self, node: TreeNode[Post], scroll_y: float) -> None:
        """After posts were added, put the cursor back on `node` and the scroll where it was."""
        self.pending = node
        self.call_after_refresh(self._move_to_pending, scroll_y)

    def _move_to_pending(self, scroll_y: float | None = None) -> None:
        if not still_shown(self):  # Escape came first: the screen's widgets are going
            self.pending = None
            return
        if self.pending is not None:
            self.move_cursor(self.pending)
            self.pending = None
        if scroll_y is not None:
            self.scroll_to(y=scroll_y, animate=False)
