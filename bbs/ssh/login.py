"""Who an SSH connection turned out to be: a known person, a guest, or a new key registering."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bbs.models import GUEST, Person


class LoginKind(StrEnum):
    PERSON = "person"
    GUEST = "guest"
    REGISTER = "register"


@dataclass(frozen=True)
class Login:
    """The outcome of SSH auth; `REGISTER` carries the new key and the name asked for."""

    kind: LoginKind
    username: str
    person: Person = GUEST
    fingerprint: str = ""
    public_key: str = ""
    method: str = "none"  # "publickey", "password" or "none"

    @property
    def handle(self) -> str:
        return self.person.handle if self.kind == LoginKind.PERSON else self.username
