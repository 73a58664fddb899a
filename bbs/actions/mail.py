"""Care between people: private mail, @mentions, profiles, blocking."""

from __future__ import annotations

import re

from bbs.actions.membership import MembershipActions
from bbs.errors import Forbidden, NotFound
from bbs.models import ConversationSummary, MailMessage, Person, Profile, Visibility
from bbs.text import clean_field

MENTION_RE = re.compile(r"(?<![\w@])@([a-z][a-z0-9_-]{1,19})\b", re.IGNORECASE)


class MailActions(MembershipActions):
    def send_mail(
        self,
        viewer: Person,
        to: str,
        body: str,
        subject: str = "",
        conversation_id: int | None = None,
    ) -> int:
        """Send a private message (or reply in a conversation); returns its id.

        A message to someone who has blocked the sender is dropped quietly.
        """
        self._require_person(viewer)
        recipient = self._someone(to)
        if recipient.id == viewer.id:
            raise Forbidden("You cannot mail yourself.")
        body = clean_field("body", body, multiline=True)
        subject = clean_field("subject", subject, required=False)
        if conversation_id is not None:
            self._require_participant(viewer, conversation_id)
        self._before_write(viewer, "mail", body)
        if viewer.id in self.hub.blocked_ids(recipient.id):
            return 0
        mail_id = self.hub.add_mail(
            viewer.id, recipient.id, subject, body, self.clock(), conversation_id
        )
        self._after_write(viewer, "mail", body)
        self._publish("mail", actor=viewer.handle, target=recipient.handle)
        return mail_id

    def _require_participant(self, viewer: Person, conversation_id: int) -> list[dict]:
        rows = self.hub.conversation(conversation_id)
        if not rows or not any(viewer.id in (r["sender_id"], r["recipient_id"]) for r in rows):
            raise NotFound("There is no such conversation.")
        return rows

    def inbox(self, viewer: Person) -> list[ConversationSummary]:
        """One line per conversation, newest first, without people the viewer blocked."""
        self._require_person(viewer)
        blocked = self.hub.blocked_ids(viewer.id)
        found = []
        for r in self.hub.inbox(viewer.id):
            other_id = r["recipient_id"] if r["sender_id"] == viewer.id else r["sender_id"]
            if other_id in blocked:
                continue
            other = r["recipient"] if r["sender_id"] == viewer.id else r["sender"]
            found.append(
                ConversationSummary(
                    conversation_id=r["conversation_id"],
                    other=other,
                    subject=r["subject"],
                    last_from=r["sender"],
                    last_sent=r["sent"],
                    unread=r["unread"],
                    kind=r["kind"],
                )
            )
        return found

    def read_conversation(self, viewer: Person, conversation_id: int) -> list[MailMessage]:
        """Every message of a conversation, oldest first; marks it read for the viewer."""
        self._require_person(viewer)
        rows = self._require_participant(viewer, conversation_id)
        self.hub.mark_mail_read(viewer.id, conversation_id, self.clock())
        return [
            MailMessage(
                id=r["id"],
                conversation_id=r["conversation_id"],
                sender=r["sender"],
                recipient=r["recipient"],
                subject=r["subject"],
                body=r["body"],
                sent=r["sent"],
                read=r["read_at"] is not None,
                kind=r["kind"],
            )
            for r in rows
        ]

    def unread_mail(self, viewer: Person) -> int:
        return 0 if viewer.is_guest else self.hub.unread_mail(viewer.id)

    # mentions ---------------------------------------------------------------------
    def _after_post(
        self,
        viewer: Person,
        slug: str,
        board_id: int,
        thread_id: int,
        post_id: int,
        body: str,
        kind: str,
        reply: tuple[object, ...] = (),
    ) -> None:
        super()._after_post(viewer, slug, board_id, thread_id, post_id, body, kind, reply)
        self._deliver_mentions(viewer, slug, thread_id, post_id, body)

    def _deliver_mentions(
        self, viewer: Person, slug: str, thread_id: int, post_id: int, body: str
    ) -> None:
        """Each @handle who can read the community gets a notice in their inbox."""
        handles = {m.lower() for m in MENTION_RE.findall(body)} - {viewer.handle}
        thread = self.store(slug).thread(thread_id)
        title = thread["title"] if thread else ""
        community = self._community_row(slug)
        for handle in sorted(handles)[:10]:
            person = self.person(handle)
            if person is None or not self._may_read(person, community):
                continue
            if viewer.id in self.hub.blocked_ids(person.id):
                continue
            excerpt = body if len(body) <= 300 else body[:300] + "…"
            self.hub.add_mail(
                viewer.id,
                person.id,
                f"@{viewer.handle} mentioned you in {title}",
                f"In {community['name']} ({slug}/{thread_id}, post {post_id}):\n\n{excerpt}",
                self.clock(),
                kind="mention",
            )
            self._publish("mail", actor=viewer.handle, target=person.handle)

    # blocking -----------------------------------------------------------------------
    def block(self, viewer: Person, handle: str, blocked: bool = True) -> None:
        """Stop (or start again) seeing someone's posts and mail."""
        self._require_person(viewer)
        person = self._someone(handle)
        if person.id == viewer.id:
            raise Forbidden("You cannot block yourself.")
        self.hub.set_block(viewer.id, person.id, blocked, self.clock())

    def blocked(self, viewer: Person) -> list[str]:
        """The handles the viewer has blocked, sorted."""
        return sorted(self.blocked_handles(viewer))

    # profiles -----------------------------------------------------------------------
    def profile(self, viewer: Person, handle: str) -> Profile:
        """Someone's profile; their communities listed only where the viewer may see them."""
        person = self._someone(handle)
        row = self.hub.person_by_handle(person.handle) or {}
        visible = []
        for m in self.hub.memberships_of(person.id):
            community = self.hub.community(m["community"])
            if m["status"] != "active" or community is None or community["status"] != "active":
                continue
            if community["visibility"] == Visibility.OPEN or self._may_read(viewer, community):
                visible.append(community["slug"])
        return Profile(
            handle=person.handle,
            display_name=person.display_name,
            bio=person.bio,
            interests=person.interests,
            joined=row.get("created", 0.0),
            communities=tuple(sorted(visible)),
            role=person.role,
        )
