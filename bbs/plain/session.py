"""One person's plain-mode session: read a line, do what it says, write text that stays.

Another client of `bbs.forum`, beside the TUI and the exec commands: every rule
(who may read or post, cleaning, pacing) is the forum's; a refusal is said in its
own words. Everything written goes through `bbs.text.clean` on the way out, so no
escape sequence, control character or bidi override from a post (or from anywhere)
reaches the person's terminal: only text and line endings.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from bbs.errors import ForumError
from bbs.forum import Forum
from bbs.models import Person
from bbs.plain.line_io import CTRL_C, CTRL_D
from bbs.plain.menus import Move, Outcome, Place
from bbs.presence import Presence
from bbs.text import clean

log = logging.getLogger(__name__)
T = TypeVar("T")

GOODBYE = frozenset({"quit", "q", "bye", "exit", "logoff", "logout", "goodbye"})
GLOBAL_HELP = (
    ("a number", "choose that entry or choice"),
    ("Enter on its own", "the next page or post, or this place again"),
    ("more", "the next page"),
    ("again", "say this place again"),
    ("back (b)", "up one level"),
    ("main", "the main menu"),
    ("new", "new posts since your last visit"),
    ("communities", "the directory"),
    ("mail", "your mail"),
    ("search WORDS", "search every community you can read"),
    ("meetups", "meetups in your communities"),
    ("help (h, ?)", "this list"),
    ("quit (q)", "leave"),
)


class LineIO(Protocol):
    """Lines in, text out (`bbs.plain.line_io.LineChannel` over SSH; a fake in tests)."""

    pty: bool

    def write(self, text: str) -> None: ...

    async def readline(self) -> str | None: ...


@dataclass
class Draft:
    """Text the forum refused (too long, too soon): kept until sent or dropped."""

    what: str
    text: str
    send: Callable[[str], Awaitable[Outcome]]


Opener = Callable[["PlainSession", str, str], Awaitable[Outcome] | None]
"""The place a word opens from anywhere ("mail", "search beans"), or None if it opens none
(`bbs.plain.places.main.opener`, handed in by whoever starts the session)."""


class PlainSession:
    """The forum line by line for `person`; `run()` until they quit or the input ends."""

    def __init__(
        self,
        forum: Forum,
        person: Person,
        io: LineIO,
        *,
        width: int = 80,
        height: int = 24,
        clock: Callable[[], float] = time.time,
        moved: Callable[[str], None] | None = None,
        opener: Opener | None = None,
    ) -> None:
        self.forum = forum
        self.viewer = person
        self.io = io
        self.width = max(20, min(width, 120)) - 1
        self.page_lines = max(8, height - 2) if io.pty else 60
        self.clock = clock
        self.moved = moved
        self.opener = opener
        self.stack: list[Place] = []
        self.draft: Draft | None = None
        self._rest: list[str] = []
        self.presence: Presence | None = None
        """Who is where (set over SSH), for chat's /who and the rooms' counts."""

    # saying and asking ---------------------------------------------------------------
    def say(self, *lines: str) -> None:
        """Write lines (cleaned: nothing in them can steer a terminal)."""
        if lines:
            self.io.write(clean("\n".join(lines)) + "\n")

    def say_long(self, lines: list[str]) -> None:
        """Write lines a page at a time: the rest waits for Enter or "more"."""
        flat = [row for line in lines for row in line.split("\n")]
        self._rest = []
        if len(flat) <= self.page_lines:
            self.say(*flat)
            return
        self.say(*flat[: self.page_lines])
        self._rest = flat[self.page_lines :]
        self.say(f"(more: {len(self._rest)} lines. Enter for the next page.)")

    def _more_text(self) -> bool:
        if not self._rest:
            return False
        self.say_long(self._rest)
        return True

    async def ask(self, prompt: str) -> str | None:
        """Write a prompt and read a line (cleaned); CTRL_C, CTRL_D, or None at the end."""
        self.io.write(clean(prompt, multiline=False))
        line = await self.io.readline()
        if line is None or line in (CTRL_C, CTRL_D):
            return line
        return clean(line, multiline=False)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A forum method, off the event loop (the forum reads and writes SQLite)."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    def now(self) -> float:
        return self.clock()

    # the loop ------------------------------------------------------------------------
    async def run(self, first: Place) -> None:
        """Show `first` and take lines until the person quits or the input ends."""
        await self.go(first)
        while self.stack:
            line = await self.ask(self.stack[-1].prompt())
            if line is None:
                break
            await self.go(await self.handle(self.stack[-1], line))
        self._leave(self.stack)
        self.say("Goodbye.")

    @staticmethod
    def _leave(places: list[Place]) -> None:
        for place in places:
            place.leave()

    async def handle(self, place: Place, line: str) -> Outcome:
        """One line typed at `place`; a refusal from the forum is said, and nothing lost."""
        try:
            return await self._handle(place, line)
        except ForumError as refused:
            self.say(str(refused))
            return None

    async def _handle(self, place: Place, line: str) -> Outcome:
        text = line.strip()
        if text == CTRL_D:
            return Move.QUIT
        if text == CTRL_C:
            self.say("(Type back to go up a level, or quit to leave.)")
            return None
        if not text:
            return None if self._more_text() else await place.enter()
        if place.wants_lines:  # a chat room: the line is said (or is a /command)
            said = await place.said(text)
            if said is not Move.UNKNOWN:
                return said
        word, _, rest = text.partition(" ")
        word, rest = word.lower(), rest.strip()
        if word.isdigit():
            return await place.choose(int(word))
        outcome = await place.command(word, rest)
        if outcome is not Move.UNKNOWN:
            return outcome
        return await self.global_command(place, word, rest)

    async def go(self, outcome: Outcome) -> None:
        """Go where a line led: into a place, back, to the main menu, or out."""
        if outcome is None or outcome is Move.UNKNOWN:
            return
        self._rest = []
        if outcome is Move.QUIT:
            self._leave(self.stack)
            self.stack.clear()
            return
        if outcome is Move.BACK:
            if len(self.stack) == 1:
                self.say("This is the main menu: quit leaves.")
                return
            self.stack.pop().leave()
        elif outcome is Move.HOME:
            self._leave(self.stack[1:])
            del self.stack[1:]
        else:
            self.stack.append(outcome)
        place = self.stack[-1]
        if self.moved is not None:
            self.moved(place.where)
        await place.show()

    # what works everywhere --------------------------------------------------------
    async def global_command(self, place: Place, word: str, rest: str) -> Outcome:
        if word in GOODBYE:
            return Move.QUIT
        if word in ("back", "b"):
            return Move.BACK
        if word in ("main", "home", "top"):
            return Move.HOME
        if word in ("help", "h", "?"):
            self.help(place)
            return None
        if word in ("more", "m"):
            if not self._more_text() and not await place.more():
                self.say("There is no more here.")
            return None
        if word in ("again", "list", "l"):
            await place.show()
            return None
        if word in ("send", "show", "drop"):
            return await self.on_draft(word)
        opened = self.opener(self, word, rest) if self.opener is not None else None
        if opened is not None:
            return await opened
        self.say(f"There is no command {word!r} here. Type help for what you can type.")
        return None

    def help(self, place: Place) -> None:
        lines = ["What you can type here:"]
        for w in place.words():
            lines.append(f"  {w.word}{f' ({w.short})' if w.short else ''}: {w.help}")
        lines += [f"  {name}: {what}" for name, what in GLOBAL_HELP]
        lines.append("In a text you write: end it with a line holding only a dot (.).")
        self.say_long(lines)

    # drafts --------------------------------------------------------------------------
    async def send(self, draft: Draft) -> Outcome:
        """Send a text; if the forum refuses it, say why and keep it as the draft."""
        try:
            outcome = await draft.send(draft.text)
        except ForumError as refused:
            self.draft = draft
            self.say(str(refused))
            self.say("Your text is kept: send tries again, show reads it, drop lets it go.")
            return None
        self.draft = None
        return outcome

    async def on_draft(self, word: str) -> Outcome:
        draft = self.draft
        if draft is None:
            self.say("There is no text waiting to be sent.")
            return None
        if word == "send":
            return await self.send(draft)
        if word == "show":
            self.say_long([f"Your {draft.what}:", draft.text])
            return None
        self.draft = None
        self.say(f"Dropped your {draft.what}.")
        return None
