"""A chat room: its lines as they are said, who is here, a line to type (and /commands).

Lines arrive whole in their live events and are drawn one by one (`ChatLog`); nothing
polls and nothing ticks: the room redraws when a line arrives, and the count of who is
here follows presence at most once a second. What the forum refuses (too soon, muted,
not a member) is said under the line being typed, which stays.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding

from bbs.chat import events
from bbs.chat.models import ME, ChatLine, Page, Room
from bbs.chat.rooms import LOBBY, people_in, place, rooms_of
from bbs.errors import ForumError
from bbs.live import PRESENCE_KINDS, LiveEvent
from bbs.shown import Listing
from screens.widgets.bars import KeyBar, TextLine, TitleBar
from screens.widgets.chat_log import ChatLog
from screens.widgets.forum_call import ErrorLine, deliver, ours
from screens.widgets.live import LiveScreen
from screens.widgets.quiet import QuietInput
from screens.widgets.safe import safe
from screens.widgets.session import session_of

PRESENCE_DELAY = 1.0
"""Seconds of arrivals and departures gathered into one redraw of who is here."""
MINE = "»"
"""Marks a line that mentions you (bold too: never told by colour alone)."""
HELP = (
    "/me TEXT  an action (* you TEXT)",
    "/who  who is in the room",
    "/msg HANDLE TEXT  a page: a private line to someone in chat",
    "/away [REASON]  say you are away (again: back)",
    "/mute  mute this room for yourself (its mentions stay out of your inbox); /unmute",
    "/log  the room's moderation log",
    "/leave  leave the room (or Escape)",
    "//TEXT  a line that starts with /",
)
MOD_HELP = (
    "/hide ID REASON  hide a line (ids are shown to moderators)",
    "/mute HANDLE MINUTES REASON  mute someone here for a time; /unmute HANDLE",
)


def clock(at: float) -> str:
    return time.strftime("%H:%M", time.localtime(at))


def line_text(line: ChatLine, me: str, moderator: bool) -> Text:
    """A line as the room shows it: time, who, words; one naming you marked and bold."""
    mine = line.names(me) and line.handle != me
    text = Text(f"{MINE} " if mine else "  ", style="bold" if mine else "")
    if moderator:
        text.append(f"#{line.id} ", style="dim")
    text.append(f"{clock(line.at)} ", style="dim")
    if line.kind == ME:
        text.append("* ")
        text.append_text(safe(line.handle, "bold"))
        text.append(" ")
    else:
        text.append_text(safe(line.handle, "bold"))
        text.append(": ")
    if line.hidden:
        text.append_text(safe(f"[hidden: {line.hidden_reason}] ", "italic"))
    text.append_text(safe(line.text, "bold" if mine else "strike" if line.hidden else ""))
    return text


def page_text(page: Page, me: str) -> Text:
    towards = f"page to {page.recipient}" if page.sender == me else f"page from {page.sender}"
    text = Text(f"{MINE} " if page.sender != me else "  ", style="bold")
    text.append(f"{clock(page.at)} ", style="dim")
    text.append_text(safe(f"[{towards}] ", "bold"))
    text.append_text(safe(page.text))
    return text


def note_text(words: str) -> Text:
    """A line for this person only (from a /command), not said in the room."""
    return Text.assemble(("  -- ", "dim"), safe(words, "italic"))


@dataclass(frozen=True)
class Loaded:
    room: Room
    lines: Listing[ChatLine]
    blocked: frozenset[str]
    everything: bool


class ChatScreen(LiveScreen[None]):
    """One room: `ChatScreen(room)` with a community's slug or `lobby`."""

    CSS_PATH = "chat.tcss"
    SHOWS_PRESENCE = True
    BINDINGS = [
        Binding("escape", "back", "Leave"),
        Binding("pageup", "scroll_log(-1)", "Scroll", key_display="PgUp/PgDn", priority=True),
        Binding("pagedown", "scroll_log(1)", "Scroll", show=False, priority=True),
    ]

    def __init__(self, room: str) -> None:
        super().__init__()
        self.room = room
        self.slug = None if room == LOBBY else room
        self.info: Room | None = None
        self.blocked: frozenset[str] = frozenset()
        self.newest = 0
        self.away: str | None = None
        self._presence_pending = False
        self._sending = False
        self._enter_pending = False
        """Enter was pressed while a line was on its way: say what is left once it has gone."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield TextLine(Text("Loading…"), id="chat-title")
        yield ChatLog(id="chat-log")
        yield ErrorLine(id="chat-error")
        yield QuietInput(
            placeholder="Say something, Enter to send; /help for commands",
            id="chat-input",
            max_length=2_100,
        )
        yield KeyBar()

    def on_mount(self) -> None:
        self._log = self.query_one(ChatLog)  # every line goes here: asked for once
        self.query_one(QuietInput).focus()
        self.reload()

    def where(self) -> str | None:
        return place(self.room, self.away)

    @property
    def me(self) -> str:
        return session_of(self).person.handle

    # live -------------------------------------------------------------------------------
    def relevant(self, event: LiveEvent) -> bool:
        if event.kind in events.ROOM_KINDS:
            return events.room_of(event) == self.room
        if (page := events.page_of(event)) is not None:
            return page.recipient == self.me
        if events.concerns_me(event, self.room, self.me):
            return True  # banned, say: the reload asks whether one may still be here
        return event.kind in PRESENCE_KINDS

    def quick_update(self, event: LiveEvent) -> bool:
        if event.kind in PRESENCE_KINDS:
            if not self._presence_pending:
                self._presence_pending = True
                self.set_timer(PRESENCE_DELAY, self._presence_changed)
            return True
        if self.info is None:
            return False
        if event.kind == events.LINE:
            line = events.line_of(event)
            if line is not None and line.id > self.newest and line.handle not in self.blocked:
                self.newest = line.id
                self._log.add(line.id, line_text(line, self.me, self.info.moderator))
            return True
        if event.kind == events.HIDDEN:
            if self.info.moderator:
                self.reload_everything()  # the line stays, marked hidden
            else:
                self.query_one(ChatLog).remove(events.hidden_id(event))
            return True
        if event.kind == events.PAGE:
            page = events.page_of(event)
            if page is not None and page.sender != self.me and page.sender not in self.blocked:
                self.query_one(ChatLog).add(("page", page.at), page_text(page, self.me))
            return True
        return False  # a mute of someone here: ask again what one may do

    def reload(self) -> None:
        self._load(self.newest)

    def reload_everything(self) -> None:
        self._load(0)

    @work(thread=True, exclusive=True, group="chat")
    def _load(self, since: int) -> None:
        session = session_of(self)
        forum, person = session.forum, session.person
        try:
            room = forum.chat_room(person, self.room)
            lines = forum.chat_lines(person, self.room, since=since)
            blocked = forum.blocked_handles(person)
        except ForumError as error:
            deliver(self, self._refused, str(error))
            return
        except Exception as error:  # ours: logged once, the session goes on
            deliver(self, self._refused, ours(self, error))
            return
        deliver(self, self._show, Loaded(room, lines, blocked, since == 0))

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.dismiss()

    def _show(self, loaded: Loaded) -> None:
        moderator_changed = self.info is not None and self.info.moderator != loaded.room.moderator
        self.info, self.blocked = loaded.room, loaded.blocked
        if moderator_changed and not loaded.everything:
            self.reload_everything()  # ids and hidden lines come and go with the role
            return
        log = self.query_one(ChatLog)
        if loaded.everything:
            log.clear()
            self.newest = 0
        for line in loaded.lines:
            if line.id > self.newest:
                self.newest = line.id
                log.add(line.id, line_text(line, self.me, loaded.room.moderator))
        if loaded.lines.unshown:
            log.add(None, note_text(f"{loaded.lines.unshown} lines could not be shown."))
        self._show_title()
        if not loaded.room.can_speak:
            self.query_one(ErrorLine).say(loaded.room.why_not)

    def _presence_changed(self) -> None:
        self._presence_pending = False
        if self.is_mounted:
            self._show_title()

    def _here(self) -> list[str]:
        online = session_of(self).presence.online()
        return [
            p.handle + (f" (away{': ' + p.why if p.why else ''})" if p.away else "")
            for p in people_in(online, self.room)
        ]

    def _show_title(self) -> None:
        info = self.info
        if info is None:
            return
        here = self._here()
        title = Text.assemble(safe(info.title, "bold"), " chat")
        title.append(f"  · {len(here)} here", style="")
        if here:
            title.append_text(safe(": " + ", ".join(here[:6]) + (" …" if len(here) > 6 else "")))
        if info.muted:
            title.append("  · muted by you", style="italic")
        if info.silenced_until and info.silenced_until > time.time():
            title.append(f"  · you are muted until {clock(info.silenced_until)}", style="bold")
        self.query_one("#chat-title", TextLine).update(title)

    # typing -----------------------------------------------------------------------------
    def on_input_submitted(self, event: QuietInput.Submitted) -> None:
        event.stop()
        if self._sending:  # Enter again while a line is on its way: said once it has gone
            self._enter_pending = True
            return
        self._submit(event.value.strip())

    def _submit(self, typed: str) -> None:
        if not typed:
            return
        self.query_one(ErrorLine).say("")
        if typed.startswith("/") and not typed.startswith("//"):
            self._command(typed)
        else:
            self._send(typed.removeprefix("/"), action=False)

    def _command(self, typed: str) -> None:
        word, _, rest = typed.partition(" ")
        word, rest = word.lower(), rest.strip()
        simple = {
            "/help": self._help,
            "/who": self._who,
            "/log": self._log,
            "/leave": self.action_back,
            "/quit": self.action_back,
        }
        if word in simple:
            self._done_typing()
            simple[word]()
        elif word == "/me":
            self._send(rest, action=True)
        elif word == "/msg":
            self._page(rest)
        elif word == "/away":
            self._done_typing()
            self._set_away(rest)
        elif word in ("/mute", "/unmute"):
            self._mute(word == "/mute", rest)
        elif word == "/hide":
            self._hide(rest)
        else:
            self.query_one(ErrorLine).say(f"There is no command {word}: /help lists them.")

    def _done_typing(self, sent: str | None = None) -> None:
        """The line went: take it out of the field, keeping what was typed after it meanwhile
        (typed on, "back now" then "/mute" was said as "back now/mute")."""
        self._sending = False
        field = self.query_one(QuietInput)
        typed = field.value.lstrip()
        if sent is None or typed.strip() == sent:
            field.value = ""
        elif sent and typed.startswith(sent):
            field.value = typed[len(sent) :].lstrip()
        if self._enter_pending:
            self._enter_pending = False
            self._submit(field.value.strip())

    def _note(self, words: str) -> None:
        self.query_one(ChatLog).add(None, note_text(words))

    def _help(self) -> None:
        moderator = self.info is not None and self.info.moderator
        for words in HELP + (MOD_HELP if moderator else ()):
            self._note(words)

    def _who(self) -> None:
        here = self._here()
        self._note(f"In the room ({len(here)}): {', '.join(here) or 'nobody'}")

    def _set_away(self, reason: str) -> None:
        self.away = None if self.away is not None and not reason else reason
        session_of(self).move(self.where() or "")
        self._note("You are back." if self.away is None else "You are away: /away again when back.")

    def _log(self) -> None:
        def show(entries: list) -> None:  # type: ignore[type-arg]
            for e in entries[:10]:
                self._note(f"{clock(e.at)} {e.actor}: {e.action} {e.target} ({e.reason})")
            if not entries:
                self._note("Nothing in the moderation log yet.")

        self._call(lambda f, p: f.room_log(p, self.room), show)

    # calls to the forum -----------------------------------------------------------------
    def _call(self, call, done, sent: str | None = None) -> None:  # type: ignore[no-untyped-def]
        """Run `call(forum, person)` in a thread; `done(result)`, or the refusal in words."""
        self._sending = True
        session = session_of(self)

        def run() -> None:
            try:
                result = call(session.forum, session.person)
            except ForumError as error:
                deliver(self, self._refused_here, str(error))
                return
            except Exception as error:  # ours: said, logged once
                deliver(self, self._refused_here, ours(self, error))
                return
            deliver(self, self._called, done, result, sent)

        self.run_worker(run, thread=True, group="chat-say")

    def _called(self, done, result, sent: str | None) -> None:  # type: ignore[no-untyped-def]
        self._done_typing(sent)
        done(result)

    def _refused_here(self, message: str) -> None:
        self._sending = False
        self._enter_pending = False  # the refusal is read first; what was typed stays
        self.query_one(ErrorLine).say(message)

    def _send(self, words: str, *, action: bool) -> None:
        typed = self.query_one(QuietInput).value.strip()
        if self.away is not None:
            self._set_away("")  # speaking is being back
        self._call(lambda f, p: f.say(p, self.room, words, action=action), lambda _: None, typed)

    def _page(self, rest: str) -> None:
        handle, _, words = rest.partition(" ")
        handle = handle.lstrip("@").lower()
        if not handle or not words.strip():
            self.query_one(ErrorLine).say("Write /msg HANDLE TEXT.")
            return
        if not rooms_of(session_of(self).presence.online(), handle):
            self.query_one(ErrorLine).say(
                f"{handle} is not in a chat room now: mail them instead (m on the welcome screen)."
            )
            return
        typed = self.query_one(QuietInput).value.strip()

        def sent(page: Page) -> None:
            self.query_one(ChatLog).add(("page", page.at), page_text(page, self.me))

        self._call(lambda f, p: f.page(p, self.room, handle, words), sent, typed)

    def _mute(self, mute: bool, rest: str) -> None:
        typed = self.query_one(QuietInput).value.strip()
        if not rest:
            words = "Muted: this room's mentions stay out of your inbox." if mute else "Unmuted."
            self._call(
                lambda f, p: f.mute_room(p, self.room, mute), lambda _: self._muted(words), typed
            )
            return
        handle, _, more = rest.partition(" ")
        handle = handle.lstrip("@")
        if not mute:
            self._call(
                lambda f, p: f.unmute_in_room(p, self.room, handle),
                lambda _: self._note(f"{handle} may speak here again."),
                typed,
            )
            return
        minutes, _, reason = more.strip().partition(" ")
        if not minutes.isdigit():
            self.query_one(ErrorLine).say("Write /mute HANDLE MINUTES REASON.")
            return
        self._call(
            lambda f, p: f.mute_in_room(p, self.room, handle, int(minutes), reason),
            lambda until: self._note(f"{handle} is muted here until {clock(until)}."),
            typed,
        )

    def _muted(self, words: str) -> None:
        self._note(words)
        self.reload()

    def _hide(self, rest: str) -> None:
        number, _, reason = rest.partition(" ")
        if not number.lstrip("#").isdigit():
            self.query_one(ErrorLine).say("Write /hide ID REASON (moderators see the ids).")
            return
        typed = self.query_one(QuietInput).value.strip()
        line_id = int(number.lstrip("#"))
        self._call(
            lambda f, p: f.hide_line(p, self.room, line_id, reason),
            lambda _: self._note(f"Line {line_id} is hidden."),
            typed,
        )

    # keys -------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_scroll_log(self, pages: int) -> None:
        log = self.query_one(ChatLog)
        if pages < 0:
            log.action_page_up()
        else:
            log.action_page_down()
