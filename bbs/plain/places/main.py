"""The welcome (bulletin, new posts, mail, one-liners, meetups) and the main menu."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bbs.plain.markdown_text import markdown_to_text
from bbs.plain.menus import Choice, Menu, Outcome, Place
from bbs.plain.session import PlainSession
from bbs.plain.wording import ago, count

ONELINERS_SHOWN = 5


async def welcome(s: PlainSession) -> None:
    """What the TUI's welcome screen shows, said once at sign-in."""
    w = await s.call(s.forum.welcome, s.viewer)
    name = "guest" if s.viewer.is_guest else s.viewer.display_name
    lines = [
        f"Welcome to {w.board_name}, {name}.",
        "This is plain mode: type a number or a command, then Enter. "
        "help lists the commands, back goes up a level, quit leaves.",
    ]
    if not s.viewer.is_guest:
        news = f"{count(w.new_posts, 'new post')} since your last visit; "
        said = news + f"{count(w.unread_mail, 'unread message')}."
        lines.append(said[0].upper() + said[1:])
    if w.bulletin.strip():
        lines += ["Bulletin from the sysop:", markdown_to_text(w.bulletin, s.width)]
    if w.oneliners:
        lines.append("One-liners, newest first:")
        now = s.now()
        lines += [
            f"  {o.handle}: {o.text} ({ago(o.posted, now)})" for o in w.oneliners[:ONELINERS_SHOWN]
        ]
    if w.events:
        lines.append(f"Next meetup: {w.events[0].title}, {ago(w.events[0].starts_at, s.now())}.")
    if w.new_posts:
        lines.append("Type new (or 1) to read the new posts first.")
    s.say_long(lines)


class MainMenu(Menu):
    """Everything one does in the forum starts here, numbered."""

    where = "welcome"

    def prompt(self) -> str:
        return "Main menu> "

    def heading(self) -> str:
        return "Main menu."

    def choices(self) -> list[Choice]:
        guest = self.s.viewer.is_guest
        found = (
            [] if guest else [Choice("New posts since your last visit", self._open("new"), "new")]
        )
        found.append(Choice("Communities", self._open("communities"), "communities"))
        found.append(Choice("Search", self._open("search"), "search"))
        if not guest:
            found.append(Choice("Mail", self._open("mail"), "mail"))
            found.append(Choice("Meetups in your communities", self._open("meetups"), "meetups"))
        found.append(Choice("One-liners", self._open("oneliners"), "oneliners"))
        found.append(Choice("Live chat", self._open("chat"), "chat"))
        if not guest:
            found.append(Choice("Your profile and settings", self._open("profile"), "profile"))
        found.append(Choice("Help", self._help, "help"))
        found.append(Choice("Quit", self._quit, "quit"))
        return found

    def _open(self, word: str) -> Callable[[], Awaitable[Outcome]]:
        async def run() -> Outcome:
            opened = opener(self.s, word, "")
            return await opened if opened is not None else None

        return run

    async def command(self, word: str, rest: str) -> Outcome:
        """A choice's word with more after it ("search beans") goes to the place it opens."""
        opened = opener(self.s, word, rest) if rest else None
        return await opened if opened is not None else await super().command(word, rest)

    async def _help(self) -> Outcome:
        self.s.help(self)
        return None

    async def _quit(self) -> Outcome:
        from bbs.plain.menus import Move

        return Move.QUIT


def opener(s: PlainSession, word: str, rest: str) -> Awaitable[Outcome] | None:
    """The place a main-menu word opens, from anywhere; None if the word is not one."""
    from bbs.plain.places import chat, mail, meetups, profile, reading

    openers: dict[str, Callable[[], Awaitable[Outcome]]] = {
        "new": lambda: reading.open_new_scan(s),
        "communities": lambda: _place(reading.Directory(s)),
        "directory": lambda: _place(reading.Directory(s)),
        "search": lambda: reading.open_search(s, rest),
        "mail": lambda: _place(mail.Inbox(s)),
        "inbox": lambda: _place(mail.Inbox(s)),
        "meetups": lambda: _place(meetups.Meetups(s)),
        "events": lambda: _place(meetups.Meetups(s)),
        "oneliners": lambda: _place(profile.OneLiners(s)),
        "profile": lambda: _place(profile.ProfileMenu(s)),
        "settings": lambda: _place(profile.ProfileMenu(s)),
        "chat": lambda: chat.open_chat(s, rest),
    }
    found = openers.get(word)
    return found() if found is not None else None


async def _place(place: Place) -> Outcome:
    return place
