"""Private mail: the inbox, one conversation with a reply box, and a new message."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from bbs.live import LiveEvent
from bbs.live_events import MailSent
from bbs.models import ConversationSummary, MailMessage
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.field import Field
from screens.widgets.forum_call import ErrorLine, forum_call
from screens.widgets.live import LiveScreen
from screens.widgets.quiet import QuietInput, QuietTextArea
from screens.widgets.row_table import RowTable
from screens.widgets.safe import ago, one_line, safe, unread_cell
from screens.widgets.session import session_of

KIND_LABEL = {"mail": "mail", "mention": "@mention", "notice": "notice"}


def is_my_mail(screen: LiveScreen, event: LiveEvent) -> bool:
    """A mail event that concerns the person looking at `screen`."""
    me = session_of(screen).person.handle
    return isinstance(event.payload, MailSent) and me in (event.payload.to, event.actor)


class InboxScreen(LiveScreen[None]):
    """One line per conversation, newest first; Enter reads it, c writes a new one."""

    CSS_PATH = "mail.tcss"
    REFRESH_ON_RESUME = True
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("c", "compose", "New mail"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.conversations: dict[str, ConversationSummary] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text("Mail"), id="inbox-title")
        yield RowTable("New", "With", "Subject", "Kind", "Last", id="inbox")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return "mail"

    def relevant(self, event: LiveEvent) -> bool:
        return is_my_mail(self, event)

    def reload(self) -> None:
        forum_call(self, lambda s: s.forum.inbox(s.person), self._show, group="inbox")

    def _show(self, inbox: list[ConversationSummary]) -> None:
        self.conversations = {str(c.conversation_id): c for c in inbox}
        unread = sum(c.unread for c in inbox)
        title = f"Mail: {len(inbox)} conversations, {unread} unread"
        self.query_one("#inbox-title", Static).update(Text(title, style="bold"))
        rows = [
            (
                str(c.conversation_id),
                (
                    unread_cell(c.unread),
                    safe(c.other),
                    safe(one_line(c.subject or "(no subject)", 34)),
                    KIND_LABEL.get(c.kind, c.kind),
                    f"{one_line(c.last_from, 12)} {ago(c.last_sent)}",
                ),
            )
            for c in inbox
        ]
        self.query_one(RowTable).refill(rows)
        if not inbox:
            self.query_one("#inbox-title", Static).update(Text("Mail: nothing yet (c to write)"))

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        convo = self.conversations.get(event.key)
        if convo is not None:
            self.app.push_screen(ConversationScreen(convo.conversation_id, convo.other))

    def action_compose(self) -> None:
        self.app.push_screen(ComposeMailScreen())

    def action_back(self) -> None:
        self.dismiss()


def message_text(m: MailMessage) -> Text:
    """A message's heading (kind, who to whom, when) and its body, all plain text."""
    head = Text.assemble((f"[{KIND_LABEL.get(m.kind, m.kind)}] ", "bold"), safe(m.sender, "bold"))
    head.append(" → ")
    head.append_text(safe(m.recipient))
    head.append(f" · {ago(m.sent)}", style="dim")
    if m.subject:
        head.append("\n")
        head.append_text(safe(m.subject, "italic"))
    head.append("\n")
    head.append_text(safe(m.body))
    return head


class ConversationScreen(LiveScreen[None]):
    """A conversation oldest first; the reply box below (Ctrl+S sends)."""

    CSS_PATH = "mail.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "send", "Send reply", priority=True),
        Binding("ctrl+r", "focus_reply", "Reply box"),
    ]

    def __init__(self, conversation_id: int, other: str) -> None:
        super().__init__()
        self.conversation_id = conversation_id
        self.other = other
        self.subject = ""
        self.sending = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(safe(f"Conversation with {self.other}", "bold"), id="convo-title")
        yield VerticalScroll(id="messages")
        yield QuietTextArea(id="reply", soft_wrap=True, show_line_numbers=False)
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        reply = self.query_one("#reply", QuietTextArea)
        reply.border_title = safe(f"Reply to {self.other}")
        reply.focus()
        self.reload()

    def where(self) -> str | None:
        return "mail"

    def relevant(self, event: LiveEvent) -> bool:
        return is_my_mail(self, event)

    def reload(self) -> None:
        forum_call(
            self,
            lambda s: s.forum.read_conversation(s.person, self.conversation_id),
            self._show,
            self._refused,
            group="conversation",
        )

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.dismiss()

    def _show(self, messages: list[MailMessage]) -> None:
        pane = self.query_one("#messages", VerticalScroll)
        pane.remove_children()
        pane.mount_all([Static(message_text(m), classes="message") for m in messages])
        self.subject = next((m.subject for m in messages if m.subject), "")
        pane.call_after_refresh(pane.scroll_end, animate=False)

    def action_focus_reply(self) -> None:
        self.query_one("#reply", QuietTextArea).focus()

    def action_send(self) -> None:
        body = self.query_one("#reply", QuietTextArea).text
        if self.sending:
            return
        self.sending = True
        subject = self.subject if self.subject.startswith("Re: ") else f"Re: {self.subject}"
        forum_call(
            self,
            lambda s: s.forum.send_mail(
                s.person, self.other, body, subject=subject, conversation_id=self.conversation_id
            ),
            self._sent,
            self._not_sent,
        )

    def _sent(self, _: int) -> None:
        self.sending = False
        self.query_one(ErrorLine).say("")
        self.query_one("#reply", QuietTextArea).text = ""
        self.reload()

    def _not_sent(self, message: str) -> None:
        self.sending = False
        self.query_one(ErrorLine).say(message)

    def action_back(self) -> None:
        self.dismiss()


class ComposeMailScreen(Screen[int | None]):
    """A new message: to, subject, body; Ctrl+S sends; dismisses with its id or None."""

    CSS_PATH = "mail.tcss"
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, to: str | None = None) -> None:
        super().__init__()
        self.to = to or ""
        self.sending = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text("New mail (Ctrl+S sends, Escape cancels)", style="bold"))
        yield Field("To", QuietInput(self.to, placeholder="a handle", id="to", compact=True))
        yield Field("Subject", QuietInput(id="subject", max_length=200, compact=True))
        yield QuietTextArea(id="body", soft_wrap=True, show_line_numbers=False)
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#body", QuietTextArea).border_title = "Message"
        self.query_one("#subject" if self.to else "#to").focus()

    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        self.focus_next()

    def action_send(self) -> None:
        if self.sending:
            return
        self.sending = True
        to = self.query_one("#to", QuietInput).value.strip().lstrip("@")
        subject = self.query_one("#subject", QuietInput).value
        body = self.query_one("#body", QuietTextArea).text
        forum_call(
            self,
            lambda s: s.forum.send_mail(s.person, to, body, subject=subject),
            self._sent,
            self._not_sent,
        )

    def _sent(self, mail_id: int) -> None:
        self.notify("Sent.", timeout=2)
        self.dismiss(mail_id)

    def _not_sent(self, message: str) -> None:
        self.sending = False
        self.query_one(ErrorLine).say(message)

    def action_cancel(self) -> None:
        body = self.query_one("#body", QuietTextArea).text.strip()
        if not body:
            self.dismiss(None)
            return
        from screens.widgets.confirm import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen("Discard this message?"), lambda yes: yes and self.dismiss(None)
        )
