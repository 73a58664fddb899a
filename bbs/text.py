"""Cleaning text from people so it can never steer another person's terminal.

Textual and Rich strip only a handful of control characters; ESC sequences,
C1 controls, NUL and DEL pass straight through to the terminal. Everything a
person types goes through `clean()` by code point, after decoding, before it
is stored, and the UI cleans again when rendering (it never trusts the store).
"""

from __future__ import annotations

import re
import unicodedata

from bbs.errors import TextError

MENTION_RE = re.compile(r"(?<![\w@])@([a-z][a-z0-9_-]{1,19})\b", re.IGNORECASE)
"""An @handle in a post or a chat line (not inside a word or an e-mail address)."""

__all__ = [
    "TextError",
    "clean",
    "clean_line",
    "check_length",
    "clean_field",
    "LIMITS",
    "HANDLE_RE",
    "clean_handle",
]


# Escape sequences, 7-bit and 8-bit forms. Strings (OSC, DCS, SOS, PM, APC) run
# to their terminator (BEL or ST) or, unterminated, to the end of the text.
_SEQUENCES = re.compile(
    r"""
    (?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?        # OSC ... BEL/ST
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)? # DCS/SOS/PM/APC ... ST
  | (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?          # CSI params final
  | \x1b[\x20-\x2f]*[\x30-\x7e]?                                 # other ESC sequences
    """,
    re.VERBOSE,
)

# Bidirectional embeddings, overrides and isolates (Trojan Source, CVE-2021-42574).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u200e\u200f")

_C1_INTRODUCERS = re.compile("[\x90\x98\x9b\x9d\x9e\x9f]")

LIMITS: dict[str, int] = {
    "title": 120,
    "body": 20_000,
    "handle": 20,
    "display_name": 40,
    "bio": 500,
    "oneliner": 80,
    "description": 200,
    "rules": 5_000,
    "name": 60,
    "reason": 300,
    "subject": 120,
    "place": 200,
    "query": 200,
    "chat": 2_000,  # a line said in a chat room (or a page)
    "question": 200,  # a poll's question
    "choice": 80,  # one of a poll's choices
}

HANDLE_RE = re.compile(r"^[a-z][a-z0-9_-]{1,19}$")


# Everything removed after the sequences: C0 controls but newline and tab, DEL, C1
# (Unicode category Cc), lone surrogates from bad decoding (Cs) and the bidi controls.
# Private-use and unassigned characters stay: they cannot control a terminal.
_BIDI_CLASS = "".join(sorted(_BIDI))
_CONTROLS_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_BIDI_CLASS}]")
_CONTROLS_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_BIDI_CLASS}]")


MARKS_PER_LETTER = 4
"""Combining marks kept on one letter (Vietnamese needs two, Hebrew with its points a few):
a run of dozens ("Zalgo" text) draws over the lines above and below in a terminal."""
_MARK_RUNS = re.compile(
    f"([\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
    f"{{{MARKS_PER_LETTER}}})[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff"
    f"\u20d0-\u20ff\ufe20-\ufe2f]+"
)


def clean(text: str, *, multiline: bool = True) -> str:
    """Return `text` with escape sequences, controls and bidi overrides removed, and runs
    of combining marks cut to MARKS_PER_LETTER.

    Newlines and tabs are kept when `multiline`; otherwise each becomes a
    space. Carriage returns become newlines. Cleaning twice changes nothing.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or _C1_INTRODUCERS.search(text):
        text = _SEQUENCES.sub("", text)
    if not text.isascii():
        text = _MARK_RUNS.sub(r"\1", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
        return _CONTROLS_ONE_LINE.sub("", text)
    return _CONTROLS_MULTILINE.sub("", text)


def clean_line(text: str) -> str:
    """One line of text (a title, a name): cleaned, inner runs of spaces kept, ends trimmed."""
    return clean(text, multiline=False).strip()


# Characters that draw nothing on their own: format characters (zero-width space and
# joiners), combining marks with nothing to sit on, spaces, and the blank letters
# (Hangul fillers, the blank Braille pattern) that pass for text.
_NOTHING_SHOWN = frozenset({"Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def shows_something(text: str) -> bool:
    """Whether any character of `text` draws something (a title of zero-width spaces,
    or of combining marks alone, cleans to nothing a reader can see)."""
    return any(
        ch not in _BLANK_LETTERS and unicodedata.category(ch) not in _NOTHING_SHOWN for ch in text
    )


def check_length(field: str, text: str, *, required: bool = True) -> str:
    """Raise TextError naming the limit when `text` is empty (if required) or too long."""
    limit = LIMITS[field]
    label = field.replace("_", " ")
    if required and not text.strip():
        raise TextError(f"The {label} is empty.")
    if required and not shows_something(text):
        raise TextError(f"The {label} has nothing that shows: only invisible characters.")
    if len(text) > limit:
        raise TextError(f"The {label} is {len(text):,} characters; the limit is {limit:,}.")
    return text


def clean_field(field: str, text: str, *, required: bool = True, multiline: bool = False) -> str:
    """Clean and length-check a named field in one step."""
    cleaned = clean(text, multiline=True).strip() if multiline else clean_line(text)
    return check_length(field, cleaned, required=required)


def clean_handle(text: str) -> str:
    """A handle: lower case, starts with a letter, 2-20 of a-z 0-9 _ -."""
    handle = clean_line(text).lower()
    if not HANDLE_RE.match(handle):
        raise TextError(
            "A handle is 2 to 20 characters: a letter first, then letters, digits, _ or -."
        )
    return handle
