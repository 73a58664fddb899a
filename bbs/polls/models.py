"""A poll as screens, commands and the web see it (never rows)."""

from __future__ import annotations

from dataclasses import dataclass, field

ALWAYS = "always"
AFTER_VOTING = "after voting"
RESULTS = (ALWAYS, AFTER_VOTING)
"""When people may see the counts: at once, or once they have voted (or it has closed)."""


@dataclass(frozen=True)
class PollChoice:
    position: int  # 1, 2, ... as people vote for it
    label: str
    votes: int = 0  # 0 while the results are not shown to this viewer


@dataclass(frozen=True)
class Poll:
    thread_id: int
    community: str
    question: str
    choices: tuple[PollChoice, ...]
    several: bool = False  # one may choose several
    results: str = ALWAYS
    closes_at: float | None = None
    tz: str = "UTC"
    closed: bool = False
    closed_by: str = ""
    voters: int = 0
    mine: frozenset[int] = frozenset()
    shows_results: bool = True
    can_vote: bool = False
    can_close: bool = False
    by_viewer: bool = False  # the viewer started it (closing their own poll needs no reason)
    why_not: str = ""
    """Why the viewer may not vote, in words (closed, a guest, not a member)."""

    @property
    def ref(self) -> str:
        return f"{self.community}/{self.thread_id}"


@dataclass(frozen=True)
class PollDraft:
    """A poll as its author writes it, before the forum checks it."""

    question: str
    choices: tuple[str, ...] = field(default_factory=tuple)
    several: bool = False
    results: str = ALWAYS
    closes: str = ""  # "YYYY-MM-DD HH:MM" in `tz`, or "" for none
    tz: str = "UTC"
