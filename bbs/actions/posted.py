"""What the forum does after a post commits: one typed record, handed to each handler in turn.

The handlers are listed in one place (`bbs.forum.Forum.after_post`), in the order they
run. Each gets the same `Posted`; none depends on another having run, and one that fails
is logged and the next still runs: the post stands, whatever a handler's trouble.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bbs.models import Person


@dataclass(frozen=True)
class Posted:
    """A post that has just committed: a thread's first post, or a reply."""

    author: Person
    community: str
    board_id: int
    thread_id: int
    post_id: int
    body: str
    created: float
    parent_id: int | None = None
    """The post it answers; None for the first post of a new thread."""
    depth: int = 0

    @property
    def starts_thread(self) -> bool:
        return self.parent_id is None


AfterPost = Callable[[Posted], None]
"""One thing to do once a post has committed (tell readers, deliver mentions ...)."""
