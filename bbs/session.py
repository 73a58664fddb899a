"""A session: who is signed in, on what terminal, and the shared services a screen needs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from bbs.forum import Forum
from bbs.models import Person
from bbs.presence import Presence


@dataclass
class Session:
    """Everything one person's app needs; screens get this and nothing else. (The SSH
    side's `SessionChannel` carries it, and its worker knows it as a `RunningApp`.)"""

    forum: Forum
    person: Person
    presence: Presence
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    term: str = "xterm-256color"
    color_depth: str = "256"  # "truecolor", "256", "standard" or "none" (NO_COLOR)
    remote: str = "local"
    where: str = "welcome"

    def move(self, where: str) -> None:
        """Say where in the forum this person is now (for who's online)."""
        self.where = where
        self.presence.move(self.id, where)

    @property
    def bus(self):  # noqa: ANN201 - the forum's LiveBus
        return self.forum.bus
