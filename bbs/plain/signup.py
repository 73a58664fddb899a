"""Signing up in plain mode: a new key with a free name picks a handle and accepts the rules."""

from __future__ import annotations

from bbs.errors import ForumError
from bbs.models import Person
from bbs.plain.places.belonging import YES
from bbs.plain.session import PlainSession


async def sign_up(s: PlainSession, username: str, fingerprint: str, key: str) -> Person | None:
    """As the TUI's register screen: handle, display name, the board's rules; the new Person."""
    forum = s.forum
    board = await s.call(forum.board_name)
    rules = await s.call(forum.board_rules)
    s.say(
        f"Welcome to {board}. Your key is new here: sign up and it will be your key to this board."
    )
    while True:
        handle = await s.ask(f"Handle, how others address you (Enter for {username.lower()}): ")
        if handle is None:
            return None
        display = await s.ask(f"Display name (Enter for {username}): ")
        if display is None:
            return None
        s.say_long(["The rules of this board:", rules])
        answer = await s.ask("Do you accept the rules? Type yes to sign up, anything else not to: ")
        if answer is None or answer.strip().lower() not in YES:
            s.say("You did not sign up: nothing was kept.")
            return None
        try:
            person = await s.call(
                forum.register,
                handle.strip() or username.lower(),
                display.strip() or username,
                public_key=(fingerprint, key),
            )
        except ForumError as refused:
            s.say(str(refused), "Let us try again.")
            continue
        s.say(f"You are signed up as {person.handle}. Next time, this key goes straight in.")
        return person
