"""What a person sends, before Textual's parser: pastes taken whole and cleaned, keys on a budget.

Textual's XTermParser reads a bracketed paste one character at a time (a
1 MB paste held the event loop, and every session on it, for about 3 s) and
re-issues any escape sequence inside it as key presses. A flood of typed
bytes costs tens of microseconds of the app's time per key. So the driver
splits pastes out here (found with str.find, cleaned, cut at `MAX_PASTE`)
and feeds ordinary input to the parser no faster than `KeyBudget` allows,
pausing the channel meanwhile so SSH flow control holds the rest back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bbs.text import clean

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
MAX_PASTE = 25_000  # characters kept of one paste (the longest field takes 20,000)
KEY_RATE = 2048  # bytes per second of typed input, sustained (people type far less)
KEY_BURST = 32  # bytes parsed at once: the app handles them in one go, others wait
MAX_SEQUENCE = 64  # longest escape sequence kept whole (an SGR mouse report is ~16)


@dataclass(frozen=True)
class Pasted:
    """One whole bracketed paste, cleaned; `cut` when it was longer than `MAX_PASTE`."""

    text: str
    cut: bool = False


def _partial_end(text: str) -> int:
    """How many characters at the end of `text` could begin PASTE_END."""
    for size in range(min(len(text), len(PASTE_END) - 1), 0, -1):
        if PASTE_END.startswith(text[-size:]):
            return size
    return 0


class PasteSplitter:
    """Splits decoded input into plain text (for the parser) and whole pastes.

    A paste start marker split across two reads is left to Textual's own
    (slower) paste handling; everything inside a paste is found here.
    """

    def __init__(self, limit: int = MAX_PASTE) -> None:
        self.limit = limit
        self.in_paste = False
        self._parts: list[str] = []
        self._size = 0
        self._cut = False
        self._tail = ""

    def feed(self, text: str) -> list[str | Pasted]:
        """The pieces of `text` in order: strings to parse and finished pastes."""
        out: list[str | Pasted] = []
        while text:
            if not self.in_paste:
                start = text.find(PASTE_START)
                if start < 0:
                    out.append(text)
                    break
                if start:
                    out.append(text[:start])
                text = text[start + len(PASTE_START) :]
                self.in_paste, self._parts, self._size, self._cut = True, [], 0, False
                continue
            text, self._tail = self._tail + text, ""
            end = text.find(PASTE_END)
            if end < 0:
                keep = _partial_end(text)
                self._add(text[: len(text) - keep])
                self._tail = text[len(text) - keep :]
                break
            self._add(text[:end])
            out.append(Pasted(clean("".join(self._parts)), self._cut))
            self.in_paste, self._parts = False, []
            text = text[end + len(PASTE_END) :]
        return out

    def _add(self, text: str) -> None:
        room = self.limit - self._size
        if len(text) > room:
            self._cut = True
            text = text[: max(room, 0)]
        if text:
            self._parts.append(text)
            self._size += len(text)


class KeyBudget:
    """A token bucket of typed bytes: `take(n)` says how many may go now, `delay(n)` when."""

    def __init__(
        self,
        rate: float = KEY_RATE,
        burst: float = KEY_BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._tokens = burst
        self._at = clock()

    def _refill(self) -> None:
        now = self.clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def take(self, wanted: int) -> int:
        """Spend up to `wanted` tokens; returns how many were granted."""
        self._refill()
        granted = int(min(wanted, self._tokens))
        self._tokens -= granted
        return granted

    def delay(self, wanted: int) -> float:
        """Seconds until `wanted` tokens (at most a burst's worth) are there."""
        self._refill()
        need = min(wanted, self.burst) - self._tokens
        return max(0.0, need / self.rate)


def first_key(text: str) -> int:
    """How many characters of `text` make its first key: one, or a whole escape sequence.

    Feeding input one key at a time must not cut a sequence in two: the parser would
    time out on the half it holds and read the rest as typed text.
    """
    if not text.startswith("\x1b") or len(text) == 1:
        return min(1, len(text))
    kind = text[1]
    if kind == "[":  # CSI: parameters, then one final byte in @..~
        for end in range(2, min(len(text), MAX_SEQUENCE)):
            if "@" <= text[end] <= "~":
                return end + 1
        return min(len(text), MAX_SEQUENCE)
    if kind == "O":  # SS3: one more character (F1-F4, keypad)
        return min(3, len(text))
    return 2  # Alt+key
