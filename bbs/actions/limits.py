"""Throttles on writing: first-day limits, pacing, duplicates (the sysop is exempt)."""

from __future__ import annotations

import hashlib

from bbs.actions.base import ForumBase
from bbs.errors import RateLimited
from bbs.models import Person

DAY = 86_400.0
DUPLICATE_WINDOW_S = 300.0
# First-day limits, as Discourse sets them for new accounts.
FIRST_DAY = {"thread": 3, "reply": 10, "mail": 10}
# At most this many in an hour, whoever you are.
HOURLY = {"thread": 20, "reply": 120, "mail": 60}


def digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).lower().encode()).hexdigest()[:32]


def _in(seconds: float) -> str:
    seconds = max(1, int(seconds) + 1)
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"


class LimitsActions(ForumBase):
    def _before_write(self, viewer: Person, action: str, body: str) -> None:
        """Refuse with RateLimited (saying when to try again) if this write comes too soon."""
        if viewer.is_sysop:
            return
        kind = "thread" if action == "post" else action
        now = self.clock()
        recent = self.hub.activity_since(viewer.id, ("thread", "reply", "mail"), now - DAY)
        same_kind = [r for r in recent if r["kind"] == kind]
        if kind in ("thread", "reply"):
            self._check_pace(recent, now)
            self._check_duplicate(recent, body, now)
        if now - viewer.created < DAY and len(same_kind) >= FIRST_DAY[kind]:
            oldest = same_kind[-FIRST_DAY[kind]]["at"]
            raise RateLimited(
                f"New accounts can make {FIRST_DAY[kind]} of these on their first day; "
                f"try again in {_in(oldest + DAY - now)}."
            )
        hour = [r for r in same_kind if r["at"] > now - 3600]
        if len(hour) >= HOURLY[kind]:
            raise RateLimited(
                f"That is {HOURLY[kind]} in an hour; try again in "
                f"{_in(hour[0]['at'] + 3600 - now)}."
            )

    def _check_pace(self, recent: list[dict], now: float) -> None:
        posts = [r for r in recent if r["kind"] in ("thread", "reply")]
        gap = self.config.post_interval_s
        if posts and now - posts[-1]["at"] < gap:
            raise RateLimited(
                f"Slow down a little: you can post again in {_in(posts[-1]['at'] + gap - now)}."
            )

    @staticmethod
    def _check_duplicate(recent: list[dict], body: str, now: float) -> None:
        mark = digest(body)
        for r in recent:
            if r["digest"] == mark and now - r["at"] < DUPLICATE_WINDOW_S:
                raise RateLimited(
                    f"You posted exactly this {int(now - r['at'])} s ago; it is already there."
                )

    def _after_write(self, viewer: Person, action: str, body: str) -> None:
        kind = "thread" if action == "post" else action
        self.hub.record_activity(viewer.id, kind, self.clock(), digest(body))

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
        self._after_write(viewer, "thread" if kind == "thread" else "reply", body)
        super()._after_post(viewer, slug, board_id, thread_id, post_id, body, kind, reply)
