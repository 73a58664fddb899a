"""Rows into models without letting one bad row break a page for everyone.

A row an older version or a hand edit left behind (a time that is text, a year no
calendar has, a zone that is no zone) must not take down the welcome screen of a
whole community. Each row is checked as it becomes a model; one that cannot be
shown is left out, counted (the page says "1 event could not be shown"), and logged
once per process, not with a traceback for every person on every view.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

EARLIEST = 0.0
"""The earliest instant shown (1970-01-01): nothing on the board was written before."""
LATEST = 253_370_764_800.0
"""The latest instant shown (9999-01-01 UTC): a year that every zone, an event's end
and `time.localtime` can still express."""


class BadRow(ValueError):
    """A stored value the system cannot show; the message names the value."""


def instant(value: object) -> float:
    """A stored time as a float, or BadRow when it is not one the screens can show."""
    if type(value) not in (float, int) or not EARLIEST <= value <= LATEST:  # type: ignore[operator]
        raise BadRow(f"time {value!r:.40}")
    return float(value)  # type: ignore[arg-type]


def maybe_instant(value: object) -> float | None:
    return None if value is None else instant(value)


def text(value: object) -> str:
    """A stored text, or BadRow (a BLOB or a number where words belong)."""
    if type(value) is not str:
        raise BadRow(f"text {value!r:.40}")
    return value


def number(value: object) -> int:
    """A stored whole number (a count, an id), or BadRow."""
    if type(value) is not int:
        raise BadRow(f"number {value!r:.40}")
    return value


def finite(value: object) -> float:
    if type(value) not in (float, int) or not math.isfinite(value):  # type: ignore[arg-type]
        raise BadRow(f"number {value!r:.40}")
    return float(value)  # type: ignore[arg-type]


class Listing(list[T]):
    """A list of models, and how many rows were left out because they could not be shown."""

    unshown: int = 0


_logged: set[tuple[str, object]] = set()
_logged_lock = threading.Lock()
_LOGGED_MAX = 10_000


def note_bad(where: str, key: object, error: Exception, trace: bool = False) -> None:
    """Log a row that cannot be shown (or, with `trace`, an error of ours and its
    traceback), once per process: not for every person on every view."""
    with _logged_lock:
        if (where, key) in _logged:
            return
        if len(_logged) >= _LOGGED_MAX:
            _logged.clear()
        _logged.add((where, key))
    if trace:
        log.error("%s failed: %s: %s", where, type(error).__name__, error, exc_info=error)
    else:
        log.warning("cannot show %s %s: %s: %s", where, key, type(error).__name__, error)


def rows_to_models(
    rows: Iterable[R], make: Callable[[R], T], where: str, key: Callable[[R], Any]
) -> Listing[T]:
    """`make(row)` for each row; rows that fail are counted in `unshown` and logged once."""
    found: Listing[T] = Listing()
    for row in rows:
        try:
            found.append(make(row))
        except (BadRow, TypeError, ValueError, KeyError, OverflowError, OSError) as error:
            found.unshown += 1
            note_bad(where, _key(key, row), error)
    return found


def _key(key: Callable[[R], Any], row: R) -> object:
    try:
        return key(row)
    except Exception:  # noqa: BLE001 - the key of a bad row may itself be bad
        return "?"


def unshown_note(count: int, what: str) -> str:
    """'1 event could not be shown' (plural as needed), or '' for none."""
    if count <= 0:
        return ""
    noun = what if count == 1 else f"{what}s"
    return f"{count} {noun} could not be shown"
