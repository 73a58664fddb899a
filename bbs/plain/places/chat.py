"""Chat in plain mode: the rooms one may read, and a room line by line.

In a room every line typed is said, but for the ones that start with "/" (/who, /me,
/msg, /away, /mute, /leave, /help). What others say arrives as it is said, a line each,
between what one types: with a pty, asyncssh's line editor puts it above the line being
typed and draws that again. Who is here comes from presence, as everywhere else.
"""

from __future__ import annotations

import asyncio
import time

from bbs.chat import events
from bbs.chat.models import ME, ChatLine, Page, RoomSummary
from bbs.chat.rooms import LOBBY, people_in, place, room_counts, rooms_of
from bbs.errors import ForumError
from bbs.live import Kind, LiveEvent
from bbs.plain.menus import ListPlace, Move, Outcome, Place
from bbs.plain.session import PlainSession
from bbs.plain.wording import count

SCROLLBACK = 20
"""Lines said before one came, shown on arriving."""
HELP = (
    "Type a line and Enter to say it. Lines that start with / are commands:",
    "  /who: who is in the room",
    "  /me TEXT: an action, as in: * you TEXT",
    "  /msg HANDLE TEXT: a page, a private line to someone in chat",
    "  /away, or /away REASON: say you are away; /away again when back",
    "  /mute: mute this room (its mentions stay out of your inbox); /unmute",
    "  /leave: leave the room (back to where you were); /quit: leave the board",
    "  //TEXT: say a line that starts with /",
)


def line_words(line: ChatLine, me: str) -> str:
    """A line as plain mode says it: when, who, what; a line naming you says so."""
    at = time.strftime("%H:%M", time.localtime(line.at))
    who = f"{line.handle} (mentions you)" if line.names(me) and line.handle != me else line.handle
    if line.kind == ME:
        return f"{at} * {who} {line.text}"
    return f"{at} {who}: {line.text}"


def page_words(page: Page, me: str) -> str:
    at = time.strftime("%H:%M", time.localtime(page.at))
    if page.sender == me:
        return f"{at} page to {page.recipient}: {page.text}"
    return f"{at} page from {page.sender}: {page.text}"


def _present(s: PlainSession) -> list:  # type: ignore[type-arg]
    return s.presence.online() if s.presence is not None else []


class Rooms(ListPlace):
    """The rooms one may read, with how many are in each now."""

    where = "chat rooms"
    PAGE = 20

    def __init__(self, s: PlainSession) -> None:
        super().__init__(s)
        self.rooms: list[RoomSummary] = []

    def prompt(self) -> str:
        return "Chat rooms> "

    def heading(self) -> str:
        return f"Chat rooms: {count(len(self.rooms), 'room')}. A number goes in."

    async def entries(self, page: int) -> list[str]:
        self.rooms = await self.s.call(self.s.forum.chat_rooms, self.s.viewer)
        self.total = len(self.rooms)
        here = room_counts(_present(self.s))
        shown = self.rooms[page * self.PAGE : (page + 1) * self.PAGE]
        return [
            f"{r.title}: {count(here.get(r.name, 0), 'person', 'people')} here"
            + (", muted by you" if r.muted else "")
            for r in shown
        ]

    async def open(self, number: int) -> Outcome:
        return await open_room(self.s, self.rooms[number - 1].name)


async def open_room(s: PlainSession, room: str) -> Outcome:
    """A room, if the person may read it (else the forum's words, and stay)."""
    try:
        info = await s.call(s.forum.chat_room, s.viewer, room.lower())
    except ForumError as refused:
        s.say(str(refused))
        return None
    return ChatRoom(s, info.name, info.title)


class ChatRoom(Place):
    """One room: lines as they are said, and what one types said in it."""

    wants_lines = True

    def __init__(self, s: PlainSession, room: str, title: str) -> None:
        super().__init__(s)
        self.room, self.title = room, title
        self.where = place(room)
        self.away: str | None = None
        self.newest = 0
        self.blocked: frozenset[str] = frozenset()
        self._token: int | None = None

    def prompt(self) -> str:
        return f"{self.title} chat> "

    async def show(self) -> None:
        s = self.s
        if self._token is None:
            self._token = s.forum.bus.subscribe(
                self._heard, loop=asyncio.get_running_loop(), presence=False
            )
        room = await s.call(s.forum.chat_room, s.viewer, self.room)
        self.blocked = await s.call(s.forum.blocked_handles, s.viewer)
        here = [p.handle for p in people_in(_present(s), self.room)]
        s.say(
            f"The chat room of {room.title}: {count(len(here), 'person', 'people')} here"
            + (f" ({', '.join(here[:10])})" if here else "")
            + ". Type a line to say it; /help for commands; /leave to leave."
        )
        if not room.can_speak:
            s.say(room.why_not)
        if room.silenced_until:
            at = time.strftime("%H:%M", time.localtime(room.silenced_until))
            s.say(f"A moderator muted you here until {at}.")
        await self._catch_up(SCROLLBACK if not self.newest else None)

    async def _catch_up(self, last: int | None) -> None:
        s = self.s
        found = await s.call(s.forum.chat_lines, s.viewer, self.room, self.newest, last)
        if not self.newest and found:
            s.say(f"The last {count(len(found), 'line')} said:")
        elif not self.newest:
            s.say("Nothing said here yet.")
        for line in found:
            self._line(line)

    def _line(self, line: ChatLine) -> None:
        if line.id > self.newest and line.handle not in self.blocked:
            self.newest = line.id
            self.s.say(line_words(line, self.s.viewer.handle))

    def _heard(self, event: LiveEvent) -> None:
        """A bus callback on the loop: say what is said here (and pages to this person)."""
        me = self.s.viewer.handle
        if event.kind == Kind.RESYNC:
            asyncio.get_running_loop().create_task(self._catch_up(None))
            return
        if event.kind in events.ROOM_KINDS and events.room_of(event) != self.room:
            return
        line = events.line_of(event)
        page = events.page_of(event)
        if line is not None and line.handle != me:
            self._interrupt(lambda: self._line(line))
        elif line is not None:
            self.newest = max(self.newest, line.id)
        elif event.kind == events.HIDDEN:
            self._interrupt(lambda: self.s.say("(A moderator hid a line here.)"))
        elif page is not None and page.recipient == me and page.sender not in self.blocked:
            self._interrupt(lambda: self.s.say(page_words(page, me)))

    def _interrupt(self, say: object) -> None:
        """Say something that arrived while the person is at the prompt: on its own line,
        then the prompt again."""
        self.s.io.write("\n")
        say()  # type: ignore[operator]
        self.s.io.write(self.prompt())

    def leave(self) -> None:
        if self._token is not None:
            self.s.forum.bus.unsubscribe(self._token)
            self._token = None

    # what is typed ----------------------------------------------------------------------
    async def enter(self) -> Outcome:
        here = [p.handle for p in people_in(_present(self.s), self.room)]
        self.s.say(f"Here: {', '.join(here) or 'nobody'}. /help for commands, /leave to leave.")
        return None

    async def said(self, text: str) -> Outcome:
        """A whole line typed in the room: a command, or a line to say."""
        if text.startswith("//") or not text.startswith("/"):
            return await self._say(text.removeprefix("/"), action=False)
        word, _, rest = text.partition(" ")
        word, rest = word.lower(), rest.strip()
        if word in ("/leave", "/back", "/part"):
            return Move.BACK
        if word in ("/quit", "/q"):
            return Move.QUIT
        if word == "/me":
            return await self._say(rest, action=True)
        if word == "/msg":
            return await self._page(rest)
        if word == "/who":
            here = people_in(_present(self.s), self.room)
            names = [p.handle + (" (away)" if p.away else "") for p in here]
            self.s.say(f"In the room, {count(len(here), 'person', 'people')}: {', '.join(names)}.")
        elif word == "/away":
            self.away = None if self.away is not None and not rest else rest
            self.where = place(self.room, self.away)
            if self.s.moved is not None:
                self.s.moved(self.where)
            self.s.say("You are back." if self.away is None else "You are away: /away when back.")
        elif word in ("/mute", "/unmute"):
            await self.s.call(self.s.forum.mute_room, self.s.viewer, self.room, word == "/mute")
            self.s.say(
                "Muted: its mentions stay out of your inbox." if word == "/mute" else "Unmuted."
            )
        elif word == "/help":
            self.s.say(*HELP)
        else:
            self.s.say(f"There is no command {word}: /help lists them.")
        return None

    async def _say(self, words: str, *, action: bool) -> Outcome:
        s = self.s
        if self.away is not None:
            await self.said("/away")
        try:
            line = await s.call(s.forum.say, s.viewer, self.room, words, action=action)
        except ForumError as refused:
            again = " With a terminal, Ctrl+P brings it back to send again." if s.io.pty else ""
            s.say(str(refused), f"Your line was not said.{again}")
            return None
        self.newest = max(self.newest, line.id)
        s.say(f"(said) {line_words(line, s.viewer.handle)}")
        return None

    async def _page(self, rest: str) -> Outcome:
        s = self.s
        handle, _, words = rest.partition(" ")
        handle = handle.lstrip("@").lower()
        if not handle or not words.strip():
            s.say("Write /msg HANDLE TEXT.")
        elif not rooms_of(_present(s), handle):
            s.say(f"{handle} is not in a chat room now: mail them instead.")
        else:
            page = await s.call(s.forum.page, s.viewer, self.room, handle, words)
            s.say(page_words(page, s.viewer.handle))
        return None


async def open_chat(s: PlainSession, rest: str) -> Outcome:
    """`chat` lists the rooms; `chat ROOM` goes into one (`chat lobby`)."""
    if rest:
        return await open_room(s, rest.split()[0])
    if s.viewer.is_guest:
        s.say("Guests may read an open community's chat room: it is in the community's menu.")
    return Rooms(s)


__all__ = ["LOBBY", "ChatRoom", "Rooms", "open_chat", "open_room"]
