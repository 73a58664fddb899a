"""A poll's results as lines of text: a bar of characters, the count and the percentage.

Nothing is told by colour: the bar is filled and empty characters, each line carries its
count and share of the voters, and one's own choice is marked with a character. The TUI
draws block characters, exec commands `#` and `.`; plain mode says the counts in words.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from bbs.polls.models import Poll
from bbs.text import clean_line

MINE = "*"
"""Marks the viewer's own choice."""


def share(votes: int, voters: int) -> int:
    """Per cent of the voters who chose it, rounded (0 with no voters)."""
    return round(100 * votes / voters) if voters else 0


def bar(votes: int, voters: int, cells: int, full: str = "#", empty: str = ".") -> str:
    """`cells` characters, filled in proportion to the share of voters."""
    filled = round(cells * votes / voters) if voters else 0
    return full * filled + empty * (cells - filled)


def result_lines(poll: Poll, width: int = 72, full: str = "#", empty: str = ".") -> list[str]:
    """One line a choice: mark, label, bar, count, share; counts hidden until allowed."""
    labels = [clean_line(c.label) for c in poll.choices]
    label_cells = min(max((cell_len(label) for label in labels), default=1), max(8, width // 3))
    lines = []
    for choice, label in zip(poll.choices, labels, strict=True):
        mark = MINE if choice.position in poll.mine else " "
        name = set_cell_size(label, label_cells)
        head = f"{mark} {choice.position}. {name}"
        if not poll.shows_results:
            lines.append(head.rstrip())
            continue
        tail = f" {choice.votes:>4}  {share(choice.votes, poll.voters):>3}%"
        cells = max(4, width - cell_len(head) - len(tail) - 1)
        lines.append(f"{head} {bar(choice.votes, poll.voters, cells, full, empty)}{tail}")
    return lines


def summary(poll: Poll) -> str:
    """'12 people voted · one choice · closes ...' style words, without the closing time."""
    people = "1 person has" if poll.voters == 1 else f"{poll.voters} people have"
    how = "several choices allowed" if poll.several else "one choice"
    state = "closed" if poll.closed else "open"
    seen = "" if poll.shows_results else "; results are shown once you have voted"
    return f"{people} voted; {how}; {state}{seen}"
