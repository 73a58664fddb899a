"""The places of plain mode, one module per part of the forum; the words that open them."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING

from bbs.plain.menus import Outcome

if TYPE_CHECKING:
    from bbs.plain.session import PlainSession


def by_word(s: PlainSession, word: str, rest: str) -> Awaitable[Outcome] | None:
    """The main menu's words work everywhere ("mail", "search beans"); None if not one."""
    from bbs.plain.places.main import opener

    found = opener(s, word, rest)
    return found
