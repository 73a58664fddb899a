"""The search's query language, one for both stores: words, all of which must match.

A query is its words (`\\w+`, the first 12), each a phrase of the tokens in it, and a post
matches when it holds every phrase. SQLite hands them to FTS5 as quoted phrases, whose
`unicode61` tokenizer splits on anything but letters and digits, folds case and drops
Latin diacritics. PostgreSQL's own parser and dictionaries would split and fold
otherwise (a host name or `3.5` is one token to it, and under the C locale it folds no
accent), so for it the tokens are made here, the same way, and handed over as a
`tsvector` and a `tsquery` written out: PostgreSQL parses nothing of a post itself.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERMS = 12
MAX_POSITION = 16_383  # PostgreSQL keeps positions up to this; past it, this one
MAX_LEXEME_BYTES = 2_046  # PostgreSQL refuses a longer lexeme

_TERM = re.compile(r"\w+")
_TOKEN = re.compile(r"[^\W_]+")


def terms(text: str) -> list[str]:
    """The words of a query, as typed (the first MAX_TERMS)."""
    return _TERM.findall(text)[:MAX_TERMS]


def fts_query(text: str) -> str:
    """Free text as an FTS5 query of quoted terms (all must match); never a syntax error."""
    return " ".join(f'"{term}"' for term in terms(text))


def _fold(token: str) -> str:
    """Lower case, and the diacritics of Latin letters dropped (what FTS5's unicode61 does
    by default: `ё` stays `ё`, `é` becomes `e`)."""
    folded = []
    for char in token.lower():
        parts = unicodedata.normalize("NFD", char)
        if len(parts) > 1 and unicodedata.name(parts[0], "").startswith("LATIN"):
            char = "".join(c for c in parts if not unicodedata.combining(c))
        folded.append(char)
    return "".join(folded)


def tokens(text: str) -> list[str]:
    """The tokens of a text, in order: runs of letters and digits, folded."""
    found = (_fold(t) for t in _TOKEN.findall(unicodedata.normalize("NFC", text)))
    return [t for t in found if t and len(t.encode()) <= MAX_LEXEME_BYTES]


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(text: str) -> str:
    """A text's tokens as a PostgreSQL `tsvector` literal, with their positions."""
    positions: dict[str, list[int]] = {}
    for at, token in enumerate(tokens(text), start=1):
        found = positions.setdefault(token, [])
        if not found or found[-1] < min(at, MAX_POSITION):
            found.append(min(at, MAX_POSITION))
    return " ".join(
        f"{_lexeme(token)}:{','.join(map(str, at[:256]))}" for token, at in positions.items()
    )


def tsquery(text: str) -> str:
    """A query as a PostgreSQL `tsquery` literal ('' when it has no word): every term a
    phrase of its tokens, all of them required. A term with no token is left out, as FTS5
    leaves out an empty phrase."""
    phrases = []
    for term in terms(text):
        found = tokens(term)
        if found:
            phrases.append("(" + " <-> ".join(_lexeme(t) for t in found) + ")")
    return " & ".join(phrases)
