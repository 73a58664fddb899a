"""Care between people: private mail, @mentions, profiles, blocking."""

from __future__ import annotations

from bbs.actions.membership import MembershipActions
from bbs.actions.posted import Posted
from bbs.errors import Forbidden, NotFound
from bbs.live_events import Kind, MailSent
from bbs.models import ConversationSummary, MailMessage, Person, Profile, Visibility
from bbs.text import MENTION_RE, clean_field

EXCERPT = 300
"""Characters of a post a mention shows in the inbox."""


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

        A message to someone who has blocked the sender is dropped quietly (and paced
        all the same: nothing tells the sender they are blocked).
        """
        self._require_person(viewer)
        recipient = self._someone(to)
        if recipient.id == viewer.id:
            raise Forbidden("You cannot mail yourself.")
        body = clean_field("body", body, multiline=True)
        subject = clean_field("subject", subject, required=False)
        if conversation_id is not None:
            self._require_participant(viewer, conversation_id)
        with self.hub.transaction(), self._paced(viewer, "mail"):
            if not self.may_reach(viewer, recipient):
                return 0
            mail_id = self.hub.add_mail(
                viewer.id, recipient.id, subject, body, self.clock(), conversation_id
            )
        self._publish(Kind.MAIL, actor=viewer.handle, payload=MailSent(recipient.handle))
        return mail_id

    def _require_participant(self, viewer: Person, conversation_id: int) -> list[dict]:
        rows = self.hub.conversation(conversation_id)
        if not rows or not any(viewer.id in (r["sender_id"], r["recipient_id"]) for r in rows):
            raise NotFound("There is no such conversation.")
        return rows

    def inbox(self, viewer: Person) -> list[ConversationSummary]:
        """One line per conversation, newest first, without people who may not reach the
        viewer (`may_reach`); the unread counts add up to `unread_mail`."""
        self._require_person(viewer)
        found = []
        for r in self.hub.inbox(viewer.id):
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
                body=r["body"] + self._quoted(viewer, r["ref"]) if r["ref"] else r["body"],
                sent=r["sent"],
                read=r["read_at"] is not None,
                kind=r["kind"],
            )
            for r in rows
        ]

    def unread_mail(self, viewer: Person) -> int:
        """Unread messages from people who may reach the viewer: what the inbox shows."""
        return 0 if viewer.is_guest else self.hub.unread_mail(viewer.id)

    def _quoted(self, viewer: Person, ref: str) -> str:
        """A mention's excerpt, read now: a post hidden since (or no longer readable)
        is not carried in anyone's inbox."""
        if ref.startswith("chat:"):  # a line said in a chat room (bbs.actions.chat)
            return self._quoted_chat(viewer, ref)
        slug, _, number = ref.rpartition("/")
        row = self.hub.community(slug)
        standing = None if row is None or row["status"] != "active" else self._standing(viewer, row)
        if standing is None or not standing.may_read:
            return "\n\n(You can no longer read this post.)"
        post = self.store(slug).post(int(number)) if number.isdigit() else None
        if post is None:
            return "\n\n(This post is gone.)"
        if post["hidden"] and not standing.moderates:
            return f"\n\n(Hidden by a moderator: {post['hidden_reason']})"
        body = post["body"]
        return "\n\n" + (body if len(body) <= EXCERPT else body[:EXCERPT] + "…")

    def _quoted_chat(self, viewer: Person, ref: str) -> str:
        return ""  # ChatActions

    # mentions ---------------------------------------------------------------------
    def deliver_mentions(self, posted: Posted) -> None:
        """Each @handle in a post who may read the community (and whom the author may
        reach) gets a notice in their inbox."""
        viewer, slug, body = posted.author, posted.community, posted.body
        thread_id, post_id = posted.thread_id, posted.post_id
        handles = {m.lower() for m in MENTION_RE.findall(body)} - {viewer.handle}
        if not handles:  # most posts name no one: nothing to read for them
            return
        thread = self.store(slug).thread(thread_id)
        title = thread["title"] if thread else ""
        community = self._community_row(slug)
        for handle in sorted(handles)[: self.config.mentions_per_post or None]:
            person = self.person(handle)
            if person is None or not self._may_read(person, community):
                continue
            if not self.may_reach(viewer, person):
                continue
            self.hub.add_mail(
                viewer.id,
                person.id,
                f"@{viewer.handle} mentioned you in {title}",
                f"In {community['name']} ({slug}/{thread_id}, post {post_id}):",
                self.clock(),
                kind="mention",
                ref=f"{slug}/{post_id}",
            )
            self._publish(Kind.MAIL, actor=viewer.handle, payload=MailSent(person.handle))

    # blocking -----------------------------------------------------------------------
    def block(self, viewer: Person, handle: str, blocked: bool = True) -> None:
        """Stop (or start again) being reached by someone: their posts, mail, mentions,
        notices, invitations and one-liners (`may_reach`)."""
        self._require_person(viewer)
        person = self._someone(handle)
        if person.id == viewer.id:
            raise Forbidden("You cannot block yourself.")
        if not blocked:
            self.hub.set_block(viewer.id, person.id, False, self.clock())
            return

        def room() -> None:
            most = self.config.blocks_per_person
            have = self.hub.block_count(viewer.id)
            self._ceiling(viewer, have, most, f"You have blocked {have} people, the most kept.")

        with self.hub.transaction(), self._paced(viewer, "block", within=room):
            self.hub.set_block(viewer.id, person.id, True, self.clock())

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
