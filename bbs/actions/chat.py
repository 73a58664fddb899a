"""Live chat: who may read and speak in a room, saying a line, pages, mentions, moderation.

A room is a community's (its members speak; guests may read an open community's room)
or the board-wide lobby (everyone signed in; the sysop moderates it). Every line is
cleaned like a post and paced per person and room in the transaction that stores it
(`bbs.store.chat`); a line that @mentions someone is also paced as a `mention`, since
each is a notice in an inbox. Lines and pages reach people through the live bus
(`bbs.chat.events`); the lines of people a reader blocked are withheld (`may_reach`'s
rule, through `blocked_handles`).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator

from bbs.actions.base import Row
from bbs.actions.mail import MailActions
from bbs.actions.moderation import ModerationActions
from bbs.chat import events
from bbs.chat.models import ME, SAY, ChatLine, Page, Room, RoomSummary, mentioned
from bbs.chat.rooms import LOBBY
from bbs.errors import Forbidden, NotFound, RateLimited, TextError
from bbs.live_events import Kind, MailSent
from bbs.models import MemberRole, ModLogEntry, Person
from bbs.shown import Listing, instant, number, rows_to_models, text
from bbs.store.chat import Pace
from bbs.store.interface import ChatRoomBackend
from bbs.text import clean_field

DAY = 86_400.0
MUTE_MOST_MIN = 7 * 24 * 60
"""A moderator mutes someone in a room for at most a week at a time."""
EXCERPT = 300


def _line_model(room: str, row: Row) -> ChatLine:
    return ChatLine(
        id=number(row["id"]),
        room=room,
        handle=text(row["handle"]),
        text=text(row["text"]),
        at=instant(row["at"]),
        kind=ME if row["kind"] == ME else SAY,
        hidden=bool(row["hidden"]),
        hidden_reason=text(row["hidden_reason"]),
    )


def _soon(seconds: float) -> str:
    """A wait in words, rounded up: '1 s', '10 min', '3 h'."""
    whole = max(1, math.ceil(seconds - 1e-6))
    if whole < 120:
        return f"{whole} s"
    return f"{math.ceil(whole / 60)} min" if whole < 7200 else f"{math.ceil(whole / 3600)} h"


def _clock(at: float) -> str:
    return time.strftime("%H:%M", time.localtime(at))


class ChatActions(ModerationActions, MailActions):
    # rooms ------------------------------------------------------------------------------
    def chat_rooms(self, viewer: Person) -> list[RoomSummary]:
        """The rooms the viewer may read: the lobby (if signed in), then each community."""
        muted = self.muted_rooms(viewer)
        found = [] if viewer.is_guest else [RoomSummary(LOBBY, "The lobby", LOBBY in muted)]
        for standing in self._standings(viewer, self.hub.communities()):
            if standing.may_read:
                row = standing.community
                found.append(RoomSummary(row["slug"], row["name"], row["slug"] in muted))
        return found

    def chat_room(self, viewer: Person, room: str) -> Room:
        """A room as the viewer finds it (NotFound or Forbidden if they may not read it)."""
        row = self._room_row(viewer, room)
        silenced = None
        if not viewer.is_guest:
            silenced = self._room_store(room).muted_until(viewer.id, self.clock())
        return Room(
            name=room,
            title="The lobby" if row is None else str(row["name"]),
            community="" if row is None else room,
            can_speak=not self._why_not_speak(viewer, room, row),
            why_not=self._why_not_speak(viewer, room, row),
            moderator=self._moderates_room(viewer, room),
            muted=room in self.muted_rooms(viewer),
            silenced_until=silenced,
        )

    def _room_row(self, viewer: Person, room: str) -> Row | None:
        """The community row of a room (None: the lobby), if the viewer may read it."""
        if room == LOBBY:
            if viewer.is_guest:
                raise Forbidden("The lobby is for people signed in: sign up with a key to join.")
            return None
        return self._require_read(viewer, room).community

    def _why_not_speak(self, viewer: Person, room: str, row: Row | None) -> str:
        if viewer.is_guest:
            return "Guests can read but not speak. Sign up with a key to join in."
        if row is not None and self.member_role(viewer, room) is None and not viewer.is_sysop:
            return f"Join {row['name']} to speak in its room."
        return ""

    def _moderates_room(self, viewer: Person, room: str) -> bool:
        return viewer.is_sysop if room == LOBBY else self._is_moderator(viewer, room)

    def _room_store(self, room: str) -> ChatRoomBackend:
        keep = self.config.chat_keep_lines
        return self.hub.chat_room(keep) if room == LOBBY else self.store(room).chat_room(keep)

    def _chat_pace(self, viewer: Person) -> Pace:
        c = self.config
        if viewer.is_sysop:
            return Pace(0)
        if self.clock() - viewer.created < DAY:
            return Pace(c.chat_new_interval_s, c.chat_new_burst)
        return Pace(c.chat_interval_s, c.chat_burst)

    # reading ----------------------------------------------------------------------------
    def chat_lines(
        self, viewer: Person, room: str, since: int = 0, limit: int | None = None
    ) -> Listing[ChatLine]:
        """The room's newest lines after line `since`, oldest first: without those of people
        the viewer blocked, and without hidden ones (moderators see them, marked)."""
        self._room_row(viewer, room)
        most = limit if limit is not None else self.config.chat_scrollback
        rows = self._room_store(room).lines(
            since, min(most, self.config.chat_keep_lines), self._moderates_room(viewer, room)
        )
        blocked = self.blocked_handles(viewer)
        shown = [r for r in rows if r["handle"] not in blocked]
        return rows_to_models(
            shown, lambda r: _line_model(room, r), f"chat {room}", lambda r: r["id"]
        )

    # speaking ---------------------------------------------------------------------------
    def say(self, viewer: Person, room: str, words: str, *, action: bool = False) -> ChatLine:
        """Say a line in a room (`action`: "/me ..."); returns it once stored and sent.

        Refused (RateLimited) with when one may speak again; Forbidden for a guest, a
        non-member, someone muted here; TextError for an empty or too long line."""
        row = self._room_row(viewer, room)
        why = self._why_not_speak(viewer, room, row)
        if why:
            raise Forbidden(why)
        said = clean_field("chat", words)
        names = mentioned(said) - {viewer.handle}
        self._check_chat_mentions(viewer, names)
        names = frozenset(n for n in names if self.hub.person_by_handle(n) is not None)
        now = self.clock()
        kind = ME if action else SAY
        with self._mention_pacing(viewer, room, names):
            spoken = self._room_store(room).speak(
                viewer.id, viewer.handle, kind, said, now, self._chat_pace(viewer)
            )
            self._refuse_unspoken(viewer, spoken.muted_until, spoken.wait_s)
        line = ChatLine(spoken.line_id, room, viewer.handle, said, now, kind)
        self.bus.publish(events.line_event(line))
        if names:
            self._deliver_chat_mentions(viewer, room, row, line, names)
        return line

    @contextlib.contextmanager
    def _mention_pacing(self, viewer: Person, room: str, names: frozenset[str]) -> Iterator[None]:
        if not names:
            yield
            return
        with self._paced(viewer, "mention", community="" if room == LOBBY else room):
            yield

    def _check_chat_mentions(self, viewer: Person, names: frozenset[str]) -> None:
        new = self.clock() - viewer.created < DAY
        most = self.config.mentions_first_day if new else self.config.mentions_per_post
        if most and len(names) > most and not viewer.is_sysop:
            who = "New accounts" if new else "A line"
            raise TextError(
                f"{who} can mention {most} people in a line; this one mentions {len(names)}."
            )

    def _refuse_unspoken(self, viewer: Person, muted_until: float | None, wait_s: float) -> None:
        if muted_until is not None:
            raise Forbidden(
                f"A moderator muted you in this room until {_clock(muted_until)}"
                f" (in {_soon(muted_until - self.clock())})."
            )
        if wait_s:
            pace = self._chat_pace(viewer)
            every = "a second" if pace.interval_s == 1 else f"every {pace.interval_s:g} s"
            new = "New accounts: one" if pace.interval_s != self.config.chat_interval_s else "One"
            raise RateLimited(
                f"{new} line {every} here ({pace.burst} at once): "
                f"you may speak again in {_soon(wait_s)}."
            )

    def page(self, viewer: Person, room: str, handle: str, words: str) -> Page:
        """A private line from a room to one person (`/msg`), shown wherever they are in
        chat; paced as a line of the room. Nothing tells the sender they are blocked."""
        row = self._room_row(viewer, room)
        why = self._why_not_speak(viewer, room, row)
        if why:
            raise Forbidden(why)
        recipient = self._someone(handle)
        if recipient.id == viewer.id:
            raise Forbidden("A page goes to someone else.")
        said = clean_field("chat", words)
        now = self.clock()
        turn = self._room_store(room).take_turn(viewer.id, now, self._chat_pace(viewer))
        self._refuse_unspoken(viewer, turn.muted_until, turn.wait_s)
        page = Page(viewer.handle, recipient.handle, said, now, room)
        if self.may_reach(viewer, recipient):
            self.bus.publish(events.page_event(page))
        return page

    def _deliver_chat_mentions(
        self, viewer: Person, room: str, row: Row | None, line: ChatLine, names: frozenset[str]
    ) -> None:
        """Each @handle who may read the room, may be reached, and has not muted the room
        gets a notice in their inbox naming the line (shown as it is when read)."""
        people = [p for p in (self.person(h) for h in sorted(names)) if p is not None]
        people = people[: self.config.mentions_per_post or None]
        muted = self.hub.room_mutes().muted_by([p.id for p in people], room)
        title = "the lobby" if row is None else str(row["name"])
        for person in people:
            if person.id in muted or not self.may_reach(viewer, person):
                continue
            if row is not None and not self._may_read(person, row):
                continue
            self.hub.add_mail(
                viewer.id,
                person.id,
                f"@{viewer.handle} mentioned you in {title}'s chat",
                f"In the chat room of {title} ({room}), at {_clock(line.at)}:",
                self.clock(),
                kind="mention",
                ref=f"chat:{room}/{line.id}",
            )
            self._publish(Kind.MAIL, actor=viewer.handle, payload=MailSent(person.handle))

    def _quoted_chat(self, viewer: Person, ref: str) -> str:
        """A chat mention's line as it is now (hidden since: the moderator's reason)."""
        room, _, number_text = ref.removeprefix("chat:").rpartition("/")
        try:
            self._room_row(viewer, room)
        except (Forbidden, NotFound):
            return "\n\n(You can no longer read this room.)"
        found = self._room_store(room).line(int(number_text)) if number_text.isdigit() else None
        if found is None:
            return "\n\n(This line is gone: a room keeps its latest lines only.)"
        if found["hidden"] and not self._moderates_room(viewer, room):
            return f"\n\n(Hidden by a moderator: {found['hidden_reason']})"
        said = str(found["text"])
        return "\n\n" + (said if len(said) <= EXCERPT else said[:EXCERPT] + "…")

    # one's own ---------------------------------------------------------------------------
    def mute_room(self, viewer: Person, room: str, muted: bool = True) -> None:
        """Mute a room for oneself (its mentions reach no inbox), or unmute it."""
        self._require_person(viewer)
        self._room_row(viewer, room)
        self.hub.room_mutes().set_muted(viewer.id, room, muted, self.clock())

    def muted_rooms(self, viewer: Person) -> frozenset[str]:
        return frozenset() if viewer.is_guest else frozenset(self.hub.room_mutes().rooms(viewer.id))

    # moderation -------------------------------------------------------------------------
    def _require_room_moderator(self, viewer: Person, room: str) -> None:
        self._room_row(viewer, room)
        if not self._moderates_room(viewer, room):
            who = "the sysop" if room == LOBBY else "its moderators"
            raise Forbidden(f"Only {who} can do that in this room.")

    def _entry(self, viewer: Person, action: str, target: str, reason: str) -> Row:
        return {
            "at": self.clock(),
            "actor": viewer.handle,
            "action": action,
            "target": target,
            "reason": reason,
        }

    def _logged(self, room: str, viewer: Person) -> None:
        if room != LOBBY:
            self._publish(Kind.MOD_LOG, room, viewer.handle)

    def hide_line(self, viewer: Person, room: str, line_id: int, reason: str) -> ChatLine:
        """A moderator hides a line (with a reason, in the moderation log): gone for everyone."""
        self._require_room_moderator(viewer, room)
        reason = clean_field("reason", reason)
        store = self._room_store(room)
        found = store.line(line_id)
        if found is None:
            raise NotFound(f"There is no line {line_id} in this room.")
        excerpt = str(found["text"])[:60]
        target = f"chat line {line_id} by {found['handle']}: {excerpt}"
        hidden = store.hide(line_id, reason, self._entry(viewer, "hide chat line", target, reason))
        if hidden is None:
            raise NotFound(f"There is no line {line_id} in this room.")
        self.bus.publish(events.hidden_event(room, line_id, viewer.handle))
        self._logged(room, viewer)
        return _line_model(room, hidden)

    def mute_in_room(
        self, viewer: Person, room: str, handle: str, minutes: int, reason: str
    ) -> float:
        """A moderator mutes someone in a room for `minutes` (logged); when it ends."""
        self._require_room_moderator(viewer, room)
        person = self._someone(handle)
        if person.id == viewer.id:
            raise Forbidden("You cannot mute yourself.")
        owner = room != LOBBY and self.member_role(person, room) == MemberRole.OWNER
        if person.is_sysop or owner:
            raise Forbidden("The owner and the sysop cannot be muted.")
        if not 1 <= minutes <= MUTE_MOST_MIN:
            raise TextError(f"A mute lasts 1 to {MUTE_MOST_MIN:,} minutes (a week).")
        reason = clean_field("reason", reason)
        until = self.clock() + minutes * 60
        entry = self._entry(viewer, "mute in chat", f"{person.handle} for {minutes} min", reason)
        self._room_store(room).mute(person.id, until, viewer.handle, reason, entry)
        self.bus.publish(events.muted_event(room, person.handle, viewer.handle))
        self._logged(room, viewer)
        return until

    def unmute_in_room(self, viewer: Person, room: str, handle: str, reason: str = "") -> None:
        self._require_room_moderator(viewer, room)
        person = self._someone(handle)
        reason = clean_field("reason", reason, required=False)
        entry = self._entry(viewer, "unmute in chat", person.handle, reason)
        if not self._room_store(room).unmute(person.id, entry):
            raise NotFound(f"{person.handle} is not muted here.")
        self.bus.publish(events.muted_event(room, person.handle, viewer.handle))
        self._logged(room, viewer)

    def room_log(self, viewer: Person, room: str, limit: int = 50) -> list[ModLogEntry]:
        """The moderation log a room's acts go in: its community's, or the lobby's own."""
        if room != LOBBY:
            return self.moderation_log(viewer, room, limit)
        self._room_row(viewer, room)
        return [
            ModLogEntry(r["id"], r["at"], r["actor"], r["action"], r["target"], r["reason"])
            for r in self._room_store(room).mod_log(limit)
        ]
