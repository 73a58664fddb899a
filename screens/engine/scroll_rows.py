"""A pane that follows new lines at its bottom moves the terminal's rows up and draws only the new.

Replaces, for line widgets that mix in `MovesRows`, the whole-pane repaint that
`textual.scroll_view.ScrollView.watch_scroll_y` asks for when the page follows its
newest line; and puts the terminal's own scroll in front of the next frame that
`textual._compositor.Compositor.render_update` makes for that screen, process-wide
(textual 8.2.8).
Why: every chat line scrolled every reader's log by a row or two, and Textual repaints a
scrolled pane whole: twenty rows rendered, written, encrypted and sent to each of a
hundred people for one new line. A terminal can move rows itself. Inside a scrolling
region (DECSTBM) an index (IND) moves the pane's rows up; the frame then draws only the
new rows and the scroll bar's cells that moved wrong (its rows moved with the page's),
in the same write. (While the page still fits, nothing moves: its new rows are drawn
below the others alone, where setting its `virtual_size`, a layout reactive, would lay
out and draw the whole screen for each line.) Only when the pane spans the screen's
width and nothing else is drawn on those rows (no toast over it, no pane beside it), and
nothing there waits to be repainted; otherwise the whole pane is repainted as before. A
frame drawn whole (a layout, a resize) drops the moves: it paints every row anyway.
Saves: see the README's performance section, row `scroll_rows` (`bench/chat.py`, run
with `BBS_ENGINE_OFF=scroll_rows` for before).
Guarded by: tests/test_ui_chat.py::test_lines_arriving_leave_the_terminal_as_a_full_redraw_would,
::test_lines_arriving_in_a_log_that_fits_draw_their_rows_alone
and ::test_a_toast_over_the_log_gets_the_whole_log_repainted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from rich.console import Console, RenderableType
from textual._compositor import ChopsUpdate, Compositor, CompositorUpdate
from textual.dom import NoScreen
from textual.geometry import Region, Size
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from screens.engine.switches import on

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.scroll_view import ScrollView as _Base
    from textual.widget import Widget
else:
    _Base = object

LEANS_ON = (
    "textual.scroll_view:ScrollView.watch_scroll_y",
    "textual._compositor:Compositor.render_update",
    "textual._compositor:Compositor.visible_widgets",
    "textual._compositor:ChopsUpdate",
    "textual._compositor:CompositorUpdate",
    "textual.widget:Widget._set_dirty",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""


@dataclass
class _Move:
    widget: Widget
    rows_on_screen: Region
    """The pane's place on the screen when its rows were moved (checked again at the frame)."""
    rows: int


_MOVES: WeakKeyDictionary[Compositor, list[_Move]] = WeakKeyDictionary()
"""Row moves waiting for their screen's next frame, by the screen's compositor."""


def moves_prefix(moves: list[_Move]) -> str:
    """The escape codes that move each pane's rows up on the terminal, margins reset after."""
    codes = []
    for move in moves:
        top, bottom = move.rows_on_screen.y + 1, move.rows_on_screen.bottom
        codes.append(f"\x1b[{top};{bottom}r\x1b[{bottom};1H" + "\x1bD" * move.rows)
    return "".join(codes) + "\x1b[r"


class MovedRowsUpdate(CompositorUpdate):
    """A partial frame with the terminal's row moves in front of it (one write, one sync)."""

    def __init__(self, prefix: str, update: ChopsUpdate) -> None:
        self.prefix = prefix
        self.update = update

    def __rich_console__(self, console: Console, options: Any) -> Any:
        yield from self.update.__rich_console__(console, options)

    def render_segments(self, console: Console) -> str:
        return self.prefix + self.update.render_segments(console)


_ORIGINAL_RENDER_UPDATE = Compositor.render_update


def _render_update_with_moves(
    self: Compositor,
    full: bool = False,
    screen_stack: list[Screen[Any]] | None = None,
    simplify: bool = False,
) -> RenderableType | None:
    """Compositor.render_update, with the rows moved since the last frame in front of it.

    A whole render asked for (a screenshot: it reaches no terminal) leaves the moves for
    the next frame.
    """
    if full or self not in _MOVES:
        return _ORIGINAL_RENDER_UPDATE(self, full, screen_stack, simplify)
    moves = _MOVES.pop(self)
    if any(not _still_alone(move) for move in moves):  # laid out since: draw every row
        return _ORIGINAL_RENDER_UPDATE(self, True, screen_stack, simplify)
    update = _ORIGINAL_RENDER_UPDATE(self, False, screen_stack, simplify)
    if not isinstance(update, ChopsUpdate):  # drawn whole, or nothing (cannot be: rows wait)
        return update
    return MovedRowsUpdate(moves_prefix(moves), update)


def _still_alone(move: _Move) -> bool:
    return _rows_of(move.widget, waiting_ok=True) == move.rows_on_screen


def _rows_of(widget: Widget, waiting_ok: bool = False) -> Region | None:
    """The pane's rows on the screen if it is alone on them, full width, and (unless
    `waiting_ok`: at the frame, its own new rows wait) none of them waits to be drawn."""
    try:
        screen = widget.screen
    except NoScreen:
        return None
    compositor = screen._compositor
    if widget not in compositor.visible_widgets:
        return None
    region, clip = compositor.visible_widgets[widget]
    if region.x != 0 or region.width != compositor.size.width or not clip.contains_region(region):
        return None
    content = widget.content_region
    if content.y != region.y or content.height != region.height:  # a border or padding rows
        return None
    ancestors = set(widget.ancestors_with_self)
    for other, (other_region, other_clip) in compositor.visible_widgets.items():
        if other in ancestors or other.parent is widget:  # under it, or its scroll bars
            continue
        if other_region.intersection(other_clip).overlaps(region):
            return None
    if not waiting_ok and any(dirty.overlaps(region) for dirty in compositor._dirty_regions):
        return None
    return region


class MovesRows(_Base):
    """Put first among a line widget's bases (`class ChatLog(MovesRows, TextPage)`);
    `follow_end(size)` scrolls to its newest line."""

    def follow_end(self, size: Size) -> None:
        """The page is now `size`, longer at its bottom: draw its new rows below the old if
        it still fits, else scroll to its end, moving the terminal's rows if it can, else
        repainting the page whole."""
        if not (self._grow_in_place(size) or self._move_rows_to_end(size)):
            self.virtual_size = size
            self.refresh()
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def _grow_in_place(self, size: Size) -> bool:
        """Draw the new rows of a page that fitted and still fits (nothing to scroll), alone;
        False (and nothing changed): it cannot. Setting `virtual_size` lays the screen out
        and draws it whole (a reactive with layout=True), and nothing moves here."""
        widget: Widget = self  # type: ignore[assignment]
        if not widget.is_mounted or not installed() or self.show_vertical_scrollbar:
            return False
        if widget._layout_required or widget._scroll_required or self.scroll_y:
            return False
        before = self.virtual_size
        content = self.scrollable_content_region
        if size.width != before.width or not before.height < size.height <= content.height:
            return False  # the first line (no width yet), nothing new, or it no longer fits
        self.set_reactive(type(self).virtual_size, size)
        self.vertical_scrollbar.set_reactive(ScrollBar.window_virtual_size, size.height)
        self.refresh(Region(0, before.height, content.width, size.height - before.height))
        return True

    def _move_rows_to_end(self, size: Size) -> bool:
        """Scroll to the end of a page grown to `size` by moving the terminal's rows; False
        (and nothing changed): it cannot, repaint it whole."""
        widget: Widget = self  # type: ignore[assignment]
        if not widget.is_mounted or not installed() or not self.show_vertical_scrollbar:
            return False  # not shown, or the page fitted: its scroll bar would come now
        screen = widget.screen
        if (
            widget._repaint_required
            or widget._layout_required
            or widget._scroll_required
            or getattr(screen, "holding", False)
            or not screen.is_current
        ):
            return False
        height = self.scrollable_content_region.height
        rows = size.height - self.virtual_size.height
        new_y = max(0, size.height - height)
        if round(self.scroll_y) + rows != new_y or rows <= 0:
            return False  # not at the end before, or nothing new
        compositor = screen._compositor
        moves = _MOVES.get(compositor, [])
        waiting = sum(move.rows for move in moves if move.widget is widget)
        if (widget._repaint_regions and not waiting) or waiting + rows >= height:
            return False  # something else of it waits to be drawn, or every row changes
        rows_on_screen = _rows_of(widget)
        if rows_on_screen is None:
            return False
        bar = self.vertical_scrollbar
        bar_before = _bar_lines(bar)
        self.set_reactive(type(self).virtual_size, size)  # none of these repaints it all
        self.set_reactive(type(self).scroll_target_y, float(new_y))
        self.set_reactive(type(self).scroll_y, float(new_y))
        bar.set_reactive(ScrollBar.window_virtual_size, size.height)
        bar.set_reactive(ScrollBar.position, float(new_y))
        _MOVES.setdefault(compositor, []).append(_Move(widget, rows_on_screen, rows))
        moved = waiting + rows
        content = self.scrollable_content_region
        self.refresh(Region(0, content.height - moved, content.width, moved))
        _repaint_bar(bar, bar_before, moved if not waiting else content.height)
        return True


def _bar_lines(bar: ScrollBar) -> list[Strip]:
    width, height = bar.size
    return bar.render_lines(Region(0, 0, width, height))


def _repaint_bar(bar: ScrollBar, before: list[Strip], moved: int) -> None:
    """Repaint the scroll bar's rows that moving `moved` rows up left wrong (the new rows,
    and where the thumb was and is), not the whole bar: its rows moved with the page's."""
    after = _bar_lines(bar)
    width = bar.size.width
    shifted = before[moved:]
    wrong = [y for y, line in enumerate(after) if y >= len(shifted) or line != shifted[y]]
    if wrong:
        bar.refresh(*(Region(0, y, width, 1) for y in wrong))


def installed() -> bool:
    """Whether frames carry row moves (the piece is on and its patch in place)."""
    return on("scroll_rows") and Compositor.render_update is _render_update_with_moves


def install(on: bool) -> None:
    """Row moves in front of their frames in place (or Textual's own render_update back)."""
    Compositor.render_update = (  # type: ignore[method-assign]
        _render_update_with_moves if on else _ORIGINAL_RENDER_UPDATE
    )
