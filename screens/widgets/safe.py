"""Rendering text from people safely: cleaned again, never read as markup; ages at render time."""

from __future__ import annotations

import time

from rich.text import Text

from bbs.text import clean


def safe(text: str, style: str = "") -> Text:
    """User text as a Rich `Text`: cleaned of controls, markup never interpreted."""
    if not isinstance(text, str):  # a BLOB or a number a bad row held: shown, never a crash
        text = "?" if text else ""
    return Text(clean(text), style=style)


def one_line(text: str, width: int = 60) -> str:
    """The first line of `text`, cleaned, cut to `width` characters with an ellipsis."""
    # Only the start can show: clean a window of it, not a whole 20,000-character post.
    shown = text if isinstance(text, str) else ("?" if text else "")
    first = clean(shown[: width * 8], multiline=False).strip()
    return first if len(first) <= width else first[: width - 1] + "…"


def ago(at: float | None, now: float | None = None) -> str:
    """How long ago `at` was, in words short enough for a table cell ("3h ago")."""
    if not at:
        return "never"
    try:
        seconds = max(0, int((now or time.time()) - at))
    except (TypeError, ValueError, OverflowError):  # a time only a bad row could hold
        return "?"
    for size, unit in ((86400 * 365, "y"), (86400 * 7, "w"), (86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


UNREAD_MARK = "●"


def unread_cell(count: int) -> Text:
    """An unread count that does not rely on colour: a marker and the number, or a dash."""
    if count <= 0:
        return Text("-")
    return Text(f"{UNREAD_MARK} {count}", style="bold")
