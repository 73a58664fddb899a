"""A community: its welcome text, its boards, and the selected board's threads."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from bbs.errors import ForumError
from bbs.live import Kind, LiveEvent
from bbs.models import BoardSummary, Community, MemberRole, ThreadSummary
from bbs.shown import Listing, unshown_note
from screens import places
from screens.engine.first_frame import HoldsFirstFrame
from screens.widgets.bars import KeyBar, TitleBar
from screens.widgets.forum_call import deliver, ours
from screens.widgets.live import LiveScreen
from screens.widgets.reuse import Reusable
from screens.widgets.row_table import RowTable
from screens.widgets.rules import RulesScreen
from screens.widgets.safe import ago, one_line, safe, unread_cell
from screens.widgets.session import session_of

LIVE_KINDS = (Kind.NEW_REPLY, Kind.NEW_THREAD, Kind.POST_CHANGED, Kind.MOD_LOG)
MODERATORS = (MemberRole.MODERATOR, MemberRole.OWNER)


class CommunityScreen(Reusable, HoldsFirstFrame, LiveScreen[None]):
    """Boards on top, threads of the highlighted board below (newest activity first).

    Opened with `CommunityScreen.open(app, slug)`: made once per session, then `reset`.
    """

    CSS_PATH = "community.tcss"
    REFRESH_ON_RESUME = True
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("t", "new_thread", "New thread"),
        Binding("i", "rules", "Rules"),
        Binding("b", "focus_boards", "Boards", show=False),
        Binding("j", "join", "Join"),
        Binding("v", "events", "Events"),
        Binding("x", "moderate", "Moderate"),
        Binding("l", "modlog", "Moderation log", show=False),
        Binding("p", "members", "Members", show=False),
        Binding("c", "chat", "Chat"),
    ]

    def __init__(self, slug: str) -> None:
        super().__init__()
        self.slug = slug
        self.board = ""
        self.board_id = 0
        self.info: Community | None = None
        self._info_text: Text | None = None
        self._boards: dict[str, BoardSummary] = {}

    def reset(self, slug: str) -> None:
        """Show another community (the same one again reloads as it comes back)."""
        if slug == self.slug:
            return
        self.slug, self.board, self.board_id = slug, "", 0
        self.info, self._boards, self._info_text = None, {}, None
        self._stale = False
        self.query_one("#community-info", Static).update(Text("Loading…"))
        self.query_one("#boards", RowTable).refill([])
        self.query_one("#threads", RowTable).refill([])
        self.query_one("#boards", RowTable).focus()
        self.hold_frames()
        self.reload()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text("Loading…"), id="community-info")
        yield RowTable("Board", "Threads", "Posts", "Unread", "Last post", id="boards")
        yield RowTable("Thread", "By", "Posts", "Unread", "Active", id="threads")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#boards", RowTable).focus()
        self.reload()

    def where(self) -> str | None:
        return f"{self.slug}/{self.board}" if self.board else self.slug

    def relevant(self, event: LiveEvent) -> bool:
        return event.community == self.slug and event.kind in LIVE_KINDS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        person = session_of(self).person
        if action in ("new_thread", "join"):
            return not person.is_guest
        if action == "moderate":
            return person.is_sysop or (self.info is not None and self.info.my_role in MODERATORS)
        return True

    # loading ----------------------------------------------------------------------
    def reload(self) -> None:
        self._load(self.slug)

    @work(thread=True, exclusive=True, group="community")
    def _load(self, slug: str) -> None:
        session = session_of(self)
        try:
            info = session.forum.community(session.person, slug)
            boards = session.forum.boards(session.person, slug)
        except ForumError as error:
            deliver(self, self._refused, str(error), slug)
            return
        except Exception as error:  # ours: logged once, the session goes on
            deliver(self, self._refused, ours(self, error), slug)
            return
        deliver(self, self._show, info, boards)

    def _refused(self, message: str, slug: str) -> None:
        if slug == self.slug:  # not a community left since
            self.notify(message, severity="error", markup=False)
            self.dismiss()

    def _show(self, info: Community, boards: list[BoardSummary]) -> None:
        if info.slug != self.slug:
            return
        if self.info is None or self.info.my_role != info.my_role:
            self.refresh_bindings()  # Moderate comes and goes with the role
        self.info = info
        text = Text.assemble(safe(info.name, "bold"), f"  · {info.members} members")
        if info.welcome:
            text.append("\n")
            text.append_text(safe(one_line(info.welcome, 200), "italic"))
        if text != self._info_text:  # as it comes back: usually nothing has changed
            self._info_text = text
            self.query_one("#community-info", Static).update(text)
        table = self.query_one("#boards", RowTable)
        rows = [
            (
                b.slug,
                (
                    safe(b.name),
                    str(b.threads),
                    str(b.posts),
                    unread_cell(b.unread),
                    ago(b.last_post_at),
                ),
            )
            for b in boards
        ]
        self._boards = {b.slug: b for b in boards}
        if not table.refill(rows) and self.board:
            self.load_threads(self.board)  # the cursor stayed: no highlight to load them

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        if event.table.id != "boards":
            return
        board = self._boards.get(event.key)
        if board is not None:
            self.board, self.board_id = board.slug, board.id
            session_of(self).move(self.where() or self.slug)
            self.load_threads(board.slug)

    def load_threads(self, board: str) -> None:
        self._load_threads(self.slug, board)

    @work(thread=True, exclusive=True, group="threads")
    def _load_threads(self, slug: str, board: str) -> None:
        session = session_of(self)
        try:
            threads = session.forum.threads(session.person, slug, board)
        except ForumError as error:
            deliver(self, self.notify, str(error), severity="error", markup=False)
            return
        except Exception as error:  # ours: logged once, the session goes on
            deliver(self, self.notify, ours(self, error), severity="error", markup=False)
            return
        deliver(self, self._show_threads, slug, board, threads)

    def _show_threads(self, slug: str, board: str, threads: list[ThreadSummary]) -> None:
        if (slug, board) != (self.slug, self.board):  # a board (or community) left since
            return
        rows = [
            (
                str(t.id),
                (
                    self._title_cell(t),
                    safe(t.author),
                    str(t.posts),
                    unread_cell(t.unread),
                    ago(t.last_post_at),
                ),
            )
            for t in threads
        ]
        self.query_one("#threads", RowTable).refill(rows)
        if isinstance(threads, Listing) and threads.unshown:
            self.notify(unshown_note(threads.unshown, "thread"), severity="warning", timeout=4)

    @staticmethod
    def _title_cell(thread: ThreadSummary) -> Text:
        marks = ("^ " if thread.pinned else "") + ("# " if thread.locked else "")
        return Text.assemble((marks, "bold"), safe(one_line(thread.title, 36)))

    # actions --------------------------------------------------------------------------
    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        if event.table.id == "boards":
            self.query_one("#threads", RowTable).focus()
        else:
            places.go(self, places.Thread(self.slug, int(event.key)))

    def action_back(self) -> None:
        self.dismiss()

    def action_focus_boards(self) -> None:
        self.query_one("#boards", RowTable).focus()

    def action_rules(self) -> None:
        if self.info is not None:
            self.app.push_screen(RulesScreen(self.info))

    def action_join(self) -> None:
        places.go(self, places.Join(self.slug), lambda _: self.reload())

    def action_events(self) -> None:
        places.go(self, places.Meetups(self.slug))

    def action_modlog(self) -> None:
        places.go(self, places.ModLog(self.slug))

    def action_members(self) -> None:
        moderator = self.check_action("moderate", ()) is True
        places.go(self, places.Members(self.slug, moderator=moderator))

    def action_chat(self) -> None:
        places.go(self, places.Chat(self.slug))

    def action_moderate(self) -> None:
        places.go(self, places.Moderation(self.slug))

    def action_new_thread(self) -> None:
        if self.board:
            places.go(self, places.NewThread(self.slug, self.board), self._after_compose)

    def _after_compose(self, post_id: int | None) -> None:
        if post_id is not None:
            self.reload()
            self.load_threads(self.board)
