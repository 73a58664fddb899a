"""A screen that follows the live bus: refreshes on relevant events, now or when shown again."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from textual import events, on
from textual.screen import Screen

from bbs.live import LiveEvent
from screens.widgets.session import session_of

ResultT = TypeVar("ResultT")


class LiveScreen(Screen[ResultT]):
    """Subscribes on mount, unsubscribes on unmount; `reload()` when `relevant(event)`.

    A screen hidden under another is only marked stale and reloads when it
    comes back, so a busy board costs nothing for screens no one is looking at.
    """

    REFRESH_ON_RESUME = False
    """Reload whenever the screen comes back (counts change while a person reads elsewhere)."""

    _live_token: int | None = None
    _stale: bool = False

    def relevant(self, event: LiveEvent) -> bool:
        """Whether this event changes what the screen shows."""
        return False

    def reload(self) -> None:
        """Load (again) what the screen shows."""

    def where(self) -> str | None:
        """Where a person looking at this screen is (for who's online), or None."""
        return None

    @on(events.Mount)
    def _live_subscribe(self) -> None:
        bus = session_of(self).forum.bus
        self._live_token = bus.subscribe(self._live_event, loop=asyncio.get_running_loop())

    @on(events.Unmount)
    def _live_unsubscribe(self) -> None:
        if self._live_token is not None:
            session_of(self).forum.bus.unsubscribe(self._live_token)
            self._live_token = None

    @on(events.ScreenResume)
    def _live_resume(self) -> None:
        place = self.where()
        if place is not None:
            session_of(self).move(place)
        if self._stale:
            self._stale = False
            self.reload()

    @on(events.ScreenSuspend)
    def _live_suspend(self) -> None:
        if self.REFRESH_ON_RESUME:
            self._stale = True

    def _live_event(self, event: LiveEvent) -> None:
        if not self.is_mounted or not self.relevant(event):
            return
        if self.is_current:
            self.reload()
        else:
            self._stale = True
