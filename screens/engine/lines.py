"""Line widgets whose finished lines go to the compositor as they are, past the styles cache.

Replaces, for the widgets that draw their own lines (post tree, tables, post body, text
pages, title and key bars), `textual.widget.Widget.render_lines`, which passes every line
through `textual._styles_cache.StylesCache.render_widget` (padding, borders, background,
filters); and `Widget.refresh` for a plain repaint (`screens.engine.repaint`). For an
opaque screen, `Screen`'s own `render_lines` (`BlankBackground`) (textual 8.2.8).
Why: those widgets hand back lines that live as long as what they show, so each is padded
to the widget's width and filtered once, kept by identity, and handed back as it is on
every later frame; a screen draws itself under its widgets, 24 lines through StylesCache
each time it is shown, though its widgets cover nearly all of it.
Saves: see the README's performance section, rows `direct_lines` and `blank_background`
(`bench/step_cost.py --off direct_lines`, `bench/fanout.py --off direct_lines`).
Guarded by: tests/test_ui_thread.py::test_live_replies_and_keys_leave_the_terminal_as_a_full_
redraw_would and tests/test_snapshots.py (the main screens as drawn).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from screens.engine.repaint import repaint_now
from screens.engine.switches import on

if TYPE_CHECKING:
    from textual.widget import Widget

LEANS_ON = (
    "textual.widget:Widget.render_lines",
    "textual._styles_cache:StylesCache.render_widget",
    "textual._styles_cache:StylesCache.render",
    "textual._styles_cache:StylesCache.render_line",
    "textual.widget:Widget.notify_style_update",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""


class DirectLines:
    """Put first among a line widget's bases; it implements `render_line(y)` (the Line API).

    Borders other than a bottom rule, top or bottom padding and opacity go Textual's way.
    """

    _finished: dict[int, tuple[Strip, Strip]]
    _direct: tuple[int, bool, tuple[object, ...], object, Style] | None = None
    """(left padding, bottom rule, filters, background, style), or None: work it out again."""
    _line_width = -1
    """The width of a content line, while a frame takes lines (-1: ask Textual)."""

    def _prepare_lines(self) -> None:
        """Called before a frame takes lines (to redraw them if their colours changed)."""

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Widget:
        """Widget.refresh, but a plain repaint is handed to the screen at once (`repaint_now`)."""
        widget = cast("Widget", self)
        if layout or recompose or not repaint or not repaint_now(widget, regions):
            return super().refresh(  # type: ignore[misc, no-any-return]
                *regions, repaint=repaint, layout=layout, recompose=recompose
            )
        return widget

    def notify_style_update(self) -> None:
        self._direct = None
        super().notify_style_update()  # type: ignore[misc]

    def content_width(self) -> int:
        """The width of a line from render_line (asked of Textual once per frame)."""
        if self._line_width >= 0:
            return self._line_width
        return cast("Widget", self).scrollable_content_region.width

    def _plan_direct(self) -> tuple[int, bool, tuple[object, ...], object, Style] | None:
        widget = cast("Widget", self)
        styles = widget.styles
        top, _right, bottom, left = styles.padding
        if (
            top
            or bottom
            or any(edge[0] for edge in (styles.border_top, styles.border_left, styles.border_right))
            or any(edge[0] for edge in styles.outline)
            or styles.opacity < 1
            or widget.BLANK
        ):
            return None
        filters = tuple(widget.get_line_filters())
        return (
            left,
            bool(styles.border_bottom[0]),
            filters,
            widget.background_colors[1],
            (widget.rich_style),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._prepare_lines()
        widget = cast("Widget", self)
        direct = self._direct
        if direct is None:
            direct = self._direct = self._plan_direct() or (-1, False, (), None, Style())
        left, border_bottom, filters, background, style = direct
        if left < 0 or not on("direct_lines"):  # borders, top or bottom padding, opacity
            return super().render_lines(crop)  # type: ignore[misc, no-any-return]
        width, height = widget.outer_size  # not region: that asks the compositor each time
        content_height = height - border_bottom
        try:
            finished = self._finished
        except AttributeError:
            finished = self._finished = {}
        if len(finished) > 4 * max(height, 8):
            finished.clear()  # lines no longer shown (kept from being reused by id)
        self._line_width = widget.scrollable_content_region.width
        lines: list[Strip] = []
        try:
            for y in crop.line_range:
                if y >= content_height:  # the bottom rule, drawn (and cached) by Textual
                    rule = Region(0, y, width, 1)
                    lines.extend(widget._styles_cache.render_widget(widget, rule))
                    continue
                line = widget.render_line(y)
                known = finished.get(id(line))
                if known is None or known[0] is not line:
                    done = line
                    if left:
                        done = Strip.join([Strip.blank(left, style), done])
                    if done.cell_length < width:
                        done = done.extend_cell_length(width, style)
                    for line_filter in filters:
                        done = done.apply_filter(line_filter, background)  # type: ignore[arg-type]
                    known = finished[id(line)] = (line, done)
                lines.append(known[1])
        finally:
            self._line_width = -1
        if crop.x or crop.width != width:
            lines = [line.crop(crop.x, crop.x + crop.width) for line in lines]
        return lines


class BlankBackground:
    """Put before Screen in an opaque screen's bases: its own lines are its background.

    One blank line in the screen's colours, made once per width and style.
    """

    _blank_for: tuple[int, Style] | None = None
    _blank_line: Strip | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        widget = cast("Widget", self)
        if widget.styles.background.a < 1 or not on("blank_background"):  # something shows through
            return super().render_lines(crop)  # type: ignore[misc, no-any-return]
        style = widget.rich_style
        if self._blank_line is None or self._blank_for != (crop.width, style):
            line = Strip.blank(crop.width, style)
            background = widget.background_colors[1]
            for line_filter in widget.get_line_filters():
                line = line.apply_filter(line_filter, background)
            self._blank_for, self._blank_line = (crop.width, style), line
        return [self._blank_line] * crop.height
