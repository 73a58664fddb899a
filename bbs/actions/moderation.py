"""Moderation: pin, lock, move, hide and restore, ban, flags; every act goes in the public log."""

from __future__ import annotations

from bbs.actions.membership import MembershipActions
from bbs.errors import Forbidden, NotFound, TextError
from bbs.live_events import Flagged, Kind, MembershipChanged, PostChanged, ThreadChanged
from bbs.models import Flag, MemberRole, ModLogEntry, Person
from bbs.text import clean_field


class ModerationActions(MembershipActions):
    def pin_thread(
        self, viewer: Person, slug: str, thread_id: int, pinned: bool = True, reason: str = ""
    ) -> None:
        self._thread_change(
            viewer, slug, thread_id, "pin" if pinned else "unpin", reason, pinned=int(pinned)
        )

    def lock_thread(
        self, viewer: Person, slug: str, thread_id: int, locked: bool = True, reason: str = ""
    ) -> None:
        self._thread_change(
            viewer, slug, thread_id, "lock" if locked else "unlock", reason, locked=int(locked)
        )

    def move_thread(
        self, viewer: Person, slug: str, thread_id: int, board: str, reason: str = ""
    ) -> None:
        """Move a thread (and its posts) to another board of the same community."""
        target = self.store(slug).board(board)
        if target is None:
            raise NotFound(f"There is no board {board!r} here.")
        self._thread_change(
            viewer, slug, thread_id, f"move to {board}", reason, board_id=target["id"]
        )

    def _thread_change(
        self, viewer: Person, slug: str, thread_id: int, action: str, reason: str, **fields: int
    ) -> None:
        self._require_moderator(viewer, slug)
        store = self.store(slug)
        thread = store.thread(thread_id)
        if thread is None:
            raise NotFound(f"There is no thread {thread_id} in {slug}.")
        store.set_thread(thread_id, **fields)
        self._log(
            slug,
            viewer,
            action,
            f"thread {thread_id}: {thread['title']}",
            clean_field("reason", reason, required=False),
        )
        self._publish(
            Kind.THREAD_CHANGED, slug, viewer.handle, ThreadChanged(thread["board_id"], thread_id)
        )

    def hide_post(self, viewer: Person, slug: str, post_id: int, reason: str) -> None:
        """Hide a post from members (kept, with its reason, and restorable)."""
        self._set_hidden(viewer, slug, post_id, True, clean_field("reason", reason))

    def restore_post(self, viewer: Person, slug: str, post_id: int, reason: str = "") -> None:
        self._set_hidden(
            viewer, slug, post_id, False, clean_field("reason", reason, required=False)
        )

    def _set_hidden(
        self, viewer: Person, slug: str, post_id: int, hidden: bool, reason: str
    ) -> None:
        self._require_moderator(viewer, slug)
        store = self.store(slug)
        post = store.post(post_id)
        if post is None:
            raise NotFound(f"There is no post {post_id} in {slug}.")
        store.set_hidden(post_id, hidden, reason)
        self._log(
            slug,
            viewer,
            "hide" if hidden else "restore",
            f"post {post_id} by {post['author']}",
            reason,
        )
        changed = PostChanged(post["board_id"], post["thread_id"], post_id)
        self._publish(Kind.POST_CHANGED, slug, viewer.handle, changed)
        if post["parent_id"] is None:
            self._hide_copies(viewer, slug, post["thread_id"], hidden)

    def _hide_copies(self, viewer: Person, slug: str, thread_id: int, hidden: bool) -> None:
        """A cross-post quotes its original's first post: hiding (or restoring) the
        original hides (or restores) the quote wherever it was cross-posted."""
        because = f"Its original, {slug}/{thread_id}, was hidden by the moderators of {slug}."
        for copy in self.hub.crosspost_copies(slug, thread_id):
            first = self.store(copy["copy"]).first_post(copy["copy_thread"])
            active = self.hub.community(copy["copy"])
            if first is None or active is None or active["status"] != "active":
                continue
            if not hidden and first["hidden_reason"] != because:
                continue  # hidden there by its own moderators, for their own reason
            self.store(copy["copy"]).set_hidden(first["id"], hidden, because)
            self._log(
                copy["copy"],
                viewer,
                "hide" if hidden else "restore",
                f"post {first['id']} (cross-posted from {slug}/{thread_id})",
                because if hidden else f"restored in {slug}",
            )
            changed = PostChanged(first["board_id"], copy["copy_thread"], first["id"])
            self._publish(Kind.POST_CHANGED, copy["copy"], viewer.handle, changed)

    def ban_member(self, viewer: Person, slug: str, handle: str, reason: str) -> None:
        """Ban someone from a community: they can no longer read or post there."""
        self._require_moderator(viewer, slug)
        person = self._someone(handle)
        if self.member_role(person, slug) == MemberRole.OWNER:
            raise Forbidden("The owner cannot be banned.")
        if person.id == viewer.id:
            raise Forbidden("You cannot ban yourself.")
        self.hub.set_membership(person.id, slug, str(MemberRole.MEMBER), "banned")
        self._log(slug, viewer, "ban", handle, clean_field("reason", reason))
        # their live screens (a chat room they read) ask again whether they may be there
        banned = MembershipChanged(person.handle, "banned")
        self._publish(Kind.MEMBERSHIP, slug, viewer.handle, banned)

    def unban_member(self, viewer: Person, slug: str, handle: str, reason: str = "") -> None:
        self._require_moderator(viewer, slug)
        person = self._someone(handle)
        found = self.hub.membership(person.id, slug)
        if found is None or found["status"] != "banned":
            raise NotFound(f"{handle} is not banned here.")
        self.hub.remove_membership(person.id, slug)
        self._log(slug, viewer, "unban", handle, clean_field("reason", reason, required=False))

    # flags ----------------------------------------------------------------------
    def flag_post(self, viewer: Person, slug: str, post_id: int, reason: str) -> int:
        """Members flag a post for the moderators, with a reason."""
        self._require_post(viewer, slug)
        store = self.store(slug)
        if store.post(post_id) is None:
            raise NotFound(f"There is no post {post_id} in {slug}.")
        reason = clean_field("reason", reason)
        with self._paced(viewer, "flag", same=f"{slug}/{post_id}", community=slug):
            flag_id = store.add_flag(post_id, viewer.id, viewer.handle, reason, self.clock())
        self._publish(Kind.FLAGGED, slug, viewer.handle, Flagged(post_id))
        return flag_id

    def flag_queue(self, viewer: Person, slug: str) -> list[Flag]:
        self._require_moderator(viewer, slug)
        return [
            Flag(
                id=r["id"],
                post_id=r["post_id"],
                thread_id=r["thread_id"],
                flagger=r["flagger"],
                reason=r["reason"],
                at=r["at"],
                author=r["author"],
                excerpt=r["body"][:200],
                hidden=bool(r["hidden"]),
            )
            for r in self.store(slug).open_flags()
        ]

    def resolve_flag(
        self, viewer: Person, slug: str, flag_id: int, action: str, reason: str = ""
    ) -> None:
        """Work a flag: 'hide' the post (with the reason) or 'dismiss' the flag."""
        self._require_moderator(viewer, slug)
        store = self.store(slug)
        flag = store.flag(flag_id)
        if flag is None or flag["resolved_at"] is not None:
            raise NotFound(f"There is no open flag {flag_id}.")
        if action == "hide":
            self.hide_post(viewer, slug, flag["post_id"], reason or flag["reason"])
        elif action == "dismiss":
            self._log(
                slug,
                viewer,
                "dismiss flag",
                f"post {flag['post_id']}",
                clean_field("reason", reason, required=False),
            )
        else:
            raise TextError("A flag is resolved with 'hide' or 'dismiss'.")
        store.resolve_flag(flag_id, action, self.clock())

    def moderation_log(self, viewer: Person, slug: str, limit: int = 100) -> list[ModLogEntry]:
        """The community's moderation log: who did what, when and why (members can read it)."""
        standing = self._require_read(viewer, slug)
        if standing.role is None and not viewer.is_sysop:
            name = standing.community["name"]
            raise Forbidden(f"The moderation log of {name} is for its members.")
        return [
            ModLogEntry(r["id"], r["at"], r["actor"], r["action"], r["target"], r["reason"])
            for r in self.store(slug).mod_log(limit)
        ]

    # the sysop's bans -------------------------------------------------------------
    def sysop_ban(
        self, viewer: Person, kind: str, value: str, reason: str = "", banned: bool = True
    ) -> None:
        """Ban (or lift a ban on) a key fingerprint, a handle or an address, board-wide."""
        self._require_sysop(viewer)
        if kind not in ("key", "name", "address"):
            raise TextError("A ban is on a key, a name or an address.")
        value = value.strip().lower() if kind == "name" else value.strip()
        self.hub.set_ban(
            kind, value, clean_field("reason", reason, required=False), self.clock(), banned
        )
        if kind == "name" and (person := self.person(value)):
            self.hub.update_person(person.id, banned=int(banned))

    def is_banned(
        self, *, key: str | None = None, name: str | None = None, address: str | None = None
    ) -> bool:
        """True when the key, the handle or the address is banned by the sysop."""
        checks = (("key", key), ("name", name.lower() if name else None), ("address", address))
        return any(value and self.hub.is_banned(kind, value) for kind, value in checks)
