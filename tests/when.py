"""Event times for tests, relative to now: meetups take only times from a day ago to five
years ahead, so a fixed date in a test would start failing the day it passes."""

from __future__ import annotations

import time


def in_days(days: float, at: str = "19:30", now: float | None = None) -> str:
    """'YYYY-MM-DD HH:MM': `at` on the day `days` from now (UTC dates, any zone's clock)."""
    day = time.strftime("%Y-%m-%d", time.gmtime((now or time.time()) + days * 86_400))
    return f"{day} {at}"
