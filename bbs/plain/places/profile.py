"""One's profile and settings (plain mode at sign-in among them), and the one-liner wall."""

from __future__ import annotations

from bbs.plain.compose import ask_line, write_text
from bbs.plain.menus import Choice, Menu, Outcome
from bbs.plain.session import PlainSession
from bbs.plain.wording import ago

WALL = 20


class ProfileMenu(Menu):
    """Your profile, and what you may change in it."""

    where = "profile"

    def __init__(self, s: PlainSession) -> None:
        super().__init__(s)
        self.plain = False

    def prompt(self) -> str:
        return "Profile> "

    def heading(self) -> str:
        return f"Your profile, {self.s.viewer.display_name} (@{self.s.viewer.handle})."

    async def load(self) -> list[str]:
        s = self.s
        p = await s.call(s.forum.profile, s.viewer, s.viewer.handle)
        self.plain = await s.call(s.forum.prefers_plain, s.viewer)
        return [
            f"Interests: {p.interests or 'none given'}.",
            f"Communities: {', '.join(p.communities) or 'none yet'}.",
            f"Bio: {p.bio or 'none yet'}",
        ]

    def choices(self) -> list[Choice]:
        state = "on" if self.plain else "off"
        return [
            Choice(f"Plain mode at each sign-in: {state} (choose to switch)", self._plain, "plain"),
            Choice("Change your display name", self._name, "name"),
            Choice("Change your interests", self._interests, "interests"),
            Choice("Change your bio", self._bio, "bio"),
            Choice("Add an SSH key (paste its one line)", self._key, "key"),
        ]

    async def _update(self, **fields: object) -> None:
        s = self.s
        s.viewer = await s.call(s.forum.update_profile, s.viewer, **fields)
        s.say("Saved.")
        await self.show()

    async def _plain(self) -> Outcome:
        await self._update(plain_mode=not self.plain)
        return None

    async def _name(self) -> Outcome:
        name = await ask_line(self.s, "Display name: ")
        if name:
            await self._update(display_name=name)
        return None

    async def _interests(self) -> Outcome:
        interests = await ask_line(self.s, "Interests (e.g. beans, bees): ")
        if interests:
            await self._update(interests=interests)
        return None

    async def _bio(self) -> Outcome:
        bio = await write_text(self.s, "bio")
        if bio is not None:
            await self._update(bio=bio)
        return None

    async def _key(self) -> Outcome:
        s = self.s
        line = await ask_line(s, "Your public key (ssh-ed25519 AAAA... comment): ")
        if line:
            fingerprint = await s.call(s.forum.add_public_key, s.viewer, line)
            s.say(f"Key added: {fingerprint}.")
        return None


class OneLiners(Menu):
    """The one-liner wall, newest first, and writing on it."""

    where = "one-liners"

    def prompt(self) -> str:
        return "One-liners> "

    def heading(self) -> str:
        return "One-liners, newest first."

    async def load(self) -> list[str]:
        s = self.s
        lines = await s.call(s.forum.oneliners, s.viewer, WALL)
        now = s.now()
        return [f"{o.handle}: {o.text} ({ago(o.posted, now)})" for o in lines] or [
            "Nobody has written one yet."
        ]

    def choices(self) -> list[Choice]:
        if self.s.viewer.is_guest:
            return []
        return [Choice("Write a one-liner (80 characters)", self._write, "write")]

    async def _write(self) -> Outcome:
        s = self.s
        text = await ask_line(s, "Your one-liner: ")
        if text:
            await s.call(s.forum.add_oneliner, s.viewer, text)
            s.say("It is on the wall.")
        return None
