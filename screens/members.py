"""A community's members; moderators ban (with a reason) and unban from here, and the owner
appoints moderators and hands the community over."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from bbs.live import Kind, LiveEvent
from bbs.models import Member, MemberRole
from bbs.session import Session
from screens import places
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.forum_call import ErrorLine, forum_call
from screens.widgets.live import LiveScreen
from screens.widgets.row_table import RowTable
from screens.widgets.safe import ago, safe

STATUS_WORDS = {"active": "", "banned": "BANNED", "requested": "asked to join"}


class MembersScreen(LiveScreen[None]):
    """Who belongs; Enter opens a profile; b bans the selected member, u unbans by handle;
    the owner's m makes the selected member a moderator (or a moderator a member again)
    and o hands the community over to them (each asked first)."""

    CSS_PATH = "members.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("b", "ban", "Ban"),
        Binding("u", "unban", "Unban"),
        Binding("m", "appoint", "Moderator"),
        Binding("o", "hand_over", "Hand over"),
    ]
    OWNERS_ONLY = ("appoint", "hand_over")

    def __init__(self, slug: str, moderator: bool = False) -> None:
        super().__init__()
        self.slug = slug
        self.moderator = moderator
        self.members: dict[str, Member] = {}
        self.my_role: MemberRole | None = None

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
        return event.community == self.slug and event.kind in (Kind.MEMBERSHIP, Kind.MOD_LOG)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.OWNERS_ONLY:
            return self.my_role == MemberRole.OWNER
        return self.moderator if action in ("ban", "unban") else True

    def reload(self) -> None:
        def load(s: Session) -> tuple[list[Member], MemberRole | None]:
            return s.forum.members(s.person, self.slug), s.forum.member_role(s.person, self.slug)

        forum_call(self, load, self._show)

    def _show(self, found: tuple[list[Member], MemberRole | None]) -> None:
        members, my_role = found
        if my_role != self.my_role:
            self.my_role = my_role
            self.refresh_bindings()  # the owner's keys come and go with the role
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

    def action_appoint(self) -> None:
        """Make the selected member a moderator, or a moderator a member again."""
        member = self.members.get(self._selected() or "")
        if member is None:
            return
        role = MemberRole.MEMBER if member.role == MemberRole.MODERATOR else MemberRole.MODERATOR
        question = (
            f"Make {member.handle} a moderator of {self.slug}?"
            if role == MemberRole.MODERATOR
            else f"Make {member.handle} a member of {self.slug} again (no longer a moderator)?"
        )
        self.app.push_screen(
            ConfirmScreen(question), lambda yes: yes is True and self._set_role(member, role)
        )

    def _set_role(self, member: Member, role: MemberRole) -> None:
        forum_call(
            self,
            lambda s: s.forum.set_member_role(s.person, self.slug, member.handle, str(role)),
            lambda _: self._done(f"{member.handle} is a {role} now."),
            self.query_one(ErrorLine).say,
        )

    def action_hand_over(self) -> None:
        """Give the community to the selected member: they own it, you moderate it."""
        handle = self._selected()
        if not handle:
            return
        question = (
            f"Hand {self.slug} over to {handle}? They become its owner and you a moderator:"
            " only they can give it back."
        )
        self.app.push_screen(
            ConfirmScreen(question), lambda yes: yes is True and self._hand_over(handle)
        )

    def _hand_over(self, handle: str) -> None:
        forum_call(
            self,
            lambda s: s.forum.hand_over(s.person, self.slug, handle),
            lambda _: self._done(f"{self.slug} is {handle}'s now; you are a moderator."),
            self.query_one(ErrorLine).say,
        )

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
