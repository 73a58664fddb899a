"""A thread's poll for the web reader's page: the text bars and shares beside its counts."""

from __future__ import annotations

from typing import Any

from bbs.polls.bars import bar, share, summary
from bbs.polls.models import Poll

BAR_CELLS = 10


def poll_context(poll: Poll | None) -> dict[str, Any]:
    """What `_poll.html` shows (nothing when the thread has no poll)."""
    if poll is None:
        return {"poll": None}
    return {
        "poll": poll,
        "poll_summary": summary(poll),
        "poll_bars": [bar(c.votes, poll.voters, BAR_CELLS, "█", "░") for c in poll.choices],
        "poll_shares": [share(c.votes, poll.voters) for c in poll.choices],
    }
