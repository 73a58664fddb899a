"""How a poll reads in one line (the thread screen's) and when it closes (the poll's screen)."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from bbs.polls.models import Poll
from screens.widgets.safe import one_line, safe


def closing_words(poll: Poll) -> str:
    """'closes Sat 05 Jul 2026 18:00 Europe/London' (or 'closed'), or '' for no time."""
    if poll.closed:
        return f"closed{' by ' + poll.closed_by if poll.closed_by else ''}"
    if poll.closes_at is None:
        return ""
    try:
        local = time.strftime("%a %d %b %Y %H:%M", _local(poll.closes_at, poll.tz))
    except (ValueError, OverflowError, OSError):
        return ""
    return f"closes {local} {poll.tz}"


def _local(at: float, tz: str) -> time.struct_time:
    return datetime.fromtimestamp(at, ZoneInfo(tz)).timetuple()


def poll_line(poll: Poll) -> Text:
    """The thread screen's one line about its poll."""
    text = Text.assemble(("Poll: ", "bold"), safe(one_line(poll.question, 40)))
    voted = "you voted" if poll.mine else "not voted yet" if poll.can_vote else ""
    parts = [f"{poll.voters} voted", voted, closing_words(poll), "v to see and vote"]
    text.append("  · " + " · ".join(p for p in parts if p), style="dim")
    return text
