"""A community's members; moderators ban (with a reason) and unban from here."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from bbs.live import LiveEvent
from bbs.models import Member
from bbs.session import Session
from screens import places
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.forum_call import ErrorLine, forum_call
from screens.widgets.live import LiveScreen
from screens.widgets.row_table import RowTable
from screens.widgets.safe import ago, safe

STATUS_WORDS = {"active": "", "banned": "BANNED", "requested": "asked to join"}


class MembersScreen(LiveScreen[None]):
    """Who belongs; Enter opens a profile; b bans the selected member, u unbans by handle."""

    CSS_PATH = "members.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("b", "ban", "Ban"),
        Binding("u", "unban", "Unban"),
    ]

    def __init__(self, slug: str, moderator: bool = False) -> None:
        super().__init__()
        self.slug = slug
        self.moderator = moderator
        self.members: dict[str, Member] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(safe(f"Members of {self.slug}", "bold"), id="members-title")
        yield RowTable("Handle", "Name", "Role", "Status", "Since", id="members")
        yield ErrorLine()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return f"{self.slug} (members)"

    def relevant(self, event: LiveEvent) -> bool:
        return event.community == self.slug and event.kind in ("membership", "moderation")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.moderator if action in ("ban", "unban") else True

    def reload(self) -> None:
        forum_call(self, lambda s: s.forum.members(s.person, self.slug), self._show)

    def _show(self, members: list[Member]) -> None:
        self.members = {m.handle: m for m in members}
        rows = [
            (
                m.handle,
                (
                    safe(m.handle),
                    safe(m.display_name),
                    m.role,
                    STATUS_WORDS.get(m.status, m.status),
                    ago(m.joined),
                ),
            )
            for m in members
        ]
        self.query_one(RowTable).refill(rows)
        title = f"Members of {self.slug}: {sum(m.status == 'active' for m in members)}"
        self.query_one("#members-title", Static).update(safe(title, "bold"))

    def _selected(self) -> str | None:
        return self.query_one(RowTable).cursor_key

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        places.go(self, places.Profile(event.key))

    def action_ban(self) -> None:
        handle = self._selected()
        if handle:
            places.go(
                self,
                places.AskReason(f"Ban {handle} from {self.slug}: why? (public log)"),
                lambda r: r is not None and self._do("ban", handle, r),
            )

    def action_unban(self) -> None:
        """Banned people are not listed as members: ask whom to unban, then why."""

        def whom(handle: str | None) -> None:
            if handle:
                handle = handle.lstrip("@")
                places.go(
                    self,
                    places.AskReason(f"Unban {handle}: why?", required=False),
                    lambda r: r is not None and self._do("unban", handle, r),
                )

        places.go(self, places.AskReason("Unban whom?", placeholder="Handle"), whom)

    def _do(self, what: str, handle: str, reason: str) -> None:
        def act(s: Session) -> None:
            if what == "ban":
                s.forum.ban_member(s.person, self.slug, handle, reason)
            else:
                s.forum.unban_member(s.person, self.slug, handle, reason)

        forum_call(
            self,
            act,
            lambda _: self._done(f"{handle}: {what} done."),
            self.query_one(ErrorLine).say,
        )

    def _done(self, message: str) -> None:
        self.query_one(ErrorLine).say("")
        self.notify(message, timeout=2, markup=False)
        self.reload()

    def action_back(self) -> None:
        self.dismiss()
