"""A screen that follows the live bus: refreshes on relevant events, now or when shown again.

The bus never promises delivery: after a link to other hosts was lost (and in the rare
moment before a new subscription is live) it sends a resync, and every screen it may
concern loads again once, when it is seen: a lost event costs a reload, never a
silently wrong screen.
"""

from __future__ import annotations

import asyncio
from typing import TypeVar

from textual import events, on
from textual.app import App
from textual.message import Message
from textual.screen import ModalScreen, Screen

from bbs.live import Kind, LiveEvent
from bbs.live_events import Resync
from screens.engine.app import app_context
from screens.engine.lines import BlankBackground
from screens.widgets.session import session_of

ResultT = TypeVar("ResultT")


class LiveScreen(BlankBackground, Screen[ResultT]):
    """Subscribes on mount, unsubscribes on unmount; `reload()` when `relevant(event)`.

    A screen hidden under another is only marked stale and reloads when it
    comes back, so a busy board costs nothing for screens no one is looking at.
    """

    REFRESH_ON_RESUME = False
    """Reload whenever the screen comes back (counts change while a person reads elsewhere)."""

    SHOWS_PRESENCE = False
    """Whether the screen shows who is online (only then is it sent presence events)."""

    RELOAD_DELAY = 0.1
    """Seconds to gather live events before one reload (a one-shot timer, never polling)."""

    _live_token: int | None = None
    _stale: bool = False
    _reload_pending: bool = False
    _reload_all_pending: bool = False
    _live_app: App[object]

    def relevant(self, event: LiveEvent) -> bool:
        """Whether this event changes what the screen shows."""
        return False

    def reload(self) -> None:
        """Load (again) what the screen shows."""

    def reload_everything(self) -> None:
        """Load all of it again (events were lost); screens whose reload() only reads
        what is new since the last one override this."""
        self.reload()

    def _resync_concerns(self, event: LiveEvent) -> bool:
        """Whether a resync (events lost for a community, a person's mail, or all) is ours."""
        slug = getattr(self, "slug", None)
        if event.community:
            return slug is None or slug == event.community
        handle = event.payload.handle if isinstance(event.payload, Resync) else ""
        if handle:
            return slug is None and session_of(self).person.handle == handle
        return True

    def _wants(self, event: LiveEvent) -> bool:
        if event.kind == Kind.RESYNC:
            return self._resync_concerns(event)
        return self.relevant(event)

    def where(self) -> str | None:
        """Where a person looking at this screen is (for who's online), or None."""
        return None

    @on(events.Mount)
    def _live_subscribe(self) -> None:
        self._live_app = self.app
        bus = session_of(self).forum.bus
        self._live_token = bus.subscribe(
            self._live_event, loop=asyncio.get_running_loop(), presence=self.SHOWS_PRESENCE
        )

    @on(events.Unmount)
    def _live_unsubscribe(self) -> None:
        if self._live_token is not None:
            session_of(self).forum.bus.unsubscribe(self._live_token)
            self._live_token = None

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown (again): Textual would restyle every widget of the screen, here needlessly.

        Its styles were set when it was made, and what changes them while it is hidden
        (a theme) restyles every screen of the app. Textual's own handler runs after this
        one (handlers run class by class down the MRO, Screen's last) and sees
        `refresh_styles` off.
        """
        event.refresh_styles = False

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

    def quick_update(self, event: LiveEvent) -> bool:
        """Show `event` without a reload (cheap, in memory); True when that was enough."""
        return False

    class Arrived(Message):
        """A live event, handed from the bus's loop callback into the app's own context."""

        def __init__(self, event: LiveEvent) -> None:
            super().__init__()
            self.event = event

    def _live_event(self, event: LiveEvent) -> bool:
        # Called on the loop for every event of every session: drop what this screen would
        # ignore before it costs a message (presence made this O(sessions) per arrival).
        # relevant() runs in this app's context, not the publisher's. True: taken up (the
        # bus then lets the loop turn before the next session's delivery).
        if not self.is_mounted:
            return False
        try:
            with app_context(self._live_app):
                wanted = self._wants(event)
                if wanted and not self.in_view():
                    # Hidden under another screen: it reloads when shown, no message now.
                    # (Every sign-in reached every welcome screen below someone's thread.)
                    self._stale = True
                    return False
        except Exception:
            wanted = True  # let _live_arrived decide, in the app's own task
        if wanted:
            self.post_message(self.Arrived(event))
        return wanted

    @on(Arrived)
    def _live_arrived(self, message: Arrived) -> None:
        event = message.event
        if not self.is_mounted or not self._wants(event):
            return
        if not self.in_view():
            self._stale = True
        elif event.kind == Kind.RESYNC:
            self._reload_all_pending = True
            if not self._reload_pending:
                self._reload_pending = True
                self.set_timer(self.RELOAD_DELAY, self._debounced_reload)
        elif not self.quick_update(event) and not self._reload_pending:
            # A burst of events (a busy board, many people arriving) costs one reload.
            self._reload_pending = True
            self.set_timer(self.RELOAD_DELAY, self._debounced_reload)

    def in_view(self) -> bool:
        """On top, or under dialogs only (which are drawn over it, so it is still seen).

        Not Textual's `is_current`: that also counts the screen just below the top one
        (in case the top is see-through), so every thread's community screen reloaded on
        every new post as if it were being looked at.
        """
        for screen in reversed(self.app.screen_stack):
            if screen is self:
                return True
            if not isinstance(screen, ModalScreen):
                return False
        return False

    def _debounced_reload(self) -> None:
        self._reload_pending = False
        everything, self._reload_all_pending = self._reload_all_pending, False
        if not self.is_mounted:
            return
        if everything:
            self.reload_everything()
        else:
            self.reload()
