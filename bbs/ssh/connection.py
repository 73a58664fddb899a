"""One SSH connection: limits before sign-in, then public key, password or guest auth."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncssh

from bbs.models import GUEST
from bbs.passwords import verify_password_async
from bbs.ssh.channel import SessionChannel
from bbs.ssh.context import ServerContext
from bbs.ssh.limits import Refusal
from bbs.ssh.login import Login, LoginKind

log = logging.getLogger(__name__)

GUEST_NAMES = frozenset({"guest", "anonymous"})


class Connection(asyncssh.SSHServer):
    """asyncssh's per-connection server object; `login` is set once auth completes.

    The board's caps are asked in order: this worker's descriptor headroom and the
    sysop's bans at once, then (in the limits thread) the address's penalty and the
    caps on connections not signed in yet; when auth begins, the caps of guests or of
    signed-in connections. Auth waits for both answers, and so does every session.
    """

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.id = ctx.next_id("c")
        self.holder = ctx.holder(self.id)
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.counted = False
        self.failures = 0
        self.banned_name = False
        self.candidate: Login | None = None
        self.login: Login | None = None
        self.sessions_open = 0
        self.admitted: asyncio.Future[bool] | None = None
        self.refusal: Refusal | None = None
        self.announced = False
        self.refused = False  # being disconnected: no auth work is done for it
        self.signed_in: asyncio.Future[bool] | None = None

    # connection ---------------------------------------------------------------
    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = str(peer[0])
        self.ctx.connections += 1
        self.counted = True
        if self.ctx.connections > self.ctx.max_connections:
            return self._refuse("this worker is full", "The server is full right now; try later")
        if self.ctx.forum.is_banned(address=self.address):
            log.warning("conn %s from %s refused: banned address", self.id, self.address)
            conn.disconnect(asyncssh.DISC_HOST_NOT_ALLOWED_TO_CONNECT, "Not allowed")
            return
        self.admitted = asyncio.ensure_future(self._admit())

    async def _admit(self) -> bool:
        self.refusal = await self.ctx.limits.admit(self.holder, self.address)
        if self.refusal is None:
            self.announced = True  # a flood of refusals is logged as such, with a rate limit
            log.info("conn %s from %s", self.id, self.address)
        elif self.refusal.drop:
            self._refuse("before sign-in", self.refusal.message)
        return self.refusal is None

    async def _sign_in(self, guest: bool) -> bool:
        refusal = await self.ctx.limits.sign_in(self.holder, self.address, guest)
        if refusal is not None:
            self._refuse("guests" if guest else "signed-in", refusal)
        return refusal is None

    def _refuse(self, why: str, message: str) -> None:
        # `why` is one of ours and goes into the template: each kind of refusal is rate
        # limited in the log on its own (bbs.ssh.log_repeats), not hidden by another's flood
        log.warning("conn %s from %s refused (" + why + "): %s", self.id, self.address, message)
        self.refused = True
        if self.conn is not None:
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, message)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.counted:
            self.counted = False
            self.ctx.connections -= 1
        if self.failures and self.login is None:  # OpenSSH's authfail: once per connection
            self.ctx.limits.auth_failed(self.address)
        if self.admitted is not None:
            asyncio.ensure_future(self._release_when_settled())
        if exc is not None and not isinstance(exc, asyncssh.DisconnectError | ConnectionError):
            log.warning("conn %s lost: %s", self.id, exc)
        elif self.announced:
            log.info("conn %s closed", self.id)

    async def _release_when_settled(self) -> None:
        """Give the leases back once every question asked has its answer (none is left taken)."""
        asked = [f for f in (self.admitted, self.signed_in) if f is not None]
        await asyncio.wait(asked)
        self.ctx.limits.release(self.holder)

    async def ready(self) -> bool:
        """Whether this connection passed every cap (waits for the answers still to come)."""
        for answer in (self.admitted, self.signed_in):
            if answer is None or not await answer:
                return False
        return True

    # auth ---------------------------------------------------------------------
    async def begin_auth(self, username: str) -> bool:
        """Guests need no auth; everyone else signs in (a banned name never does).

        Guests and everyone else have pools of their own: the connection takes its
        place in one now, before any auth succeeds, so a refusal is its disconnect reason.
        """
        if self.admitted is None or not await self.admitted:
            if self.refusal is not None and not self.refusal.drop:  # told now it can be heard
                self._refuse("penalty", self.refusal.message)
            return True  # refused: being disconnected, never signed in
        self.banned_name = self.ctx.forum.is_banned(name=username)
        guest = username in GUEST_NAMES and not self.banned_name
        self.signed_in = asyncio.ensure_future(self._sign_in(guest))
        if not await self.signed_in:
            return True
        if guest:
            self.candidate = Login(LoginKind.GUEST, username, GUEST)
            return False
        return True

    def auth_completed(self) -> None:
        self.login = self.candidate
        self.ctx.limits.signed_in(self.holder)
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
        if self.refused:
            return False
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
        """Argon2id check in the password thread pool, never on the loop.

        The same argon2 work for every attempt (an unknown name, a name without a
        password, a banned name or a wrong password), so the time taken tells nothing.
        """
        if self.refused:
            return False
        forum = self.ctx.forum
        stored = None if self.banned_name else forum.password_hash_of(username)
        matched = await verify_password_async(stored, password)
        if matched and not self.banned_name:
            person = forum.person(username)
            if person is not None:
                self.candidate = Login(LoginKind.PERSON, username, person, method="password")
                return True
        return self._failed("password (banned)" if self.banned_name else "password", username)

    def _failed(self, method: str, username: str) -> bool:
        self.failures += 1
        log.info("conn %s: %s auth failed for %r (%d)", self.id, method, username, self.failures)
        if self.failures >= self.ctx.config.max_auth_tries and self.conn is not None:
            log.warning("conn %s: too many auth failures", self.id)
            self.conn.disconnect(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "Too many authentication failures"
            )
        return False

    # what a signed-in connection may open --------------------------------------
    def session_requested(self) -> Any:
        if self.login is None:
            return False
        if self.sessions_open:  # one session at a time per connection: limits count connections
            log.warning("conn %s: refused a second session on one connection", self.id)
            return False
        self.sessions_open += 1
        return SessionChannel(self.ctx, self)
