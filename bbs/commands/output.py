"""How commands write what the forum gives them: times, cells, JSON-ready data, ids."""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
from collections.abc import Callable
from typing import Any

from rich.cells import cell_len, set_cell_size

from bbs.models import MAX_ID, post_ref, thread_ref
from bbs.text import clean


def when(at: float | None) -> str:
    if not at:
        return "-"
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(at))
    except (OverflowError, OSError, ValueError, TypeError):  # never for a row that was checked
        return "?"


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, else a usage line saying so."""

    def parse(text: str) -> int:
        value = text.strip()
        if not value.lstrip("-").isdigit() or len(value) > 30:
            raise argparse.ArgumentTypeError(f"{text[:30]!r} is not a whole number")
        number = int(value)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is not from {low} to {high:,}")
        return number

    return parse


an_id = whole_number(1, MAX_ID)
"""An id from the command line: 1 .. 2**63-1, what SQLite can hold."""


def as_data(obj: Any) -> Any:
    """A model as JSON-ready data, its text cleaned."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {k: as_data(v) for k, v in dataclasses.asdict(obj).items()}
    if isinstance(obj, dict):
        return {k: as_data(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [as_data(v) for v in obj]
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, bytes):  # a BLOB a bad row held where text belongs: JSON has no bytes
        return "?"
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def line(text: str) -> str:
    """`text` on one line, cleaned."""
    return clean(text, multiline=False)


def fit(text: str, cells: int) -> str:
    """One line of `text` in exactly `cells` terminal cells (cut with '…', padded): a column
    stays a column with wide characters, combining marks or a title with no spaces."""
    shown = line(text)
    if cell_len(shown) > cells:
        shown = set_cell_size(shown, cells - 1) + "…"
    return set_cell_size(shown, cells)


def refs(slug: str, thread_id: int, post_id: int) -> dict[str, str]:
    """A post's ref and its thread's, as `post`, `reply` and `new` print them in JSON."""
    return {"thread": thread_ref(slug, thread_id), "post": post_ref(slug, post_id)}
