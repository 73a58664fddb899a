"""How plain mode says times and counts: words a screen reader reads well ("2 weeks ago")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

_SPANS = (
    (365 * 86_400, "year"),
    (30 * 86_400, "month"),
    (7 * 86_400, "week"),
    (86_400, "day"),
    (3_600, "hour"),
    (60, "minute"),
)


def count(n: int, noun: str, plural: str = "") -> str:
    """'1 post', '3 posts', 'no posts'."""
    many = plural or f"{noun}s"
    if n == 0:
        return f"no {many}"
    return f"{n:,} {noun if n == 1 else many}"


def ago(at: float | None, now: float) -> str:
    """'just now', '5 minutes ago', 'yesterday', '2 weeks ago', 'in 3 days'."""
    if not at:
        return "never"
    seconds = now - at
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "just now"
    for size, unit in _SPANS:
        if seconds >= size:
            n = int(seconds // size)
            if unit == "day" and n == 1:
                return "tomorrow" if future else "yesterday"
            words = f"{n} {unit}{'' if n == 1 else 's'}"
            return f"in {words}" if future else f"{words} ago"
    return "just now"  # pragma: no cover - the last span is a minute


def when(at: float, tz: str) -> str:
    """A meetup's time in its own zone: 'Saturday 5 December 2026 at 14:00 (Europe/London)'."""
    try:
        local = datetime.fromtimestamp(at, ZoneInfo(tz))
    except (ValueError, KeyError):
        local = datetime.fromtimestamp(at)
    return f"{local:%A} {local.day} {local:%B %Y at %H:%M} ({tz})"
