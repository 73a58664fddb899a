"""Mail in plain mode: the inbox a conversation at a time, reading one, writing."""

from __future__ import annotations

from bbs.models import ConversationSummary
from bbs.plain.compose import ask_line, write_text
from bbs.plain.menus import ListPlace, Outcome, Place, Word
from bbs.plain.render import mail_lines
from bbs.plain.session import Draft, PlainSession
from bbs.plain.wording import ago, count

KINDS = {"mention": "a mention", "notice": "a notice"}


class Inbox(ListPlace):
    """One line per conversation, newest first."""

    where = "mail"

    def __init__(self, s: PlainSession) -> None:
        super().__init__(s)
        self.found: list[ConversationSummary] = []

    def prompt(self) -> str:
        return "Mail> "

    def heading(self) -> str:
        unread = sum(1 for c in self.found if c.unread)
        new = f", {unread} with unread mail" if unread else ""
        return f"Mail: {count(len(self.found), 'conversation')}{new}"

    async def entries(self, page: int) -> list[str]:
        self.found = await self.s.call(self.s.forum.inbox, self.s.viewer)
        self.total = len(self.found)
        now = self.s.now()
        return [
            f"with {c.other}: {c.subject or '(no subject)'}"
            f"{', ' + KINDS[c.kind] if c.kind in KINDS else ''}"
            f"{f', {c.unread} unread' if c.unread else ''}, last from {c.last_from} "
            f"{ago(c.last_sent, now)}"
            for c in self.found[page * self.PAGE : (page + 1) * self.PAGE]
        ]

    def empty(self) -> str:
        return "Your inbox is empty: type write to send someone mail."

    async def open(self, number: int) -> Outcome:
        return Conversation(self.s, self.found[number - 1])

    def words(self) -> list[Word]:
        return [Word("write", "new mail to someone", self._write, "w")]

    async def _write(self, rest: str) -> Outcome:
        to = rest or await ask_line(self.s, "To (their handle): ")
        if not to:
            return None
        subject = await self.s.ask("Subject (Enter for none): ")
        await send_mail(self.s, to, (subject or "").strip(), None)
        await self.show()
        return None


async def send_mail(s: PlainSession, to: str, subject: str, conversation: int | None) -> None:
    """Write a message and send it (kept as the draft if the forum refuses it)."""
    body = await write_text(s, f"mail to {to}")
    if body is None:
        return

    async def send(text: str) -> Outcome:
        await s.call(
            s.forum.send_mail, s.viewer, to, text, subject=subject, conversation_id=conversation
        )
        s.say(f"Sent to {to}.")
        return None

    await s.send(Draft(f"mail to {to}", body, send))


class Conversation(Place):
    """A conversation, every message in order; reply answers in it."""

    def __init__(self, s: PlainSession, summary: ConversationSummary) -> None:
        super().__init__(s)
        self.summary = summary
        self.where = "mail"

    def prompt(self) -> str:
        return f"Mail with {self.summary.other}> "

    async def show(self) -> None:
        s = self.s
        messages = await s.call(s.forum.read_conversation, s.viewer, self.summary.conversation_id)
        s.say(
            f"Mail with {self.summary.other}: {self.summary.subject or '(no subject)'}, "
            f"{count(len(messages), 'message')}. Type reply to answer, back for your inbox."
        )
        s.say_long(mail_lines(messages, s.width, s.now()))

    def words(self) -> list[Word]:
        return [Word("reply", "answer in this conversation", self._reply, "r")]

    async def _reply(self, _: str) -> Outcome:
        subject = self.summary.subject
        if subject and not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
        await send_mail(self.s, self.summary.other, subject, self.summary.conversation_id)
        return None
