"""One SSH connection: limits before sign-in, then public key, password or guest auth."""

from __future__ import annotations

import logging
from typing import Any

import asyncssh

from bbs.models import GUEST
from bbs.passwords import verify_password_async
from bbs.ssh.context import ServerContext
from bbs.ssh.login import Login, LoginKind

log = logging.getLogger(__name__)

GUEST_NAMES = frozenset({"guest", "anonymous"})


class ForumServer(asyncssh.SSHServer):
    """asyncssh's per-connection server object; `login` is set once auth completes."""

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.id = ctx.next_id("c")
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.counted = False
        self.failures = 0
        self.banned_name = False
        self.candidate: Login | None = None
        self.login: Login | None = None
        self.sessions_open = 0

    # connection ---------------------------------------------------------------
    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = str(peer[0])
        if self.ctx.forum.is_banned(address=self.address):
            log.warning("conn %s from %s refused: banned address", self.id, self.address)
            conn.disconnect(asyncssh.DISC_HOST_NOT_ALLOWED_TO_CONNECT, "Not allowed")
            return
        penalty = self.ctx.penalties.penalised_for(self.address)
        if penalty > 0:
            log.warning("conn %s from %s refused: penalty %.0f s", self.id, self.address, penalty)
            conn.disconnect(
                asyncssh.DISC_TOO_MANY_CONNECTIONS,
                f"Too many failed sign-ins; try again in {int(penalty) + 1} s",
            )
            return
        if not self.ctx.limiter.admit(self.address):
            log.warning(
                "conn %s from %s refused: too many unauthenticated connections",
                self.id,
                self.address,
            )
            conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, "Too many connections, try later")
            return
        self.counted = True
        log.info("conn %s from %s", self.id, self.address)

    def connection_lost(self, exc: Exception | None) -> None:
        self._uncount()
        if exc is not None and not isinstance(exc, asyncssh.DisconnectError | ConnectionError):
            log.warning("conn %s lost: %s", self.id, exc)
        else:
            log.info("conn %s closed", self.id)

    def _uncount(self) -> None:
        if self.counted:
            self.counted = False
            self.ctx.limiter.done(self.address)

    # auth ---------------------------------------------------------------------
    def begin_auth(self, username: str) -> bool:
        """Guests need no auth; everyone else signs in (a banned name never does)."""
        self.banned_name = self.ctx.forum.is_banned(name=username)
        if username in GUEST_NAMES and not self.banned_name:
            self.candidate = Login(LoginKind.GUEST, username, GUEST)
            return False
        return True

    def auth_completed(self) -> None:
        self._uncount()
        self.login = self.candidate
        if self.login is not None:
            log.info(
                "conn %s signed in: %s %s via %s",
                self.id,
                self.login.kind,
                self.login.handle,
                self.login.method,
            )

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        """A key on file signs its owner in; an unknown key with a free name may register."""
        forum = self.ctx.forum
        fingerprint = key.get_fingerprint("sha256")
        if self.banned_name or forum.is_banned(key=fingerprint):
            return self._failed("publickey (banned)", username)
        person = forum.person_by_key(fingerprint)
        if person is not None:
            other = forum.person(username)
            if other is None or other.id == person.id:
                self.candidate = Login(
                    LoginKind.PERSON, username, person, fingerprint, method="publickey"
                )
                return True
        elif not forum.key_is_known(fingerprint) and forum.person(username) is None:
            text = key.export_public_key().decode().strip()
            self.candidate = Login(
                LoginKind.REGISTER, username, GUEST, fingerprint, text, method="publickey"
            )
            return True
        return self._failed("publickey", username)

    def password_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        """Argon2id check in the password thread pool, never on the loop."""
        forum = self.ctx.forum
        if self.banned_name:
            return self._failed("password (banned)", username)
        stored = forum.password_hash_of(username)
        if stored and await verify_password_async(stored, password):
            person = forum.person(username)
            if person is not None:
                self.candidate = Login(LoginKind.PERSON, username, person, method="password")
                return True
        return self._failed("password", username)

    def _failed(self, method: str, username: str) -> bool:
        self.failures += 1
        self.ctx.penalties.auth_failed(self.address)
        log.info("conn %s: %s auth failed for %r (%d)", self.id, method, username, self.failures)
        if self.failures >= self.ctx.config.max_auth_tries and self.conn is not None:
            log.warning("conn %s: too many auth failures", self.id)
            self.conn.disconnect(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "Too many authentication failures"
            )
        return False

    # what a signed-in connection may open --------------------------------------
    def session_requested(self) -> Any:
        from bbs.ssh.channel import ForumSession

        if self.login is None:
            return False
        if self.sessions_open:  # one session at a time per connection: limits count connections
            log.warning("conn %s: refused a second session on one connection", self.id)
            return False
        self.sessions_open += 1
        return ForumSession(self.ctx, self)
