"""Belonging: founding a community, joining it (open, by request, by invite), its members."""

from __future__ import annotations

import logging
import secrets

from bbs.actions.base import ForumBase
from bbs.chat.rooms import LOBBY
from bbs.errors import Forbidden, NotFound, TextError
from bbs.live_events import Kind, MailSent, MembershipChanged
from bbs.models import Member, MemberRole, Person, Visibility
from bbs.text import clean_field, clean_handle

SLUG_HELP = "A slug is 2 to 20 characters: a letter first, then letters, digits, _ or -."
MAX_INVITE_USES = 100

log = logging.getLogger(__name__)


class MembershipActions(ForumBase):
    def found_community(
        self,
        viewer: Person,
        slug: str,
        name: str,
        *,
        description: str = "",
        rules: str = "",
        visibility: str = "open",
        boards: list[str] | None = None,
        welcome: str = "",
        member_cap: int | None = None,
    ) -> str:
        """Start a community with the viewer as owner; returns 'active' or 'pending' (approval).

        Everything is checked before anything is made. The founding runs inside one hub
        transaction (one founder at a time, across processes): the community's file is
        made first and its directory row last, so a crash between leaves an unlisted
        file, which the next founding of that slug clears; a failure removes the file.
        """
        self._require_person(viewer)
        row, board_slugs = self._founding(
            viewer, slug, name, description, rules, visibility, boards, welcome, member_cap
        )
        slug = row["slug"]
        made = False
        try:
            with (
                self.hub.transaction(),
                self._paced(viewer, "community", within=lambda: self._founding_room(viewer, slug)),
            ):
                self._discard_store(slug)  # a file a crash left, never listed
                made = True
                store = self.store(slug)
                for position, board in enumerate(board_slugs):
                    store.add_board(board, board.replace("-", " ").title(), "", position)
                self.hub.add_community(row)
                self.hub.set_membership(
                    viewer.id, slug, str(MemberRole.OWNER), "active", at=self.clock()
                )
        except BaseException:
            if made:
                self._discard_store(slug)
            raise
        self._publish(Kind.FOUNDED, slug, viewer.handle)
        return str(row["status"])

    def _founding(
        self,
        viewer: Person,
        slug: str,
        name: str,
        description: str,
        rules: str,
        visibility: str,
        boards: list[str] | None,
        welcome: str,
        member_cap: int | None,
    ) -> tuple[dict, list[str]]:
        """The directory row and the board slugs of a founding, every value checked."""
        try:
            slug = clean_handle(slug)
        except TextError:
            raise TextError(SLUG_HELP) from None
        if slug == LOBBY:  # the board-wide chat room's name (bbs.chat.rooms)
            raise TextError(f"The slug {slug!r} is reserved; pick another.")
        try:
            kind = Visibility(visibility)
        except ValueError:
            raise TextError("Visibility is one of: open, request, invite.") from None
        board_slugs = self._board_slugs(viewer, boards or [])
        if member_cap is not None and member_cap < 1:
            raise TextError("A member cap is a number of members, 1 or more (or none).")
        row = {
            "slug": slug,
            "name": clean_field("name", name),
            "description": clean_field("description", description, required=False),
            "rules": clean_field("rules", rules, required=False, multiline=True),
            "welcome": clean_field("description", welcome, required=False),
            "visibility": str(kind),
            "member_cap": member_cap,
            "status": "pending" if self._needs_approval(viewer) else "active",
            "founder_id": viewer.id,
            "created": self.clock(),
            "sisters": "",
        }
        return row, board_slugs

    def _board_slugs(self, viewer: Person, boards: list[str]) -> list[str]:
        found: list[str] = []
        for board in boards:
            try:
                board_slug = clean_handle(board)
            except TextError:
                raise TextError(f"Board {board!r}: {SLUG_HELP}") from None
            if board_slug in found:
                raise TextError(f"The board {board_slug!r} is named twice.")
            found.append(board_slug)
        most = self.config.boards_per_community
        if most and len(found) > most and not viewer.is_sysop:
            raise TextError(f"A community starts with {most} boards at most.")
        return found or ["general"]

    def _founding_room(self, viewer: Person, slug: str) -> None:
        """The slug is free, and the founder and the board have room for one more."""
        if self.hub.community(slug) is not None:
            raise TextError(f"The slug {slug!r} is taken; pick another.")
        mine = self.hub.founded_by(viewer.id)
        most = self.config.communities_per_person
        self._ceiling(
            viewer, mine, most, f"You have founded {mine} communities, the most one person may."
        )
        total, most = self.hub.community_count(), self.config.communities_max
        self._ceiling(viewer, total, most, f"The board holds {most} communities, its most.")
        today = self.hub.board_activity("community", self.clock() - 86_400)
        most = self.config.foundings_per_day
        self._ceiling(
            viewer, today, most, f"The board takes {most} new communities a day; try tomorrow."
        )

    def _needs_approval(self, viewer: Person) -> bool:
        required = self.hub.setting("require_community_approval", "")
        wanted = required == "1" if required else self.config.require_community_approval
        return wanted and not viewer.is_sysop

    def pending_communities(self, viewer: Person) -> list[str]:
        self._require_sysop(viewer)
        return [row["slug"] for row in self.hub.communities(status="pending")]

    def approve_community(self, viewer: Person, slug: str) -> None:
        self._require_sysop(viewer)
        if self.hub.community(slug) is None:
            raise NotFound(f"There is no community called {slug!r}.")
        self.hub.update_community(slug, status="active")

    # joining ------------------------------------------------------------------
    def join(
        self, viewer: Person, slug: str, *, accept_rules: bool = False, code: str | None = None
    ) -> str:
        """Join after accepting the rules; returns 'active' or 'requested'."""
        self._require_person(viewer)
        row = self._community_row(slug, members=True)
        found = self._membership(viewer, slug)
        if found and found["status"] == "banned":
            raise Forbidden(f"You are banned from {row['name']}.")
        if found and found["status"] == "active":
            return "active"
        if not accept_rules:
            raise Forbidden(f"Read and accept the rules of {row['name']} to join.")
        cap = row["member_cap"]
        if cap and row["members"] >= cap:
            raise Forbidden(f"{row['name']} is full ({cap} members); ask a moderator.")
        with self.hub.transaction(), self._paced(viewer, "join", community=slug):
            status = self._join_status(viewer, row, code)
            if status == "requested":
                have, most = self.hub.requests_of(viewer.id), self.config.requests_per_person
                self._ceiling(
                    viewer,
                    have,
                    most,
                    f"You have {have} requests to join waiting, the most at once; "
                    "ask again when the moderators have answered one.",
                )
            self.hub.set_membership(viewer.id, slug, str(MemberRole.MEMBER), status)
        self._publish(
            Kind.MEMBERSHIP, slug, viewer.handle, MembershipChanged(viewer.handle, status)
        )
        return status

    def _join_status(self, viewer: Person, row: dict, code: str | None) -> str:
        kind = Visibility(row["visibility"])
        if kind == Visibility.OPEN:
            return "active"
        if kind == Visibility.REQUEST:
            return "requested"
        if self.hub.invited(viewer.id, row["slug"]) and self.hub.use_invite(
            self.hub.personal_invite(viewer.id, row["slug"]), row["slug"]
        ):
            return "active"
        if code and self.hub.use_invite(code.strip(), row["slug"]):
            return "active"
        raise Forbidden(f"{row['name']} is invite-only: you need an invite code.")

    def leave(self, viewer: Person, slug: str) -> None:
        """Leave a community. Its last owner cannot: they hand it over first (`hand_over`),
        so a community is never left without one."""
        self._require_person(viewer)
        found = self._membership(viewer, slug)
        if found is None or found["status"] == "banned":
            return
        owner = found["role"] == MemberRole.OWNER and found["status"] == "active"
        if owner and self._owners(slug) == [viewer.handle]:
            name = self._community_row(slug)["name"]
            raise Forbidden(
                f"You own {name}: hand it over to another member before you leave"
                f" (the members screen, o; or ssh ... hand-over {slug} HANDLE)."
            )
        self.hub.remove_membership(viewer.id, slug)
        gone = MembershipChanged(viewer.handle, "gone")
        self._publish(Kind.MEMBERSHIP, slug, viewer.handle, gone)

    def invite(self, viewer: Person, slug: str, handle: str | None = None, uses: int = 1) -> str:
        """Make an invite code (moderators); naming a person invites them directly."""
        self._require_moderator(viewer, slug)
        target = self._someone(handle) if handle else None
        if uses < 1 or uses > MAX_INVITE_USES:
            raise TextError(f"An invite code is good for 1 to {MAX_INVITE_USES} people.")
        code = secrets.token_urlsafe(6)
        same = f"{slug}>{target.id}" if target else ""
        with self._paced(viewer, "invite", same=same, community=slug):
            self.hub.add_invite(
                code, slug, viewer.id, target.id if target else None, uses, self.clock()
            )
        self._log(slug, viewer, "invite", handle or f"code {code}", "")
        if target is not None:
            name = self._community_row(slug)["name"]
            self._notify(
                target,
                viewer,
                f"Invitation to {name}",
                f"@{viewer.handle} invited you to join {name} ({slug}).",
            )
        return code

    def join_requests(self, viewer: Person, slug: str) -> list[Member]:
        self._require_moderator(viewer, slug)
        return [self._member(r) for r in self.hub.members(slug, status="requested")]

    def decide_request(self, viewer: Person, slug: str, handle: str, approve: bool) -> None:
        """Approve (make a member) or decline a request to join."""
        self._require_moderator(viewer, slug)
        person = self._someone(handle)
        found = self.hub.membership(person.id, slug)
        if found is None or found["status"] != "requested":
            raise NotFound(f"{handle} has not asked to join.")
        if approve:
            self.hub.set_membership(person.id, slug, str(MemberRole.MEMBER), "active")
        else:
            self.hub.remove_membership(person.id, slug)
        self._log(slug, viewer, "approve" if approve else "decline", handle, "")
        name = self._community_row(slug)["name"]
        word = "approved" if approve else "declined"
        self._notify(
            person,
            viewer,
            f"{name}: request {word}",
            f"Your request to join {name} was {word} by @{viewer.handle}.",
        )

    def members(self, viewer: Person, slug: str) -> list[Member]:
        self._require_read(viewer, slug)
        return [self._member(r) for r in self.hub.members(slug)]

    def set_member_role(self, viewer: Person, slug: str, handle: str, role: str) -> None:
        """The owner (or the sysop) makes a member a moderator, or a moderator a member
        again. Logged; the person is told (a notice, unless they blocked the owner)."""
        standing = self._require_read(viewer, slug)
        row = standing.community
        if standing.role != MemberRole.OWNER and not viewer.is_sysop:
            raise Forbidden(f"Only the owner of {row['name']} can appoint moderators.")
        try:
            new_role = MemberRole(role)
        except ValueError:
            raise TextError("A role is member or moderator.") from None
        if new_role == MemberRole.OWNER:
            raise TextError("To make someone the owner, hand the community over to them.")
        person, now = self._member_of(slug, handle, row["name"])
        if now == MemberRole.OWNER:
            raise Forbidden(f"{person.handle} owns {row['name']}: an owner hands it over.")
        if now == new_role:
            raise TextError(f"{person.handle} is a {new_role} of {row['name']} already.")
        self.hub.set_membership(person.id, slug, str(new_role), "active")
        appointed = new_role == MemberRole.MODERATOR
        self._log(slug, viewer, "make moderator" if appointed else "make member", person.handle, "")
        self._role_changed(slug, viewer, person, new_role)
        what = "a moderator" if appointed else "a member (no longer a moderator)"
        self._notify(
            person,
            viewer,
            f"{row['name']}: you are {what}",
            f"@{viewer.handle} made you {what} of {row['name']} ({slug}).",
        )

    def hand_over(self, viewer: Person, slug: str, handle: str) -> None:
        """The owner gives the community to another member: they become its owner, and the
        one who handed it over a moderator. Logged; the new owner is told."""
        standing = self._require_read(viewer, slug)
        row = standing.community
        if standing.role != MemberRole.OWNER:
            raise Forbidden(f"Only the owner of {row['name']} can hand it over.")
        person, _ = self._member_of(slug, handle, row["name"])
        if person.id == viewer.id:
            raise TextError(f"You own {row['name']} already; name the member to hand it to.")
        with self.hub.transaction():  # never a moment with two owners, or none
            self.hub.set_membership(person.id, slug, str(MemberRole.OWNER), "active")
            self.hub.set_membership(viewer.id, slug, str(MemberRole.MODERATOR), "active")
        self._log(slug, viewer, "hand over", person.handle, "")
        self._role_changed(slug, viewer, person, MemberRole.OWNER)
        self._role_changed(slug, viewer, viewer, MemberRole.MODERATOR)
        self._notify(
            person,
            viewer,
            f"{row['name']} is yours now",
            f"@{viewer.handle} handed {row['name']} ({slug}) over to you: you are its owner,"
            f" and @{viewer.handle} a moderator.",
        )

    def _member_of(self, slug: str, handle: str, name: str) -> tuple[Person, MemberRole]:
        """Someone who is an active member of the community, and their role there."""
        person = self._someone(handle)
        role = self.member_role(person, slug)
        if role is None:
            raise NotFound(f"{person.handle} is not a member of {name}.")
        return person, role

    def _owners(self, slug: str) -> list[str]:
        return [m["handle"] for m in self.hub.members(slug) if m["role"] == MemberRole.OWNER]

    def _role_changed(self, slug: str, viewer: Person, person: Person, role: MemberRole) -> None:
        change = MembershipChanged(person.handle, "active", str(role))
        self._publish(Kind.MEMBERSHIP, slug, viewer.handle, change)

    @staticmethod
    def _member(row: dict) -> Member:
        return Member(row["handle"], row["display_name"], row["role"], row["status"], row["joined"])

    def _someone(self, handle: str) -> Person:
        person = self.person(handle.lstrip("@"))
        if person is None:
            raise NotFound(f"There is nobody called {handle!r}.")
        return person

    def _log(self, slug: str, viewer: Person, action: str, target: str, reason: str) -> None:
        self.store(slug).log(viewer.handle, action, target, reason, self.clock())
        self._publish(Kind.MOD_LOG, slug, viewer.handle)

    def _notify(self, to: Person, sender: Person, subject: str, body: str) -> None:
        """A notice in someone's inbox (kind 'notice'), if the sender may reach them.

        The act it tells of has been done already: a notice that cannot be stored (any
        error of the store's, whichever backend) is logged, who to whom and what, with its
        traceback, and the act stands."""
        if not self.may_reach(sender, to):
            return
        try:
            self.hub.add_mail(sender.id, to.id, subject, body, self.clock(), kind="notice")
        except Exception:
            log.exception(
                "notice %r from %s to %s could not be stored", subject, sender.handle, to.handle
            )
            return
        self._publish(Kind.MAIL, actor=sender.handle, payload=MailSent(to.handle))
