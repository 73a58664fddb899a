"""What a place in plain mode is: a heading that says where you are, numbered choices, words.

Two kinds. A `Menu` numbers what one can do there (the main menu, a community, a
meetup, one's profile), each choice also with a word. A `ListPlace` numbers its
entries (communities, a board's threads, mail, search hits), ten to a page with
"more" for the next ten, and names what else one can do there with words ("post",
"write", "search"), listed under the entries. A place answers a number, a word, or an
empty line; whatever it returns says where to go next.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from bbs.plain.session import PlainSession


class Move(Enum):
    """Where to go that is not a new place."""

    BACK = "back"
    HOME = "home"
    QUIT = "quit"
    UNKNOWN = "unknown"  # a word the place does not know


Outcome = Union["Place", Move, None]
"""A new place to go into, a Move, or None: stay here."""


@dataclass(frozen=True)
class Choice:
    """One numbered choice of a menu; `word` does the same."""

    label: str
    run: Callable[[], Awaitable[Outcome]]
    word: str = ""


@dataclass(frozen=True)
class Word:
    """A command a place knows besides its numbers: `word`, what it does, and the deed."""

    word: str
    help: str
    run: Callable[[str], Awaitable[Outcome]]
    short: str = ""  # a one-letter form


class Place:
    """Where a person is. Subclasses say what is shown and what may be typed."""

    where = "plain mode"
    """For who's online."""

    wants_lines = False
    """Whether every line typed here goes to `said` first, whole (a chat room's lines)."""

    def __init__(self, session: PlainSession) -> None:
        self.s = session

    def prompt(self) -> str:
        return "> "

    async def show(self) -> None:
        """Say the heading and what is here (on arrival, and when asked again)."""

    async def choose(self, number: int) -> Outcome:
        self.s.say(f"There is no {number} here.")
        return None

    def words(self) -> list[Word]:
        return []

    async def command(self, word: str, rest: str) -> Outcome:
        for known in self.words():
            if word in (known.word, known.short):
                return await known.run(rest)
        return Move.UNKNOWN

    async def enter(self) -> Outcome:
        """An empty line: say the place again."""
        await self.show()
        return None

    async def more(self) -> bool:
        """Show the next page, if there is one."""
        return False

    async def said(self, text: str) -> Outcome:
        """A whole line, for a place that `wants_lines`; Move.UNKNOWN: handle it as usual."""
        return Move.UNKNOWN

    def leave(self) -> None:
        """The person left this place (what it follows live stops here)."""

    def say_words(self) -> None:
        words = self.words()
        if words:
            self.s.say("Also: " + "; ".join(f"{w.word}: {w.help}" for w in words) + ".")


class Menu(Place):
    """A heading, some text, and numbered choices."""

    def heading(self) -> str:
        return ""

    async def load(self) -> list[str]:
        """Fresh text to say above the choices (called on each showing)."""
        return []

    def choices(self) -> list[Choice]:
        return []

    async def show(self) -> None:
        lines = await self.load()
        self.s.say(self.heading())
        if lines:
            self.s.say_long(lines)
        for number, choice in enumerate(self.choices(), 1):
            self.s.say(f"  {number} {choice.label}")
        self.say_words()

    async def choose(self, number: int) -> Outcome:
        choices = self.choices()
        if 1 <= number <= len(choices):
            return await choices[number - 1].run()
        self.s.say(f"Choose 1 to {len(choices)}.")
        return None

    async def command(self, word: str, rest: str) -> Outcome:
        for choice in self.choices():
            if choice.word and word == choice.word:
                return await choice.run()
        return await super().command(word, rest)


class ListPlace(Place):
    """Numbered entries, a page at a time; `open(n)` goes into entry n (numbered from 1)."""

    PAGE = 10

    def __init__(self, session: PlainSession) -> None:
        super().__init__(session)
        self.page = 0
        self.total: int | None = None

    def heading(self) -> str:
        return ""

    async def entries(self, page: int) -> list[str]:
        """The lines of one page of entries; sets `self.total` when it knows it."""
        return []

    def empty(self) -> str:
        return "Nothing here yet."

    async def open(self, number: int) -> Outcome:
        return None

    async def show(self) -> None:
        await self._show_page(self.page)

    async def _show_page(self, page: int) -> bool:
        lines = await self.entries(page)
        total = self.total
        pages = max(1, -(-total // self.PAGE)) if total is not None else None
        if page and not lines:
            return False
        self.page = page
        where = f" (page {page + 1} of {pages})" if pages and pages > 1 else ""
        self.s.say(self.heading() + where)
        first = page * self.PAGE + 1
        self.s.say(*(f"  {first + n} {line}" for n, line in enumerate(lines)))
        if not lines:
            self.s.say(self.empty())
        if pages is not None and page + 1 < pages:
            self.s.say(f"Type more for the next {self.PAGE}.")
        self.say_words()
        return True

    async def more(self) -> bool:
        if self.total is not None and (self.page + 1) * self.PAGE >= self.total:
            return False
        return await self._show_page(self.page + 1)

    async def choose(self, number: int) -> Outcome:
        if number < 1 or (self.total is not None and number > self.total):
            self.s.say(f"Choose 1 to {self.total}." if self.total else "There is nothing here.")
            return None
        return await self.open(number)
