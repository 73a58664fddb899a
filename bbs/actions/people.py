"""People: registration, sign-in by key or password, profiles, the welcome screen's numbers."""

from __future__ import annotations

from bbs.actions.base import ForumBase, person_from_row
from bbs.errors import NotFound, TextError
from bbs.live_events import Kind
from bbs.models import Person, Role
from bbs.passwords import hash_password, verify_password
from bbs.store.errors import Duplicate
from bbs.text import clean, clean_field, clean_handle


def parse_public_key(text: str) -> tuple[str, str]:
    """('SHA256:...', the key in OpenSSH form) for a public key's text, or a TextError."""
    import asyncssh  # only for reading keys: the SSH server itself lives in bbs.ssh

    try:
        key = asyncssh.import_public_key(clean(text).strip())
    except (asyncssh.KeyImportError, ValueError):
        raise TextError(
            "That is not an SSH public key: paste one line like 'ssh-ed25519 AAAA... you@home'."
        ) from None
    return key.get_fingerprint("sha256"), key.export_public_key().decode().strip()


DEFAULT_RULES = """\
1. Be kind. Disagree with ideas, not with people.
2. No spam, no advertising, no harassment.
3. Keep each community on its topic; its moderators decide what fits.
4. What you post stays readable by the members (and, in open communities, guests).
5. The sysop may remove posts and accounts that break these rules."""

RESERVED_HANDLES = frozenset({"guest", "new", "root", "admin", "sysop", "anonymous"})


class PeopleActions(ForumBase):
    def register(
        self,
        handle: str,
        display_name: str = "",
        *,
        password: str | None = None,
        public_key: tuple[str, str] | None = None,
        role: Role = Role.USER,
    ) -> Person:
        """Create a person; `public_key` is (fingerprint, OpenSSH text). Returns the Person.

        The person and their key are one transaction: when two sessions sign the same
        new key up at once, one wins and the other is told, with nothing left behind.
        """
        handle = clean_handle(handle)
        if handle in RESERVED_HANDLES:
            raise TextError(f"The handle {handle!r} is reserved; pick another.")
        display = clean_field("display_name", display_name or handle)
        password_hash = hash_password(password) if password else None
        try:
            with self.hub.transaction():
                person_id = self.hub.add_person(
                    handle,
                    display,
                    role=str(role),
                    password_hash=password_hash,
                    created=self.clock(),
                )
                if public_key:
                    self.hub.add_key(person_id, public_key[0], public_key[1])
        except Duplicate:
            owner = self.hub.person_by_key(public_key[0]) if public_key else None
            if owner is not None:  # another session signed this key up a moment ago
                raise TextError(
                    f"That key is taken: it is on file for {owner['handle']!r}. "
                    "Connect again to sign in with it."
                ) from None
            raise TextError(f"The handle {handle!r} is taken; pick another.") from None
        return self._person_by_id(person_id)

    def _person_by_id(self, person_id: int) -> Person:
        row = self.hub.person_by_id(person_id)
        if row is None:
            raise NotFound("No such person.")
        return person_from_row(row)

    def person_by_key(self, fingerprint: str) -> Person | None:
        row = self.hub.person_by_key(fingerprint)
        return person_from_row(row) if row and not row["banned"] else None

    def key_is_known(self, fingerprint: str) -> bool:
        return self.hub.person_by_key(fingerprint) is not None

    def check_password(self, handle: str, password: str) -> Person | None:
        """The person if the password matches (slow on purpose: call off the event loop)."""
        row = self.hub.person_by_handle(handle)
        if row is None or row["banned"] or not verify_password(row["password_hash"], password):
            return None
        return person_from_row(row)

    def password_hash_of(self, handle: str) -> str | None:
        row = self.hub.person_by_handle(handle)
        return row["password_hash"] if row and not row["banned"] else None

    def set_password(self, viewer: Person, password: str) -> None:
        """Set one's password (paced: each one costs the server an argon2 hash)."""
        self._require_person(viewer)
        if len(password) < 8:
            raise TextError("A password needs at least 8 characters.")
        with self._paced(viewer, "password"):
            self.hub.update_person(viewer.id, password_hash=hash_password(password))

    def add_key(self, viewer: Person, fingerprint: str, public_key: str) -> None:
        """Add another SSH key to one's own account (at most `keys_per_person`)."""
        self._require_person(viewer)

        def room() -> None:
            have, most = self.hub.key_count(viewer.id), self.config.keys_per_person
            self._ceiling(viewer, have, most, f"You have {have} keys, the most one account keeps.")

        try:
            with self.hub.transaction(), self._paced(viewer, "key", within=room):
                self.hub.add_key(viewer.id, fingerprint, public_key)
        except Duplicate:
            raise TextError("That key is already on file.") from None

    def add_public_key(self, viewer: Person, text: str) -> str:
        """Add a pasted OpenSSH public key ('ssh-ed25519 AAAA... you@home'); its fingerprint."""
        fingerprint, public_key = parse_public_key(text)
        self.add_key(viewer, fingerprint, public_key)
        return fingerprint

    def keys(self, viewer: Person) -> list[str]:
        self._require_person(viewer)
        return [row["fingerprint"] for row in self.hub.keys_of(viewer.id)]

    def sign_in(self, person: Person) -> Person:
        """Record a login (last callers, the new scan's 'since'); returns the fresh Person."""
        if person.is_guest:
            return person
        self.hub.record_login(person.id, self.clock())
        self._publish(Kind.CALLER, actor=person.handle)
        return self._person_by_id(person.id)

    def update_profile(
        self,
        viewer: Person,
        *,
        display_name: str | None = None,
        bio: str | None = None,
        interests: str | None = None,
        plain_mode: bool | None = None,
    ) -> Person:
        """Change one's own display name, bio, interests or plain-mode preference."""
        self._require_person(viewer)
        fields: dict[str, str | int] = {}
        if plain_mode is not None:
            fields["plain_mode"] = int(plain_mode)
        if display_name is not None:
            fields["display_name"] = clean_field("display_name", display_name)
        if bio is not None:
            fields["bio"] = clean_field("bio", bio, required=False, multiline=True)
        if interests is not None:
            fields["interests"] = clean_field("description", interests, required=False)
        with self._paced(viewer, "profile"):
            self.hub.update_person(viewer.id, **fields)
        return self._person_by_id(viewer.id)

    def prefers_plain(self, viewer: Person) -> bool:
        """Whether the person asked for plain (line-by-line) mode whenever they sign in."""
        return not viewer.is_guest and self.hub.prefers_plain(viewer.id)

    def board_rules(self) -> str:
        """The rules everyone accepts when signing up: the hub's "rules", or the default."""
        return self.hub.setting("rules", "") or DEFAULT_RULES
