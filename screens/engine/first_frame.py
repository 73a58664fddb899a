"""A screen that loads what it shows is drawn once, loaded, not first empty and then again.

Replaces, for screens that mix in `HoldsFirstFrame`, `textual.screen.Screen.
_compositor_refresh` while the screen waits for its first load, and marks the whole
screen dirty in the compositor on release (textual 8.2.8).
Why: a pushed screen was drawn at once with "Loading…" and empty lists, then drawn again
when its rows arrived a few milliseconds later (and the key line in between): two or
three full frames, each rendered, written and encrypted, where one would do. Until its
first load is shown (or `FIRST_FRAME_WAIT` passes) the terminal keeps showing the screen
before; keys already go to the new one.
Saves: see the README's performance section, row `first_frame` (`bench/step_cost.py
--off first_frame`: the path to a thread, Escape + Enter).
Guarded by: tests/test_ui_thread.py::test_a_thread_is_first_drawn_loaded_or_after_a_
moment_loading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.timer import Timer

from screens.engine.switches import on

if TYPE_CHECKING:
    from textual.screen import Screen as _Base
else:
    _Base = object

LEANS_ON = (
    "textual.screen:Screen._compositor_refresh",
    "textual.screen:Screen._on_timer_update",
    "textual._compositor:Compositor.render_update",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""


class HoldsFirstFrame(_Base):
    """Put before Screen among a screen's bases; `release_frames()` once its data is shown."""

    FIRST_FRAME_WAIT = 0.3
    """Seconds at most to keep the last screen up while this one loads."""

    _holding = True
    _hold_timer: Timer | None = None

    @property
    def holding(self) -> bool:
        """Whether the screen still waits for its first load before it draws."""
        return self._holding

    def hold_frames(self) -> None:
        """Draw nothing until `release_frames()` (or FIRST_FRAME_WAIT): it is about to load."""
        self._holding = True
        self._start_hold_timer()

    def release_frames(self) -> None:
        """What the screen shows is loaded: draw it whole."""
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        if self._holding:
            self._holding = False
            if not on("first_frame"):  # frames were drawn as they came: Textual's way
                return
            # One whole frame: a layout due now draws it (and takes the dirty widget);
            # otherwise the dirty screen does. Not refresh(): that drew a second one.
            self._compositor._dirty_regions.add(self._compositor.size.region)
            self._dirty_widgets.add(self)
            self.check_idle()

    def _on_mount(self) -> None:
        if self._holding:
            self._start_hold_timer()

    def _start_hold_timer(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.stop()
        self._hold_timer = self.set_timer(self.FIRST_FRAME_WAIT, self.release_frames)

    def _compositor_refresh(self) -> None:
        if self._holding and on("first_frame"):  # nothing reaches the terminal until release
            self._dirty_widgets.clear()
            self._compositor._dirty_regions.clear()
            return
        super()._compositor_refresh()
