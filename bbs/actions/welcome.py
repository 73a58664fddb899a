"""The welcome screen's parts: the sysop's bulletin, one-liners, last callers, new posts."""

from __future__ import annotations

from bbs.actions.base import ForumBase
from bbs.errors import Forbidden
from bbs.live_events import Kind
from bbs.models import Caller, OneLiner, Person
from bbs.text import clean_field


class WelcomeActions(ForumBase):
    def board_name(self) -> str:
        return self.hub.setting("board_name", self.config.board_name)

    def bulletin(self) -> str:
        return self.hub.setting("bulletin", "")

    def set_bulletin(self, viewer: Person, text: str) -> None:
        """The sysop's bulletin, shown on everyone's welcome screen."""
        if not viewer.is_sysop:
            raise Forbidden("Only the sysop writes the bulletin.")
        self.hub.set_setting("bulletin", clean_field("body", text, multiline=True))

    def unread_count_since_last_visit(self, viewer: Person) -> int:
        """Posts by others in the viewer's communities since their previous visit: what
        the new scan lists, so none by people who may not reach the viewer."""
        if viewer.is_guest:
            return 0
        row = self.hub.person_by_id(viewer.id)
        since = row["previous_seen"] if row else 0.0
        blocked = self.hub.blocked_ids(viewer.id)
        return sum(
            self.store(m["community"]).count_since(since, viewer.id, without=blocked)
            for m in self.hub.memberships_of(viewer.id)
            if m["status"] == "active"
        )

    def oneliners(self, viewer: Person | None = None, limit: int = 20) -> list[OneLiner]:
        """The wall, newest first; without the lines of people the viewer blocked."""
        reader = viewer.id if viewer is not None and not viewer.is_guest else 0
        return [
            OneLiner(r["id"], r["handle"], r["text"], r["posted"])
            for r in self.hub.oneliners(limit, reader)
        ]

    def last_callers(self, limit: int = 10) -> list[Caller]:
        return [Caller(r["handle"], r["at"]) for r in self.hub.callers(limit)]

    def add_oneliner(self, viewer: Person, text: str) -> int:
        """Write on the one-liner wall (paced; the sysop is exempt)."""
        self._require_person(viewer)
        line = clean_field("oneliner", text)
        with self.hub.transaction(), self._paced(viewer, "oneliner"):
            line_id = self.hub.add_oneliner(viewer.id, line, self.clock())
        self._publish(Kind.ONELINER, actor=viewer.handle)
        return line_id
